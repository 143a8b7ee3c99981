"""Typed message parameters: values a catalog message is filled with, written in the reader's language.

A message's parameters may be plain text (inserted as written) or one of these types, formatted when
the message is shown (``t()`` knows nothing of them): a number the reader's way (``Num``), a catalog
word (``Text``), a nested message (``Template``), several of them joined (``Joined``), a name known in
both languages (``Bilingual``), shares of an area (``Shares``). Errors and review findings use the
same types, so a stored or raised message can be said later in either language: ``dump_param`` writes
one as JSON with a type tag (``{"$type": "num", "value": 4.0, "digits": 2}``), ``load_param`` reads it back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from tbgeo.i18n import fmt_number, t

__all__ = [
    "When",
    "VN_TIME",
    "fmt_when",
    "vietnam_today",
    "Num", "Shares", "Bilingual", "Text", "Template", "Joined", "PARAM_TYPES", "DIGITS", "fmt_param", "fmt_value",
    "localize", "TYPE_KEY", "dump_param", "load_param",
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


#: Vietnam's time (UTC+7, no daylight saving): the zone every time is shown in.
VN_TIME = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class When:
    """A moment stored as ISO 8601 (UTC), shown in Vietnam's time: ``03/12/2026 14:05`` in Vietnamese,
    ``2026-12-03 14:05 (UTC+7)`` in English."""

    iso: str


def fmt_when(iso: str | None, lang: str) -> str:
    """A stored time (ISO 8601; UTC when it names no zone) as ``lang`` writes it, in Vietnam's time;
    text that is not a time is returned as it is, ``—`` for none."""
    if not iso:
        return "—"
    try:
        moment = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(VN_TIME)
    return local.strftime("%d/%m/%Y %H:%M") if lang == "vi" else local.strftime("%Y-%m-%d %H:%M (UTC+7)")


def _utc_now() -> datetime:
    """The clock every "today" is read from (a test sets it)."""
    return datetime.now(UTC)


def vietnam_today(now: datetime | None = None) -> date:
    """Today's date in Vietnam (UTC+7), whatever the server's zone: the day a sheet is dated by
    (at 20:00 UTC on 3/12 it is already 4/12 in Vietnam). ``now``: the moment (UTC when it names no zone)."""
    moment = now or _utc_now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VN_TIME).date()


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
    if isinstance(value, When):
        return fmt_when(value.iso, lang)
    if isinstance(value, Shares):
        return ", ".join(f"{name} ({fmt_number(share * 100.0, lang, 1)} %)" for name, share in value.items)
    if isinstance(value, int):  # a finding's count or amount (errors leave their own ints as written)
        return fmt_number(value, lang, 0)
    if isinstance(value, float):
        return fmt_number(value, lang, 2)
    return value


#: The parameter types above (plain ``int``/``float`` are formatted by findings, kept as written by errors).
PARAM_TYPES = (Num, Shares, Bilingual, Text, Template, Joined, When)


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


#: The key of a serialised parameter's type tag, and each type's tag.
TYPE_KEY = "$type"
_TAGS: dict[type, str] = {Num: "num", Shares: "shares", Bilingual: "bilingual", Text: "text", Template: "template",
                          Joined: "joined", When: "when"}


def dump_param(value: Any) -> Any:
    """A message parameter as JSON data: the types above (and tuples, kept apart from lists) tagged with
    ``$type``; text, numbers, None, lists and mappings as they are, their members dumped in turn."""
    if isinstance(value, Num):
        return {TYPE_KEY: "num", "value": value.value, "digits": value.digits}
    if isinstance(value, When):
        return {TYPE_KEY: "when", "iso": value.iso}
    if isinstance(value, Shares):
        return {TYPE_KEY: "shares", "items": [[name, share] for name, share in value.items]}
    if isinstance(value, Bilingual):
        return {TYPE_KEY: "bilingual", "vi": value.vi, "en": value.en}
    if isinstance(value, Text):
        return {TYPE_KEY: "text", "key": value.key, "fallback": value.fallback}
    if isinstance(value, Template):
        return {TYPE_KEY: "template", "key": value.key, "params": {k: dump_param(v) for k, v in value.params.items()}}
    if isinstance(value, Joined):
        return {TYPE_KEY: "joined", "items": [dump_param(v) for v in value.items], "sep_key": value.sep_key}
    if isinstance(value, tuple):
        return {TYPE_KEY: "tuple", "items": [dump_param(v) for v in value]}
    if isinstance(value, list):
        return [dump_param(v) for v in value]
    if isinstance(value, Mapping):
        if TYPE_KEY in value:
            raise ValueError(f"a mapping parameter may not have the key {TYPE_KEY!r}")
        return {str(k): dump_param(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot store a message parameter of type {type(value).__name__}")


def load_param(data: Any) -> Any:
    """The message parameter ``dump_param`` wrote as ``data`` (after a trip through JSON)."""
    if isinstance(data, list):
        return [load_param(v) for v in data]
    if not isinstance(data, Mapping):
        return data
    tag = data.get(TYPE_KEY)
    if tag is None:
        return {k: load_param(v) for k, v in data.items()}
    if tag == "num":
        return Num(data["value"], int(data["digits"]))
    if tag == "when":
        return When(str(data["iso"]))
    if tag == "shares":
        return Shares(tuple((str(name), share) for name, share in data["items"]))
    if tag == "bilingual":
        return Bilingual(data["vi"], data["en"])
    if tag == "text":
        return Text(data["key"], data.get("fallback"))
    if tag == "template":
        return Template(data["key"], {k: load_param(v) for k, v in data["params"].items()})
    if tag == "joined":
        return Joined(tuple(load_param(v) for v in data["items"]), data.get("sep_key"))
    if tag == "tuple":
        return tuple(load_param(v) for v in data["items"])
    raise ValueError(f"unknown message parameter type {tag!r}")
