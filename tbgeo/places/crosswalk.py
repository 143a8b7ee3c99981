"""Old (before 1 July 2025) and new administrative units of the Thái Bình area, by GSO code.

The data comes from the PyPI package ``vietnamadminunits`` (pinned in requirements.lock): its SQLite
file ``data/dataset.db`` holds the pre-2025 units (table ``admin_units_legacy``: province, district,
commune with GSO codes, centre and bounding box) and the 2025 units (``admin_units``), and
``data/converter_2025.json`` the old→new conversion (Resolution 1666/NQ-UBTVQH15 for Hưng Yên).

Only the data files are read: the package itself is not imported, because its address converter
geocodes street addresses through ArcGIS (geopy) — a network call tbgeo must never make. The
files are located with ``importlib.util.find_spec`` (which does not run the package) and the
database is read through GDAL (pyogrio), read-only, like any other data file.

The package's conversion is keyed by normalised full paths (``tinhthaibinh_huyentienhai_xadongco``).
Each such key is resolved once, here, to the unit's GSO code, and the resolution is checked: a
key that does not name exactly one unit of the package's own tables is an error, not a guess.
Everything outside this module works with GSO codes only.
"""

from __future__ import annotations

import importlib.util
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tbgeo.errors import CatalogError

__all__ = [
    "OLD_PROVINCE_CODE",
    "NEW_PROVINCE_CODE",
    "REFORM_DATE",
    "Bounds",
    "OldCommune",
    "OldDistrict",
    "Member",
    "NewUnit",
    "Crosswalk",
    "crosswalk",
    "package_data_dir",
]

#: GSO code of Thái Bình province before 1 July 2025.
OLD_PROVINCE_CODE = "34"
#: GSO code of the merged Hưng Yên province from 1 July 2025 (letter 915/CTK-CSCL).
NEW_PROVINCE_CODE = "33"
#: The day the new communes began to work and districts were no longer organised.
REFORM_DATE = "2025-07-01"

_PACKAGE = "vietnamadminunits"
_OLD_PROVINCE_KEY = "tinhthaibinh"
_NEW_PROVINCE_KEY = "tinhhungyen"


@dataclass(frozen=True)
class Bounds:
    """A WGS 84 bounding box: west, south, east, north (degrees)."""

    west: float
    south: float
    east: float
    north: float

    def union(self, other: Bounds) -> Bounds:
        return Bounds(
            min(self.west, other.west), min(self.south, other.south),
            max(self.east, other.east), max(self.north, other.north),
        )

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.west, self.south, self.east, self.north)


def _bounds(text: str | None) -> Bounds | None:
    """The package's ``"lat,lon – lat,lon"`` box as Bounds (None when absent)."""
    if not text:
        return None
    try:
        a, b = (part.strip() for part in text.replace("–", "-").split(" - "))
        lat1, lon1 = (float(v) for v in a.split(","))
        lat2, lon2 = (float(v) for v in b.split(","))
    except ValueError:
        return None
    return Bounds(min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2))


class _Unit:
    """What the units of both systems share: a short name and a unit type, read together."""

    name: str
    unit_type: str

    @property
    def full_name(self) -> str:
        """``"xã Đông Cơ"``, ``"huyện Tiền Hải"``: the type in lower case, then the name."""
        return f"{self.unit_type.lower()} {self.name}"


@dataclass(frozen=True)
class OldDistrict(_Unit):
    """A district-level unit of Thái Bình before 1 July 2025 (7 huyện and the city)."""

    code: str
    name: str  # short name, as the plan writes it: "Tiền Hải"
    unit_type: str  # "Huyện", "Thành phố"
    bounds: Bounds | None


@dataclass(frozen=True)
class OldCommune(_Unit):
    """A commune-level unit (xã, phường, thị trấn) of Thái Bình before 1 July 2025."""

    code: str
    name: str  # short name: "Đông Cơ"
    unit_type: str  # "Xã", "Phường", "Thị trấn"
    district_code: str
    lat: float
    lon: float
    bounds: Bounds | None


