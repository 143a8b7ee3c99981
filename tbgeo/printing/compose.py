"""Draw a map sheet (PDF, PNG or SVG) or the district atlas (multi-page PDF) from the catalog's data."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Sequence

import matplotlib
import numpy as np
import shapely
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Polygon as MplPolygon, Rectangle
from matplotlib.transforms import Affine2D
from shapely.geometry import box as shapely_box

from tbgeo.i18n import t
from tbgeo.printing import findings as findings_mod
from tbgeo.printing._text import FONT, PT_MM, nfc, wrap_mm
from tbgeo.printing.grid import Grid
from tbgeo.printing.labels import MapFrame, place_labels
from tbgeo.printing.labeltasks import label_obstacles, label_tasks, site_task
from tbgeo.printing.mapdraw import (
    PDF_RASTER_DPI,
    draw_labels,
    draw_layers,
    draw_province,
    draw_site,
    draw_veil,
    extra_legend,
)
from tbgeo.printing.legend import (
    LegendItem,
    MIN_LEGEND_PT,
    draw_legend,
    legend_height,
    legend_items,
)
from tbgeo.printing.layout import (
    PORTRAIT_TABLE_FRACS,
    SheetPlan,
    continuation_box,
    plan_sheet,
    scale_block_height,
)
from tbgeo.printing.mapdata import MapData
from tbgeo.printing.paths import polygon_path
from tbgeo.printing.scale import ScaleBar, format_scale, scale_bar
from tbgeo.printing.sheets import Box, SheetLayout
from tbgeo.printing.spec import PrintSpec
from tbgeo.printing.titleblock import (
    draw_draft_mark,
    draw_signatures,
    draw_title_block,
    upper_vi,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.transforms import Transform

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

_RC = {
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
# the sheet
# ---------------------------------------------------------------------------------------------------------

def _first_clause(text: str) -> str:
    """A provenance cut before its first parenthesis, colon, semicolon or full stop."""
    cut = len(text)
    for mark in (" (", ":", ";", ". "):
        i = text.find(mark)
        if 0 < i < cut:
            cut = i
    return text[:cut].rstrip(" .,")


class _Sheet:
    """Drawing state of one page: the figure, the mm transform and what has been drawn (for the layout)."""

    def __init__(self, plan: SheetPlan, data: MapData) -> None:
        self.plan = plan
        self.spec = plan.spec
        self.data = data
        self.lang = plan.lang
        self.sh = plan.sheet
        self.pt = plan.pt
        self.k = plan.k
        self.layout: dict[str, Any] = plan.report()

    # -- transforms ---------------------------------------------------------------------------------------
    def _mm(self, fig: Figure) -> Transform:
        return Affine2D().scale(1.0 / self.sh.width, 1.0 / self.sh.height) + fig.transFigure

    def build(self) -> tuple[Figure, dict[str, Any]]:
        plan = self.plan
        spec, sh, lang = self.spec, self.sh, self.lang
        layer_ids, focus_geom, lay, frame = plan.layer_ids, plan.focus, plan.boxes, plan.frame
        extent, scale, findings = plan.extent, plan.scale, plan.findings
        fig = Figure(figsize=sh.inches, dpi=100)
        fig.patch.set_facecolor("white")
        mm = self._mm(fig)

        # -- neat lines ------------------------------------------------------------------------------------
        fig.add_artist(Rectangle((lay.neat.x, lay.neat.y), lay.neat.w, lay.neat.h, transform=mm, fill=False,
                                 linewidth=1.4 * self.k, edgecolor="black"))
        fig.add_artist(Rectangle((lay.map_area.x, lay.map_area.y), lay.map_area.w, lay.map_area.h, transform=mm,
                                 fill=False, linewidth=0.4 * self.k, edgecolor="black"))

        # -- the map -----------------------------------------------------------------------------------------
        ax = fig.add_axes((frame.x / sh.width, frame.y / sh.height, frame.w / sh.width, frame.h / sh.height))
        ax.set_autoscale_on(False)
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect("equal", adjustable="box", anchor="C")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("white")
        for spine in ax.spines.values():
            spine.set_linewidth(0.9 * self.k)
        ax.patch.set_gid("map-frame")
        dpi = spec.dpi if spec.fmt == "png" else PDF_RASTER_DPI
        present = draw_layers(ax, self.data, layer_ids, extent, scale, k=self.k, raster_dpi=dpi)
        province_drawn = draw_province(ax, self.data.province, extent, k=self.k)
        if focus_geom is not None:
            draw_veil(ax, extent, focus_geom, k=self.k)
        if spec.site is not None and not spec.site.is_empty:
            draw_site(ax, spec.site, k=self.k)
        callouts = self._labels(ax, layer_ids, extent, scale, frame, focus_geom) if spec.labels else []
        grid = plan.grid
        self._draw_grid(fig, mm, ax, grid, frame, extent, scale)
        self._draw_north_arrow(fig, mm, frame)
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        if spec.draft:
            draw_draft_mark(fig, mm, frame, lang, self.pt)

        # -- header, panel, footer -------------------------------------------------------------------------
        draw_title_block(fig, mm, lay.header, plan.title_block, self.pt)
        items = legend_items(present, lang, k=self.k, extra=extra_legend(spec.site, spec.site_name, extent, province_drawn, lang, k=self.k) + callouts,
                             headings={"callouts": t("print.callouts_title", lang)})
        self._draw_panel(fig, mm, lay, items, scale, grid, [lyr.id for lyr, _ in present], findings)
        if spec.signatures:
            draw_signatures(fig, mm, lay.footer, lang, self.pt, plan.issuer)
        page = plan.page_number
        if page is not None:
            i, n = page
            fig.text(sh.width - sh.margin, sh.margin * 0.45, t("print.page", lang, i=i, n=n), transform=mm,
                     fontsize=self.pt * 0.9, ha="right", va="center")
        self.layout.update(
            layers=[lyr.id for lyr, _ in present],
            layers_absent=[lid for lid in layer_ids if lid not in {lyr.id for lyr, _ in present}],
            legend=[it.label for it in items if not it.is_heading],
            legend_headings=[it.label for it in items if it.is_heading],
            grid={
                "interval": grid.interval,
                "eastings": list(grid.eastings),
                "northings": list(grid.northings),
                "easting_labels": grid.easting_labels,
                "northing_labels": grid.northing_labels,
            },
            crs_note=t("print.crs_note", lang),
        )
        return fig, self.layout

    # -- labels ---------------------------------------------------------------------------------------------
    def _labels(self, ax: Axes, layer_ids: list[str], extent: tuple[float, float, float, float], scale: int,
                frame: Box, focus: Any) -> list[tuple[str, LegendItem]]:
        """Names of features placed by ``labels.place_labels`` and drawn; returns the legend rows of the callouts.

        Order: the site's name, then the parks and clusters (a callout when no place is free), points,
        district names, and last the large zones. Positions go to ``layout["labels"]``.
        """
        # the north arrow's box is taken before any label
        reserved = [self.plan.north.reserved]
        site = self.spec.site if self.spec.site is not None and not self.spec.site.is_empty else None
        tasks = []
        if site is not None and site.intersects(shapely_box(*extent)):
            tasks.append(site_task(site, self.spec.site_name, self.lang, self.pt))
        tasks += label_tasks(self.data, layer_ids, extent, pt=self.pt, focus=focus)
        placements = place_labels(tasks, frame=MapFrame(frame, extent, scale), reserved=reserved, site=site,
                                  obstacles=label_obstacles(self.data, layer_ids, extent, scale))
        callouts = draw_labels(ax, placements, k=self.k)
        self.layout["labels"] = [p.record() for p in placements if p.kind != "callout"] + [
            p.record() for p in placements if p.kind == "callout"]
        return callouts

    # -- grid, north arrow ----------------------------------------------------------------------------------
    def _draw_grid(self, fig: Figure, mm: Transform, ax: Axes, grid: Grid, frame: Box,
                   extent: tuple[float, float, float, float], scale: int) -> None:
        mm_per_m = 1000.0 / scale
        lines = [np.array([[x, extent[1]], [x, extent[3]]]) for x in grid.eastings]
        lines += [np.array([[extent[0], y], [extent[2], y]]) for y in grid.northings]
        if lines:
            coll = LineCollection(lines, colors="#6f6f6f", linewidths=0.3 * self.k, alpha=0.7, zorder=6.0)
            coll.set_gid("grid")
            ax.add_collection(coll, autolim=False)
        size = self.pt * 0.85
        gap = 0.5 * self.pt * PT_MM
        tick = 0.45 * self.sh.unit
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
            fig.add_artist(Line2D([x0, x1], [y0, y1], transform=mm, color="black", linewidth=0.5 * self.k))

    def _draw_north_arrow(self, fig: Figure, mm: Transform, frame: Box) -> None:
        na, u = self.plan.north, self.sh.unit
        cx, top, base, h, w = na.cx, na.top, na.base, 3.2 * u, na.width
        fig.add_artist(Rectangle((cx - 1.4 * u, base - 0.5 * u), 2.8 * u, h + 2.2 * u, transform=mm,
                                 facecolor=(1, 1, 1, 0.85), edgecolor="#444444", linewidth=0.4, zorder=20))
        left = MplPolygon([(cx, top), (cx - w / 2, base), (cx, base + h * 0.28)], closed=True, transform=mm,
                          facecolor="white", edgecolor="black", linewidth=0.6, zorder=21)
        right = MplPolygon([(cx, top), (cx + w / 2, base), (cx, base + h * 0.28)], closed=True, transform=mm,
                           facecolor="black", edgecolor="black", linewidth=0.6, zorder=21)
        left.set_gid("north-arrow")
        right.set_gid("north-arrow")
        fig.add_artist(left)
        fig.add_artist(right)
        fig.text(cx, top + 0.15 * u, t("print.north", self.lang), transform=mm, fontsize=self.pt * 1.3,
                 fontweight="bold", ha="center", va="bottom", zorder=22)
        self.layout["north_arrow_mm"] = (cx, base, top)

    # -- panel --------------------------------------------------------------------------------------------
    def _notes(self, grid: Grid, layer_ids: list[str]) -> tuple[list[str], list[str], list[str]]:
        """The CRS/grid/sheet notes, the full sources list and a condensed one (same facts, fewer words)."""
        lang = self.lang
        w, h = int(self.sh.width), int(self.sh.height)
        interval = f"{grid.interval // 1000} km" if grid.interval % 1000 == 0 else f"{grid.interval} m"
        head = [
            t("print.crs_note", lang),
            t("print.grid_note", lang, interval=interval),
            t("print.sheet_note", lang, size=self.sh.name, w=w, h=h),
        ]
        # only the layers with something drawn in the frame; layers with the same provenance share one line
        same: dict[str, list[str]] = {}
        short: dict[str, list[str]] = {}
        official: list[str] = []
        shipped = False
        for lid in layer_ids:
            layer = self.data.layer(lid)
            ver = self.data.version(lid)
            if ver is not None:
                official.append(t("print.workspace_source", lang, title=layer.title(lang), version=ver.version,
                                  source=ver.source_name, user=ver.created_by, date=str(ver.created_at)[:10]))
            else:
                shipped = True
                prov = nfc(layer.provenance(lang))
                same.setdefault(prov, []).append(layer.title(lang))
                short.setdefault(_first_clause(prov), []).append(layer.title(lang))
        full = [t("print.source_line", lang, title="; ".join(titles), provenance=prov)
                for prov, titles in same.items()] + official
        condensed = [t("print.source_line", lang, title="; ".join(titles), provenance=clause)
                     for clause, titles in short.items()] + official
        self.layout["source_layers"] = list(layer_ids)
        if shipped:
            full.append(t("print.illustrative", lang))
            condensed.append(t("print.illustrative", lang))
        self.layout["notes"] = head
        return head, full, condensed

    def _fit_notes(self, head: list[str], full: list[str], condensed: list[str], width: float,
                   limit: float) -> tuple[list[str], float, float]:
        """The sources list and note size that fit ``limit`` mm: full text at ≥ 0.7 × base size, else condensed."""
        for sources, floor in ((full, 0.7), (condensed, 0.5)):
            pt = self.pt * 0.85
            while True:
                h = self._notes_height(head, sources, width, pt)
                if h <= limit:
                    self.layout["sources"] = sources
                    return sources, pt, h
                if pt * 0.92 < self.pt * floor:
                    break
                pt *= 0.92
        self.layout["sources"] = condensed
        return condensed, pt, h

    def _notes_height(self, head: list[str], sources: list[str], width: float, pt: float) -> float:
        lh = pt * PT_MM * 1.25
        n = sum(len(wrap_mm(s, width, pt)) for s in head)
        n += 1.3  # sources title
        n += sum(len(wrap_mm("– " + s, width, pt * 0.92)) * 0.92 for s in sources)
        return n * lh + 0.6 * lh

    def _draw_notes(self, fig: Figure, mm: Transform, box: Box, head: list[str], sources: list[str], pt: float) -> None:
        lh = pt * PT_MM * 1.25
        y = box.y1
        for i, s in enumerate(head):
            lines = wrap_mm(s, box.w, pt)
            fig.text(box.x, y, "\n".join(lines), transform=mm, fontsize=pt, va="top", ha="left", linespacing=1.05,
                     fontweight="bold" if i == 0 else "normal")
            y -= len(lines) * lh
        y -= 0.3 * lh
        fig.text(box.x, y, t("print.sources_title", self.lang) + ":", transform=mm, fontsize=pt, fontweight="bold",
                 va="top")
        y -= lh
        for s in sources:
            lines = wrap_mm("– " + s, box.w, pt * 0.92)
            fig.text(box.x, y, "\n".join(lines), transform=mm, fontsize=pt * 0.92, va="top", ha="left",
                     linespacing=1.05, style="italic" if s == sources[-1] and s == t("print.illustrative", self.lang)
                     else "normal")
            y -= len(lines) * lh * 0.92

    def _draw_scale_block(self, fig: Figure, mm: Transform, box: Box, scale: int) -> ScaleBar:
        u = self.sh.unit
        text = t("print.scale_label", self.lang, scale=format_scale(scale, self.lang))
        fig.text(box.x + box.w / 2, box.y1, text, transform=mm, fontsize=self.pt * 1.35, fontweight="bold",
                 ha="center", va="top")
        bar = scale_bar(scale, min(box.w * 0.82, 110.0 * self.k))
        bar_h = 0.55 * u
        x0 = box.x + (box.w - bar.length_mm) / 2
        y0 = box.y1 - 3.3 * u
        for i in range(bar.segments):
            seg = Rectangle((x0 + i * bar.segment_mm, y0), bar.segment_mm, bar_h, transform=mm,
                            facecolor="black" if i % 2 == 0 else "white", edgecolor="black", linewidth=0.5)
            seg.set_gid(f"scalebar-{i}")
            fig.add_artist(seg)
        labels = [lb.replace(".", ",") for lb in bar.labels] if self.lang == "vi" else bar.labels
        for i, label in enumerate(labels):
            fig.text(x0 + i * bar.segment_mm, y0 + bar_h + 0.25 * u, label, transform=mm, fontsize=self.pt * 0.85,
                     ha="center", va="bottom")
        fig.text(x0 + bar.length_mm + 0.6 * u, y0 + bar_h / 2, bar.unit, transform=mm, fontsize=self.pt * 0.85,
                 ha="left", va="center")
        self.layout["scalebar"] = {
            "length_m": bar.length_m,
            "length_mm": bar.length_mm,
            "segments": bar.segments,
            "unit": bar.unit,
            "labels": labels,
            "x_mm": x0,
            "y_mm": y0,
            "height_mm": bar_h,
        }
        return bar

    def _draw_inset(self, fig: Figure, mm: Transform, box: Box, extent: tuple[float, float, float, float]) -> None:
        sh = self.sh
        lh = self.pt * PT_MM * 1.4
        fig.text(box.x + box.w / 2, box.y1, t("print.inset_title", self.lang), transform=mm, fontsize=self.pt * 1.05,
                 fontweight="bold", ha="center", va="top")
        inner = Box(box.x, box.y, box.w, box.h - lh)
        ax = fig.add_axes((inner.x / sh.width, inner.y / sh.height, inner.w / sh.width, inner.h / sh.height))
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_linewidth(0.5)
        ax.set_gid("inset")
        self.layout["inset_mm"] = inner.as_tuple()
        prov = self.data.province
        if prov is None:
            bounds = extent
        else:
            bounds = prov.bounds
            path = polygon_path([prov])
            if path is not None:
                ax.add_patch(PathPatch(path, facecolor="#f3efe0", edgecolor="#303030", linewidth=0.7))
            if self.data.has_districts:
                segs = [shapely.get_coordinates(g) for g in
                        shapely.get_parts(shapely.boundary(self.data.districts.geometry.values))]
                segs = [s for s in segs if len(s)]
                ax.add_collection(LineCollection(segs, colors="#8a8a8a", linewidths=0.3), autolim=False)
            focus = self.plan.focus
            if focus is not None:
                fpath = polygon_path([focus])
                if fpath is not None:
                    ax.add_patch(PathPatch(fpath, facecolor="#f4b6a6", edgecolor="#b03a2e", linewidth=0.5))
        fx0, fy0, fx1, fy1 = extent
        rx0, ry0 = min(bounds[0], fx0), min(bounds[1], fy0)
        rx1, ry1 = max(bounds[2], fx1), max(bounds[3], fy1)
        pad = (0.13 if prov is not None else 0.06) * max(rx1 - rx0, ry1 - ry0)
        if prov is not None:
            self._inset_context(ax, bounds)
        xmin, xmax, ymin, ymax = rx0 - pad, rx1 + pad, ry0 - pad, ry1 + pad
        # equal aspect inside the fixed box: widen the shorter side
        box_ratio = inner.w / inner.h
        w, h = xmax - xmin, ymax - ymin
        if w / h < box_ratio:
            extra = (h * box_ratio - w) / 2
            xmin, xmax = xmin - extra, xmax + extra
        else:
            extra = (w / box_ratio - h) / 2
            ymin, ymax = ymin - extra, ymax + extra
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        rect = Rectangle((fx0, fy0), fx1 - fx0, fy1 - fy0, fill=False, edgecolor="#e00000", linewidth=1.2)
        rect.set_gid("inset-frame")
        ax.add_patch(rect)
        self.layout["inset_frame"] = extent

    def _inset_context(self, ax: Axes, bounds: tuple[float, float, float, float]) -> None:
        """Neighbouring provinces and the sea around the province (facts §1.1), placed by compass direction."""
        bx0, by0, bx1, by1 = bounds
        w, h = bx1 - bx0, by1 - by0
        size = max(4.2, self.pt * 0.7)
        # (key, x, y, ha, va) — NE Hải Phòng, N Hải Dương, NW Hưng Yên, W Hà Nam, SW/S Nam Định
        places = [
            ("hai_phong", bx1 - 0.10 * w, by1 - 0.02 * h, "center", "bottom"),
            ("hai_duong", bx0 + 0.45 * w, by1 + 0.03 * h, "center", "bottom"),
            ("hung_yen", bx0 + 0.08 * w, by1 - 0.06 * h, "center", "bottom"),
            ("ha_nam", bx0 - 0.02 * w, by0 + 0.52 * h, "right", "center"),
            ("nam_dinh", bx0 + 0.18 * w, by0 + 0.06 * h, "center", "center"),
        ]
        drawn = []
        for key, x, y, ha, va in places:
            text = t(f"print.neighbours.{key}", self.lang)
            ax.text(x, y, text, fontsize=size, color="#555555", style="italic", ha=ha, va=va, clip_on=True,
                    gid="inset-neighbour")
            drawn.append(text)
        gulf = t("print.gulf", self.lang)
        ax.text(bx1 + 0.04 * w, by0 + 0.30 * h, gulf, fontsize=size, color="#1f5f8b", style="italic", ha="center",
                va="center", rotation=90, clip_on=True, gid="inset-sea")
        self.layout["inset_labels"] = [*drawn, gulf]

    def _fit_legend(self, items: list[LegendItem], width: float, avail: float) -> tuple[float, int, bool]:
        """Largest size (never under MIN_LEGEND_PT) and fewest columns (each ≥ 30 mm) that fit ``avail`` mm."""
        floor = min(self.pt, MIN_LEGEND_PT)
        max_cols = max(1, min(3, int((width + 2.0) // 32.0)))
        pt = self.pt
        while True:
            for ncols in range(1, max_cols + 1):
                if legend_height(items, width, pt, ncols) <= avail:
                    return pt, ncols, True
            if pt <= floor + 1e-9:
                return floor, max_cols, False
            pt = max(floor, pt * 0.94)

    def _draw_panel(self, fig: Figure, mm: Transform, lay: SheetLayout, items: list[LegendItem], scale: int,
                    grid: Grid, layer_ids: list[str], findings: list[dict[str, Any]] | None) -> None:
        u = self.sh.unit
        gap = 0.9 * u
        panel = lay.panel
        head, full, condensed = self._notes(grid, layer_ids)
        extent = self.layout["extent"]
        title = t("print.legend_title", self.lang)
        table = self.plan.table
        if not lay.panel_columns:
            scale_h = scale_block_height(self.sh)
            y = panel.y1
            if findings is not None:
                # the table comes first: every row on this page (or, in a PDF, continued on the next)
                res = findings_mod.draw_findings(fig, mm, (panel.x, panel.y, panel.w, panel.h), findings, table.pt,
                                                 self.lang, head=table.head, stop=table.stop,
                                                 continues_on=table.continues_on(len(findings)))
                self.layout["findings_box_mm"] = (panel.x, res["bottom"], panel.w, panel.y1 - res["bottom"])
                y = res["bottom"] - gap
            space = y - panel.y - scale_h - gap  # for inset, legend and notes
            sources, note_pt, notes_h = self._fit_notes(head, full, condensed, panel.w, space * 0.3)
            space -= notes_h + gap
            inset_h = min(panel.w * 0.72, panel.h * 0.26)
            for share in (1.0, 0.8, 0.6, 0.45, 0.0):  # the inset gives way to a legend that needs room
                ih = inset_h * share
                if ih and ih < 22.0:
                    continue
                pt, ncols, ok = self._fit_legend(items, panel.w, space - (ih + gap if ih else 0.0))
                if ok:
                    break
            if ih:
                self._draw_inset(fig, mm, Box(panel.x, y - ih, panel.w, ih), extent)
                y -= ih + gap
            leg_h = legend_height(items, panel.w, pt, ncols)
            draw_legend(fig, mm, (panel.x, y - leg_h, panel.w, leg_h), items, title, pt, ncols)
            self.layout["legend_box_mm"] = (panel.x, y - leg_h, panel.w, leg_h)
            # scale and notes sit at the bottom of the panel
            self._draw_notes(fig, mm, Box(panel.x, panel.y, panel.w, notes_h), head, sources, note_pt)
            self._draw_scale_block(fig, mm, Box(panel.x, panel.y + notes_h + gap, panel.w, scale_h), scale)
        else:
            if findings is not None:
                choices = [PORTRAIT_TABLE_FRACS]
            else:
                choices = [(0.27, 0.36, 0.37), (0.24, 0.44, 0.32), (0.22, 0.52, 0.26)]
            scale_h = scale_block_height(self.sh)
            for fracs in choices:
                cw = [panel.w * f - gap for f in fracs]
                xs = [panel.x, panel.x + panel.w * fracs[0], panel.x + panel.w * (fracs[0] + fracs[1])]
                if findings is not None:
                    # legend over the notes in the middle column, the table in the third
                    sources, note_pt, notes_h = self._fit_notes(head, full, condensed, cw[1], panel.h * 0.45)
                    leg_avail = panel.h - notes_h - gap
                else:
                    sources, note_pt, notes_h = self._fit_notes(head, full, condensed, cw[2], panel.h)
                    leg_avail = panel.h
                pt, ncols, ok = self._fit_legend(items, cw[1], leg_avail)
                if ok:
                    break
            # column 1: inset over the scale block
            inset_h = panel.h - scale_h - gap
            self._draw_inset(fig, mm, Box(xs[0], panel.y + scale_h + gap, cw[0], inset_h), extent)
            self._draw_scale_block(fig, mm, Box(xs[0], panel.y, cw[0], scale_h), scale)
            # column 2: legend
            leg_h = legend_height(items, cw[1], pt, ncols)
            draw_legend(fig, mm, (xs[1], panel.y1 - leg_h, cw[1], leg_h), items, title, pt, ncols)
            self.layout["legend_box_mm"] = (xs[1], panel.y1 - leg_h, cw[1], leg_h)
            if findings is not None:
                self._draw_notes(fig, mm, Box(xs[1], panel.y, cw[1], notes_h), head, sources, note_pt)
                res = findings_mod.draw_findings(fig, mm, (xs[2], panel.y, cw[2], panel.h), findings, table.pt,
                                                 self.lang, head=table.head, stop=table.stop,
                                                 continues_on=table.continues_on(len(findings)))
                self.layout["findings_box_mm"] = (xs[2], res["bottom"], cw[2], panel.y1 - res["bottom"])
            else:
                self._draw_notes(fig, mm, Box(xs[2], panel.y1 - notes_h, cw[2], notes_h), head, sources, note_pt)
        self.layout["legend_pt"] = pt
        self.layout["legend_columns"] = ncols

    def continuation_figures(self) -> list[Figure]:
        """The pages that continue the findings table (empty when it fits the sheet)."""
        table = self.plan.table
        if table is None or not table.pages:
            return []
        pages = table.pages
        sh, lang = self.sh, self.lang
        findings = list(self.spec.findings or ())
        total = 1 + len(pages)
        figs = []
        u = sh.unit
        w, h = continuation_box(sh)
        for k, (start, stop) in enumerate(pages, start=2):
            fig = Figure(figsize=sh.inches, dpi=100)
            fig.patch.set_facecolor("white")
            mm = self._mm(fig)
            neat = Box(sh.margin, sh.margin, sh.width - 2 * sh.margin, sh.height - 2 * sh.margin)
            fig.add_artist(Rectangle((neat.x, neat.y), neat.w, neat.h, transform=mm, fill=False,
                                     linewidth=1.4 * self.k, edgecolor="black"))
            fig.text(neat.x + u, neat.y1 - u, self.layout["title"] + " – " + self.layout["unit"], transform=mm,
                     fontsize=self.pt * 1.2, fontweight="bold", va="top")
            box = (neat.x + u, neat.y + 2.0 * u, w, h)
            findings_mod.draw_findings(fig, mm, box, findings, table.pt, lang, head=table.head,
                                       start=start, stop=stop, continued_from=k - 1,
                                       continues_on=k + 1 if k < total else None)
            fig.text(sh.width - sh.margin, sh.margin * 0.45, t("print.page", lang, i=k, n=total), transform=mm,
                     fontsize=self.pt * 0.9, ha="right", va="center")
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
        return _Sheet(plan_sheet(spec, data, page=page), data).build()


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
        sheet = _Sheet(plan_sheet(spec, data), data)
        fig, layout = sheet.build()
        more = sheet.continuation_figures()
        buf = io.BytesIO()
        if more:  # the findings table continues on further pages of the same PDF
            from matplotlib.backends.backend_pdf import PdfPages

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
    from matplotlib.backends.backend_pdf import PdfPages

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
                fig, layout = _Sheet(plan_sheet(page_spec, data, page=(i, len(names))), data).build()
                pdf.savefig(fig)
                layouts.append(layout)
    return PrintResult(buf.getvalue(), MIME["pdf"], len(names), layouts)


def render_atlas(spec: PrintSpec, *, data: MapData | None = None) -> bytes:
    """The bytes of the district atlas (multi-page PDF)."""
    return render_atlas_result(spec, data=data).data
