"""The GeoPackage store's tables: the schema, the proposals table as a feature layer QGIS shows,
copying a feature table GDAL wrote into the store, and bringing a store made by an earlier tbgeo up
to date. SQLite only; used by ``tbgeo.store.gpkg``."""

from __future__ import annotations

import contextlib
import sqlite3
import struct
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tbgeo.crs import WORK_CRS
from tbgeo.errors import WorkspaceError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

SCHEMA = """
CREATE TABLE IF NOT EXISTS tbgeo_layer_versions (
    layer_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    source_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    features INTEGER NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (layer_id, version)
);
CREATE TABLE IF NOT EXISTS tbgeo_active (
    layer_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tbgeo_proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    geom_wkb BLOB NOT NULL,
    geom GEOMETRY,
    area_ha REAL NOT NULL,
    attributes TEXT NOT NULL,
    report TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    revision_of INTEGER REFERENCES tbgeo_proposals(id),
    row_version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS tbgeo_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id INTEGER NOT NULL REFERENCES tbgeo_proposals(id),
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    status_from TEXT,
    status_to TEXT,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS tbgeo_proposal_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id INTEGER NOT NULL REFERENCES tbgeo_proposals(id),
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT
);
CREATE TABLE IF NOT EXISTS tbgeo_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tbgeo_users (
    name TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    failed_at TEXT
);
CREATE TABLE IF NOT EXISTS tbgeo_sign_in_failures (
    name TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tbgeo_sign_in_failures_at ON tbgeo_sign_in_failures (failed_at);
CREATE TABLE IF NOT EXISTS tbgeo_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
"""



#: The proposals table is also a GeoPackage feature layer (column ``geom``), so QGIS and ogrinfo show
#: the sites with their name, status and area. tbgeo reads its own column ``geom_wkb``: an edit made
#: in a GIS program is not taken into tbgeo (decisions go through tbgeo, with who and when).
PROPOSALS_LAYER = "tbgeo_proposals"
_PROPOSALS_DESCRIPTION = (
    "Khu đất đề xuất đã thẩm tra trong tbgeo (chỉ xem; thay đổi trong tbgeo) / "
    "Proposed sites reviewed in tbgeo (view only; change them in tbgeo)"
)


def new_revision(con: sqlite3.Connection) -> None:
    """A fresh random revision token, and the workspace's identity if it has none (older workspaces)."""
    con.execute("CREATE TABLE IF NOT EXISTS tbgeo_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.execute("INSERT OR IGNORE INTO tbgeo_meta (key, value) VALUES ('identity', ?)", (uuid.uuid4().hex,))
    con.execute("INSERT OR REPLACE INTO tbgeo_meta (key, value) VALUES ('revision', ?)", (uuid.uuid4().hex,))


def _shapely() -> Any:  # shapely ships no type information
    import shapely  # heavy: loaded when a proposal is written or an old store upgraded, not at the app's start

    return shapely


def gpkg_geometry(geometry: BaseGeometry, srs_id: int) -> bytes:
    """A geometry in GeoPackage binary form: the "GP" header with its envelope, then ISO WKB."""
    minx, miny, maxx, maxy = geometry.bounds
    header = b"GP" + bytes([0, 0b0000_0011]) + struct.pack("<i4d", srs_id, minx, maxx, miny, maxy)  # LE, xy envelope
    wkb: bytes = _shapely().to_wkb(geometry, flavor="iso", byte_order=1)
    return header + wkb


def work_srs_id(con: sqlite3.Connection) -> int:
    row = con.execute(
        "SELECT srs_id FROM gpkg_spatial_ref_sys WHERE lower(organization) = 'epsg' AND organization_coordsys_id = ?",
        (WORK_CRS.to_epsg(),),
    ).fetchone()
    if row is None:
        raise WorkspaceError("workspace.no_work_crs")
    return int(row[0])


def proposals_layer_ready(con: sqlite3.Connection) -> bool:
    columns = {r[1] for r in con.execute(f"PRAGMA table_info({PROPOSALS_LAYER})")}
    registered = con.execute("SELECT 1 FROM gpkg_geometry_columns WHERE table_name = ?", (PROPOSALS_LAYER,)).fetchone()
    return "geom" in columns and registered is not None


def register_proposals_layer(con: sqlite3.Connection) -> None:
    """Make the proposals table a feature layer (a workspace made before this gets the column and
    the geometry of its stored proposals); inside the caller's transaction."""
    srs_id = work_srs_id(con)
    if "geom" not in {r[1] for r in con.execute(f"PRAGMA table_info({PROPOSALS_LAYER})")}:
        con.execute(f"ALTER TABLE {PROPOSALS_LAYER} ADD COLUMN geom GEOMETRY")
    for pid, wkb in con.execute(f"SELECT id, geom_wkb FROM {PROPOSALS_LAYER} WHERE geom IS NULL").fetchall():
        con.execute(
            f"UPDATE {PROPOSALS_LAYER} SET geom = ? WHERE id = ?", (gpkg_geometry(_shapely().from_wkb(wkb), srs_id), pid)
        )
    con.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id)"
        " VALUES (?, 'features', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)",
        (PROPOSALS_LAYER, PROPOSALS_LAYER, _PROPOSALS_DESCRIPTION, srs_id),
    )
    con.execute(
        "INSERT OR IGNORE INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m)"
        " VALUES (?, 'geom', 'GEOMETRY', ?, 0, 0)",
        (PROPOSALS_LAYER, srs_id),
    )


