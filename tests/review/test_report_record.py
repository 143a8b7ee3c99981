"""Stored reports are language-neutral: a proposal saved from a Vietnamese review reads in English to an
English reader (domain, `tbgeo proposals`, the review page), and every message parameter type survives JSON."""

from __future__ import annotations

import json

import pytest
import shapely
import streamlit as st
from streamlit.testing.v1 import AppTest

from tbgeo import proposals
from tbgeo.cli import main
from tbgeo.i18n import t
from tbgeo.i18n.params import (
    TYPE_KEY,
    Bilingual,
    Joined,
    Num,
    Shares,
    Template,
    Text,
    dump_param,
    fmt_param,
    load_param,
)
from tbgeo.review.model import SiteAttrs, SiteFinding
from tbgeo.review.record import RECORD_VERSION, is_record, render_record
from tbgeo.review.run import review_site
from tbgeo.store.gpkg import GpkgStore

# the synthetic province's rice site: 100 ha, 25 LUC + 25 LUK
SITE = shapely.box(588_500, 2_260_200, 590_500, 2_260_700)
CORNERS = "Điểm X Y\n1 2260200 588500\n2 2260200 590500\n3 2260700 590500\n4 2260700 588500\n"

PARAMS = {
    "num": Num(1234.5, 1),
    "int_num": Num(7, 0),
    "shares": Shares((("Kiến Xương", 0.75), ("Tiền Hải", 0.25))),
    "bilingual": Bilingual("Dệt may", "Textiles"),
    "text": Text("review.page.st_approved"),
    "text_fallback": Text("review.page.st_nosuch", "nosuch"),
    "template": Template("workspace.status_named", {"word": Text("review.page.st_draft", "draft"), "code": "draft"}),
    "joined": Joined((Num(1.5, 1), Text("review.page.st_draft"), "x"), "review.join.and"),
    "joined_plain": Joined(("a", "b")),
    "tuple": ("review.page.saved", {"id": 3}),
    "list": [1, 2.5, "ba", None, True],
    "mapping": {"a": Num(2.0, 2), "b": [Bilingual("một", "one")]},
    "plain": "Khu A", "int": 12, "float": 0.125, "none": None, "bool": False,
}  # fmt: skip


@pytest.mark.parametrize("name", list(PARAMS))
def test_every_param_type_round_trips_through_json(name: str) -> None:
    value = PARAMS[name]
    stored = json.loads(json.dumps(dump_param(value), ensure_ascii=False))
    back = load_param(stored)
    assert back == value and type(back) is type(value)
    for lang in ("vi", "en"):
        assert fmt_param(back, lang) == fmt_param(value, lang)


def test_typed_params_are_tagged_and_unknown_tags_refused() -> None:
    assert dump_param(Num(4.0, 2)) == {TYPE_KEY: "num", "value": 4.0, "digits": 2}
    assert dump_param(Bilingual("Dệt may", "Textiles")) == {TYPE_KEY: "bilingual", "vi": "Dệt may", "en": "Textiles"}
    assert fmt_param(load_param(dump_param(Num(1234.5, 1))), "vi") == "1.234,5"
    assert fmt_param(load_param(dump_param(Num(1234.5, 1))), "en") == "1,234.5"
    with pytest.raises(ValueError, match="unknown"):
        load_param({TYPE_KEY: "nosuch"})
    with pytest.raises(ValueError, match=r"may not have the key '\$type'"):
        dump_param({TYPE_KEY: "a mapping that looks tagged"})
    with pytest.raises(TypeError, match="cannot store a message parameter of type object"):
        dump_param(object())


def test_a_finding_record_says_the_same_in_both_languages() -> None:
    f = SiteFinding(
        rule="sector_refused", severity="block", value="dyeing", unit="", plan_ref="Điều 1, III.4",
        message="refused", params={"sector": Bilingual("Dệt nhuộm", "Dyeing")}, law_refs=("land_law_122",),
        details={"code": "dyeing"}, value_note=Template("review.rule.rice_land.title"),
    )
    record = json.loads(json.dumps(f.to_record(), ensure_ascii=False))
    assert SiteFinding.from_record(record) == f
    for lang in ("vi", "en"):
        assert SiteFinding.from_record(record).to_dict(lang) == f.to_dict(lang)
    assert "Dyeing" in SiteFinding.from_record(record).text("en") and "Dệt nhuộm" in SiteFinding.from_record(record).text("vi")


