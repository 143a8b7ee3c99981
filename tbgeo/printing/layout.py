"""The sheet planned before anything is drawn: texts, boxes, map view, grid, findings table split (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.places.crosswalk import crosswalk
from tbgeo.places.names import fold
from tbgeo.printing import findings as findings_mod
from tbgeo.printing._text import nfc, text_width_mm
from tbgeo.printing.corners import CornerPlan, plan_corners
from tbgeo.printing.grid import Grid, grid_for
from tbgeo.printing.labels import MapFrame, MmBox
from tbgeo.printing.scale import choose_scale, format_scale, ground_extent
from tbgeo.printing.sheets import Box, Sheet, SheetLayout, layout_sheet
from tbgeo.printing.spec import check_bbox
from tbgeo.printing.titleblock import TitleBlock, resolve_heading, title_block, upper_vi

if TYPE_CHECKING:
    from tbgeo.printing.mapdata import MapData
    from tbgeo.printing.spec import PrintSpec

__all__ = [
    "PORTRAIT_TABLE_FRACS",
    "NorthArrow",
    "TablePlan",
    "SheetPlan",
    "plan_sheet",
    "resolve_layers",
    "fit_view",
    "north_arrow",
    "scale_block_height",
    "table_box",
    "continuation_box",
    "plan_table",
]

#: Portrait sheet with a findings table: inset + scale | legend + notes | table (fractions of the panel's width).
PORTRAIT_TABLE_FRACS = (0.22, 0.28, 0.50)
#: A grid label's widest text, measured to space the grid lines.
_GRID_SAMPLE = "2 260 000"


@dataclass(frozen=True)
class NorthArrow:
    """The north arrow in the frame's top-right corner (mm): centre line, tip and base, and its box."""

    cx: float
    top: float
    base: float
    width: float
    unit: float
    #: the box no label may cover
    reserved: MmBox


@dataclass(frozen=True)
class TablePlan:
    """Where the findings table goes: its head lines, text size, rows on the first page and continuation pages."""

    head: findings_mod.TableHead
    pt: float
    stop: int
    pages: tuple[tuple[int, int], ...]

    def continues_on(self, rows: int) -> int | None:
        """The page the first page's table continues on (2), or None when every row fits."""
        return 2 if self.stop < rows else None


@dataclass(frozen=True)
class SheetPlan:
    """Everything decided before drawing one sheet: its texts, boxes, map view, grid and findings table."""

    spec: PrintSpec
    sheet: Sheet
    lang: str
    pt: float
    #: line widths and symbol sizes scale with the text: 1 on A3
    k: float
    layer_ids: list[str]
    heading: str
    title: str
    unit: str
    issuer: str | None
    title_block: TitleBlock
    boxes: SheetLayout
    view: MapFrame
    target: tuple[float, float, float, float]
    scale_given: bool
    clipped: bool
    grid: Grid
    north: NorthArrow
    focus: Any
    district: str | None
    findings: list[dict[str, Any]] | None
    table: TablePlan | None
    page: tuple[int, int] | None
    #: the site's corner coordinates table (None: not asked for, or no site)
    corners: CornerPlan | None = None

    @property
    def frame(self) -> Box:
        return self.view.box

    @property
    def extent(self) -> tuple[float, float, float, float]:
        return self.view.extent

    @property
    def scale(self) -> int:
        return self.view.scale

    @property
    def site(self) -> Any:
        """The reviewed site (EPSG:9209), or None."""
        site = self.spec.site
        return site if site is not None and not site.is_empty else None

    @property
    def page_number(self) -> tuple[int, int] | None:
        """(page, pages) printed in the corner: an atlas page, or the first page of a continued table."""
        if self.page is not None:
            return self.page
        more = self.findings_pages + self.corner_pages
        return (1, 1 + more) if more else None

    @property
    def findings_pages(self) -> int:
        """Pages after the first that continue the findings table (pages 2 …)."""
        return len(self.table.pages) if self.table is not None else 0

    @property
    def corner_pages(self) -> int:
        """Pages after the findings' that continue the corner coordinates table."""
        return len(self.corners.pages) if self.corners is not None else 0

    def report(self) -> dict[str, Any]:
        """The measured layout known before drawing (``PrintResult.layout`` gets the rest as it is drawn)."""
        out: dict[str, Any] = {"heading": self.heading}
        if self.table is not None and self.findings is not None:
            out["findings"] = {"rows": len(self.findings), "pt": self.table.pt, "first_page_rows": self.table.stop,
                               "pages": 1 + len(self.table.pages), "continuation_rows": list(self.table.pages),
                               "verdict": self.table.head.verdict or findings_mod.worst_severity(self.findings)}
        if self.corners is not None:
            out["corners"] = self.corners.record()
        sh = self.sheet
        out.update(
            page_mm=(sh.width, sh.height), size=sh.name, orientation=sh.orientation, frame_mm=self.frame.as_tuple(),
            extent=self.extent, target=self.target, scale=self.scale, scale_given=self.scale_given,
            clipped=self.clipped, scale_text=format_scale(self.scale, self.lang), title=upper_vi(self.title),
            unit=upper_vi(self.unit) if self.unit else "", district=self.district, lang=self.lang,
            draft=self.spec.draft, panel_mm=self.boxes.panel.as_tuple(), header_mm=self.boxes.header.as_tuple(),
        )
        return out


