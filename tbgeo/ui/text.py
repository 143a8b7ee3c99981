"""Text from a file or a user on a Streamlit page: always shown as text, never as Markdown or HTML.

Streamlit reads Markdown in st.markdown, st.info/warning/error/success, st.caption, widget labels,
radio options, expanders and tabs. A crafted file, layer, .prj or site name such as
``[sign in again](http://evil) ![x](http://evil/t.png)`` would become a live link and a tracking image.
Every page passes such text through these helpers (st.dataframe and selectbox options are plain text).
"""

from __future__ import annotations

import re
from typing import Any

from tbgeo.errors import Num
from tbgeo.i18n import t
from tbgeo.safetext import markdown_text

__all__ = ["plain", "say", "bold", "error_text"]

#: A number as ``fmt_number`` writes it (``1.234,56``, ``-0.5``): nothing to escape.
_NUMBER = re.compile(r"[-+]?\d[\d.,\u00a0 ]*")


def plain(value: object) -> str:
    """``value`` (a name, comment, message holding file text) escaped so Markdown shows it as written."""
    return markdown_text(value)


def say(key: str, lang: str, /, **params: Any) -> str:
    """The catalog message ``key`` with every text parameter escaped (the catalog's own text kept)."""
    return t(key, lang, **{k: v if isinstance(v, (int, float, Num)) or _NUMBER.fullmatch(str(v)) else plain(v)
                           for k, v in params.items()})


def bold(key: str, lang: str) -> str:
    """A catalog heading as bold Markdown, its text escaped (every heading the same way)."""
    return f"**{plain(t(key, lang))}**"


def error_text(exc: Any, lang: str) -> str:
    """A TbgeoError's message, escaped: its parameters often come from the user's file."""
    return plain(exc.message(lang))
