"""`tbgeo where`: a place by old or new name or code, answered in both systems (vi and en)."""

from __future__ import annotations

import json

import pytest
import shapely

from tbgeo.cli import main
from tbgeo.places import load_sources, search
from tbgeo.places.locate import find_code_column, normalise_code
from tbgeo.store.gpkg import GpkgStore

DONG_CHAU_VI = "xã Đồng Châu — trước đây là Đông Hoàng, Đông Minh, Đông Cơ, Đông Lâm, huyện Tiền Hải"
DONG_CHAU_EN = "xã Đồng Châu — formerly Đông Hoàng, Đông Minh, Đông Cơ, Đông Lâm, huyện Tiền Hải"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_new_commune_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "where", "xã Đồng Châu")
    assert rc == 0
    assert out.splitlines() == [
        f"- [Xã, phường từ 1/7/2025] {DONG_CHAU_VI}",
        "  Mã TCTK: 13003 · Phạm vi gần đúng: khung bao theo dữ liệu của gói vietnamadminunits (không phải ranh giới)",
    ]
    rc, out, _ = _run(capsys, "--lang", "en", "where", "Dong Chau")
    assert rc == 0
    assert out.splitlines()[0] == f"- [Commune or ward from 1 July 2025] {DONG_CHAU_EN}"


def test_old_commune_without_diacritics(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "where", "Dong Co", "--format", "json")
    assert rc == 0
    rows = json.loads(out)
    assert [(r["kind"], r["code"], r["name"]) for r in rows] == [("old_commune", "13018", "xã Đông Cơ")]
    row = rows[0]
    assert row["text"] == "xã Đông Cơ, huyện Tiền Hải (trước 1/7/2025) — nay thuộc xã Đồng Châu, tỉnh Hưng Yên"
    assert row["old"] == {"code": "13018", "name": "xã Đông Cơ", "district_code": "342", "district": "huyện Tiền Hải"}
    assert row["new"] == [{"code": "13003", "name": "xã Đồng Châu"}]
    assert row["approximate"] is True and row["zoom_layer"] is None
    assert row["bounds_wgs84"] == pytest.approx([106.521549, 20.391457, 106.576481, 20.409075])


def test_code_finds_both_systems(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "--lang", "en", "where", "13003", "--format", "json")
    assert rc == 0
    rows = json.loads(out)
    assert [(r["kind"], r["name"]) for r in rows] == [("new_unit", "xã Đồng Châu"), ("old_commune", "xã Đông Minh")]
    assert [m["name"] for m in rows[0]["members"]] == ["xã Đông Hoàng", "xã Đông Minh", "xã Đông Cơ", "xã Đông Lâm"]


def test_district_and_park(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "--lang", "en", "where", "huyện Tiền Hải", "--format", "json")
    rows = json.loads(out)
    assert rc == 0 and [(r["kind"], r["code"]) for r in rows] == [("district", "342")]
    assert rows[0]["approximate"] is False and rows[0]["zoom_layer"] == "districts"
    assert len(rows[0]["new"]) == 8
    rc, out, _ = _run(capsys, "--lang", "en", "where", "KCN Tien Hai")
    assert rc == 0
    assert out.splitlines()[0] == (
        "- [Industrial park] KCN Tiền Hải — former district: Tiền Hải; the former district now belongs to these new"
        " communes and wards: xã Tiền Hải, xã Đông Tiền Hải, xã Đồng Châu, xã Ái Quốc, xã Tây Tiền Hải, xã Nam Cường,"
        " xã Nam Tiền Hải, xã Hưng Phú; the exact one needs the layer “Communes and wards from 1 July 2025”"
    )
    assert out.splitlines()[1] == "  Extent: the polygon of the layer “Industrial parks (KCN)”"


def test_name_with_district_picks_one(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "where", "An Ninh", "--format", "json")
    assert [r["code"] for r in json.loads(out)] == ["12514", "13012"]
    rc, out, _ = _run(capsys, "where", "An Ninh, Tiền Hải", "--format", "json")
    assert [(r["code"], r["new"][0]["name"]) for r in json.loads(out)] == [("13012", "xã Tiền Hải")]


