"""The GeoPackage store (the default): one file, ``workspace/tbgeo.gpkg``, that QGIS opens too.

Every change is written under an exclusive file lock and committed in one SQLite transaction, so a
failed or concurrent change never leaves half a write: a layer version's feature table is written
first under a fresh name and becomes visible only when its metadata row commits.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from tbgeo import settings
from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError, Num, StoreBusyError, WorkspaceError, log_detail
from tbgeo.store import gpkg_tables as tables
from tbgeo.store.base import current_user, lock_wait
from tbgeo.store.conflicts import refuse_moved_layer
from tbgeo.store.gpkg_base import is_busy
from tbgeo.store.gpkg_proposals import GpkgProposals
from tbgeo.store.records import (
    FAILED_NAME_CHARS,
    FAILED_NAMES_KEPT,
    LayerVersion,
    SignInClaim,
    User,
    check_layer_id,
    now,
    now_exact,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["GpkgStore"]


def _gdal() -> ModuleType:
    # GDAL's packages load when a version is written or read, not at the app's start
    from tbgeo import gdalfiles

    return gdalfiles


class GpkgStore(GpkgProposals):
    """The GeoPackage store at ``path`` (default ``settings.workspace_path()``): layer versions and
    accounts here, proposals in ``GpkgProposals``, the file's plumbing in ``GpkgBase``."""

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

    @classmethod
    def open_existing(cls, path: Path | None = None) -> GpkgStore:
        ws = cls(Path(path or settings.workspace_path()))
        ws.recover()
        return ws

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
        expected_active: int | None = None,
    ) -> LayerVersion:
        """Store ``gdf`` (any CRS; kept in EPSG:9209) as the next version of ``layer_id``.

        Refused (ConflictError, nothing written) when the active version is not ``expected_active``
        (checked under the store's lock, which every write holds; see ``Store``).

        ``details`` holds the import's decisions and counts (CRS, encoding, repaired, dropped, ...).
        Either the version is fully stored (and active, by default) or nothing changes.
        """
        check_layer_id(layer_id)
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
                if expected_active is not None:
                    last = con.execute("SELECT who, at FROM tbgeo_audit WHERE target = ? OR target GLOB ?"
                                       " ORDER BY id DESC LIMIT 1", (layer_id, f"{layer_id}@*")).fetchone()
                    refuse_moved_layer(layer_id, expected_active, self._active_number(con, layer_id),
                                       (last["who"], last["at"]) if last else None)
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
                _gdal().write_vector(work, staging, layer=table)
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
                raise WorkspaceError("workspace.write_failed",
                                     log=log_detail(exc, f"writing {layer_id} to {self.describe()}")) from exc
            finally:
                tables.remove_staging(staging)
        result = self.version(layer_id, version)
        assert result is not None
        return result

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
                if is_busy(exc):
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
        if not self.path.exists():
            raise InputError("workspace.no_version", layer=layer_id, version=version)
        with self._connect() as con:
            row = con.execute(
                "SELECT table_name FROM tbgeo_layer_versions WHERE layer_id = ? AND version = ?", (layer_id, version)
            ).fetchone()
        if row is None:
            raise InputError("workspace.no_version", layer=layer_id, version=version)
        try:
            gdf = _gdal().read_vector(self.path, layer=row[0])
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

    @staticmethod
    def _user_from_row(row: sqlite3.Row) -> User:
        return User(name=row["name"], display_name=row["display_name"], roles=tuple(json.loads(row["roles"])),
                    disabled=bool(row["disabled"]), password_hash=row["password_hash"], created_at=row["created_at"],
                    created_by=row["created_by"], failures=int(row["failures"]), failed_at=row["failed_at"])

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
        if self.path.stat().st_mode & 0o077:  # a store made by an earlier tbgeo, before it held hashes
            os.chmod(self.path, 0o600)
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
                if is_busy(exc):
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
                if is_busy(exc):
                    raise
                return []
        return [self._user_from_row(r) for r in rows]

    def has_users(self) -> bool:
        """Whether accounts are set up (then every change needs a signed-in user with the right role);
        asked on every page view, so one row is read, not the accounts."""
        if not self.path.exists():
            return False
        with self._connect() as con:
            try:
                return con.execute("SELECT 1 FROM tbgeo_users LIMIT 1").fetchone() is not None
            except sqlite3.OperationalError as exc:  # a store from before accounts: it has none
                if is_busy(exc):
                    raise
                return False

    def update_user(self, name: str, *, user: str | None = None, roles: tuple[str, ...] | None = None,
                    disabled: bool | None = None, password_hash: str | None = None,
                    check: Callable[[list[User]], None] | None = None) -> User:
        """Change an account's roles, whether it may sign in, or its password (hashed); audited.
        ``check`` sees every account as stored, under the store's lock, and refuses by raising."""
        user = user or current_user()
        with self._write() as con:
            row = con.execute("SELECT * FROM tbgeo_users WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise InputError("auth.no_user", name=name)
            if check is not None:
                check([self._user_from_row(r) for r in con.execute("SELECT * FROM tbgeo_users ORDER BY name")])
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

    def claim_sign_in(self, name: str, check: Callable[[SignInClaim], None] | None = None) -> SignInClaim:
        """Count a sign-in attempt as failed until it succeeds, in one change with reading the account,
        so parallel attempts are counted one after another; a name without an account is counted
        alike (in ``tbgeo_sign_in_failures``, at most ``FAILED_NAMES_KEPT`` names). ``check`` sees
        the count before this attempt and refuses it (raising) with nothing counted."""
        with self._write() as con:
            row = con.execute("SELECT * FROM tbgeo_users WHERE name = ?", (name,)).fetchone()
            if row is not None:
                account = self._user_from_row(row)
                claim = SignInClaim(account, account.failures, account.failed_at)
                if check is not None:
                    check(claim)
                con.execute("UPDATE tbgeo_users SET failures = failures + 1, failed_at = ? WHERE name = ?", (now(), name))
                return claim
            key = name[:FAILED_NAME_CHARS]
            seen = con.execute("SELECT failures, failed_at FROM tbgeo_sign_in_failures WHERE name = ?", (key,)).fetchone()
            claim = SignInClaim(None, int(seen["failures"]), seen["failed_at"]) if seen else SignInClaim(None)
            if check is not None:
                check(claim)
            con.execute("INSERT INTO tbgeo_sign_in_failures (name, failures, failed_at) VALUES (?, 1, ?)"
                        " ON CONFLICT(name) DO UPDATE SET failures = failures + 1, failed_at = excluded.failed_at",
                        (key, now_exact()))
            con.execute("DELETE FROM tbgeo_sign_in_failures WHERE name IN (SELECT name FROM tbgeo_sign_in_failures"
                        " ORDER BY failed_at DESC, name LIMIT -1 OFFSET ?)", (FAILED_NAMES_KEPT,))
            return claim

    def record_sign_in(self, name: str, ok: bool) -> None:
        """The outcome of a claimed attempt: a success clears the count; either is audited (the store's
        revision kept: nothing shown changed). For a name without an account, the same work, unlogged."""
        with self._write() as con:
            cur = con.execute("UPDATE tbgeo_users SET failures = CASE WHEN ? THEN 0 ELSE failures END,"
                              " failed_at = CASE WHEN ? THEN NULL ELSE failed_at END WHERE name = ?", (ok, ok, name))
            if cur.rowcount:
                self._audit(con, name, "user.sign_in" if ok else "user.sign_in_failed", f"user:{name}", {},
                            revise=False)
            else:
                con.execute("UPDATE tbgeo_sign_in_failures SET failed_at = failed_at WHERE name = ?",
                            (name[:FAILED_NAME_CHARS],))

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

