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


def test_a_file_rewritten_with_the_same_size_and_time_gets_a_new_stamp(tmp_path: Path) -> None:
    f = tmp_path / "districts.geojson"
    f.write_text('{"name_vi": 1}', encoding="utf-8")
    before = f.stat()
    stamp = diskcache.file_stamp(f)
    f.write_text('{"name_xx": 1}', encoding="utf-8")  # same length
    os.utime(f, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `touch -r backup`
    assert f.stat().st_size == before.st_size and f.stat().st_mtime_ns == before.st_mtime_ns
    assert diskcache.file_stamp(f) != stamp


def test_a_torn_or_altered_entry_is_never_served(cache: Path) -> None:
    diskcache.write_text("map", "k", "<html>whole map</html>")
    entry = cache / "map" / "k"
    raw = entry.read_text(encoding="utf-8")
    entry.write_text(raw[:-10], encoding="utf-8")  # cut short, as by a full disk
    assert diskcache.read_text("map", "k") is None
    assert not entry.exists()  # dropped, so the next start makes it again
    (cache / "map" / "d").mkdir()
    assert not diskcache.has("map", "d")


def test_entries_are_readable_by_other_accounts_and_dead_writers_files_go(cache: Path) -> None:
    import time

    diskcache.write_text("map", "k", "x")
    assert (cache / "map" / "k").stat().st_mode & 0o777 == 0o644
    left = cache / "map" / ".tmp-dead"
    left.write_text("half", encoding="utf-8")
    old = time.time() - 2 * 3600
    os.utime(left, (old, old))
    fresh = cache / "map" / ".tmp-busy"
    fresh.write_text("being written", encoding="utf-8")
    diskcache.write_text("map", "k2", "y")
    assert not left.exists() and fresh.exists()


def test_text_is_kept_as_written_line_endings_included(cache: Path) -> None:
    diskcache.write_text("map", "k", "a\r\nb\rc\n")
    assert diskcache.read_text("map", "k") == "a\r\nb\rc\n"


def test_a_chmod_does_not_make_tbgeo_code_look_changed(tmp_path: Path) -> None:
    f = tmp_path / "webmap.py"
    f.write_text("x = 1\n", encoding="utf-8")
    loose, strict = diskcache.file_stamp(f, change_time=False), diskcache.file_stamp(f)
    f.chmod(0o600)
    assert diskcache.file_stamp(f, change_time=False) == loose  # an install's chmod/chown keeps the cache
    assert diskcache.file_stamp(f) != strict  # data files: any change of the inode counts
    first = diskcache.code_stamp()[0][0]
    assert first == diskcache.file_stamp(Path(first[0]), change_time=False)


def test_a_read_only_project_caches_in_the_users_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tbgeo import settings

    project = tmp_path / "opt-tbgeo"
    project.mkdir()
    monkeypatch.delenv("TBGEO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(settings, "PROJECT_DIR", project)
    assert diskcache.cache_dir() == project / ".cache"
    # installed read-only (root, who runs the tests here, could write anyway: the check is simulated)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert diskcache.cache_dir() == tmp_path / "xdg" / "tbgeo"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert diskcache.cache_dir() == Path.home() / ".cache" / "tbgeo"
