"""The search model's settings, read from ``config/search.toml`` (documented, cited defaults)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tbgeo import settings
from tbgeo.config import read_config
from tbgeo.errors import InputError

__all__ = ["FACTORS", "KINDS", "DECAYS", "FactorSpec", "SearchConfig", "load_search_config", "default_search_config_path"]

#: Factor ids, in the order the model lists them.
FACTORS = ("zone", "gas", "road", "river", "luk", "raw_material")
#: Sector kinds with their own default weights (see tbgeo.search.profile).
KINDS = ("coastal", "high_tech", "labour", "agro", "general")
DECAYS = ("linear", "exponential", "class")


@dataclass(frozen=True)
class FactorSpec:
    decay: str
    distance_m: float | None = None


@dataclass(frozen=True)
class SearchConfig:
    cell_m: float
    min_spacing_m: float
    top: int
    town_codes: tuple[str, ...]
    water_codes: tuple[str, ...]
    luc_codes: tuple[str, ...]
    river_width_field: str
    occupied_park_statuses: tuple[str, ...]
    proposal_statuses: tuple[str, ...]
    factors: dict[str, FactorSpec]
    weights: dict[str, dict[str, float]]
    source: str = "config/search.toml"


def default_search_config_path() -> Path:
    return settings.shipped("config", "search.toml")


def _bad(path: Path, detail: str) -> InputError:
    return InputError("search.config_bad", file=str(path), detail=detail)


def _num(table: dict[str, Any], key: str, path: Path, *, positive: bool = True) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or (positive and value <= 0):
        raise _bad(path, f"{key} must be a positive number")
    return float(value)


def _strs(table: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(path, f"{key} must be a list of strings")
    return tuple(value)


def load_search_config(path: Path | str | None = None) -> SearchConfig:
    """The model settings; a wrong file gives InputError ``search.config_bad`` naming the key."""
    path = Path(path) if path is not None else default_search_config_path()
    data, _ = read_config("search.toml", path, required=True)  # the model has no built-in defaults
    unknown = sorted(set(data) - {"grid", "constraints", "factors", "weights"})
    if unknown:
        raise _bad(path, f"unknown table(s) {', '.join(unknown)}")
    grid, cons, fac, wts = (data.get(k, {}) for k in ("grid", "constraints", "factors", "weights"))
    factors: dict[str, FactorSpec] = {}
    for name in FACTORS:
        spec = fac.get(name)
        if not isinstance(spec, dict) or spec.get("decay") not in DECAYS:
            raise _bad(path, f"factors.{name} needs decay = one of {', '.join(DECAYS)}")
        dist = None if spec["decay"] == "class" else _num(spec, "distance_m", path)
        factors[name] = FactorSpec(spec["decay"], dist)
    weights: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        row = wts.get(kind)
        if not isinstance(row, dict) or set(row) != set(FACTORS):
            raise _bad(path, f"weights.{kind} needs exactly {', '.join(FACTORS)}")
        vals = {k: float(row[k]) for k in FACTORS}
        if any(v < 0 for v in vals.values()) or abs(sum(vals.values()) - 1.0) > 1e-6:
            raise _bad(path, f"weights.{kind} must be non-negative and sum to 1")
        weights[kind] = vals
    top = grid.get("top")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise _bad(path, "grid.top must be a positive whole number")
    width_field = cons.get("river_width_field")
    if not isinstance(width_field, str):
        raise _bad(path, "constraints.river_width_field must be text")
    return SearchConfig(
        cell_m=_num(grid, "cell_m", path),
        min_spacing_m=_num(grid, "min_spacing_m", path, positive=False),
        top=top,
        town_codes=_strs(cons, "town_codes", path),
        water_codes=_strs(cons, "water_codes", path),
        luc_codes=_strs(cons, "luc_codes", path),
        river_width_field=width_field,
        occupied_park_statuses=_strs(cons, "occupied_park_statuses", path),
        proposal_statuses=_strs(cons, "proposal_statuses", path),
        factors=factors,
        weights=weights,
        source=str(path),
    )
