"""The title block (national heading, issuing body, title, unit, period), signature blocks and draft mark."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as _date
from typing import TYPE_CHECKING

from matplotlib.lines import Line2D

from tbgeo.i18n import t
from tbgeo.i18n.params import vietnam_today
from tbgeo.places.names import fold
from tbgeo.printing._text import nfc, text_width_mm, wrap_mm
from tbgeo.printing.sheets import K_PT

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

    from tbgeo.printing.sheets import Box

__all__ = [
    "Line",
    "TitleBlock",
    "title_block",
    "draw_title_block",
    "draw_signatures",
    "draw_draft_mark",
    "upper_vi",
    "HEADINGS",
    "REFORM_DAY",
    "parse_sheet_date",
    "resolve_heading",
]

#: Administrative headings: ``today`` (Hưng Yên province, from 1 July 2025) or ``plan`` (Thái Bình, the plan's time).
HEADINGS = ("today", "plan")
#: From this day Thái Bình is part of Hưng Yên (NA Resolution 202/2025/QH15; two-tier local government).
REFORM_DAY = _date(2025, 7, 1)

_PT_MM = 25.4 / 72.0
#: Width of each corner column (issuing body, national heading) as a fraction of the header's width.
CORNER_FRAC = 0.34


def upper_vi(text: str) -> str:
    """Capitals with every Vietnamese diacritic kept (``Quỳnh Phụ`` → ``QUỲNH PHỤ``), NFC."""
    return nfc(nfc(text).upper())


_MONTHS_EN = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"), start=1)}
_MONTH_EN = r"(" + "|".join(sorted({*_MONTHS_EN, *(m[:3] for m in _MONTHS_EN), "sept"}, key=len, reverse=True)) + r")\.?"
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _month_en(word: str) -> int:
    word = word.rstrip(".")
    return next(i for m, i in _MONTHS_EN.items() if m == word or m[:3] == word[:3])


def parse_sheet_date(text: str | None) -> _date | None:
    """The day a sheet's date text names: ``2025-07-01`` (or ``2025/07/01``), ``1/7/2025`` (day
    first), ``ngày 1 tháng 7 năm 2025``, ``1 July 2025``, ``July 1, 2025``; a month (``7/2025``,
    ``tháng 7 năm 2025``, ``July 2025``) or a quarter (``Quý III/2025``, ``Q3 2025``): its first
    day; a year alone (``năm 2024``): 1 January, except 2025, which has days on both sides of the
    reform. None when unreadable."""
    if not text:
        return None
    s = nfc(text).lower().strip()
    pats = (
        (r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})", (1, 2, 3)),
        (r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})", (3, 2, 1)),
        (r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", (3, 2, 1)),
        (r"tháng\s*(\d{1,2})\s*(?:năm|/|,)\s*(\d{4})", (2, 1, None)),
        (r"(?<!\d)(\d{1,2})\s*/\s*(\d{4})", (2, 1, None)),
    )
    for pat, (yi, mi, di) in pats:
        m = re.search(pat, s)
        if m:
            try:
                return _date(int(m.group(yi)), int(m.group(mi)), int(m.group(di)) if di else 1)
            except ValueError:
                return None
    try:
        m = re.search(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_EN + r",?\s+(\d{4})", s)
        if m:
            return _date(int(m.group(3)), _month_en(m.group(2)), int(m.group(1)))
        m = re.search(r"\b" + _MONTH_EN + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", s)
        if m:
            return _date(int(m.group(3)), _month_en(m.group(1)), int(m.group(2)))
        m = re.search(r"\b" + _MONTH_EN + r",?\s+(\d{4})", s)
        if m:
            return _date(int(m.group(2)), _month_en(m.group(1)), 1)
    except ValueError:
        return None
    m = re.search(r"\b(?:quý|q)\s*(iv|iii|ii|i|[1-4])\b\s*(?:/|năm|,)?\s*(\d{4})", s)
    if m:
        return _date(int(m.group(2)), 3 * _QUARTERS[m.group(1)] - 2, 1)
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", s)
    if len(years) == 1 and 1900 < int(years[0]) < 2200 and int(years[0]) != REFORM_DAY.year:
        return _date(int(years[0]), 1, 1)
    return None


def resolve_heading(heading: str | None, date_text: str | None) -> str:
    """``heading`` when the user chose one; else by the sheet's date: on or after 1 July 2025 (or a
    date that cannot be read: the day of printing) → ``today``; no date at all → ``plan`` (the
    plan's map, its data as before the reform)."""
    if heading:
        return heading
    if not date_text or not date_text.strip():
        return "plan"
    day = parse_sheet_date(date_text) or vietnam_today()
    return "today" if day >= REFORM_DAY else "plan"


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

    left: tuple[str, ...]  # issuing body (top left), wrapped to its column
    right: tuple[str, ...]  # national heading (top right)
    lines: tuple[Line, ...]  # title, unit, period, date
    corner_scale: float = 1.0  # size of the corner text as a multiple of the base size (< 1 when shrunk to fit)
    motto_index: int = 1  # the line of ``right`` that is the motto (underlined)
    governing_lines: int = 0  # the first lines of ``left`` name the governing body (UBND tỉnh …)

    def height_mm(self, pt: float) -> float:
        """Height of the whole block at base size ``pt`` (mm)."""
        corner = max(len(self.left), len(self.right))
        h = corner * pt * self.corner_scale * _PT_MM * 1.35 + (0.6 * pt * _PT_MM if corner else 0.0)
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
    governing: str | None = None,
    note: str | None = None,
) -> TitleBlock:
    """The title block's text, with the title in capitals; every line wrapped (or shrunk) to its column.

    The issuing body (top left) and the national heading (top right) each have a column of
    ``CORNER_FRAC`` × ``width_mm``; a word too long for its column shrinks that corner's text.
    ``governing`` (the administrative heading, e.g. "UBND tỉnh Hưng Yên") is printed above the issuer
    unless the issuer already names it; ``note`` is an italic line under the date (e.g. the site's
    former district and new commune on a review sheet).
    """

    if governing and issuer and fold(governing).replace("ubnd", "uy ban nhan dan") in fold(issuer).replace(
            "ubnd", "uy ban nhan dan"):
        governing = None
    col = width_mm * CORNER_FRAC
    scale = 1.0
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    motto = 1
    for _ in range(12):
        size = pt * scale
        gov = tuple(wrap_mm(upper_vi(governing), col, size, weight="bold")) if governing else ()
        left = gov + (tuple(wrap_mm(upper_vi(issuer), col, size, weight="bold")) if issuer else ())
        right = ()
        if national_heading:
            rep = wrap_mm(t("print.heading.republic", lang), col, size, weight="bold")
            right = (*rep, *wrap_mm(t("print.heading.motto", lang), col, size, style="italic"))
            motto = len(rep)
        widest = max([text_width_mm(s, size, weight="bold") for s in (*left, *right)] or [0.0])
        if widest <= col or scale < 0.6:
            break
        scale *= 0.92
    lines: list[Line] = []
    big = 2.1
    for part in wrap_mm(upper_vi(title), width_mm * 0.9, pt * big, weight="bold"):
        lines.append(Line(part, big, "bold"))
    if unit:
        lines.extend(Line(part, 1.45, "bold") for part in wrap_mm(upper_vi(unit), width_mm * 0.9, pt * 1.45,
                                                                    weight="bold"))
    if period:
        lines.extend(Line(part, 1.1, "normal", "italic") for part in wrap_mm(nfc(period), width_mm * 0.9, pt * 1.1,
                                                                              style="italic"))
    if date:
        lines.extend(Line(part, 1.0, "normal", "italic") for part in wrap_mm(nfc(date), width_mm * 0.9, pt,
                                                                              style="italic"))
    if note:
        lines.extend(Line(part, 0.95, "normal", "italic") for part in wrap_mm(nfc(note), width_mm * 0.9, pt * 0.95,
                                                                               style="italic"))
    return TitleBlock(left, right, tuple(lines), scale, motto, len(gov))