@dataclass(frozen=True)
class Member:
    """An old commune inside a new unit; ``full`` False when the old commune was split."""

    code: str
    full: bool = True


@dataclass(frozen=True)
class NewUnit(_Unit):
    """A commune-level unit of Hưng Yên from 1 July 2025 (xã or phường)."""

    code: str
    name: str  # "Đồng Châu"
    unit_type: str  # "Xã", "Phường"
    lat: float
    lon: float
    area_km2: float | None
    members: tuple[Member, ...]


class Crosswalk:
    """Old Thái Bình communes and districts ↔ the new Hưng Yên units, by GSO code."""

    def __init__(
        self,
        districts: list[OldDistrict],
        communes: list[OldCommune],
        new_units: list[NewUnit],
        province_codes: frozenset[str] | None = None,
    ) -> None:
        self.districts: dict[str, OldDistrict] = {d.code: d for d in districts}
        self.communes: dict[str, OldCommune] = {c.code: c for c in communes}
        self.new_units: dict[str, NewUnit] = {u.code: u for u in new_units}
        #: GSO codes of every commune-level unit of the new Hưng Yên province (104: those of the
        #: former Hưng Yên too), to recognise a province-wide boundary layer's code column.
        self.province_codes: frozenset[str] = frozenset(province_codes or ()) | frozenset(self.new_units)
        self._new_of_old: dict[str, list[tuple[str, bool]]] = {}
        for unit in new_units:
            for m in unit.members:
                self._new_of_old.setdefault(m.code, []).append((unit.code, m.full))

    # -- old → new ----------------------------------------------------------------------------
    def new_of_commune(self, old_code: str) -> list[NewUnit]:
        """The new unit(s) an old commune went into (several when it was split)."""
        return [self.new_units[c] for c, _ in self._new_of_old.get(str(old_code), [])]

    def communes_of_district(self, district_code: str) -> list[OldCommune]:
        """The old communes of a former district, by code."""
        return sorted((c for c in self.communes.values() if c.district_code == str(district_code)), key=lambda c: c.code)

    def new_of_district(self, district_code: str) -> list[NewUnit]:
        """The new units that received at least one commune of the former district, by code."""
        codes = {u for c in self.communes_of_district(district_code) for u, _ in self._new_of_old.get(c.code, [])}
        return [self.new_units[c] for c in sorted(codes)]

    # -- new → old ----------------------------------------------------------------------------
    def members_of(self, new_code: str) -> list[tuple[OldCommune, bool]]:
        """The old communes of a new unit with ``full`` (False: only part of it), in GSO code order."""
        unit = self.new_units[str(new_code)]
        return [(self.communes[m.code], m.full) for m in sorted(unit.members, key=lambda m: m.code) if m.code in self.communes]

    def districts_of(self, new_code: str) -> list[OldDistrict]:
        """The former district(s) the members of a new unit belonged to."""
        codes = sorted({c.district_code for c, _ in self.members_of(new_code)})
        return [self.districts[c] for c in codes]

    def bounds_of_new(self, new_code: str) -> Bounds | None:
        """A box around a new unit: the union of its old members' boxes (approximate)."""
        out: Bounds | None = None
        for c, _ in self.members_of(new_code):
            if c.bounds is not None:
                out = c.bounds if out is None else out.union(c.bounds)
        return out


