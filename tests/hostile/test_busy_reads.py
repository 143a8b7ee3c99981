"""A store another program holds (QGIS editing the GeoPackage, a backup) is said to be busy by every
command that reads the store's layer versions (issue 10 §4) — within the bounded wait, not one wait per
layer, and never by quietly using the shipped data in place of the imported version."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tbgeo.catalog import load_catalog
from tbgeo.cli import main
from tests.hostile.corpus import geojson
from tests.locks import hold_store

BUSY = {
    "vi": "Lỗi: Kho dữ liệu đang bận (một chương trình khác đang ghi vào đó",
    "en": "Error: The store is busy (another program is writing to it",
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_reading_commands_on_a_locked_store_exit_4_quickly(lang: str, store: Path, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TBGEO_LOCK_WAIT", "0.5")
    site = geojson(tmp_path / "site")
    raw = store.read_bytes()
    commands = [
        ["layers"],
        ["check", str(site), "--sector", "electronics"],
        ["export", "industrial_parks", "--out", str(tmp_path / "kcn.geojson")],
        ["versions", "industrial_parks"],
    ]
    release, th = hold_store(store, wait_s=60)
    try:
        for argv in commands:
            start = time.monotonic()
            rc = main([*argv, "--lang", lang])
            elapsed = time.monotonic() - start
            out, err = capsys.readouterr()
            assert rc == 4, (argv, err)
            assert err.startswith(BUSY[lang]) and "Traceback" not in err, argv
            assert elapsed < 10, (argv, elapsed)  # one bounded wait, not one per layer
    finally:
        release.set()
        th.join(10)
    assert not (tmp_path / "kcn.geojson").exists()  # not the shipped parks exported as if they were the import
    assert store.read_bytes() == raw


def test_a_busy_store_is_not_read_as_the_shipped_data(store: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.errors import StoreBusyError

    monkeypatch.setenv("TBGEO_LOCK_WAIT", "0.2")
    layer = load_catalog().get("industrial_parks")
    assert layer.active_version().version == 1 and layer.feature_count() == 3
    release, th = hold_store(store, wait_s=60)
    try:
        with pytest.raises(StoreBusyError) as err:
            layer.active_version()
        assert err.value.key == "workspace.busy" and err.value.message("vi").startswith(BUSY["vi"].removeprefix("Lỗi: "))
        with pytest.raises(StoreBusyError) as err:
            layer.read()
        assert err.value.key == "workspace.busy" and err.value.message("en").startswith(BUSY["en"].removeprefix("Error: "))
    finally:
        release.set()
        th.join(10)
    assert len(layer.read()) == 3
