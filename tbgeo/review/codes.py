"""The land-use code vocabulary (Circular 08/2024 codes): rice codes, aliases, normalising a value to a
code, and finding the column of a layer that holds codes. Shared by ingest, the review and the map."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from tbgeo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from tbgeo.catalog import Layer

__all__ = ["RICE_CODES", "LANDUSE_CODES", "DEFAULT_RASTER_CLASSES", "CODE_COLUMN", "ALIASES", "norm_code",
           "normalise_codes", "find_code_column", "class_values"]


RICE_CODES = ("LUC", "LUK", "LUN", "LUA")


#: Land-use codes of Circular 25/2014, 27/2018 and 08/2024 used to recognise a code column.
LANDUSE_CODES = frozenset(
    """LUA LUC LUK LUN HNK BHK NHK CHN CLN LNC LNQ LNK RSX RPH RDD NTS TSL TSN LMU NKH CNT BCS DCS NCS CSD
    SKK SKT SKN SKC SKS SKX SCC CSK TMD ONT ODT DGT DTL DNL DBV DVH DYT DGD DTT DKH DXH DCH DDT DDL DRA
    DSH DKV DCK DHT DBL DSN DNG TSC TSK DTS DVK DNN CQP CAN NTD SON MNC TON TIN PNK CCC HCC DKG""".split()
)


#: Default pixel table for a land-use raster given by the user (config/review.toml overrides it).
DEFAULT_RASTER_CLASSES: dict[int, str] = {1: "LUC", 2: "LUK"}


# -- vectors -----------------------------------------------------------------------------------
_CODE_RE = re.compile(r"[A-Z]{3}")


def norm_code(value: Any) -> str | None:
    """A value as an upper-case land-use code (``" luc"`` → ``LUC``), None when it is not one."""
    if not isinstance(value, str):
        return None
    m = _CODE_RE.match(value.strip().upper())
    return m.group(0) if m else None


def find_code_column(gdf: gpd.GeoDataFrame) -> str:
    """The column whose values are land-use codes: it must hold rice codes (LUA/LUC/LUK/LUN), and
    of those candidates the one with the largest share of known codes wins."""
    best: tuple[float, str] | None = None
    for col in gdf.columns:
        if col == gdf.geometry.name or gdf[col].dtype.kind in "biufcM":
            continue
        codes = [norm_code(v) for v in gdf[col].dropna().tolist()]
        if not codes:
            continue
        if not any(c in RICE_CODES for c in codes):
            continue
        share = sum(c in LANDUSE_CODES for c in codes) / len(codes)
        if share >= 0.5 and (best is None or share > best[0]):
            best = (share, col)
    if best is None:
        raise InputError("review.landuse.no_code_column", codes=", ".join(RICE_CODES))
    return best[1]


#: The column of an imported land-use version that holds the normalised code.
CODE_COLUMN = "code"


#: Codes drawn with another code's class: upland and unspecified rice with other rice land, the other
#: industrial and production codes with parks and clusters, aquaculture sub-codes with aquaculture.
ALIASES = {
    "LUN": "LUK",
    "LUA": "LUK",
    "SKT": "SKK",
    "SCC": "SKK",
    "CSK": "SKK",
    "SKC": "SKK",
    "TSL": "NTS",
    "TSN": "NTS",
}


def normalise_codes(values: pd.Series) -> list[str | None]:
    """Each value as an upper-case land-use code (``"luc "`` → ``LUC``), None when it is not one."""
    return [norm_code(v) for v in values.tolist()]


def class_values(layer: Layer, codes: list[Any]) -> np.ndarray:
    """The raster value of each code under the layer's class table (``SKK/SKN`` covers both codes);
    codes of no class take the "other" class (the one whose code is not a land-use code, e.g. ``BHK/khác``)."""
    table: dict[str, int] = {}
    other = None
    for cls in layer.raster_classes:
        parts = [p.strip().upper() for p in str(cls.code).split("/")]
        for part in parts:
            table.setdefault(part, int(cls.value))
        if any(p in ("KHÁC", "KHAC", "OTHER") for p in parts):
            other = int(cls.value)
    if other is None:
        other = min(int(c.value) for c in layer.raster_classes)
    out = np.empty(len(codes), dtype=np.uint8)
    for i, code in enumerate(codes):
        key = str(code).upper() if code else ""
        out[i] = table.get(key, table.get(ALIASES.get(key, ""), other))
    return out
