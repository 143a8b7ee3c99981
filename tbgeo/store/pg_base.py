"""The PostgreSQL/PostGIS store's plumbing: connections with bounded waits for locks, one transaction
a change under named advisory locks, its tables made once a database (and known again when the
database is made anew at the same URL), the audit log. ``tbgeo.store.postgis.PostgisStore`` builds on it."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row

from tbgeo.errors import Num, StoreBusyError, WorkspaceError, log_detail
from tbgeo.store import pg_tables as tables
from tbgeo.store.base import lock_wait
from tbgeo.store.records import now

__all__ = ["PgBase", "Row", "jsonb"]

Row = dict[str, Any]


def _conninfo(url: str) -> str:
    """A libpq URL; SQLAlchemy's spelling (``postgresql+psycopg://``) is taken too."""
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgis://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix):]
    return url


def jsonb(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class PgBase:
    """The PostgreSQL database at ``url`` and how it is changed: one transaction a change."""

    kind = "postgis"

    def __init__(self, url: str) -> None:
        self.url = _conninfo(url)

    #: Databases known to have tbgeo's tables, shared by every store object of this process (a page
    #: view opens the store many times: the tables are looked for once, not at every read). A database
    #: is known by its URL, its oid and its server's start: one dropped and made again at the same URL
    #: (a new oid), or another server answering there, is looked at anew.
    _READY: set[str] = set()
    #: The database the open connection reached (set by ``_connect``).
    _db = ""

    @property
    def _ready(self) -> bool:
        return self._db in PgBase._READY

    @_ready.setter
    def _ready(self, value: bool) -> None:
        if value:
            PgBase._READY.add(self._db)

    def describe(self) -> str:
        info = conninfo_to_dict(self.url)
        host = str(info.get("host") or "localhost") + (f":{info['port']}" if info.get("port") else "")
        return f"postgresql://{info.get('user') or ''}@{host}/{info.get('dbname') or ''}"

    # -- plumbing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[psycopg.Connection[Row]]:
        """A connection whose waits for locks are bounded by ``lock_wait()`` (then "busy", not a hang)."""
        wait = lock_wait()
        try:
            con = psycopg.connect(self.url, row_factory=dict_row, autocommit=True,  # changes: con.transaction()
                                  connect_timeout=max(2, int(wait) + 1))
        except psycopg.OperationalError as exc:
            raise WorkspaceError("store.unreachable", where=self.describe(),
                                 log=log_detail(exc, f"connecting to {self.describe()}")) from exc
        try:
            # one round trip: the bounded wait for locks, and which database this is
            row = con.execute("SELECT set_config('lock_timeout', %s, false), d.oid::text AS oid,"
                              " pg_postmaster_start_time()::text AS started FROM pg_database d"
                              " WHERE d.datname = current_database()", (str(int(wait * 1000)),)).fetchone()
            self._db = f"{self.url}|{row['oid']}|{row['started']}" if row else self.url
            yield con
        except pg_errors.LockNotAvailable as exc:
            raise StoreBusyError("workspace.busy", seconds=Num(wait, 0)) from exc
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self, *locks: str) -> Iterator[psycopg.Cursor[Row]]:
        """One change: a transaction (committed whole or rolled back), holding the advisory locks
        named (waited for at most ``lock_wait()``), its tables made first if a reader found none."""
        with self._connect() as con, con.transaction(), con.cursor() as cur:
            for name in locks:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"tbgeo:{name}",))
            if not self._ready:
                self._make_tables(cur)
            yield cur

    def _create(self) -> None:
        with self._connect() as con, con.transaction(), con.cursor() as cur:
            self._make_tables(cur)

    def _make_tables(self, cur: psycopg.Cursor[Row]) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext('tbgeo:schema'))")
        cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
        if cur.fetchone() is None:
            try:
                with cur.connection.transaction():
                    cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            except psycopg.Error as exc:
                raise WorkspaceError("store.no_postgis", where=self.describe()) from exc
        tables.register_vn2000(cur)
        for statement in tables.SCHEMA.split(";"):
            if statement.strip():
                cur.execute(statement)
        cur.execute("INSERT INTO tbgeo_meta (key, value) VALUES ('identity', %s) ON CONFLICT DO NOTHING",
                    (uuid.uuid4().hex,))
        cur.execute("INSERT INTO tbgeo_meta (key, value) VALUES ('revision', %s) ON CONFLICT DO NOTHING",
                    (uuid.uuid4().hex,))
        self._ready = True

    @contextlib.contextmanager
    def _read(self) -> Iterator[psycopg.Cursor[Row] | None]:
        """A cursor for reading, or None when the database has no tbgeo tables yet (an empty store)."""
        with self._connect() as con, con.cursor() as cur:
            if not self._ready:
                cur.execute("SELECT to_regclass('tbgeo_audit') IS NOT NULL AS made,"
                            " to_regclass('tbgeo_sign_in_failures') IS NOT NULL AS current")
                row = cur.fetchone()
                if row and row["made"] and not row["current"]:
                    self._create()  # made by an earlier tbgeo: its newer tables are added
                self._ready = bool(row and row["made"])
            yield cur if self._ready else None

    @staticmethod
    def _audit(cur: psycopg.Cursor[Row], who: str, action: str, target: str, details: dict[str, Any], *,
               revise: bool = True) -> None:
        """Log the change and give the store a new revision (every change is audited; a sign-in keeps it)."""
        if revise:
            cur.execute("UPDATE tbgeo_meta SET value = %s WHERE key = 'revision'", (uuid.uuid4().hex,))
        cur.execute("INSERT INTO tbgeo_audit (at, who, action, target, details) VALUES (%s, %s, %s, %s, %s)",
                    (now(), who, action, target, jsonb(details)))

