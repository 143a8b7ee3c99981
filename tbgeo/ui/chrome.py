"""Page chrome shared by every page: the language switch and the user name, in the sidebar; links between pages."""

from __future__ import annotations

import streamlit as st

from tbgeo import settings
from tbgeo.i18n import t
from tbgeo.ui import localize
from tbgeo.ui.state import Key

__all__ = ["lang", "sidebar", "page_link", "uploader_css"]

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
    st.html(uploader_css(lang()))
    localize.mount(lang())  # Streamlit's own English (tooltips, placeholders, status) in the reader's words
    return lang()


def uploader_css(lang: str) -> str:
    """A style sheet that gives Streamlit's file uploader its words from the catalog: Streamlit writes
    its button ("Upload"), its limits ("200MB per file • ZIP") and its drop hint in English whatever
    the page's language, and has no option for them (nor for "Press Enter to apply" under a text box,
    which is hidden when the page is not in English). The labels of tbgeo's uploaders already name the
    file types and their own limits (which tbgeo checks and explains in the reader's language)."""
    def css_text(key: str) -> str:  # a CSS string: quotes and backslashes escaped, no markup
        return '"' + t(key, lang).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'

    zone = '[data-testid="stFileUploaderDropzone"]'
    return (
        "<style>"
        f"{zone} button [data-testid=\"stMarkdownContainer\"] p {{display:none}}"
        f"{zone} button [data-testid=\"stMarkdownContainer\"]::after {{content:{css_text('app.uploader_button')}}}"
        f"{zone} [data-testid=\"stFileUploaderDropzoneInstructions\"] span {{display:none}}"
        f"{zone} [data-testid=\"stFileUploaderDropzoneInstructions\"] div::after "
        f"{{content:{css_text('app.uploader_hint')};font-size:0.875rem;opacity:0.7}}"
        # "Press Enter to apply" under a box being typed in: Streamlit's English, a hint only
        + ('[data-testid="InputInstructions"] {display:none}' if lang != "en" else "")
        + localize.LOCALIZE_CSS
        + "</style>"
    )


def page_link(url: str, label: str, *, icon: str | None = None) -> bool:
    """A link to the page served at ``url`` (e.g. "map"), in the same tab and session; False (nothing
    drawn) when this session's navigation does not hold that page."""
    page = (st.session_state.get(Key.NAV_PAGES) or {}).get(url)
    if page is None:
        return False
    st.page_link(page, label=label, icon=icon)
    return True
