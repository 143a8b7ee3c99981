"""The PostgreSQL/PostGIS store, for a department sharing one record (``TBGEO_DATABASE_URL``).

It makes its tables itself (and registers the VN-2000 coordinate systems PostGIS lacks), writes each
change in one transaction, and keeps the same records as the GeoPackage store: QGIS opens the layer
versions (``lv_<layer>_<n>``) and the proposals (``tbgeo_proposals``) as PostGIS layers. Two imports
of one layer are serialised by an advisory lock (both become versions, in order); approvals by one
more, so "no land approved twice" is checked against what is stored; any other change of a proposal
waits only for changes of that proposal (its row locked).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import psycopg
import shapely
from psycopg import sql
from psycopg.rows import tuple_row

from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError, WorkspaceError, log_detail
from tbgeo.store import pg_tables as tables
from tbgeo.store.base import current_user
from tbgeo.store.conflicts import guard, refuse_moved_layer
from tbgeo.store.pg_accounts import PgAccounts
from tbgeo.store.pg_base import Row, jsonb as _jsonb
from tbgeo.store.records import (
    Change,
    Decision,
    LayerVersion,
    Outline,
    Proposal,
    check_layer_id,
    field_changes,
    now,
    proposals_frame,
    review_fields,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = ["PostgisStore"]


def _fields(row: Row) -> dict[str, Any]:
    return review_fields(row["name"], row["attributes"], row["area_ha"], row["report"])


class PostgisStore(PgAccounts):
    """The store in the PostgreSQL database at ``url``: layer versions and proposals here, accounts in
    ``PgAccounts``, the plumbing in ``PgBase``."""

    @classmethod
    def open(cls, url: str, *, create: bool = True) -> PostgisStore:
        """The store at ``url``; its tables are made when ``create`` (reading, ``create=False``, makes
        nothing: a database without tbgeo's tables answers as an empty store)."""
        store = cls(url)
        if create:
            store._create()
        return store

    # -- layer versions ---------------------------------------------------------------------
    def add_layer_version(self, layer_id: str, gdf: gpd.GeoDataFrame, *, source_name: str, sha256: str,
                          user: str | None = None, details: dict[str, Any] | None = None,
                          activate: bool = True, expected_active: int | None = None) -> LayerVersion:
        """Store ``gdf`` (any CRS; kept in EPSG:9209) as the next version of ``layer_id``, whole or not
        at all; refused (ConflictError) when the active version is not ``expected_active`` (see ``Store``)."""
        check_layer_id(layer_id)
        if gdf.crs is None:
            raise InputError("errors.crs_missing")
        user = user or current_user()
        work = gdf.to_crs(WORK_CRS)
        try:
            with self._transaction(f"layer:{layer_id}") as cur:
                if expected_active is not None:
                    cur.execute("SELECT version FROM tbgeo_active WHERE layer_id = %s", (layer_id,))
                    active = cur.fetchone()
                    cur.execute("SELECT who, at FROM tbgeo_audit WHERE target = %s OR starts_with(target, %s)"
                                " ORDER BY id DESC LIMIT 1", (layer_id, f"{layer_id}@"))
                    last = cur.fetchone()
                    refuse_moved_layer(layer_id, expected_active, int(active["version"]) if active else None,
                                       (last["who"], last["at"]) if last else None)
                cur.execute("SELECT COALESCE(MAX(version), 0) AS n FROM tbgeo_layer_versions WHERE layer_id = %s",
                            (layer_id,))
                row = cur.fetchone()
                version = int(row["n"] if row else 0) + 1
                table = tables.feature_table(layer_id, version)
                cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
                tables.write_features(cur, table, work)
                cur.execute(
                    "INSERT INTO tbgeo_layer_versions (layer_id, version, table_name, created_at, created_by,"
                    " source_name, sha256, features, details) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (layer_id, version, table, now(), user, source_name, sha256, len(work), _jsonb(details or {})),
                )
                if activate:
                    cur.execute("INSERT INTO tbgeo_active (layer_id, version) VALUES (%s, %s)"
                                " ON CONFLICT (layer_id) DO UPDATE SET version = excluded.version", (layer_id, version))
                self._audit(cur, user, "layer.import", f"{layer_id}@{version}",
                            {"source_name": source_name, "sha256": sha256, "features": len(work), "activate": activate})
        except (InputError, WorkspaceError):
            raise
        except psycopg.Error as exc:
            raise WorkspaceError("workspace.write_failed",
                                 log=log_detail(exc, f"writing {layer_id} to {self.describe()}")) from exc
        result = self.version(layer_id, version)
        assert result is not None
        return result

    @staticmethod
    def _version_from_row(row: Row, active: int | None) -> LayerVersion:
        return LayerVersion(layer_id=row["layer_id"], version=int(row["version"]), created_at=row["created_at"],
                            created_by=row["created_by"], source_name=row["source_name"], sha256=row["sha256"],
                            features=int(row["features"]), details=dict(row["details"]),
                            active=active == int(row["version"]))

    def versions(self, layer_id: str) -> list[LayerVersion]:
        with self._read() as cur:
            if cur is None:
                return []
            cur.execute("SELECT version FROM tbgeo_active WHERE layer_id = %s", (layer_id,))
            active = cur.fetchone()
            cur.execute("SELECT * FROM tbgeo_layer_versions WHERE layer_id = %s ORDER BY version", (layer_id,))
            return [self._version_from_row(r, active["version"] if active else None) for r in cur.fetchall()]

    def version(self, layer_id: str, version: int) -> LayerVersion | None:
        return next((v for v in self.versions(layer_id) if v.version == version), None)

    def active_version(self, layer_id: str) -> LayerVersion | None:
        with self._read() as cur:
            if cur is None:
                return None
            cur.execute("SELECT v.* FROM tbgeo_layer_versions v JOIN tbgeo_active a ON a.layer_id = v.layer_id"
                        " AND a.version = v.version WHERE v.layer_id = %s", (layer_id,))
            row = cur.fetchone()
            return self._version_from_row(row, int(row["version"])) if row else None

    def read_version(self, layer_id: str, version: int) -> gpd.GeoDataFrame:
        with self._read() as cur:
            row = None
            if cur is not None:
                cur.execute("SELECT table_name FROM tbgeo_layer_versions WHERE layer_id = %s AND version = %s",
                            (layer_id, version))
                row = cur.fetchone()
            if cur is None or row is None:
                raise InputError("workspace.no_version", layer=layer_id, version=version)
            with cur.connection.cursor(row_factory=tuple_row) as plain:
                return tables.read_features(plain, row["table_name"])

    def set_active(self, layer_id: str, version: int | None, *, user: str | None = None) -> LayerVersion | None:
        """Make ``version`` the active one (rollback); ``None`` returns the layer to its shipped data."""
        user = user or current_user()
        with self._transaction(f"layer:{layer_id}") as cur:
            if version is not None:
                cur.execute("SELECT 1 FROM tbgeo_layer_versions WHERE layer_id = %s AND version = %s",
                            (layer_id, version))
                if cur.fetchone() is None:
                    raise InputError("workspace.no_version", layer=layer_id, version=version)
                cur.execute("INSERT INTO tbgeo_active (layer_id, version) VALUES (%s, %s)"
                            " ON CONFLICT (layer_id) DO UPDATE SET version = excluded.version", (layer_id, version))
            else:
                cur.execute("SELECT 1 FROM tbgeo_layer_versions WHERE layer_id = %s", (layer_id,))
                if cur.fetchone() is None:
                    raise InputError("workspace.no_version", layer=layer_id, version="—")
                cur.execute("DELETE FROM tbgeo_active WHERE layer_id = %s", (layer_id,))
            self._audit(cur, user, "layer.activate", layer_id, {"version": version})
        return self.active_version(layer_id)

    # -- proposals --------------------------------------------------------------------------
    _SELECT = "SELECT *, ST_AsBinary(geom) AS geom_wkb FROM tbgeo_proposals"

    def add_proposal(self, geometry: BaseGeometry, *, name: str, attributes: dict[str, Any] | None = None,
                     report: dict[str, Any] | None = None, user: str | None = None, status: str = "draft",
                     revision_of: int | None = None) -> Proposal:
        """Store a proposed site (geometry in EPSG:9209) with its attributes and review report."""
        user = user or current_user()
        at = now()
        with self._transaction() as cur:
            original = self._require(cur, revision_of) if revision_of is not None else None
            cur.execute(
                "INSERT INTO tbgeo_proposals (name, status, geom, area_ha, attributes, report, created_at, created_by,"
                " updated_at, revision_of) VALUES (%s, %s, ST_GeomFromWKB(%s, 9209), %s, %s, %s, %s, %s, %s, %s)"
                " RETURNING id",
                (name, status, shapely.to_wkb(geometry), float(geometry.area) / 10_000.0, _jsonb(attributes or {}),
                 _jsonb(report) if report is not None else None, at, user, at, revision_of),
            )
            created = cur.fetchone()
            assert created is not None
            pid = int(created["id"])
            cur.execute("INSERT INTO tbgeo_decisions (proposal_id, at, by, status_from, status_to, comment)"
                        " VALUES (%s, %s, %s, NULL, %s, '')", (pid, at, user, status))
            details: dict[str, Any] = {"name": name, "status": status}
            if original is not None:
                self._record_changes(cur, pid, user, at, _fields(original), _fields(self._require(cur, pid)))
                details["revision_of"] = revision_of
            self._audit(cur, user, "proposal.create", f"proposal:{pid}", details)
        return self.proposal(pid)

    @staticmethod
    def _record_changes(cur: psycopg.Cursor[Row], pid: int, user: str, at: str, old: dict[str, Any],
                        new: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
        changes = field_changes(old, new)
        cur.executemany("INSERT INTO tbgeo_proposal_changes (proposal_id, at, by, field, old, new)"
                        " VALUES (%s, %s, %s, %s, %s, %s)", [(pid, at, user, f, a, b) for f, a, b in changes])
        return changes

    def _require(self, cur: psycopg.Cursor[Row], proposal_id: int, *, lock: bool = False) -> Row:
        cur.execute(self._SELECT + " WHERE id = %s" + (" FOR UPDATE" if lock else ""), (proposal_id,))
        row = cur.fetchone()
        if row is None:
            raise InputError("workspace.no_proposal", id=proposal_id)
        return row

    def update_report(self, proposal_id: int, report: dict[str, Any], *, user: str | None = None,
                      name: str | None = None, attributes: dict[str, Any] | None = None,
                      check: Callable[[Proposal], None] | None = None, expected: int | None = None,
                      geometry: BaseGeometry | None = None) -> Proposal:
        """Replace a proposal's review report (and name, attributes, outline); see ``Store``."""
        user = user or current_user()
        with self._transaction() as cur:
            row = self._require(cur, proposal_id, lock=True)
            guard(self._proposal_from_row(cur, row), expected, check)
            at = now()
            if geometry is not None:
                cur.execute("UPDATE tbgeo_proposals SET geom = ST_GeomFromWKB(%s, 9209), area_ha = %s WHERE id = %s",
                            (shapely.to_wkb(geometry), float(geometry.area) / 10_000.0, proposal_id))
            cur.execute("UPDATE tbgeo_proposals SET report = %s, name = %s, attributes = %s, updated_at = %s,"
                        " row_version = row_version + 1 WHERE id = %s",
                        (_jsonb(report), name if name is not None else row["name"],
                         _jsonb(attributes if attributes is not None else row["attributes"]), at, proposal_id))
            changes = self._record_changes(cur, proposal_id, user, at, _fields(row),
                                           _fields(self._require(cur, proposal_id)))
            self._audit(cur, user, "proposal.review", f"proposal:{proposal_id}",
                        {"verdict": report.get("verdict"), "changed": [c[0] for c in changes]})
        return self.proposal(proposal_id)

    def set_status(self, proposal_id: int, status: str, *, user: str | None = None, comment: str = "",
                   check: Callable[[Proposal], None] | None = None, expected: int | None = None,
                   details: dict[str, Any] | None = None) -> Proposal:
        """Record a decision (see ``Store``). Approvals are taken one at a time across the department
        (the "approvals" lock: each is checked against the land the others hold); any other change of
        a proposal waits only for changes of that proposal (its row locked)."""
        user = user or current_user()
        with self._transaction(*(("approvals",) if status == "approved" else ())) as cur:
            row = self._require(cur, proposal_id, lock=True)
            guard(self._proposal_from_row(cur, row), expected, check)
            at = now()
            cur.execute("UPDATE tbgeo_proposals SET status = %s, updated_at = %s, row_version = row_version + 1"
                        " WHERE id = %s", (status, at, proposal_id))
            cur.execute("INSERT INTO tbgeo_decisions (proposal_id, at, by, status_from, status_to, comment)"
                        " VALUES (%s, %s, %s, %s, %s, %s)", (proposal_id, at, user, row["status"], status, comment))
            self._audit(cur, user, "proposal.status", f"proposal:{proposal_id}",
                        {"from": row["status"], "to": status, **(details or {})})
        return self.proposal(proposal_id)

    def add_comment(self, proposal_id: int, comment: str, *, user: str | None = None) -> Proposal:
        """A comment: a change of the proposal (``row_version`` moves on), like a decision."""
        user = user or current_user()
        with self._transaction() as cur:
            self._require(cur, proposal_id, lock=True)
            cur.execute("INSERT INTO tbgeo_decisions (proposal_id, at, by, status_from, status_to, comment)"
                        " VALUES (%s, %s, %s, NULL, NULL, %s)", (proposal_id, now(), user, comment))
            cur.execute("UPDATE tbgeo_proposals SET row_version = row_version + 1 WHERE id = %s", (proposal_id,))
            self._audit(cur, user, "proposal.comment", f"proposal:{proposal_id}", {})
        return self.proposal(proposal_id)

    def _proposals_from_rows(self, cur: psycopg.Cursor[Row], rows: list[Row]) -> list[Proposal]:
        """Proposals with their histories: two queries for all of them, not two a proposal."""
        ids = [int(r["id"]) for r in rows]
        history: dict[int, list[Decision]] = {i: [] for i in ids}
        changes: dict[int, list[Change]] = {i: [] for i in ids}
        cur.execute("SELECT * FROM tbgeo_decisions WHERE proposal_id = ANY(%s) ORDER BY id", (ids,))
        for d in cur.fetchall():
            history[int(d["proposal_id"])].append(Decision(
                proposal_id=int(d["proposal_id"]), at=d["at"], by=d["by"], status_from=d["status_from"],
                status_to=d["status_to"], comment=d["comment"]))
        cur.execute("SELECT * FROM tbgeo_proposal_changes WHERE proposal_id = ANY(%s) ORDER BY id", (ids,))
        for c in cur.fetchall():
            changes[int(c["proposal_id"])].append(Change(
                proposal_id=int(c["proposal_id"]), at=c["at"], by=c["by"], field=c["field"], old=c["old"], new=c["new"]))
        return [Proposal(id=int(row["id"]), name=row["name"], status=row["status"],
                         geometry=shapely.from_wkb(bytes(row["geom_wkb"])), area_ha=float(row["area_ha"]),
                         attributes=dict(row["attributes"]), report=row["report"], created_at=row["created_at"],
                         created_by=row["created_by"], updated_at=row["updated_at"],
                         history=tuple(history[int(row["id"])]), revision_of=row["revision_of"],
                         changes=tuple(changes[int(row["id"])]), row_version=int(row["row_version"]))
                for row in rows]

    def _proposal_from_row(self, cur: psycopg.Cursor[Row], row: Row) -> Proposal:
        return self._proposals_from_rows(cur, [row])[0]

    def proposal(self, proposal_id: int) -> Proposal:
        found = self.find_proposal(proposal_id)
        if found is None:
            raise InputError("workspace.no_proposal", id=proposal_id)
        return found

    def find_proposal(self, proposal_id: int) -> Proposal | None:
        with self._read() as cur:
            if cur is None:
                return None
            cur.execute(self._SELECT + " WHERE id = %s", (proposal_id,))
            row = cur.fetchone()
            return self._proposal_from_row(cur, row) if row else None

    def proposals(self, statuses: tuple[str, ...] | None = None) -> list[Proposal]:
        with self._read() as cur:
            if cur is None:
                return []
            if statuses is not None and not statuses:
                return []
            if statuses is None:
                cur.execute(self._SELECT + " ORDER BY id DESC")
            else:
                cur.execute(self._SELECT + " WHERE status = ANY(%s) ORDER BY id DESC", (list(statuses),))
            return self._proposals_from_rows(cur, cur.fetchall())

    def outlines(self, statuses: tuple[str, ...]) -> list[Outline]:
        """See ``Store``: number, name and outline only, in one query."""
        with self._read() as cur:
            if cur is None or not statuses:
                return []
            cur.execute("SELECT id, name, ST_AsBinary(geom) AS geom_wkb FROM tbgeo_proposals WHERE status = ANY(%s)"
                        " ORDER BY id", (list(statuses),))
            return [Outline(int(r["id"]), r["name"], shapely.from_wkb(bytes(r["geom_wkb"]))) for r in cur.fetchall()]

    def proposals_frame(self, statuses: tuple[str, ...] | None = None) -> gpd.GeoDataFrame:
        """Proposals as a GeoDataFrame in EPSG:9209 (id, name, status, area_ha, sector, verdict)."""
        return proposals_frame(self.proposals(statuses))

    # -- the record -------------------------------------------------------------------------
    def _meta(self, cur: psycopg.Cursor[Row]) -> tuple[str, str]:
        cur.execute("SELECT key, value FROM tbgeo_meta")
        meta = {r["key"]: r["value"] for r in cur.fetchall()}
        return str(meta.get("identity", "")), str(meta.get("revision", "0"))

    def revision(self) -> str:
        with self._read() as cur:
            return self._meta(cur)[1] if cur is not None else "0"

    def identity(self) -> str:
        with self._read() as cur:
            return self._meta(cur)[0] if cur is not None else ""

    def state(self) -> tuple[str, str, dict[str, LayerVersion]]:
        with self._read() as cur:
            if cur is None:
                return "", "0", {}
            identity, revision = self._meta(cur)
            cur.execute("SELECT v.* FROM tbgeo_layer_versions v JOIN tbgeo_active a"
                        " ON a.layer_id = v.layer_id AND a.version = v.version")
            rows = cur.fetchall()
        return identity, revision, {r["layer_id"]: self._version_from_row(r, int(r["version"])) for r in rows}

    def audit(self, limit: int | None = None) -> list[dict[str, Any]]:
        with self._read() as cur:
            if cur is None:
                return []
            cur.execute("SELECT * FROM tbgeo_audit ORDER BY id DESC" + (" LIMIT %s" if limit else ""),
                        (int(limit),) if limit else ())
            return [{"at": r["at"], "who": r["who"], "action": r["action"], "target": r["target"],
                     "details": dict(r["details"])} for r in cur.fetchall()]

