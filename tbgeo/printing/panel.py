"""The side panel: notes and sources, scale block, legend, inset and findings table arranged first, then drawn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from matplotlib.patches import Rectangle

from tbgeo.i18n import t
from tbgeo.printing import findings as findings_mod
from tbgeo.printing._text import PT_MM, nfc, wrap_mm
from tbgeo.printing.inset import draw_inset
from tbgeo.printing.layout import PORTRAIT_TABLE_FRACS, scale_block_height
from tbgeo.printing.legend import MIN_LEGEND_PT, LegendItem, draw_legend, legend_height
from tbgeo.printing.scale import ScaleBar, format_scale, scale_bar
from tbgeo.printing.sheets import Box

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

    from tbgeo.printing.grid import Grid
    from tbgeo.printing.layout import SheetPlan
    from tbgeo.printing.mapdata import MapData
    from tbgeo.printing.sheets import Sheet

__all__ = [
    "Notes",
    "PanelPlan",
    "panel_notes",
    "notes_height",
    "fit_notes",
    "fit_legend",
    "arrange_panel",
    "draw_panel",
    "draw_notes",
    "draw_scale_block",
]

#: Portrait sheet without findings: inset + scale | legend | notes, the legend's column widening in turn.
_PORTRAIT_FRACS = ((0.27, 0.36, 0.37), (0.24, 0.44, 0.32), (0.22, 0.52, 0.26))
#: Shares of its full height the inset keeps, in turn, to leave a legend that needs room enough of it.
_INSET_SHARES = (1.0, 0.8, 0.6, 0.45, 0.0)
#: An inset is never drawn lower than this (mm).
_MIN_INSET_MM = 22.0


@dataclass(frozen=True)
class Notes:
    """The panel's notes: CRS, grid and sheet lines, the full sources list and a condensed one."""

    head: list[str]
    full: list[str]
    condensed: list[str]


@dataclass(frozen=True)
class PanelPlan:
    """Where each part of the panel goes (mm) and at what size; ``columns``: a row of columns (portrait)."""

    columns: bool
    legend: Box
    legend_pt: float
    legend_columns: int
    notes: Box
    sources: list[str]
    note_pt: float
    scale: Box
    inset: Box
    #: the box handed to the findings table and the box it fills (None without findings)
    table: tuple[float, float, float, float] | None = None
    table_filled: tuple[float, float, float, float] | None = None


def _first_clause(text: str) -> str:
    """A provenance cut before its first parenthesis, colon, semicolon or full stop."""
    cut = len(text)
    for mark in (" (", ":", ";", ". "):
        i = text.find(mark)
        if 0 < i < cut:
            cut = i
    return text[:cut].rstrip(" .,")


def panel_notes(data: MapData, layer_ids: list[str], grid: Grid, sh: Sheet, lang: str) -> Notes:
    """The CRS/grid/sheet notes and the sources of the layers drawn (same provenance: one line)."""
    w, h = int(sh.width), int(sh.height)
    interval = f"{grid.interval // 1000} km" if grid.interval % 1000 == 0 else f"{grid.interval} m"
    head = [
        t("print.crs_note", lang),
        t("print.grid_note", lang, interval=interval),
        t("print.sheet_note", lang, size=sh.name, w=w, h=h),
    ]
    same: dict[str, list[str]] = {}
    short: dict[str, list[str]] = {}
    official: list[str] = []
    shipped = False
    for lid in layer_ids:
        layer = data.layer(lid)
        ver = data.version(lid)
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
    if shipped:
        full.append(t("print.illustrative", lang))
        condensed.append(t("print.illustrative", lang))
    return Notes(head, full, condensed)


def notes_height(head: list[str], sources: list[str], width: float, pt: float) -> float:
    """Height (mm) of the notes and the sources list at ``pt``."""
    lh = pt * PT_MM * 1.25
    n: float = sum(len(wrap_mm(s, width, pt)) for s in head)
    n += 1.3  # sources title
    n += sum(len(wrap_mm("– " + s, width, pt * 0.92)) * 0.92 for s in sources)
    return n * lh + 0.6 * lh


def fit_notes(notes: Notes, width: float, limit: float, base_pt: float) -> tuple[list[str], float, float]:
    """The sources list, note size and height that fit ``limit`` mm: full text at ≥ 0.7 × base size, else condensed."""
    for sources, floor in ((notes.full, 0.7), (notes.condensed, 0.5)):
        pt = base_pt * 0.85
        while True:
            h = notes_height(notes.head, sources, width, pt)
            if h <= limit:
                return sources, pt, h
            if pt * 0.92 < base_pt * floor:
                break
            pt *= 0.92
    return notes.condensed, pt, h