# Two findings of a report as stored before the review's finding became a kind of tbgeo.findings.Finding
# (written by `Report.to_record` on the shipped province; the record format has not changed since).
OLD_RECORD = {
    "record": 1,
    "site": {"area_ha": 461.6193, "districts": [{"area_ha": 461.6193, "gso_code": "339", "name": "Hưng Hà", "share": 1.0}],
             "name": "Khu thử", "outside_districts_ha": 0.0, "point": {"lat": 20.6, "lon": 106.25}},
    "attributes": {"gas_use_m3_day": None, "investment_bvnd": 500.0, "investor": "", "name": "Khu thử",
                   "sector": "textile_garment", "sector_status": "priority", "technology": None, "workforce": 3000,
                   "sector_name": {"$type": "bilingual", "en": "Textiles and garments (spinning, sewing)",
                                   "vi": "Dệt may (kéo sợi, may)"}},
    "findings": [
        {"details": {"districts": [{"gso_code": "339", "name": "Hưng Hà", "share": 1.0}]}, "law_refs": [],
         "message": "one", "params": {"list": {"$type": "shares", "items": [["Hưng Hà", 1.0]]}, "n": 1},
         "plan_ref": "Điều 1, III.3", "rule": "districts", "severity": "info", "unit": "count", "value": 1,
         "value_note": None},
        {"details": {"coverage": "full", "land_price_vnd_m2": 0.0, "levy_rate_pct": 50.0},
         "law_refs": ["decree_112_2024"], "message": "no_price",
         "params": {"luc": 134.51, "price": 0, "rate": {"$type": "num", "digits": 1, "value": 50.0},
                    "site": {"$type": "num", "digits": 2, "value": 461.6193173601282},
                    "unknown": {"$type": "num", "digits": 2, "value": 8.385907858610154e-09},
                    "unknown_pct": {"$type": "num", "digits": 1, "value": 1.816628451895561e-09}},
         "plan_ref": "Điều 1, V.1.h", "rule": "rice_luc_payment", "severity": "info", "unit": "vnd", "value": None,
         "value_note": None},
    ],
    "verdict": "info",
    "counts": {"ok": 0, "info": 2, "warn": 0, "block": 0},
    "created_at": "2026-12-04T04:45:00+00:00",
}


def test_a_report_stored_before_reads_the_same_in_both_languages() -> None:
    vi, en = render_record(OLD_RECORD, "vi")["findings"], render_record(OLD_RECORD, "en")["findings"]
    assert [(f["rule"], f["severity"], f["value_text"], f["citation"], f["message"]) for f in vi] == [
        ("districts", "info", "1 huyện", "Điều 1, III.3", "Khu đất thuộc Hưng Hà (100,0 %)."),
        ("rice_luc_payment", "info", "—", "Điều 1, V.1.h; Nghị định 112/2024/NĐ-CP, Điều 12–13",
         "Chuyển 134,51 ha đất LUC phải nộp tiền = 50,0 % × diện tích × giá đất lúa. Hãy nhập giá đất lúa "
         "(đồng/m²) theo bảng giá đất của tỉnh để tính số tiền."),
    ]
    assert [(f["value_text"], f["citation"], f["message"]) for f in en] == [
        ("1 district(s)", "Điều 1, III.3", "The site lies in Hưng Hà (100.0 %)."),
        ("—", "Điều 1, V.1.h; Decree 112/2024/NĐ-CP, Art. 12–13",
         "Converting 134.51 ha of LUC requires a payment = 50.0 % × area × rice-land price. Enter the rice-land "
         "price (VND/m²) from the provincial land-price table to compute it."),
    ]
    # read back, a stored finding is the review's kind of finding, and is stored again as it was
    old = OLD_RECORD["findings"]
    assert isinstance(old, list)
    read = [SiteFinding.from_record(f) for f in old]
    assert [f.rank for f in read] == [1, 1] and [f.message_key() for f in read] == [
        "review.rule.districts.one", "review.rule.rice_luc_payment.no_price"]
    assert [f.to_record() for f in read] == old


def _saved_from_vietnamese(ctx) -> tuple[GpkgStore, object]:  # type: ignore[no-untyped-def]
    report = review_site(SITE, attrs=SiteAttrs(name="Nhà máy nhuộm", sector="dyeing"), context=ctx)
    ws = GpkgStore.open()
    assert proposals.save_review(ws, report, "vi") == (1, "created", None)
    return ws, report


