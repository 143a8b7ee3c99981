"""Draw a map sheet (PDF, PNG or SVG) or the district atlas (multi-page PDF) from the catalog's data.

A sheet is planned first (``layout.plan_sheet``: texts, boxes, view, grid, table split), then drawn in
one pass here: neat lines, the map (``mapdraw``; names placed by ``labels``), grid and north arrow,
title block, the panel (``panel``, with the ``inset``), signatures and page number.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon as MplPolygon, Rectangle
from matplotlib.transforms import Affine2D
from shapely.geometry import box as shapely_box

from tbgeo.i18n import t
from tbgeo.printing import findings as findings_mod
from tbgeo.printing._text import FONT, PT_MM, nfc
from tbgeo.printing.corners import draw_corner_marks, draw_corner_table
from tbgeo.printing.labels import Placement, place_labels
from tbgeo.printing.labeltasks import label_obstacles, label_tasks, site_task
from tbgeo.printing.layout import SheetPlan, continuation_box, plan_sheet
from tbgeo.printing.legend import legend_items
from tbgeo.printing.mapdata import MapData
from tbgeo.printing.mapdraw import (
    PDF_RASTER_DPI,
    draw_labels,
    draw_layers,
    draw_province,
    draw_site,
    draw_veil,
    extra_legend,
)
from tbgeo.printing.panel import arrange_panel, draw_panel, panel_notes
from tbgeo.printing.sheets import Box
from tbgeo.printing.spec import PrintSpec
from tbgeo.printing.titleblock import draw_draft_mark, draw_signatures, draw_title_block, upper_vi

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.transforms import Transform
    from matplotlib.typing import RcKeyType

__all__ = [
    "PrintResult",
    "build_figure",
    "render",
    "render_sheet",
    "render_atlas",
    "render_atlas_result",
    "MIME",
    "RC",
]

MIME = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml"}

_RC: dict[RcKeyType, Any] = {
    "pdf.fonttype": 42,  # TrueType, embedded: text stays text, extractable with every diacritic
    "ps.fonttype": 42,
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "svg.fonttype": "path",
    "pdf.compression": 6,
    "path.simplify": True,
    "hatch.linewidth": 0.4,
    # glyph advances unhinted, so text measured for the layout has the same width in a low-dpi preview
    "text.hinting": "no_hinting",
    # every printed string is the user's or the data's text, never TeX: "Giá $5 và $10" prints as written
    # and a name "$x^$" does not crash the sheet (matplotlib would read "$…$" as mathtext)
    "text.parse_math": False,
}


@dataclass
class PrintResult:
    """A rendered file: its bytes, MIME type, page count and the measured layout of each page."""

    data: bytes
    mime: str
    pages: int
    layouts: list[dict[str, Any]]

    @property
    def layout(self) -> dict[str, Any]:
        return self.layouts[0]


# ---------------------------------------------------------------------------------------------------------
# the drawing pass
# ---------------------------------------------------------------------------------------------------------

def _mm(fig: Figure, plan: SheetPlan) -> Transform:
    """Millimetres from the paper's lower-left corner to figure coordinates."""
    return Affine2D().scale(1.0 / plan.sheet.width, 1.0 / plan.sheet.height) + fig.transFigure


def _new_figure(plan: SheetPlan) -> tuple[Figure, Transform]:
    fig = Figure(figsize=plan.sheet.inches, dpi=100)
    fig.patch.set_facecolor("white")
    return fig, _mm(fig, plan)


def _map_axes(fig: Figure, plan: SheetPlan) -> Axes:
    """The map's axes over the frame, in EPSG:9209 metres at the plan's scale."""
    sh, frame, extent = plan.sheet, plan.frame, plan.extent
    ax = fig.add_axes((frame.x / sh.width, frame.y / sh.height, frame.w / sh.width, frame.h / sh.height))
    ax.set_autoscale_on(False)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box", anchor="C")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("white")
    for spine in ax.spines.values():
        spine.set_linewidth(0.9 * plan.k)
    ax.patch.set_gid("map-frame")
    return ax


