"""Decimal numbers a user types: ``1,5`` and ``1.5`` alike, written back the language's way.

``parse_decimal`` reads what a person types into a number field (a buffer, an area, a weight): a
single ``,`` or ``.`` is the decimal mark whatever the language (people paste both); with both marks,
or one mark repeated, the last mark is the decimal one and the others group thousands by three
(``1.234,5``, ``1,234.5``, ``1 234,5``). Anything else — letters, two decimal marks, ``nan``, a
number outside the field's range — is refused with a catalog message in the user's language
(``InputError``). ``format_decimal`` writes a value for such a field: the language's decimal mark, no
thousands separator (so what is shown reads back as the same number), trailing zeros dropped.
"""

from __future__ import annotations

import math
import re

from tbgeo.errors import InputError
from tbgeo.i18n import DEFAULT_LANG
from tbgeo.i18n.params import Num

__all__ = ["parse_decimal", "format_decimal"]

_SPACE = "\\s\u00a0\u202f"
#: Thousands grouped by spaces (``1 234,5``): the only place a space may be.
_SPACED = re.compile(rf"[+-]?\d{{1,3}}(?:[{_SPACE}]\d{{3}})+(?:[.,]\d+)?")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")


def _grouped(whole: str, sep: str) -> str | None:
    """``whole`` without its thousands separators ``sep`` when they group by three, else None."""
    if re.fullmatch(rf"[+-]?\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+", whole) is None:
        return None
    return whole.replace(sep, "")


def _read(text: str) -> float | None:
    """The number ``text`` (spaces already checked) says, or None."""
    if _PLAIN.fullmatch(text):
        return float(text.replace(",", "."))
    last = max(text.rfind("."), text.rfind(","))
    if last < 0:
        return None
    mark = text[last]
    other = "," if mark == "." else "."
    if other in text:  # both marks: the last is the decimal mark, the other groups thousands
        whole = _grouped(text[:last], other)
        frac = text[last + 1:]
        return None if whole is None or not frac.isdigit() else float(f"{whole}.{frac}")
    whole = _grouped(text, mark)  # one mark, repeated: it groups thousands
    return None if whole is None else float(whole)


def _digits_of(value: float) -> int:
    """Digits to show a limit with: as many as it has, at most 6."""
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def parse_decimal(text: str, *, label: str, min_value: float | None = None,
                  max_value: float | None = None) -> float:
    """The number ``text`` says, within [min_value, max_value]; else ``InputError``, whose message
    (``.message(lang)``) names the field ``label`` and says what is wrong in the reader's language."""
    raw = str(text).strip()
    if not raw:
        raise InputError("app.number.empty", field=label)
    compact = raw
    if re.search(f"[{_SPACE}]", raw):
        compact = re.sub(f"[{_SPACE}]", "", raw) if _SPACED.fullmatch(raw) else ""
    value = _read(compact) if compact else None
    if value is None:
        raise InputError("app.number.invalid", field=label, text=raw[:40])
    if not math.isfinite(value):
        raise InputError("app.number.invalid", field=label, text=raw[:40])
    if min_value is not None and value < min_value:
        raise InputError("app.number.too_small", field=label, min=Num(min_value, _digits_of(min_value)))
    if max_value is not None and value > max_value:
        raise InputError("app.number.too_large", field=label, max=Num(max_value, _digits_of(max_value)))
    return value + 0.0


def format_decimal(value: float, lang: str = DEFAULT_LANG, digits: int = 2) -> str:
    """``value`` for a number field: ``1,5`` in Vietnamese, ``1.5`` in English, at most ``digits``
    decimals, trailing zeros dropped, no thousands separator (``575000``)."""
    text = f"{float(value):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if lang == "vi" else text
