"""What to print: the PrintSpec dataclass and its validation (errors in the user's language)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tbgeo.errors import InputError
from tbgeo.printing.sheets import ORIENTATIONS, SIZES, Sheet, sheet

__all__ = ["PrintSpec", "FORMATS", "DPI_RANGE", "MAX_PIXELS", "format_from_path"]

FORMATS = ("pdf", "png", "svg")
#: PNG resolution accepted by the renderer (the UI preview uses the low end; downloads use ≥ 200).
DPI_RANGE = (30, 600)
#: Largest PNG the server draws (about 600 MB of RGBA memory).
MAX_PIXELS = 150_000_000


def format_from_path(path: str) -> str:
    """``pdf``/``png``/``svg`` from a file name; InputError for anything else."""
    low = str(path).lower()
    for fmt in FORMATS:
        if low.endswith("." + fmt):
            return fmt
    raise InputError("print.error.bad_format", value=str(path))


@dataclass(frozen=True)
class PrintSpec:
    """One printed sheet (or, for the atlas, the template of every page).

    Extent: ``bbox`` (EPSG:9209 metres) wins over ``district`` (name with or without diacritics),
    which wins over ``site``; with none of them the whole province is printed. ``layers`` None means
    every catalog layer that is shown by default. ``scale`` None chooses the smallest round scale that
    fits. Text left None takes the language's default (title, period, issuing body).
    """

    layers: tuple[str, ...] | None = None
    district: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    size: str = "A3"
    orientation: str = "landscape"
    fmt: str = "pdf"
    dpi: int = 200
    scale: int | None = None
    title: str | None = None
    unit: str | None = None
    period: str | None = None
    date: str | None = None
    issuer: str | None = None
    national_heading: bool = False
    draft: bool = False
    signatures: bool = False
    lang: str = "vi"
    site: Any = None  # shapely geometry in EPSG:9209
    site_name: str | None = None
    findings: tuple[dict[str, Any], ...] | None = None
    #: the review's overall verdict (a severity: block, warn, info, ok) and its words; by default the
    #: worst severity of ``findings``
    verdict: str | None = None
    verdict_text: str | None = None
    labels: bool = True
    #: Administrative heading: "today" (UBND tỉnh Hưng Yên, "địa bàn tỉnh Thái Bình cũ" in the title),
    #: "plan" (UBND tỉnh Thái Bình) or None: by ``date`` (titleblock.resolve_heading).
    heading: str | None = None
    #: An italic line under the title (a review sheet: the site's former district and new commune).
    place_note: str | None = None
    #: Print the site's corner coordinates (VN-2000 X, Y) in a corner of the map, numbered on the map too.
    corner_table: bool = False
    #: Lines under the site's name above the findings (a review sheet: proposal number, investor, sector).
    site_info: tuple[str, ...] = ()

    def sheet(self) -> Sheet:
        return sheet(self.size.upper(), self.orientation)

    def validate(self) -> PrintSpec:
        """Self, after checking every option; raises InputError naming the bad one."""
        if self.size.upper() not in SIZES:
            raise InputError("print.error.bad_size", value=self.size, allowed=", ".join(SIZES))
        if self.orientation not in ORIENTATIONS:
            raise InputError("print.error.bad_orientation", value=self.orientation)
        if self.fmt not in FORMATS:
            raise InputError("print.error.bad_format", value=self.fmt)
        if self.heading is not None and self.heading not in ("today", "plan"):
            raise InputError("print.error.bad_heading", value=self.heading)
        if self.scale is not None and (isinstance(self.scale, bool) or not isinstance(self.scale, (int, float)) or not math.isfinite(self.scale)
                    or self.scale < 100 or self.scale > 50_000_000 or int(self.scale) != self.scale):
            raise InputError("print.error.bad_scale", value=self.scale)
        if self.fmt == "png":
            lo, hi = DPI_RANGE
            if not (lo <= int(self.dpi) <= hi):
                raise InputError("print.error.bad_dpi", value=self.dpi, low=lo, high=hi)
            w, h = self.sheet().pixels(self.dpi)
            if w * h > MAX_PIXELS:
                raise InputError("print.error.too_large", w=w, h=h)
        if self.bbox is not None:
            check_bbox(self.bbox)
        if self.layers is not None and len(self.layers) == 0:
            raise InputError("print.error.no_layers")
        return self


def check_bbox(bbox: Any) -> tuple[float, float, float, float]:
    """A VN-2000 box ``E_min, N_min, E_max, N_max`` (easting first) near Thái Bình as four floats.

    InputError if malformed, lon/lat, swapped (northing first, the survey X/Y order) or far away.
    """
    text = ",".join(str(v) for v in bbox) if isinstance(bbox, (list, tuple)) else str(bbox)
    try:
        vals = tuple(float(v) for v in bbox)
    except (TypeError, ValueError):
        raise InputError("print.error.bad_bbox", value=text) from None
    if len(vals) != 4 or not all(math.isfinite(v) for v in vals):
        raise InputError("print.error.bad_bbox", value=text)
    xmin, ymin, xmax, ymax = vals
    if all(abs(v) <= 180 for v in vals):
        raise InputError("print.error.bbox_lonlat", value=text)
    if _northing_first(vals):
        # Vietnamese survey order (X = northing, Y = easting) given instead of easting first
        fixed = f"{_num(ymin)},{_num(xmin)},{_num(ymax)},{_num(xmax)}"
        raise InputError("print.error.bbox_swapped", value=text, fixed=fixed)
    if not (xmin < xmax and ymin < ymax):
        raise InputError("print.error.bad_bbox", value=text)
    # generous window around the province (facts §1.6: E 562–620 km, N 2 243–2 294 km)
    if xmax < 480_000 or xmin > 700_000 or ymax < 2_160_000 or ymin > 2_380_000:
        raise InputError("print.error.bbox_far", value=text)
    return vals


def _northing_first(vals: tuple[float, float, float, float]) -> bool:
    """Whether the box reads N, E, N, E: northings of Thái Bình are ~2.2 million m, eastings ~0.6 million."""
    xmin, ymin, xmax, ymax = vals
    return all(1_800_000 < v < 2_700_000 for v in (xmin, xmax)) and all(300_000 < v < 900_000 for v in (ymin, ymax))


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)
