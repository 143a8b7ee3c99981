"""The sector list: contents, statuses and citations checked against the plan's words, errors, CLI."""

from __future__ import annotations

import json
import shutil
import tomllib
import unicodedata

import pytest

from tbgeo.cli import main
from tbgeo.errors import InputError
from tbgeo.plan.sectors import (
    PLAN_SECTOR_CODES,
    STATUSES,
    Sector,
    get_sector,
    load_plan_sectors,
    load_sectors,
    sectors_path,
)

REQUIRED = {
    "textile_garment", "footwear", "shipbuilding", "agri_machinery", "electronics", "electrical_appliances",
    "supporting_industry", "agro_processing", "animal_feed", "beverages", "pharmaceuticals",
    "ceramics_sanitary", "unfired_bricks", "glass", "power_generation", "gas_processing", "cng", "fertiliser",
    "dyeing", "chemicals", "steel_smelting", "steel_rolling", "tanning", "white_cement_expansion",
}


def test_the_list_has_every_required_code_once():
    sectors = load_sectors()
    codes = [s.code for s in sectors]
    assert len(codes) == len(set(codes))
    assert set(codes) >= REQUIRED
    assert all(isinstance(s, Sector) and s.status in STATUSES for s in sectors)
    assert all(s.plan_sector is None or s.plan_sector in PLAN_SECTOR_CODES for s in sectors)
    assert [p.code for p in load_plan_sectors()] == list(PLAN_SECTOR_CODES)
    assert unicodedata.is_normalized("NFC", sectors_path().read_text(encoding="utf-8"))


def test_refused_and_discouraged_activities_follow_the_plan():
    refused = {s.code for s in load_sectors() if s.status == "refused"}
    # III.4 "nhuộm, hóa chất, luyện thép, thuộc da" + IV.2.a "luyện cán thép"
    assert refused == {"dyeing", "chemicals", "steel_smelting", "steel_rolling", "tanning"}
    for code in refused - {"steel_rolling"}:
        sector = get_sector(code)
        assert "Điều 1, III.4" in sector.citations and sector.polluting
    assert get_sector("steel_smelting").citations == ("Điều 1, III.4", "Điều 1, IV.2.a")
    # IV.2.a: "Không kêu gọi đầu tư các dự án luyện cán thép" — smelting-rolling projects, refused with III.4
    rolling = get_sector("steel_rolling")
    assert (rolling.status, rolling.citations) == ("refused", ("Điều 1, IV.2.a", "Điều 1, III.4"))
    cement = get_sector("white_cement_expansion")
    assert (cement.status, cement.citation, cement.plan_sector) == (
        "discouraged", "Điều 1, IV.5.a", "construction_materials"
    )


def test_priority_sectors_and_traits():
    for code in ("textile_garment", "shipbuilding", "agri_machinery", "electronics", "agro_processing",
                 "ceramics_sanitary", "unfired_bricks", "power_generation", "supporting_industry"):
        sector = get_sector(code)
        assert sector.status == "priority" and "Điều 1, III.5" in sector.citations, code
    assert get_sector("ceramics_sanitary").uses_gas and get_sector("cng").uses_gas
    assert get_sector("electronics").high_tech and not get_sector("electronics").polluting
    assert get_sector("textile_garment").labour_intensive
    assert get_sector("agro_processing").plan_sector == "agro_food"
    assert get_sector("supporting_industry").plan_sector is None


def test_names_in_both_languages():
    sector = get_sector("tanning")
    assert sector.name("vi") == "Thuộc da" and sector.name("en") == "Leather tanning"
    assert sector.activities("en") == ("leather tanning",)
    data = sector.to_dict("en")
    assert data["name"] == "Leather tanning" and data["citation"] == "Điều 1, III.4"


def test_unknown_code_lists_the_valid_ones():
    with pytest.raises(InputError) as err:
        get_sector("steel")
    assert err.value.key == "sectors.unknown"
    assert "steel_smelting" in err.value.params["allowed"]
    assert "«steel»" in err.value.message("vi") and "steel_rolling" in err.value.message("vi")
    assert "Valid sector codes" in err.value.message("en")


def test_every_quote_is_the_plans_words_in_the_cited_part(plan_sections):
    """Quote-check: each quote appears verbatim in one of the parts cited; each cited part has a quote."""
    sectors, plan_sectors = load_sectors(), load_plan_sectors()
    assert len(sectors) == 33 and len(plan_sectors) == 7
    for sector in sectors:
        for quote in sector.quote_vi:
            assert any(quote in plan_sections[c] for c in sector.citations), (sector.code, quote)
        for citation in sector.citations:
            assert any(q in plan_sections[citation] for q in sector.quote_vi), (sector.code, citation)
    for plan_sector in plan_sectors:
        assert plan_sections[plan_sector.citation].startswith(f"{PLAN_SECTOR_CODES.index(plan_sector.code) + 1}. ")
        assert plan_sector.quote_vi in plan_sections[plan_sector.citation]


def test_refusal_words_of_iii4(plan_sections):
    iii4 = plan_sections["Điều 1, III.4"]
    assert "không chấp thuận các dự án gây ô nhiễm" in iii4
    assert "(nhuộm, hóa chất, luyện thép, thuộc da)" in iii4
    assert "cán thép" not in iii4  # rolling is only in IV.2.a, and there as "không kêu gọi đầu tư"
    assert "Không kêu gọi đầu tư các dự án luyện cán thép" in plan_sections["Điều 1, IV.2.a"]
    assert "Không khuyến khích mở rộng đầu tư dự án nhà máy xi măng trắng" in plan_sections["Điều 1, IV.5.a"]


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('status = "refused"', 'status = "banned"', "status"),
        ('code = "tanning"', 'code = "dyeing"', "duplicate"),
        ('citation = "Điều 1, IV.5.a"', 'citation = "IV.5.a"', "citation"),
    ],
)
def test_a_broken_sector_file_is_refused(tmp_path, old, new, words):
    path = tmp_path / "sectors.toml"
    text = sectors_path().read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_sectors(path)
    assert err.value.key == "sectors.bad_file" and words in err.value.message("en")
    assert "không hợp lệ" in err.value.message("vi")


def test_file_changes_are_picked_up(tmp_path):
    path = tmp_path / "sectors.toml"
    shutil.copy(sectors_path(), path)
    assert get_sector("glass", path=path).status == "allowed"
    text = path.read_text(encoding="utf-8")
    start = text.index('code = "glass"')
    path.write_text(text[:start] + text[start:].replace('status = "allowed"', 'status = "priority"', 1),
                    encoding="utf-8")
    import os

    os.utime(path, ns=(1, 1))  # a different mtime even on coarse file systems
    assert get_sector("glass", path=path).status == "priority"


def test_cli_sectors_json_text_and_exit_codes(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    assert main(["sectors", "--format", "json", "--lang", "en"]) == 0
    rows = json.loads(capsys.readouterr().out)
    with sectors_path().open("rb") as fh:
        assert [r["code"] for r in rows] == [s["code"] for s in tomllib.load(fh)["sector"]]
    tanning = next(r for r in rows if r["code"] == "tanning")
    assert (tanning["name"], tanning["status"], tanning["status_label"], tanning["citation"]) == (
        "Leather tanning", "refused", "refused", "Điều 1, III.4"
    )
    assert main(["sectors", "--status", "refused"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "5 ngành" and "không chấp thuận" in out and "Thuộc da" in out
    assert main(["sectors", "--code", "steel"]) == 2
    assert "Các mã ngành hợp lệ" in capsys.readouterr().err
