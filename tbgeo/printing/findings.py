"""The site-review findings table printed beside the map (rule, level, value, citation), with the verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from tbgeo.i18n import fmt_number, t
from tbgeo.plan.sectors import get_sector
from tbgeo.printing._text import nfc, wrap_mm
from tbgeo.printing.sheets import K_PT

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

__all__ = [
    "FINDING_KEYS",
    "SEVERITY_COLORS",
    "SEVERITY_ORDER",
    "TableHead",
    "finding_cells",
    "findings_height",
    "rows_that_fit",
    "table_bottom",
    "draw_findings",
    "severity_label",
    "worst_severity",
    "MIN_TABLE_PT",
]

#: The keys a finding dict may carry (the review engine's Report rows as plain dicts).
FINDING_KEYS = ("rule", "severity", "title", "value", "value_text", "unit", "citation", "message")
_COLS = (0.40, 0.15, 0.17, 0.28)
SEVERITY_COLORS = {
    "block": "#c0392b", "fail": "#c0392b", "error": "#c0392b",
    "warn": "#e67e22", "warning": "#e67e22",
    "info": "#2e86c1", "pass": "#27ae60", "ok": "#27ae60",
}
#: Worst first: the verdict of a table is its worst row.
SEVERITY_ORDER = ("block", "fail", "error", "warn", "warning", "info", "pass", "ok")
#: The table is never printed smaller than this (points): it is the part of the sheet people read.
MIN_TABLE_PT = 6.5
_PT_MM = 25.4 / 72.0
_ROW_PAD = 0.35  # space under each row, in line heights


def severity_label(severity: Any, lang: str) -> str:
    key = f"print.severity.{str(severity).lower()}"
    text = t(key, lang)
    return nfc(severity) if text == key else text


def worst_severity(findings: Sequence[dict[str, Any]]) -> str | None:
    """The worst ``severity`` of the rows (``block`` > ``warn`` > ``info`` > ``ok``); None without rows."""
    found = [str(f.get("severity", "")).lower() for f in findings]
    for sev in SEVERITY_ORDER:
        if sev in found:
            return sev
    return found[0] if found else None


def _sector_name(code: str, lang: str) -> str | None:
    """The sector's name when ``code`` is a sector code (``textile_garment`` → ``Dệt may``), else None."""
    if not code or " " in code or code != code.lower():
        return None
    try:

        return nfc(get_sector(code).name(lang))
    except Exception:  # not a sector code (or no sector list): the text is printed as given
        return None


def _value_text(f: dict[str, Any], lang: str) -> str:
    given = f.get("value_text")
    if given not in (None, ""):
        text = nfc(given)
        return _sector_name(text, lang) or text  # a bare sector code is never printed as such
    value = f.get("value")
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        text = str(value)
    elif isinstance(value, (int, float)):
        digits = 0 if float(value).is_integer() else (1 if abs(value) >= 10 else 2)
        text = fmt_number(float(value), lang, digits)
        if digits:
            mark = "," if lang == "vi" else "."
            text = text.rstrip("0").rstrip(mark) if mark in text else text
    else:
        text = nfc(value)
        text = _sector_name(text, lang) or text
    unit = f.get("unit")
    return f"{text} {nfc(unit)}" if unit else text


def finding_cells(findings: Sequence[dict[str, Any]], lang: str) -> list[tuple[str, str, str, str]]:
    """One row of texts per finding: title (or rule id), level, value with unit, citation."""
    rows = []
    for f in findings:
        title = nfc(f.get("title") or f.get("rule") or "")
        rows.append((title, severity_label(f.get("severity", ""), lang), _value_text(f, lang), nfc(f.get("citation") or "")))
    return rows


def _head(lang: str) -> tuple[str, str, str, str]:
    return (t("print.findings.rule", lang), t("print.findings.severity", lang), t("print.findings.value", lang),
            t("print.findings.citation", lang))


def _wrap_cell(text: str, width: float, pt: float, weight: str, citation: bool) -> list[str]:
    """A cell's lines; a citation breaks first at its "; " so each reference stays whole where it can."""
    if not citation or "; " not in text:
        return wrap_mm(text, width, pt, weight=weight)
    parts = text.split("; ")
    out: list[str] = []
    for i, part in enumerate(parts):
        out.extend(wrap_mm(part + (";" if i < len(parts) - 1 else ""), width, pt, weight=weight))
    return out


