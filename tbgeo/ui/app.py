"""Navigation: the page registry. A page module is imported only when its page is shown.

Each page is a module in ``tbgeo.ui.pages`` with a ``render(lang)`` function; its menu entry is a
PageInfo here. Importing lazily keeps heavy libraries of other pages (matplotlib, exactextract, …)
off the start-up path of the map.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from types import ModuleType

import streamlit as st

from tbgeo.auth import Identity, allowed
from tbgeo.errors import TbgeoError
from tbgeo.i18n import t
from tbgeo.ui import address, chrome, signin
from tbgeo.ui.state import Key
from tbgeo.ui.text import error_text

__all__ = ["PageInfo", "PAGES", "run"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageInfo:
    """A menu entry: the page module, its title's message key, a Material icon, its URL path, and the
    actions of which the user needs at least one to see it (``tbgeo.auth.ACTIONS``)."""

    module: str
    title_key: str
    icon: str
    url: str
    needs: tuple[str, ...] = ("view",)

    def shown_to(self, who: Identity) -> bool:
        return any(allowed(who, action) for action in self.needs)

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)

    def render(self) -> None:
        """Show the page; a domain error (bad layer file, bad input) becomes a message, not a traceback."""
        lang = chrome.lang()
        try:
            self.load().render(lang)
        except TbgeoError as exc:
            st.error(error_text(exc, lang))
        except Exception:  # a fault in tbgeo itself: the traceback goes to the server's log, not the page
            log.exception("page %s failed", self.module)
            st.error(t("app.unexpected_error", lang))


#: The browser tab's icon (a factory, in the map's park colour), drawn here so nothing is fetched.
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#b2182b" '
    'd="M2 21V10l6 4V10l6 4V3h3v11h5v7z"/></svg>'
)

PAGES: tuple[PageInfo, ...] = (
    PageInfo("tbgeo.ui.pages.map", "map.page_title", ":material/map:", "map"),
    PageInfo("tbgeo.ui.pages.review", "review.page.title", ":material/fact_check:", "review",
             ("review", "proposal.decide", "proposal.comment", "proposal.tidy")),
    PageInfo("tbgeo.ui.pages.upload", "ingest.page_title", ":material/upload_file:", "upload",
             ("layer.import", "layer.rollback", "layer.export")),
    PageInfo("tbgeo.ui.pages.print_", "print.title", ":material/print:", "print"),
    PageInfo("tbgeo.ui.pages.targets", "targets.title", ":material/monitoring:", "targets"),
    PageInfo("tbgeo.ui.pages.search", "search.page.title", ":material/travel_explore:", "search", ("review",)),
    PageInfo("tbgeo.ui.pages.data", "data.page_title", ":material/menu_book:", "data"),
)


def run() -> None:
    # the tab's icon as an SVG of its own: a ":material/…:" icon makes the browser fetch it from
    # fonts.gstatic.com (Streamlit's front end links the favicon there), which an offline office cannot
    st.set_page_config(page_title="tbgeo", page_icon=FAVICON_SVG, layout="wide")
    address.restore()  # the first run of a session takes the language and the site from the address
    lang = chrome.sidebar()
    address.write(lang)
    who = signin.identity(lang)  # stops at the sign-in form until someone signs in
    home, *others = [info for info in PAGES if info.shown_to(who)]
    # The first page is served at "/" (Streamlit keeps the default page's own path, so it gets
    # "home"); a hidden second entry makes its usual address (/map) lead to it, not to "Page not found".
    entries = [st.Page(home.render, title=t(home.title_key, lang), icon=home.icon, url_path="home", default=True)]
    entries += [st.Page(info.render, title=t(info.title_key, lang), icon=info.icon, url_path=info.url) for info in others]
    entries.append(
        st.Page(home.render, title=t(home.title_key, lang), icon=home.icon, url_path=home.url, visibility="hidden")
    )
    # links between pages (the upload's result links to the map) name the page as navigation holds it
    st.session_state[Key.NAV_PAGES] = {home.url: entries[0], **{info.url: e for info, e in zip(others, entries[1:])}}
    st.navigation(entries).run()
