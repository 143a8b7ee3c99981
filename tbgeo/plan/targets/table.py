"""The plan's targets table (data/plan_targets.csv): its rows, reading and validating them, the arithmetic."""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tbgeo import settings
from tbgeo.errors import InputError
from tbgeo.plan.sectors import CITATION_RE, PLAN_SECTOR_CODES

__all__ = [
    "ALL_SECTORS",
    "CSV_COLUMNS",
    "FLOAT_SLACK",
    "INDUSTRY",
    "NUMERIC_FIELDS",
    "ROUNDING_HALF_UNIT",
    "YEAR_FIELDS",
    "TargetRow",
    "cagr_pct",
    "half_unit",
    "implied_start",
    "load_targets",
    "parse_targets",
    "period_text",
    "share_pct",
    "targets_path",
]

#: The whole industry (Điều 1, II.2) in the ``sector`` column.
INDUSTRY = "industry"
#: Aggregate findings over the seven plan sectors use this in their ``sector`` field.
ALL_SECTORS = "sectors"

CSV_COLUMNS = (
    "sector",
    "year",
    "value_bn_vnd",
    "share_pct",
    "growth_pct",
    "growth_period",
    "growth_min_pct",
    "growth_max_pct",
    "multiple",
    "multiple_base_year",
    "approx",
    "citation",
    "quote",
)
#: Columns holding figures stated by the plan (their written precision sets their tolerance).
NUMERIC_FIELDS = (
    "value_bn_vnd",
    "share_pct",
    "growth_pct",
    "growth_min_pct",
    "growth_max_pct",
    "multiple",
)

#: Columns holding years (written without a thousands separator).
YEAR_FIELDS = ("year", "multiple_base_year")

# --- Tolerances ---------------------------------------------------------------------------------------
#: A figure written with d decimals stands for any number within ROUNDING_HALF_UNIT × 10^-d of it:
#: "21.788 tỷ đồng" for 21,787.5–21,788.5, "28,69%" for 28.685–28.695, "1,0%/năm" for 0.95–1.05,
#: "gấp 2,01 lần" for 2.005–2.015, "14% - 15%" for 13.5–15.5. Recomputed shares, growth rates and
#: multiples are carried as intervals over the bounds of their inputs, and a stated figure agrees
#: when its own interval meets the recomputed one. So the tolerance is exactly what rounding allows,
#: row by row, and a wrong digit in the last written place is still caught.
ROUNDING_HALF_UNIT = 0.5
#: Binary floating-point noise only (not a judgement call).
FLOAT_SLACK = 1e-9

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{4})$")
_THOUSANDS_RE = re.compile(r"^\d{1,3}(\.\d{3})+$")


def targets_path() -> Path:
    return settings.shipped("data", "plan_targets.csv")


def half_unit(decimals: int) -> float:
    """Half a unit in the last written digit: 0 decimals → 0.5, 2 decimals → 0.005."""
    return ROUNDING_HALF_UNIT * 10.0 ** (-decimals)