def _wrapped(rows: Sequence[tuple[str, ...]], width: float, pt: float, bold: bool = False) -> list[list[list[str]]]:
    out = []
    for row in rows:
        out.append([_wrap_cell(cell, width * frac - 1.2, pt, "bold" if bold else "normal", j == 3 and not bold)
                    for j, (cell, frac) in enumerate(zip(row, _COLS))])
    return out


@dataclass(frozen=True)
class TableHead:
    """What is printed above the rows: the site's name and the overall verdict (severity and its words)."""

    site_name: str | None = None
    verdict: str | None = None
    verdict_text: str | None = None
    #: lines under the site's name (proposal number, investor, sector)
    info: tuple[str, ...] = ()

    def lines(self, findings: Sequence[dict[str, Any]], lang: str) -> list[tuple[str, str | None]]:
        """(text, severity for the colour square) of each line under the table's title."""
        out: list[tuple[str, str | None]] = []
        if self.site_name:
            out.append((t("print.findings.site_label", lang, name=nfc(self.site_name)), None))
        out.extend((nfc(line), None) for line in self.info)
        verdict = self.verdict or worst_severity(findings)
        if verdict is not None:
            words = nfc(self.verdict_text) if self.verdict_text else severity_label(verdict, lang)
            counts: dict[str, int] = {}
            for f in findings:
                counts[severity_label(f.get("severity", ""), lang)] = counts.get(
                    severity_label(f.get("severity", ""), lang), 0) + 1
            detail = ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
            out.append((t("print.findings.verdict", lang, verdict=words, n=len(findings), detail=detail), verdict))
        return out


def _line_h(pt: float) -> float:
    return pt * _PT_MM * 1.3


def _head_height(findings: Sequence[dict[str, Any]], width: float, pt: float, lang: str, head: TableHead | None,
                 continued: bool) -> float:
    lh = _line_h(pt)
    h = 1.5 * lh  # title
    if head is not None and not continued:
        for text, _sev in head.lines(findings, lang):
            h += len(wrap_mm(text, width - 3.0, pt, weight="bold")) * lh
        h += 0.3 * lh
    h += _row_height(_wrapped([_head(lang)], width, pt, True)[0], pt)
    return h


def _row_height(wrapped: list[list[str]], pt: float) -> float:
    return max(len(c) for c in wrapped) * _line_h(pt) + _ROW_PAD * _line_h(pt)


def row_heights(findings: Sequence[dict[str, Any]], width: float, pt: float, lang: str) -> list[float]:
    return [_row_height(w, pt) for w in _wrapped(finding_cells(findings, lang), width, pt)]


def findings_height(findings: Sequence[dict[str, Any]], width: float, pt: float, lang: str,
                    site_name: str | None = None, *, head: TableHead | None = None, continued: bool = False) -> float:
    """Height in mm of the whole table (title, site and verdict lines, header, rows, end note)."""
    head = head if head is not None else TableHead(site_name)
    h = _head_height(findings, width, pt, lang, head, continued)
    h += sum(row_heights(findings, width, pt, lang))
    h += 1.4 * _line_h(pt)  # closing rule and the "continued" / "none" note
    return h


def rows_that_fit(findings: Sequence[dict[str, Any]], width: float, height: float, pt: float, lang: str, *,
                  head: TableHead | None = None, continued: bool = False) -> int:
    """How many rows (from the first) fit a box ``height`` mm tall, with the title and the end note."""
    used = _head_height(findings, width, pt, lang, head, continued) + 1.4 * _line_h(pt)
    n = 0
    for h in row_heights(findings, width, pt, lang):
        if used + h > height + 1e-6:
            break
        used += h
        n += 1
    return n


def table_bottom(box: tuple[float, float, float, float], findings: Sequence[dict[str, Any]], pt: float, lang: str, *,
                 head: TableHead, start: int = 0, stop: int | None = None, continued_from: int | None = None) -> float:
    """Where (mm) the table ``draw_findings`` draws in ``box`` ends, its end note included: known before drawing."""
    x0, y0, w, h = box
    lh = _line_h(pt)
    y = y0 + h
    y -= 1.5 * lh
    if continued_from is None:
        for text, sev in head.lines(findings, lang):
            y -= len(wrap_mm(text, w - 3.0, pt, weight="bold" if sev else "normal")) * lh
        y -= 0.3 * lh
    stop = len(findings) if stop is None else stop
    part = list(findings[start:stop])
    for cells, bold in [(_head(lang), True)] + [(c, False) for c in finding_cells(part, lang)]:
        y -= _row_height(_wrapped([cells], w, pt, bold)[0], pt)
    return y - 1.4 * lh


