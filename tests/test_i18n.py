"""Message catalogs: both languages have the same keys and placeholders, all text NFC, no key leaks."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from tbgeo.i18n import catalog, fmt_number, t

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
I18N = Path(__file__).resolve().parent.parent / "tbgeo" / "i18n"


def test_same_keys_in_both_languages() -> None:
    vi, en = catalog("vi"), catalog("en")
    assert set(vi) - set(en) == set(), "keys missing in English"
    assert set(en) - set(vi) == set(), "keys missing in Vietnamese"


def test_same_placeholders() -> None:
    vi, en = catalog("vi"), catalog("en")
    assert vi.keys() == en.keys() and len(vi) > 1000
    for key in vi:
        assert set(_PLACEHOLDER.findall(vi[key])) == set(_PLACEHOLDER.findall(en[key])), key


def test_topic_files_pair_up() -> None:
    assert sorted(p.name for p in (I18N / "vi").glob("*.toml")) == sorted(p.name for p in (I18N / "en").glob("*.toml"))


def test_catalog_files_are_nfc() -> None:
    paths = sorted(I18N.glob("*/*.toml"))
    assert {f"{p.parent.name}/{p.name}" for p in paths} >= {"vi/core.toml", "en/core.toml", "vi/review.toml", "en/review.toml"}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text, path


def test_lookup_and_fallback() -> None:
    assert t("map.legend", "vi") == "Chú giải"
    assert t("map.legend", "en") == "Legend"
    assert t("map.legend", "fr") == "Chú giải"  # unknown language falls back to Vietnamese
    assert t("catalog.missing_key", "en", file="a.toml", key="id") == "Layer file a.toml: required key “id” is missing."


def test_number_format_per_language() -> None:
    assert fmt_number(75940.5, "vi", 1) == "75.940,5"
    assert fmt_number(75940.5, "en", 1) == "75,940.5"


def test_csv_numbers_as_each_language_reads_them() -> None:
    from tbgeo.i18n import csv_delimiter, csv_value

    assert (csv_delimiter("vi"), csv_delimiter("en")) == (";", ",")
    assert [csv_value(v, "vi") for v in (50.25, 50.0, -0.0, 1234.5, 0.123456789, float("nan"))] == [
        "50,25", "50", "0", "1234,5", "0,12345679", ""]
    assert [csv_value(v, "vi") for v in (3, True, None, "KCN 1.2")] == [3, True, None, "KCN 1.2"]
    assert csv_value(50.25, "en") == 50.25