def test_a_proposal_saved_in_vietnamese_reads_in_the_readers_language(project, ctx) -> None:  # type: ignore[no-untyped-def]
    ws, report = _saved_from_vietnamese(ctx)
    stored = ws.proposal(1).report
    assert is_record(stored) and stored["record"] == RECORD_VERSION and "lang" not in stored
    text = json.dumps(stored, ensure_ascii=False)
    for lang in ("vi", "en"):  # no text in either language: titles, messages, citations of the law, sector names
        for key in ("review.rule.rice_land.title", "review.rule.sector_refused.title", "review.law.decree_112_2024",
                    f"review.severity.{report.verdict}"):
            assert t(key, lang) not in text
    for lang in ("vi", "en"):  # rendered, it is what the review itself says in that language
        assert render_record(stored, lang) == json.loads(report.to_json(lang))
    en = {f["rule"]: f for f in render_record(stored, "en")["findings"]}
    assert en["rice_land"]["title"] == "Rice land converted" and en["rice_land"]["value_text"] == "50.00 ha"
    assert "Dyeing" in en["sector_refused"]["message"] and en["sector_refused"]["title"] == "Refused-sector list"
    assert "Decree 112/2024/NĐ-CP, Art. 12" in en["rice_luc_payment"]["citation"]
    vi = {f["rule"]: f for f in render_record(stored, "vi")["findings"]}
    assert vi["rice_land"]["title"] == "Đất trồng lúa bị chuyển đổi" and vi["rice_land"]["value_text"] == "50,00 ha"
    assert "Nghị định 112/2024/NĐ-CP, Điều 12" in vi["rice_luc_payment"]["citation"]
    assert render_record(stored, "en")["attributes"]["sector_name"] == "Dyeing"
    assert render_record(stored, "en")["verdict_text"] == t("review.severity.block", "en")


OLD = {"verdict": "warn", "lang": "vi", "rice": {"total_ha": 5.0},
       "findings": [{"rule": "rice_land", "severity": "warn", "title": "Đất trồng lúa bị chuyển đổi", "value_text": "5,00 ha",
                     "citation": "Điều 1, III.4", "message": "Có 5,00 ha đất lúa"}]}  # fmt: skip


def test_an_old_report_stored_with_its_text_is_shown_as_stored() -> None:
    assert not is_record(OLD) and not is_record(None)
    assert render_record(OLD, "en") == OLD and render_record({"verdict": "ok"}, "en") == {"verdict": "ok"}


def test_tbgeo_proposals_shows_the_readers_language(project, ctx, capsys) -> None:  # type: ignore[no-untyped-def]
    _, report = _saved_from_vietnamese(ctx)
    assert main(["--lang", "en", "proposals", "1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["findings"] == json.loads(report.to_json("en"))["findings"]
    assert data["places"]["text"] == report.location.text("en")
    assert main(["--lang", "en", "proposals", "1"]) == 0
    out = capsys.readouterr().out
    assert "Rice land converted: 50.00 ha" in out and "Dyeing" in out and "Decree 112/2024/NĐ-CP, Art. 12" in out
    assert "Đất trồng lúa" not in out
    assert main(["--lang", "vi", "proposals", "1"]) == 0
    out = capsys.readouterr().out
    assert "Đất trồng lúa bị chuyển đổi: 50,00 ha" in out and "Nghị định 112/2024/NĐ-CP, Điều 12" in out
    ws = GpkgStore.open()
    ws.add_proposal(shapely.box(600_000, 2_262_000, 600_500, 2_262_400), name="Cũ", report=OLD)
    assert main(["--lang", "en", "proposals", "2"]) == 0
    assert "Đất trồng lúa bị chuyển đổi: 5,00 ha" in capsys.readouterr().out  # as stored


def _stored_findings(at: AppTest, lang: str):  # type: ignore[no-untyped-def]
    rule = t("review.page.col_rule", lang)
    return next(df.value for df in at.dataframe if rule in df.value.columns)


def test_the_review_page_shows_a_stored_proposal_in_the_readers_language(project) -> None:  # type: ignore[no-untyped-def]
    st.cache_resource.clear()
    at = AppTest.from_string("from tbgeo.ui.pages import review\nreview.render('vi')\n", default_timeout=60).run()
    at.text_area(key="review_coords").set_value(CORNERS)
    at.button(key="review_use_coords").click().run()
    at.selectbox(key="review_sector").set_value("dyeing")
    next(b for b in at.button if b.label == "Thẩm tra").click().run()
    assert not at.exception, at.exception
    at.button(key="review_save").click().run()  # kept when the planner saves it
    assert GpkgStore.open_existing().proposal(1).report["record"] == RECORD_VERSION
    for lang, title, value, law in (("en", "Rice land converted", "50.00 ha", "Decree 112/2024/NĐ-CP, Art. 12"),
                                    ("vi", "Đất trồng lúa bị chuyển đổi", "50,00 ha", "Nghị định 112/2024/NĐ-CP, Điều 12")):
        st.cache_resource.clear()
        reader = AppTest.from_string(f"from tbgeo.ui.pages import review\nreview.render({lang!r})\n",
                                     default_timeout=60).run()
        assert not reader.exception, reader.exception
        table = _stored_findings(reader, lang)
        rice = table[table[t("review.page.col_rule", lang)] == title].iloc[0]
        assert rice[t("review.page.col_value", lang)] == value
        assert law in " ".join(table[t("review.page.col_citation", lang)])
        refused = table[table[t("review.page.col_rule", lang)] == t("review.rule.sector_refused.title", lang)].iloc[0]
        assert ("Dyeing" if lang == "en" else "Nhuộm") in refused[t("review.page.col_finding", lang)]