def test_proposal_from_the_workspace(capsys: pytest.CaptureFixture[str]) -> None:
    src = load_sources()
    park = next(s for s in src.sites if s.name == "KCN Tiền Hải")
    GpkgStore.open().add_proposal(park.geometry.buffer(-50), name="Nhà máy kính Đồng Châu", attributes={},
                                  report={"verdict": "ok"}, user="pytest")
    rc, out, _ = _run(capsys, "where", "nha may kinh")
    assert rc == 0
    assert out.splitlines()[0].startswith("- [Đề xuất] Đề xuất «Nhà máy kính Đồng Châu» — huyện cũ: Tiền Hải; huyện cũ nay thuộc")


def test_nothing_found_suggests_close_names(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _run(capsys, "where", "Dong Chaux")
    assert rc == 2 and out == ""
    assert err.strip() == (
        "Lỗi: Không tìm thấy địa danh «Dong Chaux». Có phải bạn muốn tìm: xã Đồng Châu, xã Đông Hòa, xã Đông Hải,"
        " xã Đông Các, xã Đông Á?"
    )
    rc, _, err = _run(capsys, "--lang", "en", "where", "zzzzqqq")
    assert rc == 2
    assert err.strip().startswith("Error: No place called “zzzzqqq” was found. Try the name of a commune")
    assert "Traceback" not in err
    rc, _, err = _run(capsys, "--lang", "en", "where", "  ")
    assert rc == 2 and "No place name given" in err


def test_text_from_a_file_is_only_text() -> None:
    """A proposal's name is matched and returned as it is, never interpreted."""
    name = "<script>alert(1)</script> Đông Cơ"
    ws = GpkgStore.open()
    ws.add_proposal(shapely.box(600_000, 2_262_000, 600_500, 2_262_400), name=name, attributes={}, report={}, user="p")
    places = search("script", load_sources())
    assert [p.name for p in places] == [name]


def test_commune_layer_gives_the_exact_commune(imported_communes, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    rc, out, _ = _run(capsys, "where", "KCN Tiền Hải", "--format", "json")
    row = json.loads(out)[0]
    assert row["new_communes_exact"] is True
    assert [c["code"] for c in row["new_communes"]] == ["13003"]
    assert row["new_communes"][0]["share"] == pytest.approx(1.0)
    assert row["text"] == "KCN Tiền Hải — huyện cũ: Tiền Hải; xã, phường mới: xã Đồng Châu (theo lớp ranh giới xã, phường 2025)"
    rc, out, _ = _run(capsys, "where", "Đồng Châu")
    assert out.splitlines()[1] == (
        "  Mã TCTK: 13003 · Phạm vi: đa giác của lớp «Xã, phường từ 1/7/2025 (tỉnh Hưng Yên)»")
    rc, out, _ = _run(capsys, "where", "Đồng Châu", "--format", "json")
    row = json.loads(out)[0]
    assert row["approximate"] is False and row["zoom_layer"] == "communes_2025"
    w, s, e, n = row["bounds_wgs84"]
    assert (e - w) * 104_300 == pytest.approx(6000, rel=0.03)  # the 6 km square of the layer, not the package box


def test_code_column_is_found_by_values() -> None:
    import pandas as pd

    frame = pd.DataFrame({"ten": ["Đồng Châu", "x"], "ma": ["13003", "12970.0"], "dien_tich": [30.67, 33.0]})
    assert find_code_column(frame, {"13003", "12970"}) == "ma"
    assert find_code_column(frame[["ten", "dien_tich"]], {"13003", "12970"}) is None
    assert normalise_code(13003) == "13003" and normalise_code("00343") == "00343" and normalise_code("x") is None


def test_a_pasted_page_is_not_echoed_whole(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _run(capsys, "where", "zq" * 50_000)
    assert rc == 2 and out == ""
    assert err.strip() == f"Lỗi: Không tìm thấy địa danh «{'zq' * 40}…». Hãy thử tên xã, phường, huyện, KCN, CCN, tên" \
        " đề xuất hoặc mã đơn vị TCTK (ví dụ 13003); có thể gõ không dấu."


def test_eth_typed_for_d_finds_the_place(capsys: pytest.CaptureFixture[str]) -> None:
    """"Ðồng Châu" with the Icelandic eth (U+00D0), as CP1258 text and some keyboards write Đ."""
    rc, out, _ = _run(capsys, "where", "\u00d0ồng Châu")
    assert rc == 0
    assert out.splitlines()[0] == f"- [Xã, phường từ 1/7/2025] {DONG_CHAU_VI}"
