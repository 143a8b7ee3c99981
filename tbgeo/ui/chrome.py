"""Page chrome shared by every page: the language switch and the user name, in the sidebar; links between pages."""

from __future__ import annotations

import streamlit as st

from tbgeo import settings
from tbgeo.i18n import t
from tbgeo.ui.state import Key

__all__ = ["lang", "sidebar", "page_link"]

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


def page_link(url: str, label: str, *, icon: str | None = None) -> bool:
    """A link to the page served at ``url`` (e.g. "map"), in the same tab and session; False (nothing
    drawn) when this session's navigation does not hold that page."""
    page = (st.session_state.get(Key.NAV_PAGES) or {}).get(url)
    if page is None:
        return False
    st.page_link(page, label=label, icon=icon)
    return True
