"""The title block (national heading, issuing body, title, unit, period), signature blocks and draft mark."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tbgeo.i18n import t
from tbgeo.printing._text import nfc, wrap_mm

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

    from tbgeo.printing.sheets import Box

__all__ = ["Line", "TitleBlock", "title_block", "draw_title_block", "draw_signatures", "draw_draft_mark", "upper_vi"]

_PT_MM = 25.4 / 72.0


def upper_vi(text: str) -> str:
    """Capitals with every Vietnamese diacritic kept (``Quỳnh Phụ`` → ``QUỲNH PHỤ``), NFC."""
    return nfc(nfc(text).upper())


@dataclass(frozen=True)
class Line:
    """One line of the centred title block: text, size as a multiple of the base size, weight and style."""

    text: str
    size: float
    weight: str = "normal"
    style: str = "normal"


@dataclass(frozen=True)
class TitleBlock:
    """What the header prints: the corner blocks and the centred lines."""

    left: tuple[str, ...]  # issuing body (top left)
    right: tuple[str, ...]  # national heading (top right)
    lines: tuple[Line, ...]  # title, unit, period, date

    def height_mm(self, pt: float) -> float:
        """Height of the whole block at base size ``pt`` (mm)."""
        corner = max(len(self.left), len(self.right))
        h = corner * pt * _PT_MM * 1.35 + (0.6 * pt * _PT_MM if corner else 0.0)
        for ln in self.lines:
            h += ln.size * pt * _PT_MM * 1.3
        return h


def title_block(
    *,
    title: str,
    unit: str,
    period: str | None,
    date: str | None,
    issuer: str | None,
    national_heading: bool,
    lang: str,
    width_mm: float,
    pt: float,
) -> TitleBlock:
    """The title block's text, with the title in capitals and wrapped to ``width_mm``."""
    right: tuple[str, ...] = ()
    if national_heading:
        right = (t("print.heading.republic", lang), t("print.heading.motto", lang))
    left: tuple[str, ...] = (upper_vi(issuer),) if issuer else ()
    lines: list[Line] = []
    big = 2.1
    for part in wrap_mm(upper_vi(title), width_mm * 0.9, pt * big, weight="bold"):
        lines.append(Line(part, big, "bold"))
    if unit:
        lines.append(Line(upper_vi(unit), 1.45, "bold"))
    if period:
        lines.append(Line(nfc(period), 1.1, "normal", "italic"))
    if date:
        lines.append(Line(nfc(date), 1.0, "normal", "italic"))
    return TitleBlock(left, right, tuple(lines))


def draw_title_block(fig: Figure, mm: Transform, box: Box, tb: TitleBlock, pt: float) -> None:
    """Draw ``tb`` into the header box (top-aligned)."""
    y = box.y1
    lh = pt * _PT_MM * 1.35
    for i, text in enumerate(tb.left):
        fig.text(box.x + box.w * 0.16, y - i * lh, text, transform=mm, fontsize=pt, fontweight="bold",
                 ha="center", va="top")
    for i, text in enumerate(tb.right):
        fig.text(box.x1 - box.w * 0.18, y - i * lh, text, transform=mm, fontsize=pt,
                 fontweight="bold" if i == 0 else "normal", style="italic" if i else "normal", ha="center", va="top")
    if tb.right:
        # the short rule under the motto, as on official documents
        from matplotlib.lines import Line2D

        from tbgeo.printing._text import text_width_mm

        half = text_width_mm(tb.right[1], pt, style="italic") / 2
        cx = box.x1 - box.w * 0.18
        yy = y - 2 * lh - 0.15 * lh
        fig.add_artist(Line2D([cx - half, cx + half], [yy, yy], transform=mm, color="black", linewidth=0.5))
    corner = max(len(tb.left), len(tb.right))
    y -= corner * lh + (0.6 * pt * _PT_MM if corner else 0.0)
    cx = box.x + box.w / 2
    for ln in tb.lines:
        size = ln.size * pt
        fig.text(cx, y, ln.text, transform=mm, fontsize=size, fontweight=ln.weight, style=ln.style,
                 ha="center", va="top")
        y -= size * _PT_MM * 1.3


def draw_signatures(fig: Figure, mm: Transform, box: Box, lang: str, pt: float, issuer: str | None) -> list[str]:
    """Three signature blocks (preparing, appraising, approving bodies) across ``box``; returns their headings."""
    heads = [t("print.sign.prepared", lang), t("print.sign.appraised", lang), t("print.sign.approved", lang)]
    note = t("print.sign.note", lang)
    col = box.w / 3
    for i, head in enumerate(heads):
        cx = box.x + col * (i + 0.5)
        fig.text(cx, box.y1, upper_vi(head), transform=mm, fontsize=pt * 1.05, fontweight="bold", ha="center",
                 va="top")
        fig.text(cx, box.y1 - pt * _PT_MM * 1.5, note, transform=mm, fontsize=pt * 0.9, style="italic",
                 ha="center", va="top")
        if i == 0 and issuer:
            fig.text(cx, box.y + pt * _PT_MM * 0.4, nfc(issuer), transform=mm, fontsize=pt, ha="center",
                     va="bottom")
    return [upper_vi(h) for h in heads]


def draw_draft_mark(fig: Figure, mm: Transform, box: Box, lang: str, pt: float) -> str:
    """A large, semi-transparent "DỰ THẢO" across ``box`` (the map frame)."""
    text = upper_vi(t("print.draft", lang))
    size = min(box.w, box.h) / 4.2 / _PT_MM
    fig.text(box.x + box.w / 2, box.y + box.h / 2, text, transform=mm, fontsize=size, fontweight="bold",
             color="#d62728", alpha=0.12, rotation=28, ha="center", va="center", rotation_mode="anchor", zorder=50)
    return text
