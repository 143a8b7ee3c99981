"""The GeoPackage store (the default): one file, ``workspace/tbgeo.gpkg``, that QGIS opens too.

Every change is written under an exclusive file lock and committed in one SQLite transaction, so a
failed or concurrent change never leaves half a write: a layer version's feature table is written
first under a fresh name and becomes visible only when its metadata row commits.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tbgeo import settings
from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError, Num, StoreBusyError, WorkspaceError
from tbgeo.store import gpkg_tables as tables
from tbgeo.store.base import current_user, lock_wait
from tbgeo.store.conflicts import refuse_stale
from tbgeo.store.records import (
    Change,
    Decision,
    LayerVersion,
    Proposal,
    User,
    field_changes,
    now,
    review_fields,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = ["GpkgStore"]


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)



def _fields(row: sqlite3.Row) -> dict[str, Any]:
    return review_fields(row["name"], json.loads(row["attributes"]), row["area_ha"],
                         json.loads(row["report"]) if row["report"] else None)


class GpkgStore:
    """The GeoPackage store at ``path`` (default ``settings.workspace_path()``)."""

    kind = "gpkg"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def describe(self) -> str:
        return str(self.path)

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def exists(cls, path: Path | None = None) -> bool:
        return Path(path or settings.workspace_path()).exists()

    @classmethod
    def open(cls, path: Path | None = None) -> GpkgStore:
        """The workspace, created (an empty GeoPackage with tbgeo's tables) if it does not exist."""
        ws = cls(Path(path or settings.workspace_path()))
        if not ws.path.exists():
            ws._create()
        else:
            ws.recover()
            ws._upgrade()
        return ws

    def _upgrade(self) -> None:
        """Bring a workspace made by an earlier tbgeo up to date (the proposals as a feature layer)."""
        with self._connect() as con:
            if tables.proposals_layer_ready(con) and tables.tables_ready(con):
                return
        with self._lock(), self._transaction() as con:
            if not tables.proposals_layer_ready(con):
                tables.register_proposals_layer(con)
            tables.upgrade_tables(con)

    @classmethod
    def open_existing(cls, path: Path | None = None) -> GpkgStore:
        ws = cls(Path(path or settings.workspace_path()))
        ws.recover()
        return ws

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock():
            if not self.path.exists():
                self._create_unlocked()

    # -- plumbing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """An exclusive lock across processes for the whole of one change."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a+") as fh:
            # bounded: a lock another program keeps (a stuck tbgeo, a backup) gives "busy", not a hang
            wait = lock_wait()
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreBusyError("workspace.busy", seconds=Num(wait, 0)) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection that waits at most ``lock_wait()`` seconds for a lock another program holds
        (QGIS editing the GeoPackage, a backup), then raises StoreBusyError instead of sqlite's error."""
        wait = lock_wait()
        try:
            con = sqlite3.connect(self.path, timeout=wait, isolation_level=None)
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreBusyError("workspace.busy", seconds=Num(wait, 0)) from exc
            raise
        con.row_factory = sqlite3.Row
        try:
            yield con
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreBusyError("workspace.busy", seconds=Num(wait, 0)) from exc
            raise
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    @staticmethod
    def _audit(con: sqlite3.Connection, who: str, action: str, target: str, details: dict[str, Any]) -> None:
        """Log the change and give the workspace a new revision (every change is audited)."""
        tables.new_revision(con)
        con.execute(
            "INSERT INTO tbgeo_audit (at, who, action, target, details) VALUES (?, ?, ?, ?, ?)",
            (now(), who, action, target, json.dumps(details, ensure_ascii=False, default=str)),
        )

    # -- layer versions ---------------------------------------------------------------------
    def add_layer_version(
        self,
        layer_id: str,
        gdf: gpd.GeoDataFrame,
        *,
        source_name: str,
        sha256: str,
        user: str | None = None,
        details: dict[str, Any] | None = None,
        activate: bool = True,
    ) -> LayerVersion:
        """Store ``gdf`` (any CRS; kept in EPSG:9209) as the next version of ``layer_id``.

        ``details`` holds the import's decisions and counts (CRS, encoding, repaired, dropped, ...).
        Either the version is fully stored (and active, by default) or nothing changes.
        """
        import pyogrio

        if gdf.crs is None:
            raise InputError("errors.crs_missing")
        user = user or current_user()
        details = dict(details or {})
        work = gdf.to_crs(WORK_CRS)
        with self._lock():
            if not self.path.exists():
                self._create_unlocked()
            self._sweep_unlocked()
            with self._connect() as con:
                row = con.execute(
                    "SELECT COALESCE(MAX(version), 0) FROM tbgeo_layer_versions WHERE layer_id = ?", (layer_id,)
                ).fetchone()
            version = int(row[0]) + 1
            table = f"lv_{layer_id}_{version}"
            self._drop_table(table)  # an orphan of an earlier failed write, never visible
            with self._transaction():
                pass  # wait (bounded) for a write lock another program holds, before GDAL writes
            # GDAL writes the features into a staging GeoPackage beside the store (it commits in
            # batches, so a kill mid-write would leave a half table that QGIS lists); the table is
            # copied into the store in the same transaction as its metadata row: all or nothing.
            staging = self._staging_dir() / f"{os.getpid()}-{uuid.uuid4().hex}.gpkg"
            try:
                staging.parent.mkdir(parents=True, exist_ok=True)
                pyogrio.write_dataframe(work, staging, layer=table, driver="GPKG", promote_to_multi=True)
                with self._transaction() as con:
                    tables.copy_table(staging, con, table)
                    con.execute(
                        "INSERT INTO tbgeo_layer_versions (layer_id, version, table_name, created_at, created_by,"
                        " source_name, sha256, features, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            layer_id,
                            version,
                            table,
                            now(),
                            user,
                            source_name,
                            sha256,
                            len(work),
                            json.dumps(details, ensure_ascii=False, default=str),
                        ),
                    )
                    if activate:
                        con.execute(
                            "INSERT INTO tbgeo_active (layer_id, version) VALUES (?, ?)"
                            " ON CONFLICT(layer_id) DO UPDATE SET version = excluded.version",
                            (layer_id, version),
                        )
                    self._audit(
                        con,
                        user,
                        "layer.import",
                        f"{layer_id}@{version}",
                        {"source_name": source_name, "sha256": sha256, "features": len(work), "activate": activate},
                    )
            except Exception as exc:
                self._drop_table(table)
                if isinstance(exc, (InputError, WorkspaceError)):
                    raise
                if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                    raise StoreBusyError("workspace.busy", seconds=Num(lock_wait(), 0)) from exc
                raise WorkspaceError("workspace.write_failed", detail=str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__) from exc
            finally:
                tables.remove_staging(staging)
        result = self.version(layer_id, version)
        assert result is not None
        return result

    def _create_unlocked(self) -> None:
        """A GeoPackage made by GDAL (so QGIS and ogrinfo read it) with tbgeo's tables; lock held."""
        import geopandas as gpd
        import pyogrio

        # GDAL needs one layer to create the file; this empty marker layer also records the working CRS.
        empty = gpd.GeoDataFrame({"note": []}, geometry=gpd.GeoSeries([], crs=WORK_CRS))
        tmp = self.path.with_name(self.path.stem + ".new.gpkg")
        tmp.unlink(missing_ok=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        pyogrio.write_dataframe(empty, tmp, layer="tbgeo_workspace", driver="GPKG", geometry_type="MultiPolygon")
        con = sqlite3.connect(tmp)
        try:
            con.executescript(tables.SCHEMA)
            tables.register_proposals_layer(con)
            tables.new_revision(con)
            con.commit()
        finally:
            con.close()
        os.replace(tmp, self.path)

    def _staging_dir(self) -> Path:
        return self.path.with_name(f".{self.path.name}.staging")

    def _sweep_unlocked(self) -> None:
        """Remove what a killed import left (lock held, so no other write is running): staging
        files, and feature tables no version row refers to (written by an earlier tbgeo straight
        into the store)."""
        shutil.rmtree(self._staging_dir(), ignore_errors=True)
        try:
            with self._connect() as con:
                listed = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents WHERE table_name LIKE 'lv\\_%' ESCAPE '\\'")}
                used = {r[0] for r in con.execute("SELECT table_name FROM tbgeo_layer_versions")}
        except sqlite3.Error:
            return
        for table in sorted(listed - used):
            self._drop_table(table)

    def recover(self) -> None:
        """Finish what a crash left, when no tbgeo write is running (never waits): a killed import's
        staging files are removed, and a hot rollback journal (or a WAL) is rolled back (checkpointed)
        by a writable connection, so later read-only opens (GDAL, QGIS, a read-only mount) work."""
        staging = self._staging_dir()
        journal = self.path.with_name(self.path.name + "-journal")
        wal = self.path.with_name(self.path.name + "-wal")
        hot = self.path.exists() and ((journal.exists() and journal.stat().st_size > 0) or wal.exists())
        if not (hot or staging.exists()):
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        with contextlib.suppress(OSError), open(lock_path, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # busy: a write is running and cleans up itself
            try:
                shutil.rmtree(staging, ignore_errors=True)
                if hot:
                    with contextlib.suppress(sqlite3.Error):
                        con = sqlite3.connect(self.path, timeout=1)
                        try:
                            con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # rolls a hot journal back
                            if wal.exists():
                                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                        finally:
                            con.close()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _drop_table(self, table: str) -> None:
        """Remove a feature table GDAL wrote (and its GeoPackage registrations), if present."""
        import pyogrio

        if not self.path.exists():
            return
        try:
            names = {str(n) for n in pyogrio.list_layers(self.path)[:, 0]}
        except Exception:
            return
        if table not in names:
            return
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute(f'DROP TABLE IF EXISTS "{table}"')
                for suffix in ("", "_rowid", "_node", "_parent"):
                    con.execute(f'DROP TABLE IF EXISTS "rtree_{table}_geom{suffix}"')
                for meta in ("gpkg_contents", "gpkg_geometry_columns", "gpkg_ogr_contents"):
                    con.execute(f"DELETE FROM {meta} WHERE table_name = ?", (table,))
                con.execute("DELETE FROM gpkg_extensions WHERE table_name = ?", (table,))
                con.execute("COMMIT")
            except sqlite3.Error:
                con.execute("ROLLBACK")

    def _version_from_row(self, row: sqlite3.Row, active: int | None) -> LayerVersion:
        return LayerVersion(
            layer_id=row["layer_id"],
            version=int(row["version"]),
            created_at=row["created_at"],
            created_by=row["created_by"],
            source_name=row["source_name"],
            sha256=row["sha256"],
            features=int(row["features"]),
            details=json.loads(row["details"]),
            active=active == int(row["version"]),
        )

    def _active_number(self, con: sqlite3.Connection, layer_id: str) -> int | None:
        row = con.execute("SELECT version FROM tbgeo_active WHERE layer_id = ?", (layer_id,)).fetchone()
        return int(row[0]) if row else None

    def versions(self, layer_id: str) -> list[LayerVersion]:
        """Every stored version of a layer, oldest first."""
        if not self.path.exists():
            return []
        with self._connect() as con:
            active = self._active_number(con, layer_id)
            rows = con.execute(
                "SELECT * FROM tbgeo_layer_versions WHERE layer_id = ? ORDER BY version", (layer_id,)
            ).fetchall()
            return [self._version_from_row(r, active) for r in rows]

    def version(self, layer_id: str, version: int) -> LayerVersion | None:
        for v in self.versions(layer_id):
            if v.version == version:
                return v
        return None

    def active_version(self, layer_id: str) -> LayerVersion | None:
        """The version the map and the rules use, or None when the shipped data is in use."""
        if not self.path.exists():
            return None
        with self._connect() as con:
            try:
                active = self._active_number(con, layer_id)
            except sqlite3.OperationalError as exc:
                # busy: say so (the shipped data in its place would give silently wrong results);
                # otherwise a store without tbgeo's tables (a GeoPackage from elsewhere)
                if _is_busy(exc):
                    raise StoreBusyError("workspace.busy", seconds=Num(lock_wait(), 0)) from exc
                return None
            if active is None:
                return None
            row = con.execute(
                "SELECT * FROM tbgeo_layer_versions WHERE layer_id = ? AND version = ?", (layer_id, active)
            ).fetchone()
            return self._version_from_row(row, active) if row else None

    def read_version(self, layer_id: str, version: int) -> gpd.GeoDataFrame:
        """The features of one version, in EPSG:9209."""
        import geopandas as gpd

        if not self.path.exists():
            raise InputError("workspace.no_version", layer=layer_id, version=version)
        with self._connect() as con:
            row = con.execute(
                "SELECT table_name FROM tbgeo_layer_versions WHERE layer_id = ? AND version = ?", (layer_id, version)
            ).fetchone()
        if row is None:
            raise InputError("workspace.no_version", layer=layer_id, version=version)
        try:
            gdf = gpd.read_file(self.path, layer=row[0], engine="pyogrio")
        except Exception as exc:  # GDAL's own connection: a lock taken since the row was read
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise StoreBusyError("workspace.busy", seconds=Num(lock_wait(), 0)) from exc
            raise
        return gdf if gdf.crs is not None else gdf.set_crs(WORK_CRS)

    def set_active(self, layer_id: str, version: int | None, *, user: str | None = None) -> LayerVersion | None:
        """Make ``version`` the active one (rollback); ``None`` returns the layer to its shipped data."""
        user = user or current_user()
        if not self.path.exists():  # nothing was ever imported: no version to choose, nothing to roll back
            raise InputError("workspace.no_version", layer=layer_id, version="—" if version is None else version)
        with self._lock(), self._transaction() as con:
            if version is not None:
                row = con.execute(
                    "SELECT 1 FROM tbgeo_layer_versions WHERE layer_id = ? AND version = ?", (layer_id, version)
                ).fetchone()
                if row is None:
                    raise InputError("workspace.no_version", layer=layer_id, version=version)
                con.execute(
                    "INSERT INTO tbgeo_active (layer_id, version) VALUES (?, ?)"
                    " ON CONFLICT(layer_id) DO UPDATE SET version = excluded.version",
                    (layer_id, version),
                )
            else:
                con.execute("DELETE FROM tbgeo_active WHERE layer_id = ?", (layer_id,))
            self._audit(con, user, "layer.activate", layer_id, {"version": version})
        return self.active_version(layer_id)

    # -- proposals --------------------------------------------------------------------------
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
        import shapely

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
                        shapely.to_wkb(geometry),
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
    ) -> Proposal:
        """Replace a proposal's review report after a re-check, and its name and attributes if given.

        ``check`` (``tbgeo.proposals``' rule: a decided proposal stays as it was) is called with the
        proposal as stored, inside this change's lock, and refuses it by raising; so does a change on
        a view older than the stored one (``expected``). Every changed field is kept in the history.
        """
        user = user or current_user()
        with self._lock(), self._transaction() as con:
            row = self._require_proposal(con, proposal_id)
            stored = self._proposal_from_row(con, row)
            refuse_stale(stored, expected)
            if check is not None:
                check(stored)
            if not tables.tables_ready(con):
                tables.upgrade_tables(con)
            at = now()
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
            stored = self._proposal_from_row(con, row)
            refuse_stale(stored, expected)
            if check is not None:
                check(stored)
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
        """A reviewer's comment, kept in the proposal's history."""
        user = user or current_user()
        with self._lock(), self._transaction() as con:
            self._require_proposal(con, proposal_id)
            con.execute(
                "INSERT INTO tbgeo_decisions (proposal_id, at, by, status_from, status_to, comment)"
                " VALUES (?, ?, ?, NULL, NULL, ?)",
                (proposal_id, now(), user, comment),
            )
            self._audit(con, user, "proposal.comment", f"proposal:{proposal_id}", {})
        return self.proposal(proposal_id)

    def _require_proposal(self, con: sqlite3.Connection, proposal_id: int) -> sqlite3.Row:
        row: sqlite3.Row | None = con.execute("SELECT * FROM tbgeo_proposals WHERE id = ?", (proposal_id,)).fetchone()
        if row is None:
            raise InputError("workspace.no_proposal", id=proposal_id)
        return row

    def _proposal_from_row(self, con: sqlite3.Connection, row: sqlite3.Row) -> Proposal:
        import shapely

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
            if _is_busy(exc):
                raise
            changes = ()
        return Proposal(
            id=int(row["id"]),
            name=row["name"],
            status=row["status"],
            geometry=shapely.from_wkb(row["geom_wkb"]),
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
        if not self.path.exists():
            return []
        with self._connect() as con:
            rows = con.execute("SELECT * FROM tbgeo_proposals ORDER BY id DESC").fetchall()
            out = [self._proposal_from_row(con, r) for r in rows]
        return [p for p in out if statuses is None or p.status in statuses]

    def proposals_frame(self, statuses: tuple[str, ...] | None = None) -> gpd.GeoDataFrame:
        """Proposals as a GeoDataFrame in EPSG:9209 (id, name, status, area_ha, sector, verdict)."""
        import geopandas as gpd

        items = self.proposals(statuses)
        return gpd.GeoDataFrame(
            {
                "proposal_id": [p.id for p in items],
                "name": [p.name for p in items],
                "status": [p.status for p in items],
                "area_ha": [round(p.area_ha, 2) for p in items],
                "sector": [p.attributes.get("sector") for p in items],
                "verdict": [(p.report or {}).get("verdict") for p in items],
            },
            geometry=gpd.GeoSeries([p.geometry for p in items], crs=WORK_CRS),
        )

    # -- accounts ---------------------------------------------------------------------------
    @staticmethod
    def _user_from_row(row: sqlite3.Row) -> User:
        return User(name=row["name"], display_name=row["display_name"], roles=tuple(json.loads(row["roles"])),
                    disabled=bool(row["disabled"]), password_hash=row["password_hash"], created_at=row["created_at"],
                    created_by=row["created_by"], failures=int(row["failures"]), failed_at=row["failed_at"])

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One change: the store made (and brought up to date) if needed, under the lock, in one transaction."""
        with self._lock():
            if not self.path.exists():
                self._create_unlocked()
            with self._transaction() as con:
                if not tables.tables_ready(con):
                    tables.upgrade_tables(con)
                yield con

    def add_user(self, name: str, *, display_name: str, password_hash: str, roles: tuple[str, ...],
                 user: str | None = None) -> User:
        """A new account (its password already hashed by ``tbgeo.auth``); refused if the name is taken."""
        user = user or current_user()
        with self._write() as con:
            if con.execute("SELECT 1 FROM tbgeo_users WHERE name = ?", (name,)).fetchone():
                raise InputError("auth.user_exists", name=name)
            con.execute(
                "INSERT INTO tbgeo_users (name, display_name, password_hash, roles, disabled, created_at, created_by)"
                " VALUES (?, ?, ?, ?, 0, ?, ?)",
                (name, display_name, password_hash, json.dumps(list(roles)), now(), user),
            )
            self._audit(con, user, "user.add", f"user:{name}", {"roles": list(roles)})
        found = self.user(name)
        assert found is not None
        return found

    def user(self, name: str) -> User | None:
        if not self.path.exists():
            return None
        with self._connect() as con:
            try:
                row = con.execute("SELECT * FROM tbgeo_users WHERE name = ?", (name,)).fetchone()
            except sqlite3.OperationalError as exc:  # a store from before accounts: it has none
                if _is_busy(exc):
                    raise
                return None
        return self._user_from_row(row) if row else None

    def users(self) -> list[User]:
        if not self.path.exists():
            return []
        with self._connect() as con:
            try:
                rows = con.execute("SELECT * FROM tbgeo_users ORDER BY name").fetchall()
            except sqlite3.OperationalError as exc:
                if _is_busy(exc):
                    raise
                return []
        return [self._user_from_row(r) for r in rows]

    def has_users(self) -> bool:
        """Whether accounts are set up (then every change needs a signed-in user with the right role)."""
        return bool(self.users())

    def update_user(self, name: str, *, user: str | None = None, roles: tuple[str, ...] | None = None,
                    disabled: bool | None = None, password_hash: str | None = None) -> User:
        """Change an account's roles, whether it may sign in, or its password (hashed); audited."""
        user = user or current_user()
        with self._write() as con:
            row = con.execute("SELECT * FROM tbgeo_users WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise InputError("auth.no_user", name=name)
            if roles is not None:
                con.execute("UPDATE tbgeo_users SET roles = ? WHERE name = ?", (json.dumps(list(roles)), name))
                self._audit(con, user, "user.roles", f"user:{name}",
                            {"from": json.loads(row["roles"]), "to": list(roles)})
            if disabled is not None:
                con.execute("UPDATE tbgeo_users SET disabled = ? WHERE name = ?", (int(disabled), name))
                self._audit(con, user, "user.disable" if disabled else "user.enable", f"user:{name}", {})
            if password_hash is not None:
                con.execute("UPDATE tbgeo_users SET password_hash = ?, failures = 0, failed_at = NULL WHERE name = ?",
                            (password_hash, name))
                self._audit(con, user, "user.password", f"user:{name}", {})
        found = self.user(name)
        assert found is not None
        return found

    def record_sign_in(self, name: str, ok: bool) -> None:
        """Count a failed sign-in (repeated failures are slowed down), or clear the count on success."""
        with self._write() as con:
            if ok:
                con.execute("UPDATE tbgeo_users SET failures = 0, failed_at = NULL WHERE name = ?", (name,))
                self._audit(con, name, "user.sign_in", f"user:{name}", {})
            else:
                con.execute("UPDATE tbgeo_users SET failures = failures + 1, failed_at = ? WHERE name = ?", (now(), name))
                self._audit(con, name, "user.sign_in_failed", f"user:{name}", {})

    # -- audit ------------------------------------------------------------------------------
    def _meta(self, con: sqlite3.Connection) -> tuple[str, str]:
        """(identity, revision) as stored; a workspace from an earlier tbgeo that was not changed
        since has none, and gets names derived from its file and its audit log."""
        try:
            meta = dict(con.execute("SELECT key, value FROM tbgeo_meta").fetchall())
        except sqlite3.OperationalError:
            meta = {}
        identity = meta.get("identity") or f"legacy:{self.path}"
        revision = meta.get("revision")
        if revision is None:
            last, first = con.execute("SELECT max(id), min(at) FROM tbgeo_audit").fetchone()
            revision = f"legacy:{last or 0}@{first or ''}"
        return str(identity), str(revision)

    def revision(self) -> str:
        """A token that changes with every change to the workspace (a random one, written with each
        change: a restored backup or a workspace made anew never repeats a token another state had);
        ``"0"`` when there is none. What is drawn from the workspace (the map) is cached on it."""
        if not self.path.exists():
            return "0"
        with self._connect() as con:
            return self._meta(con)[1]

    def identity(self) -> str:
        """A random name given to the workspace when it was made: the content of a layer version is
        identified by it together with the version's number and source."""
        if not self.path.exists():
            return ""
        with self._connect() as con:
            return self._meta(con)[0]

    def state(self) -> tuple[str, str, dict[str, LayerVersion]]:
        """In one read: the identity, the revision and the active version of every layer
        (``("", "0", {})`` when there is no workspace). Caches check this on every page view, so it
        opens the file once, however many layers and versions there are."""
        if not self.path.exists():
            return "", "0", {}
        with self._connect() as con:
            identity, revision = self._meta(con)
            try:
                rows = con.execute(
                    "SELECT v.* FROM tbgeo_layer_versions v JOIN tbgeo_active a"
                    " ON a.layer_id = v.layer_id AND a.version = v.version"
                ).fetchall()
            except sqlite3.OperationalError:
                rows = []
        return identity, revision, {r["layer_id"]: self._version_from_row(r, int(r["version"])) for r in rows}

    def audit(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The audit log, newest first."""
        if not self.path.exists():
            return []
        sql = "SELECT * FROM tbgeo_audit ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        with self._connect() as con:
            return [
                {
                    "at": r["at"],
                    "who": r["who"],
                    "action": r["action"],
                    "target": r["target"],
                    "details": json.loads(r["details"]),
                }
                for r in con.execute(sql).fetchall()
            ]