def package_data_dir() -> Path:
    """The data folder of the installed ``vietnamadminunits`` (found without importing it)."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise CatalogError("places.package_missing", package=_PACKAGE)
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not (folder / "dataset.db").is_file() or not (folder / "converter_2025.json").is_file():
        raise CatalogError("places.package_missing", package=_PACKAGE)
    return folder


def _rows(db: Path, sql: str, province: str) -> list[dict[str, Any]]:
    """Rows of the package's own (read-only) SQLite data file, read through GDAL like every other file:
    ``{province}`` in ``sql`` is a GSO province code (digits only, checked)."""
    if not province.isdigit():
        raise ValueError(f"not a GSO province code: {province!r}")
    # GDAL loads when the crosswalk is first read, not when `tbgeo --help` starts
    import pyogrio

    frame = pyogrio.read_dataframe(db, sql=sql.format(province=f"'{province}'"), read_geometry=False)
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in frame.astype(object).to_dict("records")]


def _load(folder: Path) -> Crosswalk:
    db = folder / "dataset.db"
    legacy = _rows(
        db,
        "SELECT DISTINCT provinceKey, districtKey, wardKey, districtCode, districtShort, districtType, districtBounds,"
        " wardCode, wardShort, wardType, wardLat, wardLon, wardBounds FROM admin_units_legacy WHERE provinceCode = {province}",
        OLD_PROVINCE_CODE,
    )
    new_rows = _rows(
        db,
        "SELECT DISTINCT wardKey, wardCode, wardShort, wardType, wardLat, wardLon, wardAreaKm2"
        " FROM admin_units WHERE provinceCode = {province}",
        NEW_PROVINCE_CODE,
    )
    with (folder / "converter_2025.json").open(encoding="utf-8") as fh:
        conv = json.load(fh)

    districts: dict[str, OldDistrict] = {}
    communes: dict[str, OldCommune] = {}
    code_of_path: dict[str, str] = {}
    for r in legacy:
        dcode = str(r["districtCode"])
        districts.setdefault(dcode, OldDistrict(dcode, r["districtShort"], r["districtType"], _bounds(r["districtBounds"])))
        code = str(r["wardCode"])
        path = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
        if path in code_of_path or code in communes:
            raise CatalogError("places.ambiguous_key", package=_PACKAGE, key=path)
        code_of_path[path] = code
        communes[code] = OldCommune(
            code, r["wardShort"], r["wardType"], dcode, float(r["wardLat"]), float(r["wardLon"]), _bounds(r["wardBounds"])
        )
    province_codes = frozenset(str(r["wardCode"]) for r in new_rows)
    new_code_of_key: dict[str, dict[str, Any]] = {}
    for r in new_rows:
        if r["wardKey"] in new_code_of_key:
            raise CatalogError("places.ambiguous_key", package=_PACKAGE, key=r["wardKey"])
        new_code_of_key[r["wardKey"]] = r

    members: dict[str, list[Member]] = {}
    prefix = _OLD_PROVINCE_KEY + "_"
    whole = conv["DICT_PROVINCE_WARD_NO_DIVIDED"].get(_NEW_PROVINCE_KEY, {})
    for new_key, old_paths in whole.items():
        for path in old_paths:
            if path.startswith(prefix):
                members.setdefault(new_key, []).append(Member(_resolve(code_of_path, path), True))
    split = conv["DICT_PROVINCE_WARD_DIVIDED"].get(_NEW_PROVINCE_KEY, {})
    for path, targets in split.items():
        if path.startswith(prefix):
            for target in targets:
                members.setdefault(target["newWardKey"], []).append(Member(_resolve(code_of_path, path), False))
    units: list[NewUnit] = []
    for new_key, mem in members.items():
        row = new_code_of_key.get(new_key)
        if row is None:
            raise CatalogError("places.ambiguous_key", package=_PACKAGE, key=new_key)
        area = row["wardAreaKm2"]
        units.append(
            NewUnit(str(row["wardCode"]), row["wardShort"], row["wardType"], float(row["wardLat"]), float(row["wardLon"]),
                    None if area is None else float(area), tuple(sorted(mem, key=lambda m: m.code)))
        )
    return Crosswalk(sorted(districts.values(), key=lambda d: d.code), sorted(communes.values(), key=lambda c: c.code),
                     sorted(units, key=lambda u: u.code), province_codes)


def _resolve(code_of_path: dict[str, str], path: str) -> str:
    try:
        return code_of_path[path]
    except KeyError:
        raise CatalogError("places.ambiguous_key", package=_PACKAGE, key=path) from None


@lru_cache(maxsize=1)
def crosswalk() -> Crosswalk:
    """The crosswalk of the installed package (read once per process)."""
    return _load(package_data_dir())
