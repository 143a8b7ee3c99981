"""Shipped data and config are found through one accessor (tbgeo.settings.shipped); an installed
package keeps the workspace and the cache in the user's folders."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_accessor_follows_the_settings_and_knows_its_kinds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tbgeo import settings

    assert settings.shipped("config", "review.toml") == ROOT / "config" / "review.toml"
    assert settings.shipped("data", "districts.geojson").is_file() and not settings.INSTALLED  # the checkout's
    assert {settings.shipped_dir(k) for k in settings.KINDS} == {ROOT / k for k in settings.KINDS}
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)  # tests point the folders elsewhere
    assert settings.shipped("data", "sectors.toml") == tmp_path / "sectors.toml"
    with pytest.raises(ValueError, match="unknown kind of shipped file 'seed'"):
        settings.shipped_dir("seed")


def test_an_installed_package_keeps_workspace_and_cache_in_the_users_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tbgeo import diskcache, settings

    for name in ("TBGEO_WORKSPACE", "TBGEO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(settings, "PROJECT_DIR", tmp_path / "project")
    (tmp_path / "project").mkdir()
    assert settings.workspace_path() == tmp_path / "project" / "workspace" / "tbgeo.gpkg"  # a checkout
    assert diskcache.cache_dir() == tmp_path / "project" / ".cache"
    monkeypatch.setattr(settings, "INSTALLED", True)  # site-packages may be writable: never write there
    assert settings.workspace_path() == tmp_path / "data" / "tbgeo" / "tbgeo.gpkg"
    assert diskcache.cache_dir() == tmp_path / "cache" / "tbgeo"
    monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    assert settings.workspace_path() == tmp_path / "ws.gpkg"
