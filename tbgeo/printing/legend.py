"""Map symbols from the catalog's Leaflet-like styles, and the legend ("Chú dẫn") built from what the frame shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle

from tbgeo.catalog import GROUPS
from tbgeo.i18n import t
from tbgeo.printing._text import nfc, wrap_mm

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

    from tbgeo.catalog import Layer

__all__ = [
    "Symbol",
    "LegendItem",
    "symbol_for",
    "legend_items",
    "legend_height",
    "draw_legend",
    "parse_dash",
    "raster_alpha",
    "MIN_LEGEND_PT",
]

#: The legend is never printed smaller than this (points); below it, it gets more columns.
MIN_LEGEND_PT = 6.0

_DEFAULT_STROKE = "#333333"


def parse_dash(value: Any) -> tuple[float, ...] | None:
    """A Leaflet ``dash_array`` ("5, 5" or "8 4") as numbers; None for a solid line."""
    if value in (None, "", "none"):
        return None
    if isinstance(value, (list, tuple)):
        nums = [float(v) for v in value]
    else:
        nums = [float(v) for v in str(value).replace(",", " ").split()]
    nums = [n for n in nums if n > 0]
    if not nums:
        return None
    if len(nums) % 2:
        nums = nums * 2
    return tuple(nums)


@dataclass(frozen=True)
class Symbol:
    """How a feature is drawn, in paper units: one object serves both the map and its legend.

    ``kind`` is ``fill`` (polygon or raster cell), ``line`` or ``marker``. Widths in points;
    ``dash`` in points of paper (not multiples of the width); ``size`` is a marker's diameter in points.
    """

    kind: str
    edge: str | None = None
    face: str | None = None
    face_alpha: float = 1.0
    edge_alpha: float = 1.0
    lw: float = 0.5
    dash: tuple[float, ...] | None = None
    size: float = 4.0
    hatch: str | None = None
    text: str | None = None  # a callout number drawn in the marker

    def linestyle(self) -> Any:
        """A matplotlib dash spec in multiples of the line width (matplotlib scales dashes by width)."""
        if not self.dash:
            return "solid"
        lw = max(self.lw, 1e-3)
        return (0, tuple(d / lw for d in self.dash))

    def face_rgba(self) -> tuple[float, float, float, float] | str:
        return to_rgba(self.face, self.face_alpha) if self.face else "none"

    def edge_rgba(self) -> tuple[float, float, float, float] | str:
        return to_rgba(self.edge, self.edge_alpha) if self.edge else "none"


def symbol_for(style: dict[str, Any], geometry_type: str, *, k: float = 1.0) -> Symbol:
    """The paper symbol for a Leaflet-like style (``color``, ``weight``, ``fill_color``, …).

    Defaults are the web map's (tbgeo.mapping.webmap): stroke #333333, weight 1.5 px (2 for points), fill
    opacity 0.4 (0.9 for points), radius 6. ``k`` scales widths with the sheet (1 on A3); one screen
    pixel of weight prints as 0.45 pt × k, one pixel of radius as 1.2 pt of marker diameter × k.
    """
    color = style.get("color", _DEFAULT_STROKE)
    weight = float(style.get("weight", 2 if geometry_type == "Point" else 1.5))
    opacity = float(style.get("opacity", 1.0))
    lw = max(0.2, weight * 0.45) * k if weight > 0 else 0.0
    dash = parse_dash(style.get("dash_array"))
    dash = tuple(d * 0.5 * k for d in dash) if dash else None
    if geometry_type == "LineString":
        return Symbol("line", edge=color, edge_alpha=opacity, lw=lw, dash=dash)
    fill = style.get("fill_color", color)
    if geometry_type == "Point":
        radius = float(style.get("radius", 6))
        return Symbol(
            "marker",
            edge=color,
            face=fill,
            face_alpha=float(style.get("fill_opacity", 0.9)),
            edge_alpha=opacity,
            lw=max(0.3, lw * 0.6),
            size=max(2.5, radius * 1.2 * k),
        )
    return Symbol(
        "fill",
        edge=color if weight > 0 else None,
        face=fill if fill not in (None, "", "none") else None,
        face_alpha=float(style.get("fill_opacity", 0.4)),
        edge_alpha=opacity,
        lw=lw,
        dash=dash,
    )


@dataclass(frozen=True)
class LegendItem:
    """A legend row: a heading (``symbol`` None; level 0 = group, 1 = layer) or a symbol with its label."""

    label: str
    symbol: Symbol | None = None
    layer_id: str | None = None
    value: Any = None
    level: int = 0

    @property
    def is_heading(self) -> bool:
        return self.symbol is None


def _layer_rows(layer: Layer, values: set[Any] | None, lang: str, k: float) -> list[LegendItem]:
    if layer.kind == "raster":
        alpha = raster_alpha(layer)
        rows = [
            LegendItem(nfc(f"{rc.code} – {rc.label(lang)}"),
                       Symbol("fill", edge="#555555", face=rc.color, face_alpha=alpha, lw=0.25 * k), layer.id, rc.value)
            for rc in layer.raster_classes
            if values is not None and rc.value in values
        ]
        return [LegendItem(nfc(layer.title(lang)), None, layer.id, level=1), *rows] if rows else []
    classes = layer.style.get("classes") or []
    gtype = layer.geometry_type or "Polygon"
    if not (classes and layer.style.get("class_field")):
        return [LegendItem(nfc(layer.title(lang)), symbol_for(layer.style_for(None), gtype, k=k), layer.id)]
    found = {str(v) for v in (values or ())}
    rows = [LegendItem(nfc(layer.title(lang)), None, layer.id, level=1)]
    for cls in classes:
        if str(cls.get("value")) in found:
            label = cls.get("label_en" if lang == "en" else "label_vi") or str(cls.get("value"))
            rows.append(LegendItem(nfc(label), symbol_for(layer.style_for(cls.get("value")), gtype, k=k), layer.id,
                                   cls.get("value")))
    known = {str(c.get("value")) for c in classes}
    if values is None or any(v not in known for v in found) or not found:
        # features whose class is not in the style table are drawn with the base style
        rows.append(LegendItem(nfc(layer.title(lang)), symbol_for(layer.style_for(None), gtype, k=k), layer.id))
    return rows if len(rows) > 1 else []


def raster_alpha(layer: Layer) -> float:
    """The opacity a raster layer is drawn with: its style's ``fill_opacity``/``opacity``, else the web map's 0.65."""
    return float(layer.style.get("fill_opacity", layer.style.get("opacity", 0.65)))


def legend_items(
    present: Iterable[tuple[Layer, set[Any] | None]],
    lang: str,
    *,
    k: float = 1.0,
    extra: Iterable[tuple[str, LegendItem]] = (),
    headings: dict[str, str] | None = None,
) -> list[LegendItem]:
    """The legend rows for the layers drawn, listing only what the frame shows, under group headings.

    ``present`` pairs each drawn layer with the class values found in the frame (None for an
    unclassified layer). Rows are grouped by the catalog group (Hành chính, Công nghiệp, …) in the
    catalog's group order; a classified layer gives one row per class present, a raster one row per
    land-use class present, an unclassified layer one row with its title. ``extra`` adds rows
    (group, item) such as the province boundary or the proposed site.
    """

    by_group: dict[str, list[LegendItem]] = {}
    for layer, values in present:
        by_group.setdefault(layer.group, []).extend(_layer_rows(layer, values, lang, k))
    for group, item in extra:
        by_group.setdefault(group, []).append(item)
    order = ["proposals", *GROUPS, "callouts"]
    out: list[LegendItem] = []
    for group in sorted(by_group, key=lambda g: order.index(g) if g in order else len(order)):
        rows = by_group[group]
        if not rows:
            continue
        key = f"groups.{group}"
        heading = (headings or {}).get(group) or t(key, lang)
        out.append(LegendItem(nfc(heading if heading != key else group), None, None))
        out.extend(rows)
    return out


# -- drawing ---------------------------------------------------------------------------------------------

def _font(it: LegendItem) -> tuple[str, str]:
    """(weight, style) of a row: group headings bold, layer headings italic, symbol rows plain."""
    if not it.is_heading:
        return "normal", "normal"
    return ("bold", "normal") if it.level == 0 else ("normal", "italic")


def _gap(it: LegendItem) -> float:
    """Space above a row, in line heights."""
    if not it.is_heading:
        return 0.18
    return 0.45 if it.level == 0 else 0.2


def _row_lines(items: list[LegendItem], text_w: float, pt: float) -> list[list[str]]:
    sym_w = pt * 0.3528 * 2.6 + 1.2
    out = []
    for it in items:
        weight, style = _font(it)
        width = text_w + (sym_w if it.is_heading else 0.0)
        out.append(wrap_mm(it.label, width, pt, weight=weight, style=style))
    return out


def _assign_columns(items: list[LegendItem], heights: list[float], ncols: int) -> tuple[list[int], float]:
    """Column of each row (balanced greedily; a heading never ends a column) and the tallest column's height."""
    target = sum(heights) / ncols
    cols: list[list[int]] = [[]]
    cur = 0.0
    for i, h in enumerate(heights):
        has_row = any(not items[j].is_heading for j in cols[-1])
        if cur + h > target * 1.0001 and has_row and len(cols) < ncols:
            # carry trailing headings over so they stay with their first row
            carry: list[int] = []
            while items[cols[-1][-1]].is_heading:
                carry.insert(0, cols[-1].pop())
            cols.append(carry)
            cur = sum(heights[j] for j in carry)
        cols[-1].append(i)
        cur += h
    assignment = [0] * len(items)
    for c, idx in enumerate(cols):
        for i in idx:
            assignment[i] = c
    col_h = max((sum(heights[i] for i in idx) for idx in cols), default=0.0)
    return assignment, col_h


