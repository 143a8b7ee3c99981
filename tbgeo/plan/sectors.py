"""The one sector list, derived from the plan: codes, names, status (priority … refused) and citations."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from tbgeo import settings
from tbgeo.errors import InputError

__all__ = [
    "Sector",
    "PlanSector",
    "STATUSES",
    "PLAN_SECTOR_CODES",
    "CITATION_RE",
    "sectors_path",
    "load_sectors",
    "load_plan_sectors",
    "get_sector",
    "get_plan_sector",
    "parse_sectors",
]

#: From most to least welcome. "refused" = the plan says "không chấp thuận" (Điều 1, III.4).
STATUSES = ("priority", "allowed", "discouraged", "refused")

#: The seven sectors of Điều 1, IV.1–7, in the plan's order.
PLAN_SECTOR_CODES = (
    "textiles",
    "mechanical",
    "electronics",
    "chemicals",
    "construction_materials",
    "agro_food",
    "energy",
)

#: One citation into the plan: ``Điều 1, III.4``, ``Điều 1, IV.2.a``, ``Điều 1, I``.
CITATION_RE = re.compile(r"^Điều \d+, [IVX]+(\.\d+)?(\.[a-h])?$")

_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTOR_KEYS = {
    "code": str,
    "name_vi": str,
    "name_en": str,
    "plan_sector": str,
    "status": str,
    "citation": str,
    "quote_vi": list,
    "activities_vi": list,
    "activities_en": list,
    "polluting": bool,
    "labour_intensive": bool,
    "high_tech": bool,
    "uses_gas": bool,
    "note_vi": str,
    "note_en": str,
}
_OPTIONAL = {"plan_sector", "note_vi", "note_en"}
_PLAN_KEYS: dict[str, type] = {"code": str, "name_vi": str, "name_en": str, "citation": str, "quote_vi": str}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Named:
    """A name in Vietnamese and in English."""

    name_vi: str
    name_en: str

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi


@dataclass(frozen=True)
class Sector(_Named):
    """An activity a project can be filed under, with what the plan says about it."""

    code: str
    name_vi: str
    name_en: str
    plan_sector: str | None
    status: str
    citation: str
    activities_vi: tuple[str, ...]
    activities_en: tuple[str, ...]
    polluting: bool
    labour_intensive: bool
    high_tech: bool
    uses_gas: bool
    note_vi: str = ""
    note_en: str = ""
    #: The plan's own words behind the citation, verbatim.
    quote_vi: tuple[str, ...] = field(default=(), compare=False)

    def activities(self, lang: str = "vi") -> tuple[str, ...]:
        return self.activities_en if lang == "en" else self.activities_vi

    def note(self, lang: str = "vi") -> str:
        return self.note_en if lang == "en" else self.note_vi

    @property
    def citations(self) -> tuple[str, ...]:
        """Each part of the plan cited, e.g. ``("Điều 1, III.4", "Điều 1, IV.2.a")``."""
        return tuple(part.strip() for part in self.citation.split(";") if part.strip())

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """All fields (lists for tuples); with ``lang``, also ``name``, ``activities`` and ``note`` in it."""
        out = asdict(self)
        for key in ("activities_vi", "activities_en", "quote_vi"):
            out[key] = list(out[key])
        if lang is not None:
            out["name"] = self.name(lang)
            out["activities"] = list(self.activities(lang))
            out["note"] = self.note(lang)
        return out


@dataclass(frozen=True)
class PlanSector(_Named):
    """One of the seven sectors of Điều 1, IV.1–7, for which the plan sets output targets."""

    code: str
    name_vi: str
    name_en: str
    citation: str
    quote_vi: str = field(default="", compare=False)


def sectors_path() -> Path:
    return settings.shipped("data", "sectors.toml")


def _bad(path: Path | str, detail: str) -> InputError:
    return InputError("sectors.bad_file", file=str(path), detail=detail)


def _check_entry(entry: Any, keys: dict[str, type], optional: set[str], where: str, path: Path | str) -> None:
    if not isinstance(entry, dict):
        raise _bad(path, f"{where}: not a table")
    unknown = sorted(set(entry) - set(keys))
    if unknown:
        raise _bad(path, f"{where}: unknown key(s) {', '.join(unknown)}")
    for key, kind in keys.items():
        if key not in entry:
            if key in optional:
                continue
            raise _bad(path, f"{where}: missing key '{key}'")
        value = entry[key]
        if not isinstance(value, kind):
            raise _bad(path, f"{where}: '{key}' must be {kind.__name__}")
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise _bad(path, f"{where}: '{key}' must be a list of strings")


def _check_citation(citation: str, where: str, path: Path | str) -> None:
    parts = [p.strip() for p in citation.split(";")]
    if not parts or any(not CITATION_RE.match(p) for p in parts):
        raise _bad(path, f"{where}: citation '{citation}' is not of the form 'Điều 1, III.4'")


def parse_sectors(data: dict[str, Any], *, source: Path | str = "sectors.toml") -> tuple[
    list[PlanSector], list[Sector]
]:
    """Validate the parsed TOML of the sector list and build its objects (pure: no IO)."""
    plan_raw = data.get("plan_sector", [])
    sector_raw = data.get("sector", [])
    if not isinstance(plan_raw, list) or not isinstance(sector_raw, list) or not sector_raw:
        raise _bad(source, "needs [[plan_sector]] and [[sector]] tables")
    plan: list[PlanSector] = []
    for i, entry in enumerate(plan_raw):
        _check_entry(entry, _PLAN_KEYS, set(), f"plan_sector #{i + 1}", source)
        _check_citation(entry["citation"], f"plan_sector {entry['code']}", source)
        plan.append(PlanSector(**{k: _nfc(v) for k, v in entry.items()}))
    codes = [p.code for p in plan]
    if tuple(codes) != PLAN_SECTOR_CODES:
        raise _bad(source, f"plan sectors must be {', '.join(PLAN_SECTOR_CODES)} in this order")

    sectors: list[Sector] = []
    seen: set[str] = set()
    for i, entry in enumerate(sector_raw):
        where = f"sector #{i + 1}"
        _check_entry(entry, _SECTOR_KEYS, _OPTIONAL, where, source)
        code = entry["code"]
        where = f"sector {code}"
        if not _CODE_RE.match(code):
            raise _bad(source, f"{where}: code must be lower-case letters, digits and '_'")
        if code in seen:
            raise _bad(source, f"{where}: duplicate code")
        seen.add(code)
        if entry["status"] not in STATUSES:
            raise _bad(source, f"{where}: status must be one of {', '.join(STATUSES)}")
        plan_sector = entry.get("plan_sector")
        if plan_sector is not None and plan_sector not in PLAN_SECTOR_CODES:
            raise _bad(source, f"{where}: plan_sector must be one of {', '.join(PLAN_SECTOR_CODES)}")
        _check_citation(entry["citation"], where, source)
        if not entry["quote_vi"]:
            raise _bad(source, f"{where}: quote_vi must hold the plan's words")
        if len(entry["activities_vi"]) != len(entry["activities_en"]):
            raise _bad(source, f"{where}: activities_vi and activities_en differ in length")
        sectors.append(
            Sector(
                code=code,
                name_vi=_nfc(entry["name_vi"]),
                name_en=_nfc(entry["name_en"]),
                plan_sector=plan_sector,
                status=entry["status"],
                citation=_nfc(entry["citation"]),
                activities_vi=tuple(_nfc(a) for a in entry["activities_vi"]),
                activities_en=tuple(_nfc(a) for a in entry["activities_en"]),
                polluting=entry["polluting"],
                labour_intensive=entry["labour_intensive"],
                high_tech=entry["high_tech"],
                uses_gas=entry["uses_gas"],
                note_vi=_nfc(entry.get("note_vi", "")),
                note_en=_nfc(entry.get("note_en", "")),
                quote_vi=tuple(_nfc(q) for q in entry["quote_vi"]),
            )
        )
    return plan, sectors


@lru_cache(maxsize=8)
def _load(path: Path, mtime_ns: int) -> tuple[tuple[PlanSector, ...], tuple[Sector, ...]]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise _bad(path, "file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _bad(path, str(exc)) from None
    plan, sectors = parse_sectors(data, source=path)
    return tuple(plan), tuple(sectors)


def _cached(path: Path | None) -> tuple[tuple[PlanSector, ...], tuple[Sector, ...]]:
    path = Path(path) if path is not None else sectors_path()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise _bad(path, "file not found") from None
    return _load(path, mtime)


def load_sectors(path: Path | None = None) -> list[Sector]:
    """All sectors in file order (``data/sectors.toml`` unless ``path`` is given)."""
    return list(_cached(path)[1])


def load_plan_sectors(path: Path | None = None) -> list[PlanSector]:
    """The seven plan sectors of Điều 1, IV.1–7, in the plan's order."""
    return list(_cached(path)[0])


def get_sector(code: str, *, path: Path | None = None) -> Sector:
    """The sector ``code``; an unknown code raises InputError ``sectors.unknown`` listing the valid ones."""
    sectors = _cached(path)[1]
    for sector in sectors:
        if sector.code == code:
            return sector
    raise InputError("sectors.unknown", code=code, allowed=", ".join(s.code for s in sectors))


def get_plan_sector(code: str, *, path: Path | None = None) -> PlanSector:
    """One of the seven plan sectors; unknown codes raise InputError ``sectors.unknown_plan``."""
    for plan_sector in _cached(path)[0]:
        if plan_sector.code == code:
            return plan_sector
    raise InputError("sectors.unknown_plan", code=code, allowed=", ".join(PLAN_SECTOR_CODES))
