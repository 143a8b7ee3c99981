"""The GeoPackage store's proposals: sites with their reviews, decisions, comments and the history
of every changed field; each change refused on a stale view (``expected``) or by the caller's rule
(``check``) inside its own transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tbgeo.errors import InputError
from tbgeo.store import gpkg_tables as tables
from tbgeo.store.base import current_user
from tbgeo.store.conflicts import guard
from tbgeo.store.gpkg_base import GpkgBase, is_busy
from tbgeo.store.records import (
    Change,
    Decision,
    Outline,
    Proposal,
    field_changes,
    now,
    proposals_frame,
    review_fields,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = ["GpkgProposals"]


def _fields(row: sqlite3.Row) -> dict[str, Any]:
    return review_fields(row["name"], json.loads(row["attributes"]), row["area_ha"],
                         json.loads(row["report"]) if row["report"] else None)



def _shapely() -> Any:
    import shapely  # deferred: the app's warm first view reads the store's state without loading shapely

    return shapely


class GpkgProposals(GpkgBase):
    """Proposals in the GeoPackage store (a feature layer QGIS shows: ``tbgeo_proposals``)."""

    def add_proposal(
        self,
        geometry: BaseGeometry,
        *,
        name: str,
        attributes: dict[str, Any] | None = None,
        report: dict[str, Any] | None = None,
        user: str | None = None,
        status: str = "draft",
        revision_of: int | None = None,
    ) -> Proposal:
        """Store a proposed site (geometry in EPSG:9209) with its attributes and review report.

        The status is written as given: which statuses a proposal may start with is
        ``tbgeo.proposals``' rule. ``revision_of`` links a new review of a decided proposal to it; the
        fields that differ from it are recorded in the revision's history.
        """
        user = user or current_user()
        at = now()
        with self._lock():
            if not self.path.exists():
                self._create_unlocked()
            with self._transaction() as con:
                if not tables.proposals_layer_ready(con):  # a workspace from an earlier tbgeo
                    tables.register_proposals_layer(con)
                if not tables.tables_ready(con):
                    tables.upgrade_tables(con)
                original = self._require_proposal(con, revision_of) if revision_of is not None else None
                cur = con.execute(
                    "INSERT INTO tbgeo_proposals (name, status, geom_wkb, geom, area_ha, attributes, report,"
                    " created_at, created_by, updated_at, revision_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        status,
                        _shapely().to_wkb(geometry),
                        tables.gpkg_geometry(geometry, tables.work_srs_id(con)),
                        float(geometry.area) / 10_000.0,
                        json.dumps(attributes or {}, ensure_ascii=False, default=str),
                        json.dumps(report, ensure_ascii=False, default=str) if report is not None else None,
                        at,
                        user,
                        at,
                        revision_of,
                    ),
                )
                pid = int(cur.lastrowid or 0)
                con.execute(
                    "INSERT INTO tbgeo_decisions (proposal_id, at, by, status_from, status_to, comment)"
                    " VALUES (?, ?, ?, NULL, ?, '')",
                    (pid, at, user, status),
                )
                details: dict[str, Any] = {"name": name, "status": status}
                if original is not None:
                    new_row = con.execute("SELECT * FROM tbgeo_proposals WHERE id = ?", (pid,)).fetchone()
                    self._record_changes(con, pid, user, at, _fields(original), _fields(new_row))
                    details["revision_of"] = revision_of
                self._audit(con, user, "proposal.create", f"proposal:{pid}", details)
        return self.proposal(pid)

    @staticmethod
    def _record_changes(
        con: sqlite3.Connection, pid: int, user: str, at: str, old: dict[str, Any], new: dict[str, Any]
    ) -> list[tuple[str, str | None, str | None]]:
        changes = field_changes(old, new)
        con.executemany(
            "INSERT INTO tbgeo_proposal_changes (proposal_id, at, by, field, old, new) VALUES (?, ?, ?, ?, ?, ?)",
            [(pid, at, user, f, a, b) for f, a, b in changes],
        )
        return changes

    def update_report(
        self,
        proposal_id: int,
        report: dict[str, Any],
        *,
        user: str | None = None,
        name: str | None = None,
        attributes: dict[str, Any] | None = None,
        check: Callable[[Proposal], None] | None = None,
        expected: int | None = None,
        geometry: BaseGeometry | None = None,
    ) -> Proposal:
        """Replace a proposal's review report after a re-check, and its name, attributes and outline
        (``geometry``, EPSG:9209: a draft's site drawn anew) if given.

        ``check`` (``tbgeo.proposals``' rule: a decided proposal stays as it was) is called with the
        proposal as stored, inside this change's lock, and refuses it by raising; so does a change on
        a view older than the stored one (``expected``). Every changed field is kept in the history.
        """
        user = user or current_user()
        with self._lock(), self._transaction() as con:
            row = self._require_proposal(con, proposal_id)
            guard(self._proposal_from_row(con, row), expected, check)
            if not tables.tables_ready(con):
                tables.upgrade_tables(con)
            at = now()
            if geometry is not None:
                con.execute("UPDATE tbgeo_proposals SET geom_wkb = ?, geom = ?, area_ha = ? WHERE id = ?",
                            (_shapely().to_wkb(geometry), tables.gpkg_geometry(geometry, tables.work_srs_id(con)),
                             float(geometry.area) / 10_000.0, proposal_id))
            con.execute(
                "UPDATE tbgeo_proposals SET report = ?, name = ?, attributes = ?, updated_at = ?,"
                " row_version = row_version + 1 WHERE id = ?",
                (
                    json.dumps(report, ensure_ascii=False, default=str),
                    name if name is not None else row["name"],
                    json.dumps(attributes, ensure_ascii=False, default=str) if attributes is not None else row["attributes"],
                    at,
                    proposal_id,
                ),
            )
            after = con.execute("SELECT * FROM tbgeo_proposals WHERE id = ?", (proposal_id,)).fetchone()
            changes = self._record_changes(con, proposal_id, user, at, _fields(row), _fields(after))
            self._audit(con, user, "proposal.review", f"proposal:{proposal_id}",
                        {"verdict": report.get("verdict"), "changed": [c[0] for c in changes]})
        return self.proposal(proposal_id)

    def set_status(
        self,
        proposal_id: int,
        status: str,
        *,
        user: str | None = None,
        comment: str = "",
        check: Callable[[Proposal], None] | None = None,
        expected: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> Proposal:
        """Record a decision: the new status, who took it, when and why (``details``: more for the
        audit log, such as an override's reason).

        The status is written as given; ``check`` (``tbgeo.proposals``' life-cycle rules) is called
        with the proposal as stored, inside this change's lock, and refuses it by raising; so does a
        decision on a view older than the stored one (``expected``).
        """
        user = user or current_user()
        with self._lock(), self._transaction() as con:
            row = self._require_proposal(con, proposal_id)
            current = row["status"]
            guard(self._proposal_from_row(con, row), expected, check)
            at = now()
            con.execute("UPDATE tbgeo_proposals SET status = ?, updated_at = ?, row_version = row_version + 1"
                        " WHERE id = ?", (status, at, proposal_id))
            con.execute(
                "INSERT INTO tbgeo_decisions (proposal_id, at, by, status_from, status_to, comment)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (proposal_id, at, user, current, status, comment),
            )
            self._audit(con, user, "proposal.status", f"proposal:{proposal_id}",
                        {"from": current, "to": status, **(details or {})})
        return self.proposal(proposal_id)

    def add_comment(self, proposal_id: int, comment: str, *, user: str | None = None) -> Proposal:
        """A reviewer's comment, kept in the proposal's history. It is a change of the proposal (its
        ``row_version`` moves on): a decision taken on a view that did not show it is refused."""
        user = user or current_user()
        with self._lock(), self._transaction() as con:
            self._require_proposal(con, proposal_id)
            if not tables.tables_ready(con):  # a workspace from before row versions
                tables.upgrade_tables(con)
            con.execute(
                "INSERT INTO tbgeo_decisions (proposal_id, at, by, status_from, status_to, comment)"
                " VALUES (?, ?, ?, NULL, NULL, ?)",
                (proposal_id, now(), user, comment),
            )
            con.execute("UPDATE tbgeo_proposals SET row_version = row_version + 1 WHERE id = ?", (proposal_id,))
            self._audit(con, user, "proposal.comment", f"proposal:{proposal_id}", {})
        return self.proposal(proposal_id)

    def _require_proposal(self, con: sqlite3.Connection, proposal_id: int) -> sqlite3.Row:
        row: sqlite3.Row | None = con.execute("SELECT * FROM tbgeo_proposals WHERE id = ?", (proposal_id,)).fetchone()
        if row is None:
            raise InputError("workspace.no_proposal", id=proposal_id)
        return row

    def _proposal_from_row(self, con: sqlite3.Connection, row: sqlite3.Row) -> Proposal:
        history = tuple(
            Decision(
                proposal_id=int(d["proposal_id"]),
                at=d["at"],
                by=d["by"],
                status_from=d["status_from"],
                status_to=d["status_to"],
                comment=d["comment"],
            )
            for d in con.execute(
                "SELECT * FROM tbgeo_decisions WHERE proposal_id = ? ORDER BY id", (row["id"],)
            ).fetchall()
        )
        try:
            changes = tuple(
                Change(proposal_id=int(c["proposal_id"]), at=c["at"], by=c["by"], field=c["field"], old=c["old"],
                       new=c["new"])
                for c in con.execute(
                    "SELECT * FROM tbgeo_proposal_changes WHERE proposal_id = ? ORDER BY id", (row["id"],)
                ).fetchall()
            )
        except sqlite3.OperationalError as exc:  # a workspace from before revisions (opened read-only)
            if is_busy(exc):
                raise
            changes = ()
        return Proposal(
            id=int(row["id"]),
            name=row["name"],
            status=row["status"],
            geometry=_shapely().from_wkb(row["geom_wkb"]),
            area_ha=float(row["area_ha"]),
            attributes=json.loads(row["attributes"]),
            report=json.loads(row["report"]) if row["report"] else None,
            created_at=row["created_at"],
            created_by=row["created_by"],
            updated_at=row["updated_at"],
            history=history,
            # sqlite3.Row: `in row` would look among the values; keys() are the column names
            revision_of=row["revision_of"] if "revision_of" in row.keys() else None,  # noqa: SIM118
            changes=changes,
            row_version=int(row["row_version"]) if "row_version" in row.keys() else 1,  # noqa: SIM118
        )

    def proposal(self, proposal_id: int) -> Proposal:
        if not self.path.exists():  # no store yet: no proposal either (and no file made by asking)
            raise InputError("workspace.no_proposal", id=proposal_id)
        with self._connect() as con:
            return self._proposal_from_row(con, self._require_proposal(con, proposal_id))

    def find_proposal(self, proposal_id: int) -> Proposal | None:
        """The proposal ``proposal_id``, or None when there is no such proposal (or no store yet)."""
        if not self.path.exists():
            return None
        with self._connect() as con:
            row = con.execute("SELECT * FROM tbgeo_proposals WHERE id = ?", (proposal_id,)).fetchone()
            return self._proposal_from_row(con, row) if row is not None else None

    def proposals(self, statuses: tuple[str, ...] | None = None) -> list[Proposal]:
        """Stored proposals, newest first, optionally only those with the given statuses."""
        if not self.path.exists() or (statuses is not None and not statuses):
            return []
        with self._connect() as con:
            if statuses is None:
                rows = con.execute("SELECT * FROM tbgeo_proposals ORDER BY id DESC").fetchall()
            else:
                marks = ", ".join("?" * len(statuses))
                rows = con.execute(f"SELECT * FROM tbgeo_proposals WHERE status IN ({marks}) ORDER BY id DESC",
                                   tuple(statuses)).fetchall()
            return [self._proposal_from_row(con, r) for r in rows]

    def outlines(self, statuses: tuple[str, ...]) -> list[Outline]:
        """See ``Store``: number, name and outline only, in one query."""
        if not self.path.exists() or not statuses:
            return []
        marks = ", ".join("?" * len(statuses))
        with self._connect() as con:
            rows = con.execute(f"SELECT id, name, geom_wkb FROM tbgeo_proposals WHERE status IN ({marks}) ORDER BY id",
                               tuple(statuses)).fetchall()
        return [Outline(int(r["id"]), r["name"], _shapely().from_wkb(r["geom_wkb"])) for r in rows]

    def proposals_frame(self, statuses: tuple[str, ...] | None = None) -> gpd.GeoDataFrame:
        """Proposals as a GeoDataFrame in EPSG:9209 (id, name, status, area_ha, sector, verdict)."""
        return proposals_frame(self.proposals(statuses))