def _place(plan: SheetPlan, data: MapData) -> list[Placement]:
    """The names on the map: the site's first, then the features in order of importance."""
    tasks = []
    site = plan.site
    if site is not None and site.intersects(shapely_box(*plan.extent)):
        tasks.append(site_task(site, plan.spec.site_name, plan.lang, plan.pt))
    tasks += label_tasks(data, plan.layer_ids, plan.extent, pt=plan.pt, focus=plan.focus)
    obstacles = label_obstacles(data, plan.layer_ids, plan.extent, plan.scale)
    # the north arrow's box (and the corner table's) is taken before any label
    reserved = [plan.north.reserved] + ([plan.corners.reserved] if plan.corners is not None else [])
    return place_labels(tasks, frame=plan.view, obstacles=obstacles, reserved=reserved, site=site)


def _draw_grid(fig: Figure, mm: Transform, ax: Axes, plan: SheetPlan) -> None:
    """Grid lines across the map, ticks and coordinate labels on all four sides of the frame."""
    grid, frame, extent, k, pt = plan.grid, plan.frame, plan.extent, plan.k, plan.pt
    mm_per_m = 1000.0 / plan.scale
    lines = [np.array([[x, extent[1]], [x, extent[3]]]) for x in grid.eastings]
    lines += [np.array([[extent[0], y], [extent[2], y]]) for y in grid.northings]
    if lines:
        coll = LineCollection(lines, colors="#6f6f6f", linewidths=0.3 * k, alpha=0.7, zorder=6.0)
        coll.set_gid("grid")
        ax.add_collection(coll, autolim=False)
    size = pt * 0.85
    gap = 0.5 * pt * PT_MM
    tick = 0.45 * plan.sheet.unit
    ticks = []
    for x, label in zip(grid.eastings, grid.easting_labels):
        px = frame.x + (x - extent[0]) * mm_per_m
        for yy, va, sgn in ((frame.y, "top", -1), (frame.y1, "bottom", 1)):
            ticks.append([(px, yy), (px, yy + sgn * tick)])
            txt = fig.text(px, yy + sgn * (tick + gap * 0.3), label, transform=mm, fontsize=size, ha="center",
                           va=va)
            txt.set_gid("grid-label-e")
    for y, label in zip(grid.northings, grid.northing_labels):
        py = frame.y + (y - extent[1]) * mm_per_m
        for xx, va, sgn in ((frame.x, "bottom", -1), (frame.x1, "top", 1)):
            ticks.append([(xx, py), (xx + sgn * tick, py)])
            txt = fig.text(xx + sgn * (tick + gap * 0.3), py, label, transform=mm, fontsize=size, ha="center",
                           va=va, rotation=90, rotation_mode="anchor")
            txt.set_gid("grid-label-n")
    for seg in ticks:
        (x0, y0), (x1, y1) = seg
        fig.add_artist(Line2D([x0, x1], [y0, y1], transform=mm, color="black", linewidth=0.5 * k))


def _draw_north_arrow(fig: Figure, mm: Transform, plan: SheetPlan) -> tuple[float, float, float]:
    """The north arrow in its box; (centre x, base, tip) in mm."""
    na, u = plan.north, plan.sheet.unit
    cx, top, base, h, w = na.cx, na.top, na.base, 3.2 * u, na.width
    fig.add_artist(Rectangle((cx - 1.4 * u, base - 0.5 * u), 2.8 * u, h + 2.2 * u, transform=mm,
                             facecolor=(1, 1, 1, 0.85), edgecolor="#444444", linewidth=0.4 * plan.k, zorder=20))
    left = MplPolygon([(cx, top), (cx - w / 2, base), (cx, base + h * 0.28)], closed=True, transform=mm,
                      facecolor="white", edgecolor="black", linewidth=0.6 * plan.k, zorder=21)
    right = MplPolygon([(cx, top), (cx + w / 2, base), (cx, base + h * 0.28)], closed=True, transform=mm,
                       facecolor="black", edgecolor="black", linewidth=0.6 * plan.k, zorder=21)
    left.set_gid("north-arrow")
    right.set_gid("north-arrow")
    fig.add_artist(left)
    fig.add_artist(right)
    fig.text(cx, top + 0.15 * u, t("print.north", plan.lang), transform=mm, fontsize=plan.pt * 1.3,
             fontweight="bold", ha="center", va="bottom", zorder=22)
    return (cx, base, top)


