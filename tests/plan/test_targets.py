"""Plan targets: known answers, the findings on the real plan, altered rows, bad files, CLI and JSON shape."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import re
import tomllib
import unicodedata
from pathlib import Path

import pytest

from tbgeo.cli import main
from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.i18n.params import Num
from tbgeo.plan.targets import (
    CSV_COLUMNS,
    INDUSTRY,
    cagr_pct,
    check_targets,
    evaluate_targets,
    half_unit,
    implied_start,
    load_targets,
    share_pct,
)

# The plan's figures, typed again here from the plan text (Điều 1, IV.x.b), independent of the CSV:
# sector: (2020 value, 2020 share, 2016–20 growth, 2025 value, 2025 share, 2021–25 growth)
PLAN = {
    "textiles": (21788, 28.69, 12.35, 37380, 29.88, 11.40),
    "mechanical": (17252, 22.72, 11.15, 28294, 22.62, 10.40),
    "electronics": (973, 1.28, 9.50, 11128, 8.89, 62.80),
    "chemicals": (3022, 3.98, 1.0, 3419, 2.73, 2.50),
    "construction_materials": (5747, 7.57, 13.40, 11609, 9.28, 15.10),
    "agro_food": (10071, 13.26, 4.36, 13605, 10.87, 6.20),
    "energy": (16343, 21.52, 136.20, 18491, 14.78, 0.74),
}
WHOLE = {2020: 75940, 2025: 125110}


def _write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _csv_rows(data: Path) -> list[dict[str, str]]:
    with (data / "plan_targets.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- known answers -------------------------------------------------------------------------------------


def test_share_known_answer():
    assert share_pct(21788, 75940) == pytest.approx(21788 / 75940 * 100)
    assert round(share_pct(21788, 75940), 2) == 28.69


def test_cagr_known_answer():
    expected = (math.exp(math.log(11128 / 973) / 5) - 1) * 100  # computed another way: through logs
    assert cagr_pct(973, 11128, 5) == pytest.approx(expected, rel=1e-12)
    assert cagr_pct(973, 11128, 5) == pytest.approx(62.80, abs=0.005)


def test_implied_start_and_half_unit():
    assert implied_start(16343, 136.20, 5) == pytest.approx(16343 / 2.362**5)
    assert implied_start(16343, 136.20, 5) == pytest.approx(222.3, abs=0.05)
    assert half_unit(0) == 0.5 and half_unit(2) == pytest.approx(0.005)


# --- the data file ------------------------------------------------------------------------------------


def test_csv_is_nfc_utf8_with_the_documented_columns():
    from tbgeo.plan.targets import targets_path

    raw = targets_path().read_bytes()
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert text.splitlines()[0].split(",") == list(CSV_COLUMNS)


def test_rows_hold_the_plan_figures():
    rows = {(r.sector, r.year): r for r in load_targets()}
    assert len(rows) == 16
    for code, (v20, s20, g20, v25, s25, g25) in PLAN.items():
        n = list(PLAN).index(code) + 1
        for year, value, share, growth, period in ((2020, v20, s20, g20, "2016-2020"), (2025, v25, s25, g25, "2021-2025")):
            row = rows[(code, year)]
            assert (row.value_bn_vnd, row.share_pct, row.growth_pct) == (value, share, growth)
            assert row.growth_period == period
            assert row.citation == f"Điều 1, IV.{n}.b"
    whole20, whole25 = rows[(INDUSTRY, 2020)], rows[(INDUSTRY, 2025)]
    assert (whole20.value_bn_vnd, whole20.growth_min_pct, whole20.growth_max_pct) == (75940, 14, 15)
    assert (whole20.multiple, whole20.multiple_base_year, whole20.approx) == (2.01, 2015, True)
    assert (whole25.value_bn_vnd, whole25.growth_min_pct, whole25.growth_max_pct) == (125110, 10, 12)
    assert (whole25.multiple, whole25.multiple_base_year) == (1.65, 2020)
    assert whole20.citation == whole25.citation == "Điều 1, II.2"
    # precision as written in the plan: "1,0%/năm" has one decimal, "62,80%/năm" two
    assert rows[("chemicals", 2020)].written_decimals("growth_pct") == 1
    assert rows[("electronics", 2025)].written_decimals("growth_pct") == 2
    assert rows[("chemicals", 2020)].half_unit("growth_pct") == pytest.approx(0.05)


# --- what the checks find on the real plan ----------------------------------------------------------


def test_real_plan_one_disagreement_energy_growth_2021_2025():
    report = evaluate_targets(load_targets())
    errors = [f for f in report.findings if f.severity == "error"]
    assert len(errors) == 1
    energy = errors[0]
    computed = ((18491 / 16343) ** (1 / 5) - 1) * 100
    assert (energy.sector, energy.year, energy.field, energy.kind) == ("energy", 2025, "growth_pct", "mismatch")
    assert energy.stated == 0.74
    assert energy.computed == pytest.approx(computed)
    assert energy.computed == pytest.approx(2.50, abs=0.005)
    assert energy.difference == pytest.approx(0.74 - computed)
    assert energy.plan_ref == energy.citation("en") == "Điều 1, IV.7.b"
    vi, en = energy.text("vi"), energy.text("en")
    assert "0,74%/năm" in vi and "2,50%/năm" in vi and "-1,76" in vi and "16.957" in vi and "[Điều 1, IV.7.b]" in vi
    assert "0.74%/year" in en and "2.50%/year" in en and "-1.76" in en and "16,957" in en
    assert report.summary() == {
        "checks": 24, "agree": 23, "disagree": 1, "not_checkable": 7, "findings": 11, "errors": 1, "warnings": 0,
    }


def test_every_share_and_2025_rate_but_energy_agrees_within_rounding():
    report = evaluate_targets(load_targets())
    by = {(c.sector, c.year, c.field): c for c in report.checks}
    for code, (v20, s20, _g20, v25, s25, _g25) in PLAN.items():
        for year, value, share in ((2020, v20, s20), (2025, v25, s25)):
            check = by[(code, year, "share_pct")]
            assert check.computed == pytest.approx(value / WHOLE[year] * 100)
            assert check.agrees and abs(check.computed - share) < 0.005
        growth = by[(code, 2025, "growth_pct")]
        assert growth.computed == pytest.approx(((v25 / v20) ** 0.2 - 1) * 100)
        assert growth.agrees == (code != "energy")


def test_2016_2020_sector_rates_are_reported_not_checkable():
    report = evaluate_targets(load_targets())
    unchecked = report.not_checkable
    assert [(f.sector, f.year, f.field) for f in unchecked] == [(c, 2020, "growth_pct") for c in PLAN]
    assert all(f.severity == "info" and f.computed is None and f.difference is None for f in unchecked)
    energy = next(f for f in unchecked if f.sector == "energy")
    assert "222" in energy.text("vi") and "2015" in energy.text("en")
    assert "không kiểm tra được" in energy.text("vi") and "cannot be checked" in energy.text("en")


def test_whole_industry_multiples_and_ranges():
    report = evaluate_targets(load_targets())
    by = {(c.sector, c.year, c.field): c for c in report.checks}
    base_2015 = 75940 / 2.01
    assert report.derived["industry_2015_value_bn_vnd"]["value"] == pytest.approx(base_2015, abs=0.01)
    rate_2016_2020 = (2.01 ** 0.2 - 1) * 100
    assert by[(INDUSTRY, 2020, "growth_range")].computed == pytest.approx(rate_2016_2020)
    assert 14 <= rate_2016_2020 <= 15 and by[(INDUSTRY, 2020, "growth_range")].agrees
    assert by[(INDUSTRY, 2025, "multiple")].computed == pytest.approx(125110 / 75940)
    assert by[(INDUSTRY, 2025, "multiple")].agrees
    rate_2021_2025 = ((125110 / 75940) ** 0.2 - 1) * 100
    assert by[(INDUSTRY, 2025, "growth_range")].computed == pytest.approx(rate_2021_2025)
    assert rate_2021_2025 == pytest.approx(10.50, abs=0.005)


def test_seven_sectors_leave_a_remainder_and_the_indirect_check_holds():
    report = evaluate_targets(load_targets())
    remainders = {f.year: f for f in report.findings if f.kind == "remainder"}
    for year, idx in ((2020, 0), (2025, 3)):
        total = sum(v[idx] for v in PLAN.values())
        assert remainders[year].computed == total
        assert remainders[year].difference == WHOLE[year] - total
    assert remainders[2020].difference == 744 and remainders[2025].difference == 1184
    indirect = [f for f in report.findings if f.kind == "indirect"]
    assert len(indirect) == 1 and indirect[0].severity == "info"
    implied_2015 = sum(v[0] / (1 + v[2] / 100) ** 5 for v in PLAN.values())
    assert indirect[0].computed == pytest.approx(implied_2015)
    assert indirect[0].stated == pytest.approx(75940 / 2.01)
    rest_growth = ((744 / (75940 / 2.01 - implied_2015)) ** 0.2 - 1) * 100
    assert indirect[0].params["rest_growth"] == Num(pytest.approx(rest_growth), 2)


# --- altered figures are reported --------------------------------------------------------------------


def test_altered_share_in_the_decision_is_reported(data_copy):
    """A typo in the decision itself (column and quoted sentence both say 28,96) is found by recomputing."""
    rows = _csv_rows(data_copy)
    row = next(r for r in rows if r["sector"] == "textiles" and r["year"] == "2020")
    row["share_pct"] = "28.96"
    row["quote"] = row["quote"].replace("28,69%", "28,96%")
    findings = check_targets(load_targets(_write_rows(data_copy / "plan_targets.csv", rows)))
    errors = [f for f in findings if f.severity == "error"]
    textiles = [f for f in errors if f.sector == "textiles"]
    assert len(textiles) == 1
    f = textiles[0]
    assert (f.year, f.field, f.stated, f.plan_ref) == (2020, "share_pct", 28.96, "Điều 1, IV.1.b")
    assert f.computed == pytest.approx(21788 / 75940 * 100)
    assert f.difference == pytest.approx(28.96 - 21788 / 75940 * 100)
    assert "28,96%" in f.text("vi") and "28,69%" in f.text("vi")


def test_last_written_digit_is_not_hidden_by_the_tolerance():
    rows = load_targets()
    altered = [dataclasses.replace(r, share_pct=28.70, quote="") if (r.sector, r.year) == ("textiles", 2020) else r
               for r in rows]
    findings = [f for f in check_targets(altered) if f.kind == "mismatch"]
    assert [(f.sector, f.year, f.field) for f in findings if f.sector == "textiles"] == [("textiles", 2020, "share_pct")]


def test_altered_value_is_reported_in_share_growth_and_transcription():
    rows = load_targets()
    altered = [dataclasses.replace(r, value_bn_vnd=28924.0) if (r.sector, r.year) == ("mechanical", 2025) else r
               for r in rows]
    found = {(f.sector, f.year, f.field, f.kind) for f in check_targets(altered) if f.severity == "error"}
    assert ("mechanical", 2025, "share_pct", "mismatch") in found
    assert ("mechanical", 2025, "growth_pct", "mismatch") in found
    assert ("mechanical", 2025, "value_bn_vnd", "transcription") in found  # the quote still says 28.294


def test_base_year_differing_from_the_quote_is_reported_as_a_year():
    rows = [dataclasses.replace(r, multiple_base_year=2014) if (r.sector, r.year) == (INDUSTRY, 2020) else r
            for r in load_targets()]
    findings = [f for f in check_targets(rows) if f.sector == INDUSTRY and f.year == 2020]
    transcription = next(f for f in findings if f.kind == "transcription")
    assert transcription.field == "multiple_base_year"
    assert "2014" in transcription.text("vi") and "2.014" not in transcription.text("vi")
    # the 2016–2020 range can no longer be held against a multiple of 2015: said, not skipped
    assert any(f.kind == "not_checkable" and f.field == "growth_range" for f in findings)


def test_sector_sum_above_the_whole_is_an_error():
    rows = [dataclasses.replace(r, value_bn_vnd=22788.0 + 1000, quote="") if (r.sector, r.year) == ("textiles", 2020)
            else r for r in load_targets()]
    findings = [f for f in check_targets(rows) if f.sector == "sectors" and f.year == 2020 and f.kind == "mismatch"]
    assert len(findings) == 1
    assert findings[0].computed == 75196 + 2000 and findings[0].difference == 75940 - 77196


def test_altered_whole_industry_range_and_multiple():
    rows = [dataclasses.replace(r, growth_min_pct=12.0, growth_max_pct=14.0, multiple=1.75, quote="")
            if (r.sector, r.year) == (INDUSTRY, 2025) else r for r in load_targets()]
    findings = {f.field: f for f in check_targets(rows) if f.sector == INDUSTRY and f.year == 2025}
    rate = ((125110 / 75940) ** 0.2 - 1) * 100
    assert findings["growth_range"].stated == 12.0
    assert findings["growth_range"].difference == pytest.approx(12.0 - rate)
    assert findings["multiple"].computed == pytest.approx(125110 / 75940)
    assert findings["multiple"].difference == pytest.approx(1.75 - 125110 / 75940)


def test_missing_whole_row_makes_shares_not_checkable():
    rows = [r for r in load_targets() if (r.sector, r.year) != (INDUSTRY, 2025)]
    findings = check_targets(rows)
    shares = [f for f in findings if f.field == "share_pct" and f.year == 2025]
    assert len(shares) == 7 and all(f.kind == "not_checkable" for f in shares)


# --- bad files --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda rows: [{k: v for k, v in r.items() if k != "share_pct"} for r in rows], "bad_columns", "share_pct"),
        (lambda rows: rows[:2] + [{**rows[2], "share_pct": "28,69"}] + rows[3:], "bad_number", "28,69"),
        (lambda rows: rows[:2] + [{**rows[2], "value_bn_vnd": "21.788"}] + rows[3:], "bad_number", "21.788"),
        (lambda rows: rows[:2] + [{**rows[2], "sector": "textile"}] + rows[3:], "unknown_sector", "textile"),
        (lambda rows: rows + [rows[2]], "duplicate_row", "textiles"),
        (lambda rows: rows[:2] + [{**rows[2], "growth_period": "2016-2019"}] + rows[3:], "bad_period", "2016-2019"),
        (lambda rows: rows[:2] + [{**rows[2], "citation": "IV.1.b"}] + rows[3:], "bad_citation", "IV.1.b"),
    ],
)
def test_bad_files_are_refused_with_a_message(data_copy, change, key, words):
    path = _write_rows(data_copy / "bad.csv", change(_csv_rows(data_copy)))
    with pytest.raises(InputError) as err:
        load_targets(path)
    assert err.value.key == f"targets.errors.{key}"
    for lang in ("vi", "en"):
        message = err.value.message(lang)
        assert words in message and "bad.csv" in message and "{" not in message


def test_not_utf8_and_missing_file(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes(",".join(CSV_COLUMNS).encode() + b"\nindustry,2020,75940,,,,,,,,,\"\xd0i\xe1u 1, II.2\",\n")
    with pytest.raises(InputError) as err:
        load_targets(latin)
    assert err.value.key == "targets.errors.bad_encoding" and "UTF-8" in err.value.message("vi")
    with pytest.raises(InputError) as err:
        load_targets(tmp_path / "none.csv")
    assert err.value.key == "targets.errors.not_found"


# --- the command --------------------------------------------------------------------------------------

FINDING_KEYS = {"sector", "year", "field", "stated", "computed", "difference", "citation", "message"}


def test_cli_json_shape(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    assert main(["targets", "--format", "json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"rows", "findings"} <= set(data)
    assert len(data["rows"]) == 16 and set(data["rows"][0]) == set(CSV_COLUMNS)
    textiles = next(r for r in data["rows"] if r["sector"] == "textiles" and r["year"] == 2020)
    assert textiles["value_bn_vnd"] == 21788 and textiles["share_pct"] == 28.69 and textiles["citation"] == "Điều 1, IV.1.b"
    assert all(set(f) >= FINDING_KEYS for f in data["findings"])
    energy = data["findings"][0]
    assert (energy["sector"], energy["year"], energy["field"], energy["stated"]) == ("energy", 2025, "growth_pct", 0.74)
    assert energy["computed"] == pytest.approx(2.5004, abs=1e-4)
    assert energy["difference"] == pytest.approx(-1.7604, abs=1e-4)
    assert "stated as 0.74%/year" in energy["message"]
    assert data["summary"]["disagree"] == 1
    not_checkable = [f for f in data["findings"] if f["kind"] == "not_checkable"]
    assert len(not_checkable) == 7 and all(f["computed"] is None for f in not_checkable)


def test_cli_text_and_exit_codes(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    assert main(["targets"]) == 0
    out = capsys.readouterr().out
    assert "75.940" in out and "Sai lệch" in out and "0,74%/năm" in out and "[Điều 1, IV.7.b]" in out
    assert main(["targets", "--strict"]) == 1
    capsys.readouterr()
    assert main(["targets", "--file", str(tmp_path / "missing.csv"), "--lang", "en"]) == 2
    assert "not found" in capsys.readouterr().err


# --- the transcription against the plan text (runs where the plan text is available) ----------------

_SECTOR_LINE = re.compile(
    r"Đến năm (\d{4}): Giá trị sản xuất công nghiệp đạt ([\d.]+) tỷ đồng; tỷ trọng ([\d,]+)% "
    r"và tốc độ tăng bình quân ([\d,]+)%/năm"
)


def _vn(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def test_every_row_matches_the_plan_text(plan_sections):
    rows = {(r.sector, r.year): r for r in load_targets()}
    for n, code in enumerate(PLAN, start=1):
        found = _SECTOR_LINE.findall(plan_sections[f"Điều 1, IV.{n}.b"])
        assert len(found) == 2
        for year, value, share, growth in found:
            row = rows[(code, int(year))]
            assert (row.value_bn_vnd, row.share_pct, row.growth_pct) == (_vn(value), _vn(share), _vn(growth))
            assert row.quote in plan_sections[row.citation]
    ii2 = plan_sections["Điều 1, II.2"]
    for year in (2020, 2025):
        row = rows[(INDUSTRY, year)]
        assert row.quote in ii2
        m = re.search(rf"đạt khoảng (\d+)% - (\d+)%/năm, về giá trị năm {year} đạt khoảng ([\d.]+) tỷ đồng, "
                      rf"gấp khoảng ([\d,]+) lần so với năm (\d{{4}})", ii2)
        assert m is not None
        assert (row.growth_min_pct, row.growth_max_pct, row.value_bn_vnd, row.multiple, row.multiple_base_year) == (
            float(m.group(1)), float(m.group(2)), _vn(m.group(3)), _vn(m.group(4)), int(m.group(5))
        )


def test_readme_digest_agrees_with_the_plan_text(seed_readme):
    """The digest in seed/README.md is a convenience; the CSV follows the plan text. Today they agree."""
    digest_rows = {}
    for line in seed_readme.splitlines():
        m = re.match(r"\| [^|]*\(IV\.(\d)\) \| ([\d,]+) \| ([\d.]+)% \| ([\d.]+)%/yr \| ([\d,]+) \| ([\d.]+)% "
                     r"\| ([\d.]+)%/yr \|", line)
        if m:
            code = list(PLAN)[int(m.group(1)) - 1]
            digest_rows[code] = (float(m.group(2).replace(",", "")), float(m.group(3)), float(m.group(4)),
                                 float(m.group(5).replace(",", "")), float(m.group(6)), float(m.group(7)))
    assert set(digest_rows) == set(PLAN)
    assert {code: row for code, row in digest_rows.items() if row != PLAN[code]} == {}


def test_catalogs_have_the_same_keys():
    from tbgeo import i18n

    root = Path(i18n.__file__).parent
    for topic in ("targets", "sectors"):
        keys = {}
        for lang in ("vi", "en"):
            with (root / lang / f"{topic}.toml").open("rb") as fh:
                flat: dict[str, str] = {}
                i18n._flatten("", tomllib.load(fh), flat)
            keys[lang] = set(flat)
            assert all(k.startswith(f"{topic}.") for k in flat)
        assert keys["vi"] == keys["en"]
    assert t("targets.title", "vi") == "Mục tiêu quy hoạch" and t("targets.title", "en") == "Plan targets"


def test_checks_report_a_stated_range_as_written(capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from tbgeo.cli import main

    assert main(["targets", "--format", "json"]) == 0
    ranges = [c for c in json.loads(capsys.readouterr().out)["checks"] if c["field"] == "growth_range"]
    assert [(c["year"], c["stated"]) for c in ranges] == [(2020, [14.0, 15.0]), (2025, [10.0, 12.0])]
    # 2,01 × over five years: 2.01 ** (1/5) − 1
    assert ranges[0]["computed"] == pytest.approx(100 * (2.01 ** 0.2 - 1), abs=1e-3)
