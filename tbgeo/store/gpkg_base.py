"""The GeoPackage store's plumbing: the file, its lock across processes, bounded waits, one SQLite
transaction per change, recovery after a crash, and the audit log with the store's identity and
revision. ``tbgeo.store.gpkg.GpkgStore`` builds on it."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from tbgeo.crs import WORK_CRS
from tbgeo.errors import Num, StoreBusyError
from tbgeo.store import gpkg_tables as tables
from tbgeo.store.base import lock_wait
from tbgeo.store.records import (
    now,
)

if TYPE_CHECKING:
    pass

__all__ = ["GpkgBase", "is_busy"]


def _gdal() -> ModuleType:
    # GDAL's packages load when the file is made or a table dropped, not at the app's start
    from tbgeo import gdalfiles

    return gdalfiles


def is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)




class GpkgBase:
    """The GeoPackage file at ``path`` and how it is changed: under its lock, one transaction a change."""

    kind = "gpkg"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def describe(self) -> str:
        return str(self.path)

    def _upgrade(self) -> None:
        """Bring a workspace made by an earlier tbgeo up to date (the proposals as a feature layer), and
        make one that holds password hashes readable by its owner only."""
        with self._connect() as con:
            ready = tables.proposals_layer_ready(con) and tables.tables_ready(con)
            hashes = ready and con.execute("SELECT 1 FROM tbgeo_users LIMIT 1").fetchone() is not None
        if hashes and self.path.stat().st_mode & 0o077:
            with contextlib.suppress(PermissionError):  # not the owner: the administrator's to set
                os.chmod(self.path, 0o600)
        if ready:
            return
        with self._connect() as con:
            if tables.proposals_layer_ready(con) and tables.tables_ready(con):
                return
        with self._lock(), self._transaction() as con:
            if not tables.proposals_layer_ready(con):
                tables.register_proposals_layer(con)
            tables.upgrade_tables(con)

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock():
            if not self.path.exists():
                self._create_unlocked()

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
            if is_busy(exc):
                raise StoreBusyError("workspace.busy", seconds=Num(wait, 0)) from exc
            raise
        con.row_factory = sqlite3.Row
        try:
            yield con
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
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
    def _audit(con: sqlite3.Connection, who: str, action: str, target: str, details: dict[str, Any], *,
               revise: bool = True) -> None:
        """Log the change and give the workspace a new revision (every change is audited); a sign-in,
        which changes nothing shown, keeps the revision (``revise=False``) so the map is not drawn anew."""
        if revise:
            tables.new_revision(con)
        con.execute(
            "INSERT INTO tbgeo_audit (at, who, action, target, details) VALUES (?, ?, ?, ?, ?)",
            (now(), who, action, target, json.dumps(details, ensure_ascii=False, default=str)),
        )

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

    def _create_unlocked(self) -> None:
        """A GeoPackage made by GDAL (so QGIS and ogrinfo read it) with tbgeo's tables; lock held."""
        # GDAL needs one layer to create the file; this empty marker layer also records the working CRS.
        tmp = self.path.with_name(self.path.stem + ".new.gpkg")
        tmp.unlink(missing_ok=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _gdal().write_empty(tmp, layer="tbgeo_workspace", crs=WORK_CRS)
        con = sqlite3.connect(tmp)
        try:
            con.executescript(tables.SCHEMA)
            tables.register_proposals_layer(con)
            tables.new_revision(con)
            con.commit()
        finally:
            con.close()
        # the store keeps the accounts' password hashes: readable by the service's user only (SQLite
        # gives its journal and WAL files the database file's mode)
        os.chmod(tmp, 0o600)
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
        if not self.path.exists():
            return
        try:
            names = _gdal().layer_names(self.path)
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