def resolve_layers(spec: PrintSpec, data: MapData) -> list[str]:
    """The layer ids to draw in catalog (draw) order; InputError for an unknown id."""
    if spec.layers is None:
        return [lyr.id for lyr in data.catalog if lyr.default_visible]
    wanted = [str(x).strip() for x in spec.layers if str(x).strip()]
    if not wanted:

        raise InputError("print.error.no_layers")
    for lid in wanted:
        data.layer(lid)  # raises InputError listing the ids
    return [lyr.id for lyr in data.catalog if lyr.id in wanted]


def _focus(spec: PrintSpec, data: MapData,
           layer_ids: list[str]) -> tuple[tuple[float, float, float, float], Any, dict[str, Any] | None]:
    """The ground box to fit, the focus geometry (a district, dimmed outside) and the district row."""
    if spec.bbox is not None:

        return check_bbox(spec.bbox), None, None
    if spec.district:
        row = data.find_district(spec.district)
        geom = row["geometry"]
        return tuple(float(v) for v in geom.bounds), geom, row  # type: ignore[return-value]
    if spec.site is not None and not spec.site.is_empty:
        xmin, ymin, xmax, ymax = spec.site.bounds
        pad = max(1500.0, 0.6 * max(xmax - xmin, ymax - ymin))
        return (xmin - pad, ymin - pad, xmax + pad, ymax + pad), None, None
    return data.province_bounds(layer_ids), None, None


def _district_note(row: dict[str, Any] | None, lang: str) -> str | None:
    """Under a district sheet's title: the new communes the former district now belongs to (by GSO code)."""
    if row is None:
        return None

    cw = crosswalk()
    code = str(row.get("gso_code") or "")
    if code not in cw.districts:
        return None
    new = ", ".join(u.full_name for u in cw.new_of_district(code))
    return t("places.print_district_note", lang, district=cw.districts[code].full_name, new=new)


def fit_view(target: tuple[float, float, float, float], frame: Box, *,
             scale: int | None = None) -> tuple[MapFrame, bool]:
    """The frame's view of ``target`` (centred, at ``scale`` or the smallest round scale that fits) and
    whether ``target`` is clipped by it."""
    tw, th = target[2] - target[0], target[3] - target[1]
    scale = int(scale) if scale is not None else choose_scale(tw, th, frame.w, frame.h)
    center = ((target[0] + target[2]) / 2, (target[1] + target[3]) / 2)
    extent = ground_extent(center, frame.w, frame.h, scale)
    clipped = tw > extent[2] - extent[0] + 1e-6 or th > extent[3] - extent[1] + 1e-6
    return MapFrame(frame, extent, scale), clipped


def north_arrow(frame: Box, unit: float) -> NorthArrow:
    """The north arrow's place: 2.2 units in from the frame's right edge, its tip 1.9 units below the top."""
    cx = frame.x1 - 2.2 * unit
    top = frame.y1 - 1.9 * unit
    return NorthArrow(cx=cx, top=top, base=top - 3.2 * unit, width=1.3 * unit, unit=unit,
                      reserved=(cx - 1.4 * unit, top - 3.7 * unit, cx + 1.4 * unit, frame.y1))


def scale_block_height(sh: Sheet) -> float:
    """Height (mm) of the panel's scale block (scale text and bar)."""
    return 5.2 * sh.unit


def table_box(sh: Sheet, lay: SheetLayout) -> tuple[float, float]:
    """Width and height (mm) the findings table may use on the first page of ``lay``."""
    panel, gap = lay.panel, 0.9 * sh.unit
    if lay.panel_columns:
        return panel.w * PORTRAIT_TABLE_FRACS[2] - gap, panel.h
    return panel.w, panel.h - scale_block_height(sh) - panel.h * 0.27 - 3 * gap


def continuation_box(sh: Sheet) -> tuple[float, float]:
    """Width and height (mm) of the findings table on a continuation page."""
    u = sh.unit
    return sh.width - 2 * sh.margin - 2 * u, sh.height - 2 * sh.margin - 6.0 * u