def _layout(items: list[LegendItem], width: float, pt: float,
            ncols: int) -> tuple[float, list[list[str]], float, list[int]]:
    line_h = pt * 0.3528 * 1.3
    sym_w = pt * 0.3528 * 2.6
    col_w = (width - (ncols - 1) * 2.0) / ncols
    text_w = col_w - sym_w - 1.2
    lines = _row_lines(items, text_w, pt)
    heights = [len(ls) * line_h + _gap(it) * line_h for it, ls in zip(items, lines)]
    cols, col_h = _assign_columns(items, heights, ncols)
    return col_h + 1.6 * line_h, lines, line_h, cols  # + title row


def legend_height(items: list[LegendItem], width: float, pt: float, ncols: int = 1) -> float:
    """Height in mm the legend needs in a box ``width`` mm wide at ``pt`` points, with its title."""
    return _layout(items, width, pt, ncols)[0]


def _draw_symbol(fig: Figure, mm: Transform, sym: Symbol, x: float, y: float, w: float, h: float) -> None:
    if sym.kind == "fill":
        fig.add_artist(
            Rectangle((x, y), w, h, transform=mm, facecolor=sym.face_rgba(), edgecolor=sym.edge_rgba(),
                      linewidth=min(sym.lw, 1.2), linestyle=sym.linestyle(), hatch=sym.hatch)
        )
    elif sym.kind == "line":
        fig.add_artist(
            Line2D([x, x + w], [y + h / 2, y + h / 2], transform=mm, color=sym.edge_rgba(), linewidth=sym.lw,
                   linestyle=sym.linestyle(), solid_capstyle="butt")
        )
    else:
        # a marker never taller than its row, so it cannot run into the next entry
        r = min(sym.size / 2 * 0.3528, h * 0.62)
        fig.add_artist(
            Circle((x + w / 2, y + h / 2), r, transform=mm, facecolor=sym.face_rgba(), edgecolor=sym.edge_rgba(),
                   linewidth=min(sym.lw, 0.8))
        )
        if sym.text:
            fig.text(x + w / 2, y + h / 2, sym.text, transform=mm, fontsize=r * 2 / 0.3528 * 0.62, ha="center",
                     va="center_baseline", fontweight="bold")