def draw_title_block(fig: Figure, mm: Transform, box: Box, tb: TitleBlock, pt: float) -> None:
    """Draw ``tb`` into the header box (top-aligned)."""
    y = box.y1
    cpt = pt * tb.corner_scale
    lh = cpt * _PT_MM * 1.35
    half_col = box.w * CORNER_FRAC / 2
    for i, text in enumerate(tb.left):
        gid = "governing" if i < tb.governing_lines else "issuer"
        fig.text(box.x + 0.01 * box.w + half_col, y - i * lh, text, transform=mm, fontsize=cpt, fontweight="bold",
                 ha="center", va="top", gid=gid)
    rx = box.x1 - 0.01 * box.w - half_col
    for i, text in enumerate(tb.right):
        motto = i >= tb.motto_index
        fig.text(rx, y - i * lh, text, transform=mm, fontsize=cpt, fontweight="normal" if motto else "bold",
                 style="italic" if motto else "normal", ha="center", va="top", gid="national-heading")
    if tb.right:
        # the short rule under the motto, as on official documents

        half = max(text_width_mm(s, cpt, style="italic") for s in tb.right[tb.motto_index:]) / 2
        yy = y - len(tb.right) * lh - 0.15 * lh
        fig.add_artist(Line2D([rx - half, rx + half], [yy, yy], transform=mm, color="black", linewidth=0.5 * pt / K_PT))
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
            lines = wrap_mm(nfc(issuer), col * 0.92, pt)
            fig.text(cx, box.y + pt * _PT_MM * 0.4, "\n".join(lines), transform=mm, fontsize=pt, ha="center",
                     va="bottom", linespacing=1.1)
    return [upper_vi(h) for h in heads]


def draw_draft_mark(fig: Figure, mm: Transform, box: Box, lang: str, pt: float) -> str:
    """A large, semi-transparent "DỰ THẢO" across ``box`` (the map frame)."""
    text = upper_vi(t("print.draft", lang))
    size = min(box.w, box.h) / 4.2 / _PT_MM
    fig.text(box.x + box.w / 2, box.y + box.h / 2, text, transform=mm, fontsize=size, fontweight="bold",
             color="#d62728", alpha=0.12, rotation=28, ha="center", va="center", rotation_mode="anchor", zorder=50)
    return text