def _draw_map(fig: Figure, plan: SheetPlan, data: MapData, layout: dict[str, Any]) -> tuple[Axes, list[Any], list[Any]]:
    """The map frame's content; the layers present and the legend rows of what is not a layer."""
    spec, extent, k = plan.spec, plan.extent, plan.k
    ax = _map_axes(fig, plan)
    dpi = spec.dpi if spec.fmt == "png" else PDF_RASTER_DPI
    present = draw_layers(ax, data, plan.layer_ids, extent, plan.scale, k=k, raster_dpi=dpi)
    province_drawn = draw_province(ax, data.province, extent, k=k)
    if plan.focus is not None:
        draw_veil(ax, extent, plan.focus, k=k)
    if plan.site is not None:
        draw_site(ax, plan.site, k=k)
        if plan.corners is not None:
            layout["corner_numbers"] = draw_corner_marks(ax, plan.corners, plan.site, scale=plan.scale, k=k)
    callouts = []
    if spec.labels:
        placements = _place(plan, data)
        callouts = draw_labels(ax, placements, k=k)
        layout["labels"] = [p.record() for p in placements if p.kind != "callout"] + [
            p.record() for p in placements if p.kind == "callout"]
    extra = extra_legend(spec.site, spec.site_name, extent, province_drawn, plan.lang, k=k) + callouts
    return ax, present, extra


def _draw_sheet(plan: SheetPlan, data: MapData) -> tuple[Figure, dict[str, Any]]:
    """The figure of one planned sheet, drawn in one pass, and its measured layout."""
    spec, sh, lang, lay = plan.spec, plan.sheet, plan.lang, plan.boxes
    layout = plan.report()
    fig, mm = _new_figure(plan)
    # -- neat lines ----------------------------------------------------------------------------------------
    fig.add_artist(Rectangle((lay.neat.x, lay.neat.y), lay.neat.w, lay.neat.h, transform=mm, fill=False,
                             linewidth=1.4 * plan.k, edgecolor="black"))
    fig.add_artist(Rectangle((lay.map_area.x, lay.map_area.y), lay.map_area.w, lay.map_area.h, transform=mm,
                             fill=False, linewidth=0.4 * plan.k, edgecolor="black"))
    # -- the map, its grid and north arrow -------------------------------------------------------------------
    ax, present, extra = _draw_map(fig, plan, data, layout)
    _draw_grid(fig, mm, ax, plan)
    layout["north_arrow_mm"] = _draw_north_arrow(fig, mm, plan)
    ax.set_xlim(plan.extent[0], plan.extent[2])
    ax.set_ylim(plan.extent[1], plan.extent[3])
    if spec.draft:
        draw_draft_mark(fig, mm, plan.frame, lang, plan.pt)
    if plan.corners is not None:
        cont = 2 + plan.findings_pages if plan.corners.pages else None
        layout["corner_table"] = draw_corner_table(fig, mm, plan.corners, lang, k=plan.k, continues_on=cont)
    # -- header, panel, footer -----------------------------------------------------------------------------
    draw_title_block(fig, mm, lay.header, plan.title_block, plan.pt)
    items = legend_items(present, lang, k=plan.k, extra=extra, headings={"callouts": t("print.callouts_title", lang)})
    drawn = [lyr.id for lyr, _ in present]
    notes = panel_notes(data, drawn, plan.grid, sh, lang)
    layout["source_layers"] = list(drawn)
    layout.update(draw_panel(fig, mm, plan, arrange_panel(plan, items, notes), items, notes, data))
    if spec.signatures:
        draw_signatures(fig, mm, lay.footer, lang, plan.pt, plan.issuer)
    if plan.page_number is not None:
        i, n = plan.page_number
        fig.text(sh.width - sh.margin, sh.margin * 0.45, t("print.page", lang, i=i, n=n), transform=mm,
                 fontsize=plan.pt * 0.9, ha="right", va="center")
    grid = plan.grid
    layout.update(
        layers=drawn,
        layers_absent=[lid for lid in plan.layer_ids if lid not in set(drawn)],
        legend=[it.label for it in items if not it.is_heading],
        legend_headings=[it.label for it in items if it.is_heading],
        grid={"interval": grid.interval, "eastings": list(grid.eastings), "northings": list(grid.northings),
              "easting_labels": grid.easting_labels, "northing_labels": grid.northing_labels},
        crs_note=t("print.crs_note", lang),
    )
    return fig, layout


