"""The search result on one printed sheet (A3 landscape by default, PDF or PNG): the suitability
surface with the excluded land and the numbered candidates, the ranked table, and the model — kind
of project, weights and constraints, each with its citation. Drawn server-side, deterministically."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tbgeo.errors import InputError
from tbgeo.i18n import fmt_number, t
from tbgeo.printing._text import FONT, nfc, wrap_mm
from tbgeo.search.image import surface_rgba

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from tbgeo.search.run import SearchResult

__all__ = ["render_search_sheet", "SHEETS_MM"]

SHEETS_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0), "A2": (594.0, 420.0)}
_MM = 1 / 25.4


def render_search_sheet(result: SearchResult, lang: str = "vi", *, size: str = "A3", fmt: str = "pdf",
                        draft: bool = True) -> bytes:
    """The sheet's bytes. Text from the data is drawn as text (no math markup is interpreted)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle


    if size.upper() not in SHEETS_MM:
        raise InputError("search.sheet.size", value=size, allowed=", ".join(SHEETS_MM))
    if fmt not in ("pdf", "png"):
        raise InputError("search.sheet.format", value=fmt)
    # a result that is not refused has its grid, surface and constrained mask (search_sites)
    if result.refused or result.grid is None or result.surface is None or result.constrained is None:
        raise InputError("search.sheet.refused")
    w_mm, h_mm = SHEETS_MM[size.upper()]
    rc: dict[RcKeyType, Any] = {"pdf.fonttype": 42, "font.family": "sans-serif", "font.sans-serif": [FONT], "pdf.compression": 6,
          "svg.hashsalt": "tbgeo"}
    grid = result.grid
    model = result.model(lang)
    with matplotlib.rc_context(rc):
        fig = plt.figure(figsize=(w_mm * _MM, h_mm * _MM))
        k = w_mm / 420.0  # text scales with the sheet

        def text(x_mm: float, y_mm: float, s: str, size: float, **kw: Any) -> None:
            fig.text(x_mm / w_mm, 1 - y_mm / h_mm, nfc(s), fontsize=size * k, va="top", parse_math=False, **kw)

        margin = 10.0 * k
        map_w = w_mm * 0.56
        title = t("search.sheet.title", lang)
        text(margin, margin, title.upper(), 16, weight="bold")
        text(margin, margin + 8 * k, t("search.text.head", lang, sector=model["sector"]["name"],
                                       area=fmt_number(result.profile.area_ha, lang, 1), kind=model["kind_text"],
                                       cite=model["kind_citation"]), 9)
        if draft:
            text(w_mm - margin - 30 * k, margin, t("search.sheet.draft", lang), 16, weight="bold", color="#c00000")
        # -- the map ------------------------------------------------------------------------------
        top = margin + 16 * k
        ax = fig.add_axes((margin / w_mm, margin / h_mm, map_w / w_mm, (h_mm - top - margin) / h_mm))
        west, south, east, north = grid.bounds
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
        legend_y = h_mm - margin + 2 * k
        text(margin, legend_y, t("search.page.map_legend", lang), 6.5)
        # -- the table and the model ----------------------------------------------------------------
        x = margin + map_w + 8 * k
        col_w = w_mm - x - margin
        line_h, row_h = 3.6 * k, 4.2 * k
        # the model is laid out first: the table gets the room left above it, so neither runs off the sheet
        factor_lines = []
        for f in model["factors"]:
            weight = fmt_number(f["weight"], lang, 3) if f["dropped"] is None else f"— ({f['dropped_text']})"
            factor_lines.append(wrap_mm(nfc(f"{f['title']}: {weight}; {f['function']} [{f['citation']}]"), col_w, 6.5 * k))
        constraint_lines = []
        for c in model["constraints"]:
            state = fmt_number(c["excluded_ha"], lang, 0) + " ha" if c["active"] else t("search.sheet.lifted", lang)
            constraint_lines.append(wrap_mm(nfc(f"{c['title']}: {state} [{c['citation']}]"), col_w, 6.5 * k))
        model_h = sum(6 * k + sum(len(p) * line_h + 0.8 * k for p in block) + 3 * k
                      for block in (factor_lines, constraint_lines))
        bottom = h_mm - margin - 8 * k  # above the note
        room = bottom - (top + 6 * k + 5 * k) - 4 * k - model_h

        def place_lines(cands: Sequence[Any]) -> list[list[str]]:
            """Where each candidate is in both systems: former district(s) and 2025 commune(s) (issue 15)."""
            return [wrap_mm(nfc(f"{c.rank}. {c.report.location.text(lang)}"), col_w, 6.5 * k)
                    for c in cands if c.report is not None and c.report.location is not None]

        def places_h(cands: Sequence[Any]) -> float:
            lines = place_lines(cands)
            return 6 * k + sum(len(p) * line_h + 0.8 * k for p in lines) + 3 * k if lines else 0.0

        fits = len(result.candidates)
        while fits > 1 and (fits + 1) * row_h + places_h(result.candidates[:fits]) > room:
            fits -= 1
        shown = result.candidates if len(result.candidates) <= fits else result.candidates[:max(fits - 1, 1)]
        y = top
        text(x, y, t("search.sheet.candidates", lang), 10, weight="bold")
        y += 6 * k
        heads = [t(f"search.col.{c}", lang) for c in ("rank", "score", "area", "luc", "luk", "districts", "verdict")]
        xs = [0, 0.07, 0.17, 0.30, 0.41, 0.52, 0.80]
        for hx, h in zip(xs, heads, strict=True):
            text(x + hx * col_w, y, h, 6.5, weight="bold")
        y += 5 * k
        for c in shown:
            rice = c.rice()
            cells = [str(c.rank), fmt_number(c.score, lang, 3), fmt_number(c.area_ha, lang, 1),
                     "—" if rice["luc_ha"] is None else fmt_number(rice["luc_ha"], lang, 2),
                     "—" if rice["luk_ha"] is None else fmt_number(rice["luk_ha"], lang, 2),
                     ", ".join(c.districts()) or "—",
                     t(f"review.severity.{c.verdict}", lang) if c.verdict else "—"]
            for cx, cell in zip(xs, cells, strict=True):
                text(x + cx * col_w, y, cell, 6.5)
            y += row_h
        if len(shown) < len(result.candidates):
            text(x, y, t("search.sheet.more", lang, n=len(result.candidates) - len(shown),
                         first=shown[-1].rank + 1, last=result.candidates[-1].rank), 6.5, style="italic")
            y += row_h
        y += 4 * k
        blocks = [("search.sheet.places", place_lines(shown))] if place_lines(shown) else []
        blocks += [("search.sheet.weights", factor_lines), ("search.sheet.constraints", constraint_lines)]
        for head, block in blocks:
            text(x, y, t(head, lang), 10, weight="bold")
            y += 6 * k
            for parts in block:
                for part in parts:
                    text(x, y, part, 6.5)
                    y += line_h
                y += 0.8 * k
            y += 3 * k
        text(x, h_mm - margin - 4 * k, t("search.sheet.note", lang), 6.5, style="italic")
        buf = io.BytesIO()
        meta = {"Title": title, "Creator": "tbgeo", "Producer": "tbgeo (matplotlib)", "CreationDate": None} \
            if fmt == "pdf" else {"Software": "tbgeo"}
        fig.savefig(buf, format=fmt, dpi=150, metadata=meta)
        plt.close(fig)
    return buf.getvalue()