def plan_table(spec: PrintSpec, sh: Sheet, header_lines: float, findings: list[dict[str, Any]] | None, *,
               lang: str) -> tuple[SheetLayout, TablePlan | None]:
    """The sheet's boxes, with a panel wide enough for the findings table, and how the rows split into pages.

    A PDF keeps the standard panel and continues the rows on further pages; a PNG or SVG (one image)
    widens the panel, narrowing the map, until every row fits.
    """
    if findings is None:
        return layout_sheet(sh, header_lines=header_lines, signatures=spec.signatures), None
    head = findings_mod.TableHead(spec.site_name, spec.verdict, spec.verdict_text, tuple(spec.site_info))
    pt = max(findings_mod.MIN_TABLE_PT, 0.87 * sh.pt)
    fracs = (0.36,) if spec.fmt == "pdf" else (0.36, 0.44, 0.52, 0.60)
    for frac in fracs:
        lay = layout_sheet(sh, header_lines=header_lines, signatures=spec.signatures, wide_panel=True,
                           panel_frac=frac)
        w, h = table_box(sh, lay)
        stop = findings_mod.rows_that_fit(findings, w, h, pt, lang, head=head)
        if stop >= len(findings):
            break
    if spec.fmt != "pdf" and stop < len(findings):
        # one image and the widest panel is not enough: a smaller table (never under 5 pt), then every
        # row regardless (the legend gives up its share)
        w, h = table_box(sh, lay)
        while pt > 5.0 and findings_mod.rows_that_fit(findings, w, h, pt, lang, head=head) < len(findings):
            pt = max(5.0, pt * 0.94)
        stop = len(findings)
    # the rows left over go on continuation pages with the table across the page
    pages: list[tuple[int, int]] = []
    start = stop
    cont_w, cont_h = continuation_box(sh)
    while start < len(findings):
        n = findings_mod.rows_that_fit(findings[start:], cont_w, cont_h, pt, lang, continued=True)
        n = max(n, 1)
        pages.append((start, start + n))
        start += n
    return lay, TablePlan(head, pt, stop, tuple(pages))


def _texts(spec: PrintSpec, data: MapData, district_row: dict[str, Any] | None, lang: str,
           heading: str) -> tuple[str, str, str | None, str | None]:
    """The sheet's title, unit, period and issuing body, each the spec's or the language's default."""
    today = heading == "today"
    unit = nfc(spec.unit) if spec.unit else data.unit_text(district_row, lang, today=today) if (
        district_row is not None or data.has_districts) else ""
    title = nfc(spec.title) if spec.title else t("print.default_title", lang)

    if today and "thai binh cu" not in fold(title) and "former thai binh" not in fold(title):
        title = t("print.title_today", lang, title=title)
    period = spec.period if spec.period is not None else t("print.period_default", lang)
    issuer = spec.issuer if spec.issuer is not None else t(
        "print.issuer_default_today" if today else "print.issuer_default", lang)
    return title, unit, period, issuer


def plan_sheet(spec: PrintSpec, data: MapData, *, page: tuple[int, int] | None = None) -> SheetPlan:
    """Plan one sheet of a validated ``spec``: read what it needs from ``data``, draw nothing."""
    lang = spec.lang if spec.lang in ("vi", "en") else "vi"
    sh = spec.sheet()
    pt, k = sh.pt, sh.k
    layer_ids = resolve_layers(spec, data)
    target, focus, district_row = _focus(spec, data, layer_ids)
    heading = resolve_heading(spec.heading, spec.date)
    title, unit, period, issuer = _texts(spec, data, district_row, lang, heading)
    tb = title_block(title=title, unit=unit, period=period or None, date=spec.date, issuer=issuer or None,
                     national_heading=spec.national_heading, lang=lang, width_mm=sh.width - 2 * sh.margin, pt=pt,
                     governing=t(f"print.heading.governing_{heading}", lang),
                     note=spec.place_note if spec.place_note is not None else _district_note(district_row, lang))
    findings = list(spec.findings) if spec.findings is not None else None
    boxes, table = plan_table(spec, sh, tb.height_mm(pt) / sh.unit + 0.4, findings, lang=lang)
    view, clipped = fit_view(target, boxes.frame, scale=spec.scale)
    label_w = text_width_mm(_GRID_SAMPLE, pt * 0.85)
    grid = grid_for(view.extent, boxes.frame.w, scale=view.scale, min_gap_mm=max(28.0 * k, 3.2 * label_w),
                    edge_mm=label_w * 0.6)
    north = north_arrow(boxes.frame, sh.unit)
    corners = plan_corners(spec.site, view, sh, lang, continues=spec.fmt == "pdf" and page is None,
                           north=north.reserved, cont_box=continuation_box(sh)) if spec.corner_table else None
    return SheetPlan(
        spec=spec, sheet=sh, lang=lang, pt=pt, k=k, layer_ids=layer_ids, heading=heading, title=title, unit=unit,
        issuer=issuer, title_block=tb, boxes=boxes, view=view, target=target, scale_given=spec.scale is not None,
        clipped=clipped, grid=grid, north=north, focus=focus,
        district=nfc(district_row["name_vi"]) if district_row is not None else None, findings=findings,
        table=table, page=page, corners=corners,
    )
