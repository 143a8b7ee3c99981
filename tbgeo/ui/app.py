"""Navigation: every module in ``tbgeo.ui.pages`` with ``ORDER``, ``TITLE_KEY``, ``URL`` and ``render(lang)``."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import streamlit as st

from tbgeo.i18n import t
from tbgeo.ui import chrome, pages

__all__ = ["run", "page_modules"]


def page_modules() -> list[ModuleType]:
    """The page modules in their menu order."""
    mods = []
    for info in pkgutil.iter_modules(pages.__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{pages.__name__}.{info.name}")
        if hasattr(mod, "render") and hasattr(mod, "ORDER"):
            mods.append(mod)
    return sorted(mods, key=lambda m: m.ORDER)


def run() -> None:
    st.set_page_config(page_title="tbgeo", page_icon="🗺️", layout="wide")
    lang = chrome.sidebar()
    entries = []
    for mod in page_modules():
        entries.append(
            st.Page(
                lambda mod=mod: mod.render(chrome.lang()),
                title=t(mod.TITLE_KEY, lang),
                icon=getattr(mod, "ICON", None),
                url_path=mod.URL,
                default=mod.ORDER == min(m.ORDER for m in page_modules()),
            )
        )
    st.navigation(entries).run()
