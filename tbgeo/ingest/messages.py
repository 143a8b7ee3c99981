"""Ingest messages (stored as (key, params) pairs) said in the user's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tbgeo.i18n import t
from tbgeo.i18n.params import localize

__all__ = ["message", "render_messages"]


def message(key: str, params: Mapping[str, Any], lang: str) -> str:
    """A stored (key, params) pair as text in ``lang``."""
    return t(key, lang, **localize(params, lang))


def render_messages(pairs: list[tuple[str, dict[str, Any]]], lang: str) -> list[str]:
    return [message(k, p, lang) for k, p in pairs]