def _continuation_page(plan: SheetPlan, layout: dict[str, Any], i: int, n: int) -> tuple[Figure, Transform, Box]:
    """A continuation page: neat line, the sheet's title, page number; the box for its table."""
    sh, u = plan.sheet, plan.sheet.unit
    fig, mm = _new_figure(plan)
    neat = Box(sh.margin, sh.margin, sh.width - 2 * sh.margin, sh.height - 2 * sh.margin)
    fig.add_artist(Rectangle((neat.x, neat.y), neat.w, neat.h, transform=mm, fill=False,
                             linewidth=1.4 * plan.k, edgecolor="black"))
    fig.text(neat.x + u, neat.y1 - u, layout["title"] + " – " + layout["unit"], transform=mm,
             fontsize=plan.pt * 1.2, fontweight="bold", va="top")
    fig.text(sh.width - sh.margin, sh.margin * 0.45, t("print.page", plan.lang, i=i, n=n), transform=mm,
             fontsize=plan.pt * 0.9, ha="right", va="center")
    w, h = continuation_box(sh)
    return fig, mm, Box(neat.x + u, neat.y + 2.0 * u, w, h)


def _continuation_figures(plan: SheetPlan, layout: dict[str, Any]) -> list[Figure]:
    """The pages that continue the findings table, then the corner coordinates (empty when all fit the sheet)."""
    total = 1 + plan.findings_pages + plan.corner_pages
    figs = []
    if plan.table is not None and plan.findings is not None:
        last = 1 + plan.findings_pages
        for k, (start, stop) in enumerate(plan.table.pages, start=2):
            fig, mm, box = _continuation_page(plan, layout, k, total)
            findings_mod.draw_findings(fig, mm, box.as_tuple(), plan.findings, plan.table.pt, plan.lang,
                                       head=plan.table.head, start=start, stop=stop, continued_from=k - 1,
                                       continues_on=k + 1 if k < last else None)
            figs.append(fig)
    if plan.corners is not None:
        first = 2 + plan.findings_pages
        for k, (start, stop) in enumerate(plan.corners.pages, start=first):
            fig, mm, box = _continuation_page(plan, layout, k, total)
            draw_corner_table(fig, mm, plan.corners, plan.lang, k=plan.k, box=box.as_tuple(), start=start,
                              stop=stop, continued_from=1 if k == first else k - 1,
                              continues_on=k + 1 if k < total else None)
            figs.append(fig)
    return figs


# ---------------------------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------------------------

