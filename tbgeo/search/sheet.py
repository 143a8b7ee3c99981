"""The search result on one printed sheet (A3 landscape by default, PDF or PNG): the suitability
surface with the excluded land and the numbered candidates, the ranked table, and the model — kind
of project, weights and constraints, each with its citation. Drawn server-side, deterministically.

The sheet is planned first (``plan_search_sheet``: sizes, wrapped lines, which candidates fit) and
then drawn (``render_search_sheet``): header, map, table, model."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.patches import Rectangle

from tbgeo.errors import InputError
from tbgeo.i18n import fmt_number, t
from tbgeo.printing._text import FONT, nfc, wrap_mm
from tbgeo.search.image import surface_rgba

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

    from tbgeo.search.run import SearchResult

__all__ = ["render_search_sheet", "plan_search_sheet", "SearchSheetPlan", "SHEETS_MM"]

SHEETS_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0), "A2": (594.0, 420.0)}
_MM = 1 / 25.4
#: Where each column of the candidates table starts, as a share of the column's width.
_TABLE_XS = (0, 0.07, 0.17, 0.30, 0.41, 0.52, 0.80)
_TABLE_COLS = ("rank", "score", "area", "luc", "luk", "districts", "verdict")


@dataclass(frozen=True)
class SearchSheetPlan:
    """Everything decided before the search sheet is drawn (mm from the top-left corner; sizes in pt on A3)."""

    lang: str
    w_mm: float
    h_mm: float
    #: text and lengths scale with the sheet: 1 on A3
    k: float
    margin: float
    map_w: float
    #: the top of the map and of the table
    top: float
    #: the left edge and width of the table's column
    x: float
    col_w: float
    line_h: float
    row_h: float
    title: str
    head: str
    #: the table: column heads, one row of cells per candidate shown, the line for those left out
    heads: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    more: str | None
    #: the blocks under the table: (heading's message key, wrapped lines of each entry)
    blocks: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]


def _check(result: SearchResult, size: str, fmt: str) -> None:
    """InputError for a size or format the sheet does not print, or a refused search (nothing to draw)."""
    if size.upper() not in SHEETS_MM:
        raise InputError("search.sheet.size", value=size, allowed=", ".join(SHEETS_MM))
    if fmt not in ("pdf", "png"):
        raise InputError("search.sheet.format", value=fmt)
    # a result that is not refused has its grid, surface and constrained mask (search_sites)
    if result.refused or result.grid is None or result.surface is None or result.constrained is None:
        raise InputError("search.sheet.refused")


def _model_lines(model: dict[str, Any], lang: str, width: float, pt: float) -> tuple[list[list[str]], list[list[str]]]:
    """The weights' and the constraints' entries, each wrapped to ``width`` mm."""
    factor_lines = []
    for f in model["factors"]:
        weight = fmt_number(f["weight"], lang, 3) if f["dropped"] is None else f"— ({f['dropped_text']})"
        factor_lines.append(wrap_mm(nfc(f"{f['title']}: {weight}; {f['function']} [{f['citation']}]"), width, pt))
    constraint_lines = []
    for c in model["constraints"]:
        state = fmt_number(c["excluded_ha"], lang, 0) + " ha" if c["active"] else t("search.sheet.lifted", lang)
        constraint_lines.append(wrap_mm(nfc(f"{c['title']}: {state} [{c['citation']}]"), width, pt))
    return factor_lines, constraint_lines


def _place_lines(cands: Sequence[Any], lang: str, width: float, pt: float) -> list[list[str]]:
    """Where each candidate is in both systems: former district(s) and 2025 commune(s) (issue 15)."""
    return [wrap_mm(nfc(f"{c.rank}. {c.report.location.text(lang)}"), width, pt)
            for c in cands if c.report is not None and c.report.location is not None]


def _block_h(lines: Sequence[Sequence[str]], k: float, line_h: float) -> float:
    """Height (mm) of a block: its heading, its entries, the space after it."""
    return 6 * k + sum(len(p) * line_h + 0.8 * k for p in lines) + 3 * k


def _candidate_row(c: Any, lang: str) -> tuple[str, ...]:
    rice = c.rice()
    return (str(c.rank), fmt_number(c.score, lang, 3), fmt_number(c.area_ha, lang, 1),
            "—" if rice["luc_ha"] is None else fmt_number(rice["luc_ha"], lang, 2),
            "—" if rice["luk_ha"] is None else fmt_number(rice["luk_ha"], lang, 2),
            ", ".join(c.districts()) or "—",
            t(f"review.severity.{c.verdict}", lang) if c.verdict else "—")


def plan_search_sheet(result: SearchResult, lang: str = "vi", *, size: str = "A3") -> SearchSheetPlan:
    """Plan the sheet of a drawable ``result``: the model is laid out first, the table gets the room
    left above it (the candidates that fit, a line for the rest), so neither runs off the sheet."""
    w_mm, h_mm = SHEETS_MM[size.upper()]
    k = w_mm / 420.0
    margin = 10.0 * k
    map_w = w_mm * 0.56
    model = result.model(lang)
    top = margin + 16 * k
    x = margin + map_w + 8 * k
    col_w = w_mm - x - margin
    line_h, row_h = 3.6 * k, 4.2 * k
    factor_lines, constraint_lines = _model_lines(model, lang, col_w, 6.5 * k)
    model_h = sum(_block_h(block, k, line_h) for block in (factor_lines, constraint_lines))
    bottom = h_mm - margin - 8 * k  # above the note
    room = bottom - (top + 6 * k + 5 * k) - 4 * k - model_h

    def places_h(cands: Sequence[Any]) -> float:
        lines = _place_lines(cands, lang, col_w, 6.5 * k)
        return _block_h(lines, k, line_h) if lines else 0.0

    cands = result.candidates
    fits = len(cands)
    while fits > 1 and (fits + 1) * row_h + places_h(cands[:fits]) > room:
        fits -= 1
    shown = cands if len(cands) <= fits else cands[:max(fits - 1, 1)]
    more = t("search.sheet.more", lang, n=len(cands) - len(shown), first=shown[-1].rank + 1,
             last=cands[-1].rank) if len(shown) < len(cands) else None
    places = _place_lines(shown, lang, col_w, 6.5 * k)
    blocks = [("search.sheet.places", places)] if places else []
    blocks += [("search.sheet.weights", factor_lines), ("search.sheet.constraints", constraint_lines)]
    return SearchSheetPlan(
        lang=lang, w_mm=w_mm, h_mm=h_mm, k=k, margin=margin, map_w=map_w, top=top, x=x, col_w=col_w, line_h=line_h,
        row_h=row_h, title=t("search.sheet.title", lang),
        head=t("search.text.head", lang, sector=model["sector"]["name"], area=fmt_number(result.profile.area_ha, lang, 1),
               kind=model["kind_text"], cite=model["kind_citation"]),
        heads=tuple(t(f"search.col.{c}", lang) for c in _TABLE_COLS),
        rows=tuple(_candidate_row(c, lang) for c in shown), more=more,
        blocks=tuple((head, tuple(tuple(p) for p in block)) for head, block in blocks),
    )


class _Page:
    """Text on the figure in mm from the top-left corner, at sizes given for A3 (scaled by the plan's ``k``)."""

    def __init__(self, fig: Figure, plan: SearchSheetPlan) -> None:
        self.fig, self.plan = fig, plan

    def text(self, x_mm: float, y_mm: float, s: str, size: float, **kw: Any) -> None:
        p = self.plan
        self.fig.text(x_mm / p.w_mm, 1 - y_mm / p.h_mm, nfc(s), fontsize=size * p.k, va="top", parse_math=False, **kw)


def _draw_header(page: _Page, draft: bool) -> None:
    p = page.plan
    page.text(p.margin, p.margin, p.title.upper(), 16, weight="bold")
    page.text(p.margin, p.margin + 8 * p.k, p.head, 9)
    if draft:
        page.text(p.w_mm - p.margin - 30 * p.k, p.margin, t("search.sheet.draft", p.lang), 16, weight="bold",
                  color="#c00000")


def _draw_map(page: _Page, result: SearchResult) -> Axes:
    """The suitability surface with the excluded land, the numbered candidates, a 10 km scale bar and north arrow."""
    p, k = page.plan, page.plan.k
    assert result.grid is not None and result.surface is not None and result.constrained is not None  # _check
    ax = page.fig.add_axes((p.margin / p.w_mm, p.margin / p.h_mm, p.map_w / p.w_mm, (p.h_mm - p.top - p.margin) / p.h_mm))
    west, south, east, north = result.grid.bounds
    ax.imshow(surface_rgba(result.surface, result.constrained), extent=(west, east, south, north),
              interpolation="nearest", origin="upper")
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for c in result.candidates:
        x0, y0, x1, y1 = c.geometry.bounds
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#c00000", linewidth=1.2))
        ax.text(x1 + 300, y1, str(c.rank), fontsize=8 * k, color="#c00000", weight="bold", parse_math=False)
    # scale bar 10 km and north arrow, in ground metres (the axis is EPSG:9209)
    bx, by = west + 2000, south + 2000
    for i in range(5):
        ax.add_patch(Rectangle((bx + i * 2000, by), 2000, 400, facecolor="black" if i % 2 == 0 else "white",
                               edgecolor="black", linewidth=0.5))
    ax.text(bx, by + 700, "0", fontsize=6 * k, parse_math=False)
    ax.text(bx + 10000, by + 700, "10 km", fontsize=6 * k, parse_math=False)
    ax.annotate("N", xy=(east - 3000, north - 2000), xytext=(east - 3000, north - 6000), ha="center",
                fontsize=9 * k, arrowprops={"arrowstyle": "-|>", "color": "black"}, annotation_clip=False)
    page.text(p.margin, p.h_mm - p.margin + 2 * k, t("search.page.map_legend", p.lang), 6.5)
    return ax


def _draw_table(page: _Page) -> float:
    """The ranked candidates (and the line for those left out); where the next block starts (mm)."""
    p, k = page.plan, page.plan.k
    y = p.top
    page.text(p.x, y, t("search.sheet.candidates", p.lang), 10, weight="bold")
    y += 6 * k
    for hx, h in zip(_TABLE_XS, p.heads, strict=True):
        page.text(p.x + hx * p.col_w, y, h, 6.5, weight="bold")
    y += 5 * k
    for cells in p.rows:
        for cx, cell in zip(_TABLE_XS, cells, strict=True):
            page.text(p.x + cx * p.col_w, y, cell, 6.5)
        y += p.row_h
    if p.more is not None:
        page.text(p.x, y, p.more, 6.5, style="italic")
        y += p.row_h
    return y + 4 * k


def _draw_blocks(page: _Page, y: float) -> None:
    """Places, weights and constraints under the table, and the note at the bottom."""
    p, k = page.plan, page.plan.k
    for head, block in p.blocks:
        page.text(p.x, y, t(head, p.lang), 10, weight="bold")
        y += 6 * k
        for parts in block:
            for part in parts:
                page.text(p.x, y, part, 6.5)
                y += p.line_h
            y += 0.8 * k
        y += 3 * k
    page.text(p.x, p.h_mm - p.margin - 4 * k, t("search.sheet.note", p.lang), 6.5, style="italic")


def render_search_sheet(result: SearchResult, lang: str = "vi", *, size: str = "A3", fmt: str = "pdf",
                        draft: bool = True) -> bytes:
    """The sheet's bytes. Text from the data is drawn as text (no math markup is interpreted)."""
    matplotlib.use("Agg", force=False)
    # pyplot only once the Agg backend is chosen (no display on a server)
    import matplotlib.pyplot as plt

    _check(result, size, fmt)
    rc: dict[RcKeyType, Any] = {"pdf.fonttype": 42, "font.family": "sans-serif", "font.sans-serif": [FONT],
                                "pdf.compression": 6, "svg.hashsalt": "tbgeo"}
    with matplotlib.rc_context(rc):
        plan = plan_search_sheet(result, lang, size=size)
        fig = plt.figure(figsize=(plan.w_mm * _MM, plan.h_mm * _MM))
        page = _Page(fig, plan)
        _draw_header(page, draft)
        _draw_map(page, result)
        _draw_blocks(page, _draw_table(page))
        buf = io.BytesIO()
        meta = {"Title": plan.title, "Creator": "tbgeo", "Producer": "tbgeo (matplotlib)", "CreationDate": None} \
            if fmt == "pdf" else {"Software": "tbgeo"}
        fig.savefig(buf, format=fmt, dpi=150, metadata=meta)
        plt.close(fig)
    return buf.getvalue()
