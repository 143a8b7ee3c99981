"""A box for a decimal number that shows and takes the reader's decimal mark (``1,5`` in Vietnamese).

Streamlit's number box writes ``1.50`` whatever the language and refuses ``1,5``. This is a text box
of tbgeo's own: the value is shown the language's way (``tbgeo.i18n.numbers.format_decimal``), what the
user types is read by ``parse_decimal`` (``1,5`` and ``1.5`` alike, within the field's range), and a
number that cannot be read is said under the box in the user's language.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from tbgeo.errors import InputError
from tbgeo.i18n.numbers import format_decimal, parse_decimal
from tbgeo.ui.text import error_text

__all__ = ["decimal_input"]


def decimal_input(label: str, value: float, lang: str, *, key: str, min_value: float | None = None,
                  max_value: float | None = None, digits: int = 2, help: str | None = None,
                  disabled: bool = False, container: Any = None) -> float | None:
    """The number in the box (``value`` at first), or None when it cannot be read or is out of
    range — the reason is then shown under the box, in ``lang``."""
    box = st if container is None else container
    if key in st.session_state and not isinstance(st.session_state[key], str):
        # a number put there by the page (a reopened proposal): shown the language's way
        st.session_state[key] = format_decimal(float(st.session_state[key]), lang, digits)
    if key in st.session_state:
        text = box.text_input(label, key=key, help=help, disabled=disabled)
    else:
        text = box.text_input(label, value=format_decimal(value, lang, digits), key=key, help=help, disabled=disabled)
    try:
        return parse_decimal(text, label=label, min_value=min_value, max_value=max_value)
    except InputError as exc:
        if disabled:  # a box the page does not use now: its value does not matter
            return value
        box.error(error_text(exc, lang))
        return None