def draw_findings(fig: Figure, mm: Transform, box: tuple[float, float, float, float],
                  findings: Sequence[dict[str, Any]], pt: float, lang: str, site_name: str | None = None, *,
                  head: TableHead | None = None, start: int = 0, stop: int | None = None,
                  continues_on: int | None = None, continued_from: int | None = None) -> dict[str, Any]:
    """Draw rows ``start:stop`` of the table at the top of ``box``; every row is drawn (the box only places it).

    ``continues_on`` (a page number) adds the "continued on page n" marker after the last row;
    ``continued_from`` titles the table as the continuation of page n (without the head lines).
    Returns the titles drawn, the head lines and the table's bottom (mm).
    """
    x0, y0, w, h = box
    head = head if head is not None else TableHead(site_name)
    lh = _line_h(pt)
    y = y0 + h
    title = t("print.findings.title", lang)
    if continued_from is not None:
        title = t("print.findings.title_continued", lang, title=title, page=continued_from)
    fig.text(x0, y, title, transform=mm, fontsize=pt * 1.15, fontweight="bold", va="top")
    y -= 1.5 * lh
    head_lines: list[str] = []
    if continued_from is None:
        for text, sev in head.lines(findings, lang):
            tx = x0
            if sev is not None:
                s = lh * 0.62
                fig.add_artist(Rectangle((x0, y - 0.15 * lh - s), s, s, transform=mm,
                                         facecolor=SEVERITY_COLORS.get(str(sev).lower(), "#7f8c8d"), edgecolor="none"))
                tx += s + 0.8
            lines = wrap_mm(text, w - 3.0, pt, weight="bold" if sev else "normal")
            fig.text(tx, y, "\n".join(lines), transform=mm, fontsize=pt, va="top", linespacing=1.15,
                     fontweight="bold" if sev else "normal", gid="findings-verdict" if sev else None)
            head_lines.append(" ".join(lines))
            y -= len(lines) * lh
        y -= 0.3 * lh
    xs = [x0]
    for frac in _COLS[:-1]:
        xs.append(xs[-1] + w * frac)
    stop = len(findings) if stop is None else stop
    part = list(findings[start:stop])
    drawn: list[str] = []
    rows = [(_head(lang), True, None)] + [(c, False, f.get("severity")) for c, f in zip(finding_cells(part, lang), part)]
    for cells, bold, sev in rows:
        wrapped = _wrapped([cells], w, pt, bold)[0]
        row_h = _row_height(wrapped, pt)
        fig.add_artist(Line2D([x0, x0 + w], [y, y], transform=mm, color="#444444",
                              linewidth=(0.6 if bold else 0.3) * pt / K_PT))
        for j, (lines, x) in enumerate(zip(wrapped, xs)):
            tx = x + 0.6
            if j == 1 and sev is not None:
                color = SEVERITY_COLORS.get(str(sev).lower(), "#7f8c8d")
                s = lh * 0.55
                fig.add_artist(Rectangle((tx, y - 0.2 * lh - lh * 0.7), s, s, transform=mm,
                                         facecolor=color, edgecolor="none"))
                tx += s + 0.6
            fig.text(tx, y - 0.15 * lh, "\n".join(lines), transform=mm, fontsize=pt,
                     fontweight="bold" if bold else "normal", va="top", linespacing=1.1)
        if not bold:
            drawn.append(cells[0])
        y -= row_h
    fig.add_artist(Line2D([x0, x0 + w], [y, y], transform=mm, color="#444444", linewidth=0.6 * pt / K_PT))
    if not findings:
        fig.text(x0, y - 0.3 * lh, t("print.findings.none", lang), transform=mm, fontsize=pt, style="italic",
                 va="top")
    elif continues_on is not None:
        fig.text(x0 + w, y - 0.3 * lh, t("print.findings.continued", lang, page=continues_on, n=len(findings) - stop),
                 transform=mm, fontsize=pt, style="italic", fontweight="bold", va="top", ha="right")
    return {"titles": drawn, "head": head_lines, "bottom": y - 1.4 * lh, "pt": pt, "rows": (start, stop)}
