"""The language-neutral record of a review report, and its rendering in the reader's language.

A stored review is a record (``tbgeo.review.report.Report.to_record``): the site's, rice land's and
places' numbers, names from the layers and codes, and every finding's rule, severity, value, unit,
references, message key and typed parameters, with no text in any language. ``render_record`` says
it in a reader's language, in the shape of ``Report.to_dict``; a report stored before records (with
its text and a ``lang`` key) is shown as stored. Light on purpose: ``tbgeo proposals`` starts without
the drawing and GIS libraries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tbgeo.i18n import t
from tbgeo.i18n.params import fmt_param, load_param
from tbgeo.places.locate import Location, Share
from tbgeo.review.model import SiteFinding

__all__ = ["RECORD_KEY", "RECORD_VERSION", "is_record", "location_record", "render_record"]

#: The key and version of a language-neutral report record.
RECORD_KEY = "record"
RECORD_VERSION = 1


def is_record(report: Mapping[str, Any] | None) -> bool:
    """Whether a stored report is a language-neutral record (else one stored with its text, or none)."""
    return report is not None and report.get(RECORD_KEY) == RECORD_VERSION


def render_record(report: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A stored report in ``lang``, in the shape of ``Report.to_dict(lang)``: a record
    (``Report.to_record``) rendered for the reader; an older report, stored with its text, as stored."""
    if not is_record(report):
        return dict(report)
    attrs = dict(report["attributes"])
    attrs["sector_name"] = fmt_param(load_param(attrs.get("sector_name")), lang)
    verdict = report["verdict"]
    places = report.get("places")
    loc = None if places is None else _location(places)
    return {
        "site": report["site"],
        "attributes": attrs,
        "rice": report.get("rice"),
        "places": None if loc is None else {**loc.to_dict(), "text": loc.text(lang)},
        "findings": [SiteFinding.from_record(f).to_dict(lang) for f in report["findings"]],
        "verdict": verdict,
        "verdict_text": t(f"review.severity.{verdict}", lang),
        "counts": report.get("counts"),
        "inputs": report.get("inputs"),
        "context": report.get("context"),
        "lang": lang,
        "created_at": report.get("created_at"),
    }


def _share_record(s: Share) -> dict[str, Any]:
    return {"code": s.code, "name": s.name, "share": s.share}


def location_record(loc: Location) -> dict[str, Any]:
    """Where the site is, as numbers, names from the layers and codes (shares as measured)."""
    return {
        "former_districts": [_share_record(s) for s in loc.districts],
        "new_communes": [_share_record(s) for s in loc.new_communes],
        "exact": loc.exact,
        "candidates": [_share_record(s) for s in loc.candidates],
        "uncovered": loc.uncovered,
    }


def _location(data: Mapping[str, Any]) -> Location:
    def shares(key: str) -> tuple[Share, ...]:
        return tuple(Share(code=s["code"], name=s["name"], share=s.get("share")) for s in data.get(key) or ())

    return Location(districts=shares("former_districts"), new_communes=shares("new_communes"),
                    exact=bool(data.get("exact")), candidates=shares("candidates"),
                    uncovered=float(data.get("uncovered") or 0.0))