def _decimals_of(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _float_decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text or "E" in text:
        return 6
    return 0 if text.endswith(".0") else _decimals_of(text)


# --- rows ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    """One target of the plan: a sector (or the whole industry) in one year, as the plan writes it."""

    sector: str
    year: int
    value_bn_vnd: float
    share_pct: float | None = None
    growth_pct: float | None = None
    growth_period: str | None = None
    growth_min_pct: float | None = None
    growth_max_pct: float | None = None
    multiple: float | None = None
    multiple_base_year: int | None = None
    approx: bool = False
    citation: str = ""
    quote: str = ""
    #: Decimals each figure was written with (from the CSV text); missing ones are read off the float.
    decimals: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def written_decimals(self, name: str) -> int:
        if name in self.decimals:
            return self.decimals[name]
        value = getattr(self, name)
        return 0 if value is None else _float_decimals(value)

    def half_unit(self, name: str) -> float:
        """The rounding half-unit of figure ``name`` as written."""
        return half_unit(self.written_decimals(name))

    def period(self) -> tuple[int, int] | None:
        """``(base_year, end_year)`` of the growth period: "2021-2025" → (2020, 2025)."""
        if not self.growth_period:
            return None
        match = _PERIOD_RE.match(self.growth_period)
        if not match:
            return None
        return int(match.group(1)) - 1, int(match.group(2))

    def to_dict(self) -> dict[str, Any]:
        """The CSV columns with typed values (integers where the plan writes whole numbers)."""
        out: dict[str, Any] = {}
        for name in CSV_COLUMNS:
            value = getattr(self, name)
            if name in NUMERIC_FIELDS and value is not None and self.written_decimals(name) == 0:
                value = int(round(value))
            out[name] = value
        return out


def _bad_number(path: str, line: int, column: str, value: str) -> InputError:
    return InputError("targets.errors.bad_number", file=path, line=line, column=column, value=value)


def _parse_float(text: str, *, path: str, line: int, column: str) -> tuple[float | None, int]:
    text = text.strip()
    if not text:
        return None, 0
    if "," in text or (column == "value_bn_vnd" and _THOUSANDS_RE.match(text)):
        raise _bad_number(path, line, column, text)
    try:
        value = float(text)
    except ValueError:
        raise _bad_number(path, line, column, text) from None
    if not math.isfinite(value) or value < 0:
        raise _bad_number(path, line, column, text)
    return value, _decimals_of(text)


def _parse_int(text: str, *, path: str, line: int, column: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise _bad_number(path, line, column, text)
    return int(text)


def parse_targets(records: Iterable[Mapping[str, str]], *, source: str = "plan_targets.csv") -> list[TargetRow]:
    """Validate CSV records (dicts of strings) and build TargetRows; pure, no IO."""
    valid_sectors = (INDUSTRY, *PLAN_SECTOR_CODES)
    rows: list[TargetRow] = []
    seen: dict[tuple[str, int], int] = {}
    for line, rec in enumerate(records, start=2):
        text = {k: unicodedata.normalize("NFC", (v or "")).strip() for k, v in rec.items() if k is not None}
        sector = text.get("sector", "")
        if sector not in valid_sectors:
            raise InputError(
                "targets.errors.unknown_sector", file=source, line=line, value=sector, allowed=", ".join(valid_sectors)
            )
        year = _parse_int(text.get("year", ""), path=source, line=line, column="year")
        if year is None:
            raise _bad_number(source, line, "year", "")
        numbers: dict[str, float | None] = {}
        decimals: dict[str, int] = {}
        for name in NUMERIC_FIELDS:
            numbers[name], decimals[name] = _parse_float(text.get(name, ""), path=source, line=line, column=name)
        if not numbers["value_bn_vnd"]:
            raise _bad_number(source, line, "value_bn_vnd", text.get("value_bn_vnd", ""))
        share = numbers["share_pct"]
        if share is not None and not 0 < share <= 100:
            raise _bad_number(source, line, "share_pct", text["share_pct"])
        period = text.get("growth_period") or None
        if period is not None:
            match = _PERIOD_RE.match(period)
            if not match or int(match.group(2)) != year or int(match.group(1)) >= year:
                raise InputError("targets.errors.bad_period", file=source, line=line, value=period, year=year)
        gmin, gmax = numbers["growth_min_pct"], numbers["growth_max_pct"]
        if (gmin is None) != (gmax is None) or (gmin is not None and gmax is not None and gmin > gmax):
            raise InputError("targets.errors.bad_range", file=source, line=line)
        base_year = _parse_int(text.get("multiple_base_year", ""), path=source, line=line, column="multiple_base_year")
        if (numbers["multiple"] is None) != (base_year is None) or (base_year is not None and base_year >= year):
            raise InputError("targets.errors.bad_multiple", file=source, line=line)
        approx_text = text.get("approx", "").lower()
        if approx_text not in ("", "true", "false"):
            raise InputError("targets.errors.bad_flag", file=source, line=line, column="approx", value=approx_text)
        citation = text.get("citation", "")
        if not CITATION_RE.match(citation):
            raise InputError("targets.errors.bad_citation", file=source, line=line, value=citation)
        key = (sector, year)
        if key in seen:
            raise InputError("targets.errors.duplicate_row", file=source, line=line, sector=sector, year=year, first=seen[key])
        seen[key] = line
        rows.append(
            TargetRow(
                sector=sector,
                year=year,
                value_bn_vnd=numbers["value_bn_vnd"],
                share_pct=share,
                growth_pct=numbers["growth_pct"],
                growth_period=period,
                growth_min_pct=gmin,
                growth_max_pct=gmax,
                multiple=numbers["multiple"],
                multiple_base_year=base_year,
                approx=approx_text == "true",
                citation=citation,
                quote=text.get("quote", ""),
                decimals=decimals,
            )
        )
    if not rows:
        raise InputError("targets.errors.empty", file=source)
    return rows


def load_targets(path: Path | str | None = None) -> list[TargetRow]:
    """The plan's targets from ``data/plan_targets.csv`` (or ``path``): UTF-8 CSV, one row per sector and year."""
    path = Path(path) if path is not None else targets_path()
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = list(reader.fieldnames or [])
            missing = [c for c in CSV_COLUMNS if c not in columns]
            unknown = [c for c in columns if c not in CSV_COLUMNS]
            if missing or unknown:
                raise InputError(
                    "targets.errors.bad_columns",
                    file=str(path),
                    missing=", ".join(missing) or "—",
                    unknown=", ".join(unknown) or "—",
                    expected=", ".join(CSV_COLUMNS),
                )
            records = list(reader)
    except FileNotFoundError:
        raise InputError("targets.errors.not_found", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("targets.errors.bad_encoding", file=str(path)) from None
    except csv.Error as exc:
        raise InputError("targets.errors.bad_csv", file=str(path), detail=str(exc)) from None
    return parse_targets(records, source=str(path))


# --- pure computations -------------------------------------------------------------------------------


def share_pct(value: float, whole: float) -> float:
    """``value`` as a percentage of ``whole``."""
    return 100.0 * value / whole


def cagr_pct(start: float, end: float, years: int) -> float:
    """Average yearly growth (compound) from ``start`` to ``end`` over ``years`` years, in %/year."""
    ratio: float = (end / start) ** (1.0 / years)
    return 100.0 * (ratio - 1.0)


def implied_start(end: float, growth_pct: float, years: int) -> float:
    """The starting value that ``growth_pct`` %/year over ``years`` years turns into ``end``."""
    return end / (1.0 + growth_pct / 100.0) ** years


def period_text(period: str | None) -> str:
    """"2016-2020" as text shows it: "2016–2020"."""
    return (period or "").replace("-", "–")
