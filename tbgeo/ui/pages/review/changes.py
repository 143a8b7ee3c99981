"""A proposal's changed fields in words: the stored field names (``attributes.sector``) and values
(``textile_garment``, ``warn``, ``12.3456``) as the review form and report name them."""

from __future__ import annotations

from tbgeo.i18n import fmt_number, t
from tbgeo.ui.pages.review.context import sectors

__all__ = ["field_label", "field_value"]

#: Stored field → the form's or report's label (``review.page.<key>``).
_LABELS = {
    "name": "name", "attributes.name": "name", "attributes.investor": "investor", "attributes.sector": "sector",
    "attributes.workforce": "workforce", "attributes.investment_bvnd": "investment",
    "attributes.gas_use_m3_day": "gas_use", "attributes.technology": "technology", "area_ha": "area",
    "verdict": "col_verdict",
}  # fmt: skip


def field_label(field: str, lang: str) -> str:
    key = _LABELS.get(field)
    return t(f"review.page.{key}", lang) if key else field


def field_value(field: str, text: str | None, lang: str) -> str:
    """A stored value (text) as the page shows it; "—" for none."""
    if text in (None, "", "None", "null"):
        return "—"
    if field == "attributes.sector":
        names = {s.code: s.name(lang) for s in sectors()}
        return names.get(text, text)
    if field == "verdict":
        return t(f"review.severity.{text}", lang)
    if field == "attributes.technology":
        return t(f"review.value.{text}", lang)
    if field in ("area_ha", "attributes.investment_bvnd", "attributes.gas_use_m3_day", "attributes.workforce"):
        try:
            value = float(text)
        except ValueError:
            return text
        return fmt_number(value, lang, 0 if value.is_integer() else 2)
    return text
