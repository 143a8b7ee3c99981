"""Ingest messages (stored as (key, params) pairs) said in the user's language, and library details for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tbgeo.i18n import t
from tbgeo.i18n.params import localize
from tbgeo.safetext import library_detail

__all__ = ["message", "render_messages", "tech"]


def message(key: str, params: Mapping[str, Any], lang: str) -> str:
    """A stored (key, params) pair as text in ``lang``."""
    return t(key, lang, **localize(params, lang))


def render_messages(pairs: list[tuple[str, dict[str, Any]]], lang: str) -> list[str]:
    return [message(k, p, lang) for k, p in pairs]


def tech(exc: BaseException) -> str:
    """A library's own error text, one line, for the "(technical detail: …)" tail of our messages
    (no server folders: see ``safetext.library_detail``)."""
    return library_detail(exc)