_RTREE_SHADOW = ("_node", "_parent", "_rowid")


def copy_table(staging: Path, con: sqlite3.Connection, table: str) -> None:
    """Copy the feature table ``table`` GDAL wrote into ``staging`` (a GeoPackage) into the store
    behind ``con``, inside the caller's transaction: schema, rows, spatial index (its tables copied
    as GDAL built them), triggers and the GeoPackage registrations (contents, geometry columns,
    extensions, feature count)."""
    con.execute("ATTACH DATABASE ? AS tbgeo_staging", (f"file:{staging}?mode=ro",))
    try:
        objects = con.execute(
            "SELECT type, name, sql FROM tbgeo_staging.sqlite_master WHERE sql IS NOT NULL"
            " AND (tbl_name = ? OR name LIKE ? ESCAPE '\\')"
            " ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END",
            (table, f"rtree\\_{table}\\_%"),
        ).fetchall()
        rtrees = [n for t, n, q in objects if t == "table" and q.upper().startswith("CREATE VIRTUAL TABLE")]
        shadows = {f"{r}{suffix}" for r in rtrees for suffix in _RTREE_SHADOW}
        for kind, name, sql in objects:
            if kind != "table" or name in shadows:
                continue
            con.execute(sql)
            if name in rtrees:  # the index as GDAL bulk-built it (inserting anew is slower)
                for shadow in sorted(shadows & {n for _, n, _ in objects}):
                    if shadow.startswith(name):
                        con.execute(f'DELETE FROM main."{shadow}"')
                        con.execute(f'INSERT INTO main."{shadow}" SELECT * FROM tbgeo_staging."{shadow}"')
            else:
                con.execute(f'INSERT INTO main."{name}" SELECT * FROM tbgeo_staging."{name}"')
        for kind, _name, sql in objects:
            if kind in ("index", "trigger"):
                con.execute(sql)
        con.execute(
            "INSERT INTO main.gpkg_spatial_ref_sys SELECT * FROM tbgeo_staging.gpkg_spatial_ref_sys WHERE srs_id IN"
            " (SELECT srs_id FROM tbgeo_staging.gpkg_geometry_columns WHERE table_name = ?)"
            " AND srs_id NOT IN (SELECT srs_id FROM main.gpkg_spatial_ref_sys)",
            (table,),
        )
        main_tables = {r[0] for r in con.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
        staged = {r[0] for r in con.execute("SELECT name FROM tbgeo_staging.sqlite_master WHERE type = 'table'")}
        for meta in ("gpkg_contents", "gpkg_geometry_columns", "gpkg_extensions", "gpkg_ogr_contents"):
            if meta in main_tables and meta in staged:
                _copy_rows(con, meta, table)
    finally:
        with contextlib.suppress(sqlite3.Error):
            con.execute("DETACH DATABASE tbgeo_staging")


def _copy_rows(con: sqlite3.Connection, meta: str, table: str) -> None:
    cols = [r[1] for r in con.execute(f"PRAGMA tbgeo_staging.table_info({meta})")]
    names = ", ".join(f'"{c}"' for c in cols)
    con.execute(f"INSERT INTO main.{meta} ({names}) SELECT {names} FROM tbgeo_staging.{meta} WHERE table_name = ?", (table,))


def remove_staging(staging: Path) -> None:
    for path in (staging, staging.with_name(staging.name + "-journal"), staging.with_name(staging.name + "-wal"),
                 staging.with_name(staging.name + "-shm")):  # fmt: skip
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        staging.parent.rmdir()  # only when empty


def tables_ready(con: sqlite3.Connection) -> bool:
    """Whether the store has every table and column this tbgeo writes."""
    columns = {r[1] for r in con.execute(f"PRAGMA table_info({PROPOSALS_LAYER})")}
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"revision_of", "row_version"} <= columns and {"tbgeo_proposal_changes", "tbgeo_users", "tbgeo_sign_in_failures"} <= tables


def upgrade_tables(con: sqlite3.Connection) -> None:
    """Give a store made by an earlier tbgeo what this one writes: the ``revision_of`` and
    ``row_version`` columns, the change history, the accounts and the failed sign-ins of names without
    one (inside the caller's transaction)."""
    columns = {r[1] for r in con.execute(f"PRAGMA table_info({PROPOSALS_LAYER})")}
    if "revision_of" not in columns:
        con.execute(f"ALTER TABLE {PROPOSALS_LAYER} ADD COLUMN revision_of INTEGER REFERENCES tbgeo_proposals(id)")
    if "row_version" not in columns:
        con.execute(f"ALTER TABLE {PROPOSALS_LAYER} ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1")
    for statement in SCHEMA.split(";"):  # the tables a store made earlier lacks (each IF NOT EXISTS)
        if statement.strip():
            con.execute(statement)
