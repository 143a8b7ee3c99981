"""Page chrome shared by every page: the language switch and the user name, in the sidebar."""

from __future__ import annotations

import streamlit as st

from tbgeo import settings
from tbgeo.i18n import t
from tbgeo.ui.state import Key

__all__ = ["lang", "sidebar"]

_LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def lang() -> str:
    """The language chosen in this session (Vietnamese by default)."""
    value = st.session_state.get(Key.LANG, settings.default_lang())
    return value if value in settings.LANGS else "vi"


def sidebar() -> str:
    """Draw the common sidebar controls and return the language."""
    if Key.LANG not in st.session_state:
        st.session_state[Key.LANG] = settings.default_lang()
    current = lang()
    st.sidebar.radio(
        t("app.language", current),
        options=list(settings.LANGS),
        format_func=lambda code: _LANG_NAMES[code],
        key=Key.LANG,
        horizontal=True,
    )
    return lang()
