"""The review report, proposals, the review sheet and the ledger in both systems."""

from __future__ import annotations

import json

import pytest
import shapely

from tbgeo.cli import main
from tbgeo.places import load_sources
from tbgeo.review.context import ReviewContext
from tbgeo.review.run import review_site
from tbgeo.store.gpkg import GpkgStore

CANDIDATES_TIEN_HAI = (
    "xã Tiền Hải, xã Đông Tiền Hải, xã Đồng Châu, xã Ái Quốc, xã Tây Tiền Hải, xã Nam Cường, xã Nam Tiền Hải, xã Hưng Phú"
)


def _site() -> shapely.Geometry:
    """A 600 m × 400 m site in the middle of KCN Tiền Hải (EPSG:9209)."""
    park = next(s for s in load_sources().sites if s.name == "KCN Tiền Hải")
    c = park.geometry.centroid
    return shapely.box(c.x - 300, c.y - 200, c.x + 300, c.y + 200)


def test_report_without_the_commune_layer_names_candidates_not_a_guess() -> None:
    report = review_site(_site(), context=ReviewContext.from_catalog(include_proposals=False))
    d = report.to_dict("vi")
    assert d["places"]["former_districts"] == [{"code": "342", "name": "Tiền Hải", "share": 1.0}]
    assert d["places"]["new_communes"] is None and d["places"]["new_communes_exact"] is False
    assert [c["code"] for c in d["places"]["new_communes_candidates"]] == [
        "12970", "12988", "13003", "13021", "13039", "13057", "13063", "13066"
    ]
    assert d["places"]["text"] == (
        f"huyện cũ: Tiền Hải; huyện cũ nay thuộc các xã, phường mới: {CANDIDATES_TIEN_HAI}; muốn biết chính xác xã,"
        " phường nào cần nhập lớp «Xã, phường từ 1/7/2025»"
    )
    assert f"Địa bàn hành chính: huyện cũ: Tiền Hải; huyện cũ nay thuộc các xã, phường mới: {CANDIDATES_TIEN_HAI}" in report.text("vi")
    en = report.text("en")
    assert "Administrative units: former district: Tiền Hải; the former district now belongs to these new communes" in en
    assert "the exact one needs the layer “Communes and wards from 1 July 2025”" in en
    # the rules are unchanged: the same findings as a review without the new data would give
    assert [f.rule for f in report.findings] == [f.rule for f in review_site(
        _site(), context=ReviewContext.from_catalog(include_proposals=False)).findings]


def test_report_with_the_commune_layer_is_exact(imported_communes) -> None:  # type: ignore[no-untyped-def]
    ctx = ReviewContext.from_catalog(include_proposals=False)
    assert ctx.communes is not None and sorted(ctx.communes["gso_code"]) == ["12970", "13003"]
    c = _site().centroid
    straddling = shapely.box(c.x - 3500, c.y - 200, c.x - 2500, c.y + 200)  # half in each square
    d = review_site(straddling, context=ctx).to_dict("en")
    assert d["places"]["new_communes_exact"] is True
    got = {x["code"]: x["share"] for x in d["places"]["new_communes"]}
    assert got == pytest.approx({"13003": 0.5, "12970": 0.5})
    assert d["places"]["text"].startswith("former district: Tiền Hải; new commune or ward: ")


