"""Message catalogs: one TOML file per topic and language under ``tbgeo/i18n/<lang>/``.

Keys are flat dotted strings (``"map.title"``); each topic file owns one prefix. ``t(key, lang, **kw)``
returns the NFC text with ``{placeholders}`` filled; an unknown key falls back to Vietnamese, then to
the key itself (and a test makes sure that never happens for shipped keys).
"""

from __future__ import annotations

import contextlib
import tomllib
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["t", "catalog", "LANGS", "DEFAULT_LANG", "fmt_number", "csv_delimiter", "csv_value"]

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
_DIR = Path(__file__).resolve().parent


def _flatten(prefix: str, data: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in data.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = unicodedata.normalize("NFC", str(value))


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, merged from its topic files."""
    if lang not in LANGS:
        lang = DEFAULT_LANG
    out: dict[str, str] = {}
    for path in sorted((_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), out)
    return out


def t(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The message ``key`` in ``lang`` with ``params`` filled in."""
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT_LANG).get(key, key)
    if params:
        with contextlib.suppress(KeyError, IndexError, ValueError):  # a message with a stray brace is shown as written
            text = text.format(**params)
    return unicodedata.normalize("NFC", text)


def fmt_number(value: float, lang: str = DEFAULT_LANG, digits: int = 2) -> str:
    """A number the way each language writes it: ``1.234,56`` in Vietnamese, ``1,234.56`` in English."""
    text = f"{value:,.{digits}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def csv_delimiter(lang: str = DEFAULT_LANG) -> str:
    """The CSV separator a spreadsheet of that language expects: ``;`` in Vietnamese (whose decimal mark
    is the comma, as in Excel set to Vietnamese), ``,`` in English."""
    return ";" if lang == "vi" else ","


def csv_value(value: Any, lang: str = DEFAULT_LANG) -> Any:
    """A CSV cell's value: a float with the language's decimal mark and no thousands separator
    (``50,25`` in Vietnamese, at most 8 decimals, trailing zeros dropped); anything else as it is."""
    if lang != "vi" or isinstance(value, bool) or not isinstance(value, float):
        return value
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    text = f"{value + 0.0:.8f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")
