"""Issue 10 §5: "$" in printed text is printed as written (never read as mathtext)."""

from __future__ import annotations

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from shapely.geometry import box

from tbgeo.printing import PrintSpec, build_figure, render
from tbgeo.printing.compose import RC

from .conftest import X0, Y0
from .helpers import pdf_pages

SITE = box(X0 + 3000, Y0 + 3000, X0 + 4500, Y0 + 4200)
PRICE = "Giá $5 và $10"
TEX = "$x^$"


def _finding(title: str) -> dict:
    return {"rule": "price", "severity": "warn", "title": title, "value": 1.0, "unit": "ha", "citation": "Điều 1, III.4"}


def test_dollar_signs_print_as_written_in_pdf(fake_data) -> None:
    spec = PrintSpec(layers=("districts", "industrial_parks"), size="A4", site_name=PRICE, issuer=f"Sở {PRICE}",
                     title=f"Bản đồ {PRICE}", scale=100_000)
    res = render(spec, site=SITE, findings=[_finding(PRICE), _finding(TEX)], data=fake_data)
    text = " ".join(pdf_pages(res.data))
    assert PRICE in text  # site label / findings row, dollars and spaces kept
    assert "Giá 5và10" not in text
    assert "$x^$" in text
    assert "GIÁ $5 VÀ $10" in text  # the upper-cased title and issuer
    assert [lb["text"] for lb in res.layout["labels"] if lb["layer"] == "site"] == [PRICE]


def test_a_tex_like_name_does_not_crash_png_or_the_drawn_texts(fake_data) -> None:
    spec = PrintSpec(layers=("districts",), size="A4", fmt="png", dpi=50, site_name=TEX, title=TEX, issuer=TEX)
    res = render(spec, site=SITE, findings=[_finding(TEX)], data=fake_data)
    assert res.data[:8] == b"\x89PNG\r\n\x1a\n"
    fig, _ = build_figure(PrintSpec(layers=("districts",), size="A4", site_name=PRICE, title=PRICE),
                          data=fake_data)
    with matplotlib.rc_context(RC):
        FigureCanvasAgg(fig).draw()
        drawn = [t for t in fig.findobj(matplotlib.text.Text) if "$" in t.get_text()]
        assert drawn and all(not t._parse_math for t in drawn)  # matplotlib keeps the text as text