def fit_legend(items: list[LegendItem], width: float, avail: float, base_pt: float) -> tuple[float, int, bool]:
    """Largest size (never under MIN_LEGEND_PT) and fewest columns (each ≥ 30 mm) that fit ``avail`` mm."""
    floor = min(base_pt, MIN_LEGEND_PT)
    max_cols = max(1, min(3, int((width + 2.0) // 32.0)))
    pt = base_pt
    while True:
        for ncols in range(1, max_cols + 1):
            if legend_height(items, width, pt, ncols) <= avail:
                return pt, ncols, True
        if pt <= floor + 1e-9:
            return floor, max_cols, False
        pt = max(floor, pt * 0.94)


def _table_filled(plan: SheetPlan, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The part of ``box`` the first page's rows fill, the table drawn at its top."""
    assert plan.findings is not None and plan.table is not None  # called only for a sheet with a table
    bottom = findings_mod.table_bottom(box, plan.findings, plan.table.pt, plan.lang, head=plan.table.head,
                                       stop=plan.table.stop)
    return (box[0], bottom, box[2], box[1] + box[3] - bottom)


def _arrange_side(plan: SheetPlan, items: list[LegendItem], notes: Notes) -> PanelPlan:
    """Landscape: the table on top, then inset and legend; scale and notes at the bottom of the panel."""
    panel, gap, base = plan.boxes.panel, 0.9 * plan.sheet.unit, plan.pt
    scale_h = scale_block_height(plan.sheet)
    y = panel.y1
    table = filled = None
    if plan.findings is not None and plan.table is not None:
        # the table comes first: every row on this page (or, in a PDF, continued on the next)
        table = (panel.x, panel.y, panel.w, panel.h)
        filled = _table_filled(plan, table)
        y = filled[1] - gap
    space = y - panel.y - scale_h - gap  # for inset, legend and notes
    sources, note_pt, notes_h = fit_notes(notes, panel.w, space * 0.3, base)
    space -= notes_h + gap
    inset_h = min(panel.w * 0.72, panel.h * 0.26)
    for share in _INSET_SHARES:  # the inset gives way to a legend that needs room
        ih = inset_h * share
        if ih and ih < _MIN_INSET_MM:
            continue
        pt, ncols, ok = fit_legend(items, panel.w, space - (ih + gap if ih else 0.0), base)
        if ok:
            break
    inset = Box(panel.x, y - ih, panel.w, ih)
    if ih:
        y -= ih + gap
    leg_h = legend_height(items, panel.w, pt, ncols)
    return PanelPlan(columns=False, legend=Box(panel.x, y - leg_h, panel.w, leg_h), legend_pt=pt, legend_columns=ncols,
                     notes=Box(panel.x, panel.y, panel.w, notes_h), sources=sources, note_pt=note_pt,
                     scale=Box(panel.x, panel.y + notes_h + gap, panel.w, scale_h), inset=inset, table=table,
                     table_filled=filled)


def _arrange_columns(plan: SheetPlan, items: list[LegendItem], notes: Notes) -> PanelPlan:
    """Portrait: inset over scale | legend (over the notes with a table) | the table, or the notes."""
    panel, gap, base = plan.boxes.panel, 0.9 * plan.sheet.unit, plan.pt
    with_table = plan.findings is not None and plan.table is not None
    scale_h = scale_block_height(plan.sheet)
    for fracs in [PORTRAIT_TABLE_FRACS] if with_table else _PORTRAIT_FRACS:
        cw = [panel.w * f - gap for f in fracs]
        xs = [panel.x, panel.x + panel.w * fracs[0], panel.x + panel.w * (fracs[0] + fracs[1])]
        if with_table:
            # legend over the notes in the middle column, the table in the third
            sources, note_pt, notes_h = fit_notes(notes, cw[1], panel.h * 0.45, base)
            leg_avail = panel.h - notes_h - gap
        else:
            sources, note_pt, notes_h = fit_notes(notes, cw[2], panel.h, base)
            leg_avail = panel.h
        pt, ncols, ok = fit_legend(items, cw[1], leg_avail, base)
        if ok:
            break
    leg_h = legend_height(items, cw[1], pt, ncols)
    table = filled = None
    if with_table:
        notes_box = Box(xs[1], panel.y, cw[1], notes_h)
        table = (xs[2], panel.y, cw[2], panel.h)
        filled = _table_filled(plan, table)
    else:
        notes_box = Box(xs[2], panel.y1 - notes_h, cw[2], notes_h)
    return PanelPlan(columns=True, legend=Box(xs[1], panel.y1 - leg_h, cw[1], leg_h), legend_pt=pt,
                     legend_columns=ncols, notes=notes_box, sources=sources, note_pt=note_pt,
                     scale=Box(xs[0], panel.y, cw[0], scale_h),
                     inset=Box(xs[0], panel.y + scale_h + gap, cw[0], panel.h - scale_h - gap), table=table,
                     table_filled=filled)


def arrange_panel(plan: SheetPlan, items: list[LegendItem], notes: Notes) -> PanelPlan:
    """Where the panel's parts go on ``plan``'s sheet, the legend and notes as large as the room allows."""
    return _arrange_columns(plan, items, notes) if plan.boxes.panel_columns else _arrange_side(plan, items, notes)


def draw_notes(fig: Figure, mm: Transform, box: Box, head: list[str], sources: list[str], pt: float,
               lang: str) -> None:
    """The notes (the first in bold), the sources title and the sources (the illustrative-data line italic)."""
    lh = pt * PT_MM * 1.25
    y = box.y1
    for i, s in enumerate(head):
        lines = wrap_mm(s, box.w, pt)
        fig.text(box.x, y, "\n".join(lines), transform=mm, fontsize=pt, va="top", ha="left", linespacing=1.05,
                 fontweight="bold" if i == 0 else "normal")
        y -= len(lines) * lh
    y -= 0.3 * lh
    fig.text(box.x, y, t("print.sources_title", lang) + ":", transform=mm, fontsize=pt, fontweight="bold",
             va="top")
    y -= lh
    for s in sources:
        lines = wrap_mm("– " + s, box.w, pt * 0.92)
        fig.text(box.x, y, "\n".join(lines), transform=mm, fontsize=pt * 0.92, va="top", ha="left",
                 linespacing=1.05, style="italic" if s == sources[-1] and s == t("print.illustrative", lang)
                 else "normal")
        y -= len(lines) * lh * 0.92


def draw_scale_block(fig: Figure, mm: Transform, box: Box, scale: int, sh: Sheet, *, lang: str,
                     k: float) -> tuple[ScaleBar, dict[str, Any]]:
    """The stated scale and the scale bar under it; the bar and its layout (mm)."""
    u, pt = sh.unit, sh.pt
    text = t("print.scale_label", lang, scale=format_scale(scale, lang))
    fig.text(box.x + box.w / 2, box.y1, text, transform=mm, fontsize=pt * 1.35, fontweight="bold",
             ha="center", va="top")
    bar = scale_bar(scale, min(box.w * 0.82, 110.0 * k))
    bar_h = 0.55 * u
    x0 = box.x + (box.w - bar.length_mm) / 2
    y0 = box.y1 - 3.3 * u
    for i in range(bar.segments):
        seg = Rectangle((x0 + i * bar.segment_mm, y0), bar.segment_mm, bar_h, transform=mm,
                        facecolor="black" if i % 2 == 0 else "white", edgecolor="black", linewidth=0.5 * k)
        seg.set_gid(f"scalebar-{i}")
        fig.add_artist(seg)
    labels = [lb.replace(".", ",") for lb in bar.labels] if lang == "vi" else bar.labels
    for i, label in enumerate(labels):
        fig.text(x0 + i * bar.segment_mm, y0 + bar_h + 0.25 * u, label, transform=mm, fontsize=pt * 0.85,
                 ha="center", va="bottom")
    fig.text(x0 + bar.length_mm + 0.6 * u, y0 + bar_h / 2, bar.unit, transform=mm, fontsize=pt * 0.85,
             ha="left", va="center")
    return bar, {"length_m": bar.length_m, "length_mm": bar.length_mm, "segments": bar.segments, "unit": bar.unit,
                 "labels": labels, "x_mm": x0, "y_mm": y0, "height_mm": bar_h}


def _draw_table(fig: Figure, mm: Transform, plan: SheetPlan, pp: PanelPlan) -> tuple[float, float, float, float]:
    """The first page's rows of the findings table; the box they fill."""
    assert pp.table is not None and pp.table_filled is not None
    assert plan.table is not None and plan.findings is not None
    findings_mod.draw_findings(fig, mm, pp.table, plan.findings, plan.table.pt, plan.lang, head=plan.table.head,
                               stop=plan.table.stop, continues_on=plan.table.continues_on(len(plan.findings)))
    return pp.table_filled


def draw_panel(fig: Figure, mm: Transform, plan: SheetPlan, pp: PanelPlan, items: list[LegendItem], notes: Notes,
               data: MapData) -> dict[str, Any]:
    """Draw the arranged panel; its part of the sheet's layout."""
    out: dict[str, Any] = {"notes": notes.head}
    title = t("print.legend_title", plan.lang)

    def table() -> None:
        if pp.table is not None:
            out["findings_box_mm"] = _draw_table(fig, mm, plan, pp)

    def inset() -> None:
        out.update(draw_inset(fig, mm, pp.inset, plan.sheet, data, plan.extent, lang=plan.lang, pt=plan.pt,
                              focus=plan.focus))

    def legend() -> None:
        draw_legend(fig, mm, pp.legend.as_tuple(), items, title, pp.legend_pt, pp.legend_columns)
        out["legend_box_mm"] = pp.legend.as_tuple()

    def scale() -> None:
        out["scalebar"] = draw_scale_block(fig, mm, pp.scale, plan.scale, plan.sheet, lang=plan.lang, k=plan.k)[1]

    def notes_() -> None:
        draw_notes(fig, mm, pp.notes, notes.head, pp.sources, pp.note_pt, plan.lang)

    if not pp.columns:
        table()
        out["sources"] = pp.sources
        if pp.inset.h:
            inset()
        legend()
        notes_()
        scale()
    else:
        out["sources"] = pp.sources
        inset()
        scale()
        legend()
        notes_()
        table()
    out.update(legend_pt=pp.legend_pt, legend_columns=pp.legend_columns)
    return out
