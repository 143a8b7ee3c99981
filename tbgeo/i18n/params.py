"""Typed message parameters: values a catalog message is filled with, written in the reader's language.

A message's parameters may be plain text (inserted as written) or one of these types, formatted when
the message is shown (``t()`` knows nothing of them): a number the reader's way (``Num``), a catalog
word (``Text``), a nested message (``Template``), several of them joined (``Joined``), a name known in
both languages (``Bilingual``), shares of an area (``Shares``). Errors and review findings use the
same types, so a stored or raised message can be said later in either language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tbgeo.i18n import fmt_number, t

__all__ = [
    "Num", "Shares", "Bilingual", "Text", "Template", "Joined", "PARAM_TYPES", "DIGITS", "fmt_param", "fmt_value",
    "localize",
]  # fmt: skip


@dataclass(frozen=True)
class Num:
    """A number in a message, written the way the reader's language writes it (``4,00`` / ``4.00``)."""

    value: float
    digits: int = 2


@dataclass(frozen=True)
class Shares:
    """(name, share 0–1) pairs for a message: ``Kiến Xương (75,0 %), Tiền Hải (25,0 %)``."""

    items: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Bilingual:
    """A name known in both languages (a sector's name), shown in the reader's language."""

    vi: str
    en: str


@dataclass(frozen=True)
class Text:
    """A catalog message for a message parameter (a status word: ``Text("review.page.st_approved")``),
    shown in the reader's language; ``fallback`` when the catalog has no such key (a raw data value)."""

    key: str
    fallback: str | None = None


@dataclass(frozen=True)
class Template:
    """A catalog message with its own parameters, formatted in the reader's language (a list item)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Joined:
    """Several parameters joined by ``sep_key`` (a catalog key, e.g. ``review.join.and``) or ``, ``."""

    items: tuple[Any, ...]
    sep_key: str | None = None


def fmt_param(value: Any, lang: str) -> Any:
    """A message parameter as ``lang`` writes it: numbers with its decimal mark, catalog words translated."""
    return _fmt(value, lang)


def _fmt(value: Any, lang: str) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Bilingual):
        return value.en if lang == "en" else value.vi
    if isinstance(value, Text):
        text = t(value.key, lang)
        return value.fallback if text == value.key and value.fallback is not None else text
    if isinstance(value, Template):
        return t(value.key, lang, **{k: _fmt(v, lang) for k, v in value.params.items()})
    if isinstance(value, Joined):
        sep = t(value.sep_key, lang) if value.sep_key else ", "
        return sep.join(str(_fmt(v, lang)) for v in value.items)
    if isinstance(value, Num):
        return fmt_number(value.value, lang, value.digits)
    if isinstance(value, Shares):
        return ", ".join(f"{name} ({fmt_number(share * 100.0, lang, 1)} %)" for name, share in value.items)
    if isinstance(value, int):  # a finding's count or amount (errors leave their own ints as written)
        return fmt_number(value, lang, 0)
    if isinstance(value, float):
        return fmt_number(value, lang, 2)
    return value


#: The parameter types above (plain ``int``/``float`` are formatted by findings, kept as written by errors).
PARAM_TYPES = (Num, Shares, Bilingual, Text, Template, Joined)


#: Decimals shown for a plain float parameter, by parameter name (others: as many as the value needs, ≤ 8).
DIGITS: dict[str, int] = {
    "lat": 4, "lon": 4, "km": 0, "near": 0, "xmin": 3, "xmax": 3, "ymin": 3, "ymax": 3, "size": 1, "ratio": 0,
}  # fmt: skip


def _auto_digits(value: float) -> int:
    text = f"{value:.8f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def fmt_value(value: float, lang: str, *, digits: int | None = None) -> str:
    """``value`` as ``lang`` writes it (``0,9999`` / ``1.234,5`` in Vietnamese); ``—`` for a non-finite value."""
    if not math.isfinite(value):
        return "—"
    return fmt_number(value, lang, _auto_digits(value) if digits is None else digits)


def localize(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Message parameters ready for ``t``: the types above formatted for ``lang``; a plain float written
    with ``DIGITS[name]`` decimals (or as many as it needs); a ``(key, params)`` pair is a nested message.
    Integers (counts, EPSG codes) and text are inserted as written."""
    out = dict(params)
    for key, value in params.items():
        if isinstance(value, PARAM_TYPES):
            out[key] = _fmt(value, lang)
        elif isinstance(value, tuple | list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict):
            out[key] = t(value[0], lang, **localize(value[1], lang))
        elif isinstance(value, float):
            out[key] = fmt_value(value, lang, digits=DIGITS.get(key))
    return out
