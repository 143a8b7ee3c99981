"""The site-review findings table printed beside the map (rule, level, value, citation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from tbgeo.i18n import fmt_number, t
from tbgeo.printing._text import nfc, wrap_mm

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

__all__ = ["FINDING_KEYS", "finding_cells", "findings_height", "draw_findings", "severity_label", "SEVERITY_COLORS"]

#: The keys a finding dict may carry (the review engine's Report rows as plain dicts).
FINDING_KEYS = ("rule", "severity", "title", "value", "unit", "citation", "message")
_COLS = (0.43, 0.17, 0.17, 0.23)
SEVERITY_COLORS = {
    "block": "#c0392b", "fail": "#c0392b", "error": "#c0392b",
    "warn": "#e67e22", "warning": "#e67e22",
    "info": "#2e86c1", "pass": "#27ae60", "ok": "#27ae60",
}
_PT_MM = 25.4 / 72.0


def severity_label(severity: Any, lang: str) -> str:
    key = f"print.severity.{str(severity).lower()}"
    text = t(key, lang)
    return nfc(severity) if text == key else text


def _value_text(f: dict[str, Any], lang: str) -> str:
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
    unit = f.get("unit")
    return f"{text} {nfc(unit)}" if unit else text


def finding_cells(findings: Sequence[dict[str, Any]], lang: str) -> list[tuple[str, str, str, str]]:
    """One row of texts per finding: title (or rule id), level, value with unit, citation."""
    rows = []
    for f in findings:
        title = nfc(f.get("title") or f.get("rule") or "")
        rows.append((title, severity_label(f.get("severity", ""), lang), _value_text(f, lang), nfc(f.get("citation") or "")))
    return rows


def _wrapped(rows: list[tuple[str, ...]], width: float, pt: float, bold: bool = False) -> list[list[list[str]]]:
    out = []
    for row in rows:
        out.append([wrap_mm(cell, width * frac - 1.2, pt, weight="bold" if bold else "normal")
                    for cell, frac in zip(row, _COLS)])
    return out


def findings_height(findings: Sequence[dict[str, Any]], width: float, pt: float, lang: str,
                    site_name: str | None = None) -> float:
    """Height in mm of the table (title, header and rows) ``width`` mm wide at ``pt`` points."""
    line_h = pt * _PT_MM * 1.3
    head = (t("print.findings.rule", lang), t("print.findings.severity", lang), t("print.findings.value", lang),
            t("print.findings.citation", lang))
    cells = _wrapped([head], width, pt, True) + _wrapped(finding_cells(findings, lang), width, pt)
    h = 1.7 * line_h + (line_h if site_name else 0.0)
    for row in cells:
        h += max(len(c) for c in row) * line_h + 0.35 * line_h
    if not findings:
        h += line_h
    return h


def draw_findings(fig: Figure, mm: Transform, box: tuple[float, float, float, float],
                  findings: Sequence[dict[str, Any]], pt: float, lang: str, site_name: str | None = None) -> list[str]:
    """Draw the table at the top of ``box``; returns the row titles drawn."""
    x0, y0, w, h = box
    line_h = pt * _PT_MM * 1.3
    y = y0 + h
    fig.text(x0, y, t("print.findings.title", lang), transform=mm, fontsize=pt * 1.15, fontweight="bold",
             va="top")
    y -= 1.5 * line_h
    if site_name:
        fig.text(x0, y, t("print.findings.site_label", lang, name=nfc(site_name)), transform=mm, fontsize=pt,
                 va="top")
        y -= line_h
    head = (t("print.findings.rule", lang), t("print.findings.severity", lang), t("print.findings.value", lang),
            t("print.findings.citation", lang))
    xs = [x0]
    for frac in _COLS[:-1]:
        xs.append(xs[-1] + w * frac)
    drawn: list[str] = []
    rows = [(head, True, None)] + [(c, False, f.get("severity")) for c, f in zip(finding_cells(findings, lang), findings)]
    for cells, bold, sev in rows:
        wrapped = _wrapped([cells], w, pt, bold)[0]
        n = max(len(c) for c in wrapped)
        row_h = n * line_h + 0.35 * line_h
        if y - row_h < y0:
            break
        fig.add_artist(Line2D([x0, x0 + w], [y, y], transform=mm, color="#444444", linewidth=0.6 if bold else 0.3))
        for j, (lines, x) in enumerate(zip(wrapped, xs)):
            tx = x + 0.6
            if j == 1 and sev is not None:
                color = SEVERITY_COLORS.get(str(sev).lower(), "#7f8c8d")
                s = line_h * 0.55
                fig.add_artist(Rectangle((tx, y - 0.2 * line_h - line_h * 0.7), s, s, transform=mm,
                                         facecolor=color, edgecolor="none"))
                tx += s + 0.6
            fig.text(tx, y - 0.15 * line_h, "\n".join(lines), transform=mm, fontsize=pt,
                     fontweight="bold" if bold else "normal", va="top", linespacing=1.1)
        if not bold:
            drawn.append(cells[0])
        y -= row_h
    fig.add_artist(Line2D([x0, x0 + w], [y, y], transform=mm, color="#444444", linewidth=0.6))
    if not findings:
        fig.text(x0, y - 0.3 * line_h, t("print.findings.none", lang), transform=mm, fontsize=pt, style="italic",
                 va="top")
    return drawn
