"""The on-disk cache of derived products: keys follow their inputs, writes are whole or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tbgeo import diskcache


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TBGEO_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_key_follows_the_content_stamp_of_a_file(tmp_path: Path) -> None:
    f = tmp_path / "a.geojson"
    f.write_text("one", encoding="utf-8")
    first = diskcache.key("x", diskcache.file_stamp(f))
    assert diskcache.key("x", diskcache.file_stamp(f)) == first
    f.write_text("three", encoding="utf-8")  # another size
    assert diskcache.key("x", diskcache.file_stamp(f)) != first
    os.utime(f, ns=(1, 1))  # same size, another time
    assert diskcache.key("x", diskcache.file_stamp(f)) not in (first,)
    assert diskcache.file_stamp(tmp_path / "gone") == [str(tmp_path / "gone"), None]


def test_code_stamp_covers_tbgeo_code_and_message_catalogs() -> None:
    stamped = {Path(entry[0]).name for entry in diskcache.code_stamp()[0]}
    assert {"webmap.py", "catalog.py", "diskcache.py"} <= stamped
    assert "core.toml" in stamped  # tbgeo/i18n/{vi,en}/core.toml: the map's words
    assert dict(diskcache.code_stamp()[1])["folium"]


def test_write_then_read_and_prune(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diskcache, "MAX_ENTRIES", 3)
    for i in range(5):
        diskcache.write_text("map", f"k{i}", f"<html>{i}</html>")
        os.utime(cache / "map" / f"k{i}", ns=(i * 10**9, i * 10**9))
    assert sorted(p.name for p in (cache / "map").iterdir()) == ["k2", "k3", "k4"]
    assert diskcache.read_text("map", "k4") == "<html>4</html>"
    assert diskcache.read_text("map", "k0") is None
    diskcache.mark("catalog", "abc")
    assert diskcache.has("catalog", "abc") and not diskcache.has("catalog", "abd")


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("TBGEO_CACHE", str(blocker / "cache"))
    diskcache.write_text("map", "k", "x")  # no error
    assert diskcache.read_text("map", "k") is None