def build_figure(spec: PrintSpec, *, data: MapData | None = None,
                 page: tuple[int, int] | None = None) -> tuple[Figure, dict[str, Any]]:
    """The matplotlib figure of one sheet and its layout (frame, scale, scale bar, grid, legend …, in mm).

    Call inside ``matplotlib.rc_context(render.RC)`` if you save the figure yourself.
    """
    spec = spec.validate()
    data = data or MapData()
    with matplotlib.rc_context(_RC):
        return _draw_sheet(plan_sheet(spec, data, page=page), data)


RC = _RC


def _metadata(fmt: str, layout: dict[str, Any]) -> dict[str, Any]:
    if fmt == "pdf":
        return {"Title": f"{layout['title']} – {layout['unit']}", "Creator": "tbgeo", "Producer": "tbgeo (matplotlib)",
                "CreationDate": None, "Subject": layout["scale_text"]}
    if fmt == "svg":
        return {"Title": layout["title"], "Date": None}
    return {"Software": "tbgeo (matplotlib)"}


def render(spec: PrintSpec, *, site: Any = None, findings: Sequence[dict[str, Any]] | None = None,
           data: MapData | None = None) -> PrintResult:
    """Render one sheet; ``site`` (EPSG:9209 polygon) and ``findings`` (review rows as dicts) override the spec's."""
    if site is not None or findings is not None:
        spec = replace(spec, site=site if site is not None else spec.site,
                       findings=tuple(findings) if findings is not None else spec.findings)
    spec = spec.validate()
    data = data or MapData()
    with matplotlib.rc_context(_RC):
        plan = plan_sheet(spec, data)
        fig, layout = _draw_sheet(plan, data)
        more = _continuation_figures(plan, layout)
        buf = io.BytesIO()
        if more:  # the findings table continues on further pages of the same PDF

            with PdfPages(buf, metadata=_metadata("pdf", layout)) as pdf:
                for f in (fig, *more):
                    pdf.savefig(f)
        else:
            kwargs: dict[str, Any] = {"format": spec.fmt, "metadata": _metadata(spec.fmt, layout)}
            if spec.fmt == "png":
                kwargs["dpi"] = spec.dpi
                layout["pixels"] = spec.sheet().pixels(spec.dpi)
            fig.savefig(buf, **kwargs)
    layout["dpi"] = spec.dpi if spec.fmt == "png" else None
    return PrintResult(buf.getvalue(), MIME[spec.fmt], 1 + len(more), [layout] + [{"continuation": True}] * len(more))


def render_sheet(spec: PrintSpec, *, site: Any = None, findings: Sequence[dict[str, Any]] | None = None,
                 data: MapData | None = None) -> bytes:
    """The bytes of one sheet (PDF/PNG/SVG, per ``spec.fmt``)."""
    return render(spec, site=site, findings=findings, data=data).data


def render_atlas_result(spec: PrintSpec, *, data: MapData | None = None) -> PrintResult:
    """One page per district (in GSO-code order), each with its own title, unit and inset, in one PDF."""
    data = data or MapData()
    spec = replace(spec, fmt="pdf", district=None, bbox=None, site=None, findings=None).validate()
    names = data.district_names()
    buf = io.BytesIO()
    layouts: list[dict[str, Any]] = []
    with matplotlib.rc_context(_RC):
        meta = {"Title": upper_vi(nfc(spec.title) if spec.title else t("print.atlas_title", spec.lang)),
                "Creator": "tbgeo", "Producer": "tbgeo (matplotlib)", "CreationDate": None}
        with PdfPages(buf, metadata=meta) as pdf:
            for i, name in enumerate(names, start=1):
                page_spec = replace(spec, district=name)
                fig, layout = _draw_sheet(plan_sheet(page_spec, data, page=(i, len(names))), data)
                pdf.savefig(fig)
                layouts.append(layout)
    return PrintResult(buf.getvalue(), MIME["pdf"], len(names), layouts)


def render_atlas(spec: PrintSpec, *, data: MapData | None = None) -> bytes:
    """The bytes of the district atlas (multi-page PDF)."""
    return render_atlas_result(spec, data=data).data
