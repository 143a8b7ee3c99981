"""The facts file scripts/build_data.py draws from: NFC, marked illustrative, consistent, and what data/ holds."""

from __future__ import annotations

import json
import tomllib
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
FACTS = ROOT / "scripts" / "data" / "facts.toml"


def _facts() -> dict:
    return tomllib.loads(FACTS.read_text(encoding="utf-8"))


def _properties(name: str) -> list[dict]:
    doc = json.loads((DATA / f"{name}.geojson").read_text(encoding="utf-8"))
    return [f["properties"] for f in doc["features"]]


def test_facts_file_is_nfc_and_says_it_is_illustrative_and_where_it_comes_from():
    text = FACTS.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    header = "\n".join(line for line in text.splitlines()[:15] if line.startswith("#"))
    assert "ILLUSTRATIVE" in header and "facts sheet" in header
    assert "04/2017/NQ-HĐND" in header and "36/2017/QĐ-TTg" in header


def test_build_script_reads_the_facts_file(build_module):
    assert build_module.FACTS_PATH == FACTS
    assert _facts() == build_module.FACTS


def test_districts_and_sites_refer_to_known_units():
    facts = _facts()
    keys = [d["key"] for d in facts["district"]]
    assert len(keys) == 8 and len(set(keys)) == 8
    for d in facts["district"]:
        assert d["key"] not in d["neighbours"] and set(d["neighbours"]) <= set(keys)
        for other in d["neighbours"]:  # "who borders whom" is symmetric
            assert d["key"] in next(o for o in facts["district"] if o["key"] == other)["neighbours"]
        lon_min, lon_max, lat_min, lat_max = d["bbox"]
        assert lon_min < d["seat_lat_lon"][1] < lon_max and lat_min < d["seat_lat_lon"][0] < lat_max
    for site in [*facts["park"], *facts["cluster"], facts["agri_park"]]:
        assert site["district"] in keys, site["name"]
    assert {dkey for dkey, _ in facts["raw_material_zones"]["zones_per_district"]} <= set(keys)
    assert {r["line"] for r in facts["river"]} <= set(facts["lines"])
    coast = facts["lines"]["coast"]
    assert all(anchor in coast for anchor in facts["lines"]["coast_anchors"])


def test_shipped_data_holds_the_facts():
    """data/ was rebuilt from this file: every stated attribute is the one written in the layers."""
    facts = _facts()
    districts = _properties("districts")
    assert [(p["gso_code"], p["name_vi"], p["area_km2"], p["seat_lat"], p["seat_lon"]) for p in districts] == [
        (d["gso_code"], d["name_vi"], d["area_km2"], *d["seat_lat_lon"]) for d in facts["district"]
    ]
    for layer, sites in (("industrial_parks", facts["park"]), ("industrial_clusters", facts["cluster"]),
                         ("agri_park", [facts["agri_park"]])):
        assert [(p["name"], p["status"], p["area_ha"], p["note"]) for p in _properties(layer)] == [
            (s["name"], s["status"], s.get("area_ha"), s["note"]) for s in sites
        ], layer
    assert [(p["name"], p["width_m"]) for p in _properties("rivers")] == [
        (r["name"], r["width_m"]) for r in facts["river"]
    ]
    (zone,) = _properties("economic_zone")
    assert zone == {k: facts["economic_zone"][k] for k in ("name", "area_ha", "decision")}
    assert [p["name"] for p in _properties("gas_pipelines")] == [
        line["name"] for line in facts["gas"]["lines"].values()
    ]
    assert [(p["name"], p["capacity_mw"]) for p in _properties("energy_sites")] == [
        (s["name"], s.get("capacity_mw")) for s in facts["gas"]["sites"].values()
    ]
