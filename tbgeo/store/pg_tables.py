"""The PostGIS store's tables: the schema it makes itself, the VN-2000 coordinate systems it registers
(Debian's PostGIS knows none of EPSG:9205–9218), and a layer version's features written with COPY and
read back as a GeoDataFrame. PostgreSQL only; used by ``tbgeo.store.postgis``."""

from __future__ import annotations

import hashlib
import warnings
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely
from psycopg import sql
from pyproj import CRS

from tbgeo.crs import WORK_CRS

if TYPE_CHECKING:
    import psycopg

__all__ = ["SCHEMA", "VN2000_CODES", "register_vn2000", "write_features", "read_features", "feature_table"]

#: EPSG codes of VN-2000 and its TM-3 zones (9205–9218; 9209 is Thái Bình's 105°30′), and VN-2000
#: geographic (4756) and UTM 48N/49N (3405, 3406) for files made by other tools.
VN2000_CODES = (4756, 3405, 3406, *range(9205, 9219))

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
    details JSON NOT NULL,
    PRIMARY KEY (layer_id, version)
);
CREATE TABLE IF NOT EXISTS tbgeo_active (
    layer_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tbgeo_proposals (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    geom geometry(Geometry, 9209) NOT NULL,
    area_ha DOUBLE PRECISION NOT NULL,
    attributes JSON NOT NULL,
    report JSON,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    revision_of INTEGER REFERENCES tbgeo_proposals(id),
    row_version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS tbgeo_proposals_geom ON tbgeo_proposals USING GIST (geom);
CREATE TABLE IF NOT EXISTS tbgeo_decisions (
    id SERIAL PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES tbgeo_proposals(id),
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    status_from TEXT,
    status_to TEXT,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS tbgeo_proposal_changes (
    id SERIAL PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES tbgeo_proposals(id),
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT
);
CREATE TABLE IF NOT EXISTS tbgeo_users (
    name TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles JSON NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
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
CREATE TABLE IF NOT EXISTS tbgeo_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tbgeo_audit (
    id SERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details JSON NOT NULL DEFAULT '{}'
)
"""


def register_vn2000(cur: psycopg.Cursor[Any]) -> None:
    """Add the VN-2000 systems PostGIS lacks to ``spatial_ref_sys`` (WKT and PROJ string from pyproj),
    so ``ST_Transform`` from EPSG:9209 works and QGIS names the layers' CRS."""
    for code in VN2000_CODES:
        crs = CRS.from_epsg(code)
        with warnings.catch_warnings():  # PROJ strings drop the datum's name: PostGIS reads the WKT first
            warnings.simplefilter("ignore", UserWarning)
            proj4 = crs.to_proj4()
        cur.execute(
            "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)"
            " VALUES (%s, 'EPSG', %s, %s, %s) ON CONFLICT (srid) DO NOTHING",
            (code, code, crs.to_wkt("WKT1_GDAL"), proj4),
        )


def feature_table(layer_id: str, version: int) -> str:
    return f"lv_{layer_id}_{version}"


def _column_type(dtype: Any) -> str:
    kind = getattr(dtype, "kind", "O")
    if kind == "b":
        return "BOOLEAN"
    if kind in "iu":
        return "BIGINT"
    if kind == "f":
        return "DOUBLE PRECISION"
    if kind == "M":
        return "TIMESTAMPTZ"
    return "TEXT"


def _column_values(column: Any, sqltype: str) -> list[Any]:
    """A column's cells as COPY writes them, converted a column at a time (the fast path for numbers
    and text; other values one by one)."""
    missing = column.isna().tolist()
    if sqltype in ("BIGINT", "DOUBLE PRECISION"):
        cast = int if sqltype == "BIGINT" else float
        return [None if m else cast(v) for v, m in zip(column.tolist(), missing, strict=True)]
    if sqltype == "TEXT":
        return [None if m else v if isinstance(v, str) else str(v) for v, m in zip(column.tolist(), missing, strict=True)]
    return [_cell(v, sqltype) for v in column.tolist()]


def _cell(value: Any, sqltype: str) -> Any:
    """A cell as COPY writes it: missing values as NULL, numbers as Python numbers, the rest as text."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    if sqltype == "BIGINT":
        return int(value)
    if sqltype == "DOUBLE PRECISION":
        return float(value)
    if sqltype == "BOOLEAN":
        return bool(value)
    if sqltype == "TIMESTAMPTZ":
        return pd.Timestamp(value).to_pydatetime()
    return str(value)


def _promoted(geoms: Any) -> Any:
    """Single parts as multi-part geometries, as the GeoPackage store writes them (one type a layer)."""
    multi = {"Polygon": shapely.MultiPolygon, "LineString": shapely.MultiLineString, "Point": shapely.MultiPoint}
    return [multi[g.geom_type]([g]) if g is not None and g.geom_type in multi else g for g in geoms]


def write_features(cur: psycopg.Cursor[Any], table: str, gdf: gpd.GeoDataFrame) -> None:
    """Create ``table`` (its columns typed from the frame, geometry in EPSG:9209 with a spatial index)
    and COPY the features into it, inside the caller's transaction."""
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    types = [_column_type(gdf[c].dtype) for c in columns]
    spec = sql.SQL(", ").join(
        [sql.SQL("fid BIGSERIAL PRIMARY KEY")]
        + [sql.SQL("{} {}").format(sql.Identifier(str(c)), sql.SQL(t)) for c, t in zip(columns, types, strict=True)]
        + [sql.SQL("geom geometry(Geometry, {})").format(sql.Literal(WORK_CRS.to_epsg()))]
    )
    cur.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), spec))
    geoms = shapely.set_srid(_promoted(gdf.geometry.values), int(WORK_CRS.to_epsg() or 9209))
    wkb = shapely.to_wkb(geoms, hex=True, include_srid=True)
    names = sql.SQL(", ").join([sql.Identifier(str(c)) for c in columns] + [sql.Identifier("geom")])
    values = [_column_values(gdf[c], t) for c, t in zip(columns, types, strict=True)]
    with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names)) as copy:
        for row in zip(*values, wkb.tolist(), strict=True):
            copy.write_row(row)
    index = "ix_" + hashlib.sha1(table.encode("utf-8")).hexdigest()[:20]  # within 63 bytes, whatever the id
    cur.execute(sql.SQL("CREATE INDEX {} ON {} USING GIST (geom)").format(sql.Identifier(index), sql.Identifier(table)))


def read_features(cur: psycopg.Cursor[Any], table: str) -> gpd.GeoDataFrame:
    """The features of ``table`` in EPSG:9209, in the order they were written, columns as written."""
    cur.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
                " AND NOT attisdropped ORDER BY attnum", (sql.Identifier(table).as_string(cur),))
    columns = [r[0] for r in cur.fetchall() if r[0] not in ("fid", "geom")]
    select = sql.SQL(", ").join([sql.Identifier(c) for c in columns] + [sql.SQL("ST_AsBinary(geom)")])
    cur.execute(sql.SQL("SELECT {} FROM {} ORDER BY fid").format(select, sql.Identifier(table)))
    rows = cur.fetchall()
    data = pd.DataFrame([r[:-1] for r in rows], columns=columns) if rows else pd.DataFrame(columns=columns)
    for column, desc in zip(columns, cur.description or (), strict=False):
        if desc.type_code == 1184 and column in data:  # timestamptz
            data[column] = pd.to_datetime(data[column], utc=True)
    geometry = shapely.from_wkb([bytes(r[-1]) if r[-1] is not None else None for r in rows])
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometry, crs=WORK_CRS))
