"""The rice-land ledger: rice land (LUC, LUK) that approved and pending proposals would convert,
per district and in total, against a configurable quota (config/review.toml ``[ledger]``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tbgeo.rules.config import LedgerConfig

__all__ = ["LedgerRow", "Ledger", "rice_ledger", "TOTAL"]

#: The name of the province-total row.
TOTAL = "__total__"


@dataclass
class LedgerRow:
    """Rice land of one district (or the total): approved and pending, LUC and LUK, in ha."""

    district: str
    approved_luc_ha: float = 0.0
    approved_luk_ha: float = 0.0
    pending_luc_ha: float = 0.0
    pending_luk_ha: float = 0.0
    proposals: int = 0
    quota_ha: float | None = None

    @property
    def approved_ha(self) -> float:
        return self.approved_luc_ha + self.approved_luk_ha

    @property
    def pending_ha(self) -> float:
        return self.pending_luc_ha + self.pending_luk_ha

    @property
    def total_ha(self) -> float:
        return self.approved_ha + self.pending_ha

    @property
    def remaining_ha(self) -> float | None:
        return None if self.quota_ha is None else self.quota_ha - self.total_ha

    @property
    def used_share(self) -> float | None:
        return None if not self.quota_ha else self.total_ha / self.quota_ha

    def to_dict(self) -> dict[str, Any]:
        r = lambda v: None if v is None else round(v, 4)  # noqa: E731
        return {
            "district": None if self.district == TOTAL else self.district,
            "approved_luc_ha": r(self.approved_luc_ha),
            "approved_luk_ha": r(self.approved_luk_ha),
            "pending_luc_ha": r(self.pending_luc_ha),
            "pending_luk_ha": r(self.pending_luk_ha),
            "approved_ha": r(self.approved_ha),
            "pending_ha": r(self.pending_ha),
            "total_ha": r(self.total_ha),
            "quota_ha": r(self.quota_ha),
            "remaining_ha": r(self.remaining_ha),
            "used_share": None if self.used_share is None else round(self.used_share, 6),
            "proposals": self.proposals,
        }


@dataclass
class Ledger:
    rows: list[LedgerRow]
    total: LedgerRow
    skipped: list[int] = field(default_factory=list)

    @property
    def over_quota(self) -> list[LedgerRow]:
        """Rows whose approved + pending rice land exceeds their quota."""
        return [r for r in [*self.rows, self.total] if r.quota_ha is not None and r.total_ha > r.quota_ha + 1e-9]

    def to_dict(self) -> dict[str, Any]:
        return {
            "districts": [r.to_dict() for r in self.rows],
            "total": self.total.to_dict(),
            "skipped": list(self.skipped),
        }


def _items(report: Mapping[str, Any]) -> list[tuple[str, float, float]]:
    rice = report.get("rice") or {}
    by = rice.get("by_district")
    if by:
        return [(d.get("name") or "", float(d.get("luc_ha") or 0.0), float(d.get("luk_ha") or 0.0)) for d in by]
    return [("", float(rice.get("luc_ha") or 0.0), float(rice.get("luk_ha") or 0.0))]


def rice_ledger(proposals: Iterable[Any], *, config: LedgerConfig | None = None) -> Ledger:
    """Sum rice land of approved and pending proposals from their stored reports.

    ``proposals`` are ``tbgeo.workspace.Proposal`` objects (or anything with ``id``, ``status`` and
    ``report``: the dict of ``Report.to_dict``). A proposal with no rice figures in its report
    (reviewed without land-use data) is listed in ``skipped``. Rice land outside every district is
    booked under the name ``""``.
    """
    cfg = config or LedgerConfig()
    rows: dict[str, LedgerRow] = {}
    total = LedgerRow(TOTAL, quota_ha=cfg.quota_ha)
    skipped: list[int] = []
    for p in proposals:
        approved = p.status in cfg.approved_statuses
        pending = p.status in cfg.pending_statuses
        if not (approved or pending):
            continue
        report = p.report or {}
        if not report.get("rice"):
            skipped.append(int(p.id))
            continue
        total.proposals += 1
        seen: set[str] = set()
        for name, luc, luk in _items(report):
            row = rows.setdefault(name, LedgerRow(name, quota_ha=cfg.district_quota_ha.get(name)))
            if name not in seen:
                row.proposals += 1
                seen.add(name)
            for target in (row, total):
                if approved:
                    target.approved_luc_ha += luc
                    target.approved_luk_ha += luk
                else:
                    target.pending_luc_ha += luc
                    target.pending_luk_ha += luk
    for name, quota in cfg.district_quota_ha.items():
        rows.setdefault(name, LedgerRow(name, quota_ha=quota))
    ordered = sorted(rows.values(), key=lambda r: (r.district == "", r.district))
    return Ledger(ordered, total, skipped)
