"""What the store keeps, as plain values: layer versions, proposals with their decisions and
changes, user accounts. Every store (GeoPackage, PostGIS) answers with these."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tbgeo.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = ["LayerVersion", "Decision", "Proposal", "Change", "User", "SignInClaim", "Outline", "FAILED_NAMES_KEPT", "FAILED_NAME_CHARS", "now", "now_exact", "field_changes", "review_fields",
           "proposals_frame", "LAYER_ID", "check_layer_id"]


#: A layer id as the store keeps it (and the catalog allows): it names tables in both stores.
LAYER_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")


def check_layer_id(layer_id: str) -> str:
    """Refuse a layer id that is not lower-case letters, digits and "_" (at most 40, a letter first)."""
    if not isinstance(layer_id, str) or not LAYER_ID.fullmatch(layer_id):
        raise InputError("store.bad_layer_id", layer=str(layer_id)[:80])
    return layer_id


def now() -> str:
    """The time of a change, as stored: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def now_exact() -> str:
    """The time of a failed sign-in of a name without an account, to the microsecond: the oldest are
    forgotten first (``FAILED_NAMES_KEPT``), one after another."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class LayerVersion:
    """One imported version of a layer, with where it came from and what was done to it."""

    layer_id: str
    version: int
    created_at: str
    created_by: str
    source_name: str
    sha256: str
    features: int
    details: dict[str, Any]
    active: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer_id,
            "version": self.version,
            "active": self.active,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "source_name": self.source_name,
            "sha256": self.sha256,
            "features": self.features,
            **self.details,
        }


@dataclass(frozen=True)
class Decision:
    """A status change or comment on a proposal: who, when, from, to, why."""

    proposal_id: int
    at: str
    by: str
    status_from: str | None
    status_to: str | None
    comment: str


@dataclass(frozen=True)
class Outline:
    """A proposal's number, name and outline (EPSG:9209) only: what an approval is checked against
    (no other approved proposal on the same land), read without the histories."""

    id: int
    name: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class Proposal:
    """A proposed industrial site with its attributes, latest review report and status."""

    id: int
    name: str
    status: str
    geometry: BaseGeometry  # EPSG:9209
    area_ha: float
    attributes: dict[str, Any]
    report: dict[str, Any] | None
    created_at: str
    created_by: str
    updated_at: str
    history: tuple[Decision, ...] = field(default=())
    revision_of: int | None = None
    changes: tuple[Change, ...] = field(default=())
    #: Counts the proposal's changes: a change asked for on a view older than this is refused
    #: (``expected=``), never written over what someone else did meanwhile.
    row_version: int = 1

    @property
    def last_change(self) -> tuple[str, str]:
        """(who, when) of the latest change: a decision, a comment or a re-review (within one second,
        the one recorded last; a decision or comment before a re-review's field changes)."""
        marks = [(self.updated_at, 0, 0, self.created_by)]
        marks += [(c.at, 1, i, c.by) for i, c in enumerate(self.changes)]
        marks += [(d.at, 2, i, d.by) for i, d in enumerate(self.history)]
        at, _, _, by = max(marks)
        return by, at


@dataclass(frozen=True)
class Change:
    """One field of a proposal changed by a review: who, when, which field, from → to (as text)."""

    proposal_id: int
    at: str
    by: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class User:
    """An account: its login name, the name shown, its roles, and whether it may sign in."""

    name: str
    display_name: str
    roles: tuple[str, ...]
    disabled: bool
    password_hash: str
    created_at: str
    created_by: str
    #: Failed sign-ins since the last good one, and when the latest failed (repeated failures wait).
    failures: int = 0
    failed_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The account as listed (never its password hash)."""
        return {"name": self.name, "display_name": self.display_name, "roles": list(self.roles),
                "disabled": self.disabled, "created_at": self.created_at, "created_by": self.created_by}


#: Names without an account whose failed sign-ins are counted (the oldest forgotten beyond this):
#: enough for every name tried, bounded so that junk names cannot fill the store.
FAILED_NAMES_KEPT = 10_000
#: Characters of a tried name kept with its failed sign-ins (an account's name has at most 64).
FAILED_NAME_CHARS = 128


@dataclass(frozen=True)
class SignInClaim:
    """A sign-in attempt, counted as failed until it succeeds: the account (None when no account has
    the name) and the failures counted for the name before this attempt, and when the latest was.
    A name without an account is counted like one with it, so the waits say nothing about which exist."""

    account: User | None
    failures: int = 0
    failed_at: str | None = None


def _field_text(value: Any) -> str | None:
    """A field's value as the history shows it: text as written, other values as JSON."""
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """(field, from, to) for every field whose value differs between two views of a proposal."""
    out = []
    for key in [*old, *(k for k in new if k not in old)]:
        a, b = _field_text(old.get(key)), _field_text(new.get(key))
        if a != b:
            out.append((key, a, b))
    return out


def review_fields(name: str, attributes: dict[str, Any], area_ha: float, report: dict[str, Any] | None) -> dict[str, Any]:
    """The reviewable fields of a stored proposal, flat: name, each attribute, area, verdict."""
    return {"name": name, **{f"attributes.{k}": v for k, v in attributes.items()},
            "area_ha": round(float(area_ha), 4), "verdict": (report or {}).get("verdict")}


def proposals_frame(items: Sequence[Proposal]) -> gpd.GeoDataFrame:
    """Proposals as a GeoDataFrame in EPSG:9209 (id, name, status, area_ha, sector, verdict): what the
    rules and the map read."""
    import geopandas as gpd  # loads when a frame is asked for, not at the app's start

    return gpd.GeoDataFrame(
        {
            "proposal_id": [p.id for p in items],
            "name": [p.name for p in items],
            "status": [p.status for p in items],
            "area_ha": [round(p.area_ha, 2) for p in items],
            "sector": [p.attributes.get("sector") for p in items],
            "verdict": [(p.report or {}).get("verdict") for p in items],
        },
        geometry=gpd.GeoSeries([p.geometry for p in items], crs="EPSG:9209"),
    )