def test_saved_proposal_and_sheet_carry_both_systems(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.printing.helpers import pdf_pages

    report = review_site(_site(), context=ReviewContext.from_catalog(include_proposals=False))
    pid = GpkgStore.open().add_proposal(_site(), name="Nhà máy kính", attributes={}, report=report.to_dict("vi"),
                                        user="pytest").id
    assert main(["proposals", str(pid), "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["places"]["former_districts"][0]["name"] == "Tiền Hải"
    assert main(["proposals", str(pid)]) == 0
    assert "huyện cũ: Tiền Hải; huyện cũ nay thuộc các xã, phường mới: xã Tiền Hải" in capsys.readouterr().out
    text = pdf_pages(report.to_sheet("vi", size="A4", orientation="landscape"))[0]
    assert "Địa bàn hành chính: huyện cũ: Tiền Hải; huyện cũ nay thuộc các xã, phường mới: xã Tiền Hải, xã Đông Tiền Hải" in text


def test_ledger_by_commune_needs_the_layer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ledger", "--by", "commune"]) == 2
    err = capsys.readouterr().err
    assert "Chưa có lớp ranh giới xã, phường 2025 (communes_2025)" in err and "--by district" in err
    assert main(["--lang", "en", "ledger", "--by", "commune"]) == 2
    assert "cannot be grouped by new commune" in capsys.readouterr().err


def test_ledger_by_commune_measures_the_land(imported_communes, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.catalog import load_catalog
    from tbgeo.places import communes_frame
    from tbgeo.review.context import landuse_from_layer

    c = _site().centroid
    east = shapely.box(c.x - 300, c.y - 200, c.x + 300, c.y + 200)  # in Đồng Châu
    across = shapely.box(c.x - 3500, c.y - 1200, c.x - 2500, c.y - 800)  # half in each square
    ctx = ReviewContext.from_catalog(include_proposals=False)
    ws = GpkgStore.open()
    for name, geom in (("Đông", east), ("Giữa", across)):
        ws.add_proposal(geom, name=name, attributes={}, report=review_site(geom, context=ctx).to_dict("vi"), user="p")
    ws.set_status(1, "submitted")
    ws.set_status(1, "approved")
    ws.set_status(2, "submitted")
    assert main(["ledger", "--by", "commune", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by"] == "commune"
    landuse = landuse_from_layer(load_catalog().get("landuse"))
    frame = communes_frame(load_catalog())
    square = dict(zip(frame["gso_code"], frame.geometry.values))
    expect_east = landuse.areas([east])[0]
    across_pieces = landuse.areas([across & square["13003"], across & square["12970"]])
    rows = {r["code"]: r for r in data["communes"]}
    assert set(rows) == {"13003", "12970"}
    assert rows["13003"]["commune"] == "xã Đồng Châu" and rows["12970"]["commune"] == "xã Tiền Hải"
    assert rows["13003"]["approved_ha"] == pytest.approx(expect_east.rice_ha, abs=1e-4)
    assert rows["13003"]["pending_ha"] == pytest.approx(across_pieces[0].rice_ha, abs=1e-4)
    assert rows["12970"]["pending_ha"] == pytest.approx(across_pieces[1].rice_ha, abs=1e-4)
    assert rows["13003"]["proposals"] == 2 and rows["12970"]["proposals"] == 1
    assert data["total"]["total_ha"] == pytest.approx(
        expect_east.rice_ha + across_pieces[0].rice_ha + across_pieces[1].rice_ha, abs=1e-3)
    assert main(["ledger", "--by", "commune"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sổ theo dõi đất lúa chuyển đổi (ha) theo xã, phường từ 1/7/2025")
    assert "  xã Đồng Châu: đã duyệt " in out
    # by former district (default) is unchanged: the plan's unit
    assert main(["ledger", "--format", "json"]) == 0
    assert [d["district"] for d in json.loads(capsys.readouterr().out)["districts"] if d["total_ha"]] == ["Tiền Hải"]


def test_review_sheet_is_headed_by_the_day_it_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """A review sheet is a dossier page of the day it is printed: from 1 July 2025 it is headed by the
    Hưng Yên committee with "(địa bàn tỉnh Thái Bình cũ)" in the title; ``heading="plan"`` keeps the old one."""
    import datetime as dt

    from tests.printing.helpers import pdf_lines

    report = review_site(_site(), context=ReviewContext.from_catalog(include_proposals=False))
    lines = pdf_lines(report.to_sheet("vi", size="A4"))
    assert "UBND TỈNH HƯNG YÊN" in lines and "SỞ CÔNG THƯƠNG TỈNH HƯNG YÊN" in lines
    assert "SƠ ĐỒ VỊ TRÍ KHU ĐẤT ĐỀ XUẤT VÀ KẾT QUẢ THẨM TRA (ĐỊA BÀN TỈNH THÁI BÌNH CŨ)" in lines
    assert "UBND TỈNH THÁI BÌNH" not in lines
    en = pdf_lines(report.to_sheet("en", size="A4"))
    assert "PEOPLE'S COMMITTEE OF HƯNG YÊN PROVINCE" in en
    plan = pdf_lines(report.to_sheet("vi", size="A4", heading="plan"))
    assert "UBND TỈNH THÁI BÌNH" in plan and "UBND TỈNH HƯNG YÊN" not in plan

    import tbgeo.i18n.params as params

    # 16:30 UTC on 30 June 2025 is 23:30 in Vietnam: still the old province's day
    monkeypatch.setattr(params, "_utc_now", lambda: dt.datetime(2025, 6, 30, 16, 30, tzinfo=dt.UTC))
    lines = pdf_lines(report.to_sheet("vi", size="A4"))
    assert "UBND TỈNH THÁI BÌNH" in lines and "UBND TỈNH HƯNG YÊN" not in lines


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_review_page_ledger_by_commune(imported_communes, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The review page offers the ledger by former district (default) or by 2025 commune."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tbgeo.i18n import t

    ws = GpkgStore.open()
    ctx = ReviewContext.from_catalog(include_proposals=False)
    ws.add_proposal(_site(), name="Đông", attributes={}, report=review_site(_site(), context=ctx).to_dict("vi"), user="p")
    ws.set_status(1, "submitted")
    st.cache_resource.clear()
    at = AppTest.from_string(f"from tbgeo.ui.pages import review\nreview.render({lang!r})\n", default_timeout=120).run()
    assert not at.exception, at.exception
    radio = at.radio(key="review_ledger_by")
    assert radio.label == t("places.ui.ledger_by", lang) and radio.value == "district"
    by_district = next(df.value for df in at.dataframe if t("review.page.col_district", lang) in df.value.columns)
    th = by_district[by_district[t("review.page.col_district", lang)] == "Tiền Hải"].iloc[0]
    assert th[t("places.ui.col_new_of_district", lang)] == CANDIDATES_TIEN_HAI
    radio.set_value("commune").run()
    assert not at.exception, at.exception
    table = next(df.value for df in at.dataframe if t("places.ui.col_commune", lang) in df.value.columns)
    rows = table.set_index(t("places.ui.col_code", lang))
    assert list(rows.index) == ["13003", ""]  # Đồng Châu, then the total
    assert rows.loc["13003", t("places.ui.col_commune", lang)] == "xã Đồng Châu"
    expect = review_site(_site(), context=ctx).facts.landuse.rice_ha
    shown = rows.loc["13003", t("review.page.col_total", lang)]  # as the reader writes numbers (tbgeo.ui.tables)
    value = float(shown.replace(".", "").replace(",", ".")) if lang == "vi" else shown
    assert value == pytest.approx(round(expect, 2), abs=0.011)


def test_review_page_ledger_by_commune_without_the_layer() -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_resource.clear()
    at = AppTest.from_string("from tbgeo.ui.pages import review\nreview.render('vi')\n", default_timeout=120).run()
    at.radio(key="review_ledger_by").set_value("commune").run()
    assert not at.exception, at.exception
    assert any(i.value.startswith("Chưa có lớp «Xã, phường từ 1/7/2025», nên chưa thể lập sổ đất lúa"
                                  " theo xã mới. Cán bộ GIS nhập lớp này ở trang «Tải lên dữ liệu GIS»") for i in at.info)


def test_ledger_by_district_names_the_new_communes(capsys: pytest.CaptureFixture[str]) -> None:
    """By former district (the plan's unit), each row carries the district's GSO code and the new
    communes it now belongs to (JSON and text)."""
    ctx = ReviewContext.from_catalog(include_proposals=False)
    ws = GpkgStore.open()
    ws.add_proposal(_site(), name="Kính", attributes={}, report=review_site(_site(), context=ctx).to_dict("vi"), user="p")
    ws.set_status(1, "submitted")
    assert main(["ledger", "--format", "json"]) == 0
    rows = {r["district"]: r for r in json.loads(capsys.readouterr().out)["districts"]}
    assert rows["Tiền Hải"]["code"] == "342"
    assert [u["code"] for u in rows["Tiền Hải"]["new_communes"]] == [
        "12970", "12988", "13003", "13021", "13039", "13057", "13063", "13066"]
    assert ", ".join(u["name"] for u in rows["Tiền Hải"]["new_communes"]) == CANDIDATES_TIEN_HAI
    assert main(["ledger"]) == 0
    lines = capsys.readouterr().out.splitlines()
    i = next(i for i, ln in enumerate(lines) if ln.startswith("  Tiền Hải: "))
    assert lines[i + 1] == f"    nay thuộc các xã, phường: {CANDIDATES_TIEN_HAI}"
    assert main(["--lang", "en", "ledger"]) == 0
    assert f"    now in these communes and wards: {CANDIDATES_TIEN_HAI}" in capsys.readouterr().out.splitlines()


def test_review_page_follows_a_commune_layer_imported_while_it_runs(commune_file) -> None:  # type: ignore[no-untyped-def]
    """The page's cached review context is keyed by the optional layer's version too: a commune
    layer imported on the Upload page (here: the CLI) reaches the next review without a restart;
    the chosen stored proposal shows where it is in both systems, measured now."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    ctx = ReviewContext.from_catalog(include_proposals=False)
    GpkgStore.open().add_proposal(_site(), name="Kính", attributes={}, report=review_site(_site(), context=ctx).to_dict("vi"),
                                  user="p")
    st.cache_resource.clear()
    at = AppTest.from_string("from tbgeo.ui.pages import review\nreview.render('vi')\n", default_timeout=120).run()
    assert not at.exception, at.exception
    lines = [x.value for x in at.text if x.value.startswith("Địa bàn hành chính:")]
    assert lines == [f"Địa bàn hành chính: huyện cũ: Tiền Hải; huyện cũ nay thuộc các xã, phường mới: {CANDIDATES_TIEN_HAI};"
                     " muốn biết chính xác xã, phường nào cần nhập lớp «Xã, phường từ 1/7/2025»"]
    assert main(["import", str(commune_file), "--layer", "communes_2025"]) == 0
    at.run()
    assert not at.exception, at.exception
    lines = [x.value for x in at.text if x.value.startswith("Địa bàn hành chính:")]
    assert lines == ["Địa bàn hành chính: huyện cũ: Tiền Hải; xã, phường mới: xã Đồng Châu (theo lớp ranh giới xã, phường 2025)"]