def draw_legend(
    fig: Figure, mm: Transform, box: tuple[float, float, float, float], items: list[LegendItem], title: str,
    pt: float, ncols: int = 1,
) -> list[dict[str, Any]]:
    """Draw the legend into ``box`` (x, y, w, h in mm); returns the drawn rows (label, kind, position)."""
    x0, y0, w, h = box
    _, lines, line_h, cols = _layout(items, w, pt, ncols)
    sym_w = pt * 0.3528 * 2.6
    col_w = (w - (ncols - 1) * 2.0) / ncols
    fig.text(x0, y0 + h, nfc(title), transform=mm, fontsize=pt * 1.15, fontweight="bold", va="top", ha="left")
    top = y0 + h - 1.6 * line_h
    col, y = 0, top
    drawn: list[dict[str, Any]] = []
    for it, ls, c in zip(items, lines, cols):
        if c != col:
            col, y = c, top
        cx = x0 + col * (col_w + 2.0)
        if it.is_heading:
            y -= _gap(it) * line_h
            weight, style = _font(it)
            fig.text(cx, y, "\n".join(ls), transform=mm, fontsize=pt, fontweight=weight, style=style, va="top",
                     ha="left", linespacing=1.1)
        else:
            y -= 0.18 * line_h
            sh = line_h * 0.72
            _draw_symbol(fig, mm, it.symbol, cx, y - line_h * 0.86, sym_w, sh)  # type: ignore[arg-type]
            fig.text(cx + sym_w + 1.2, y, "\n".join(ls), transform=mm, fontsize=pt, va="top", ha="left",
                     linespacing=1.1)
        drawn.append({"label": it.label, "heading": it.is_heading, "layer": it.layer_id, "x": cx, "y": y})
        y -= len(ls) * line_h
    return drawn

