"""A normal (non-editable) install works: the wheel carries data/, layers/, config/ and static/ as
tbgeo/_shipped/, and tbgeo run from elsewhere finds them there and writes nothing beside them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: What a build needs from the checkout (copied, so the build leaves no build/ or egg-info in it).
_SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "tbgeo", "data", "layers", "config", "static")

_PROBE = """
import dataclasses, json, tbgeo
from pathlib import Path
from tbgeo import diskcache, settings
from tbgeo.ingest.config import load_config as ingest_config
from tbgeo.plan.sectors import load_sectors
from tbgeo.plan.targets.table import load_targets
from tbgeo.review.config import default_config_path, load_config as review_config
from tbgeo.search.config import default_search_config_path, load_search_config
print(json.dumps({
    "package": tbgeo.__file__, "version": tbgeo.__version__, "root": str(settings.PROJECT_DIR),
    "installed": settings.INSTALLED, "workspace": str(settings.workspace_path()),
    "cache": str(diskcache.cache_dir()),
    "review": [str(default_config_path()), review_config() == review_config(default_config_path())],
    "search": [str(default_search_config_path()), load_search_config() == load_search_config(default_search_config_path())],
    "max_files": ingest_config().max_files,
    "sectors": len(load_sectors()), "targets": len(load_targets()),
}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel (``pip wheel . --no-deps``) and the folder it is installed into (``--target``)."""
    base = tmp_path_factory.mktemp("install")
    src = base / "src"
    for name in _SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif (ROOT / name).is_file():
            src.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", ".", "--no-deps", "-w", str(base / "dist")], cwd=src, check=True, capture_output=True)
    (wheel,) = (base / "dist").glob("tbgeo-*.whl")
    target = base / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True, capture_output=True)
    return wheel, target


def _run(args: list[str], target: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """``python args`` with only the installed copy of tbgeo importable first, from a folder of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TBGEO_", "XDG_")) and k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(target), HOME=str(home), PYTHONDONTWRITEBYTECODE="1")
    cwd = home / "elsewhere"
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=120)


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if "__pycache__" not in p.parts}


def test_the_wheel_carries_the_shipped_folders(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("data", "layers", "config"):
        expected = {f"tbgeo/_shipped/{kind}/{p.relative_to(ROOT / kind).as_posix()}" for p in (ROOT / kind).rglob("*") if p.is_file()}
        assert expected and expected <= names, kind
    assert "tbgeo/_shipped/layers/districts.toml" in names and "tbgeo/_shipped/data/districts.geojson" in names
    vendor = ROOT / "static" / "vendor" / "leaflet" / "leaflet.js"
    assert not vendor.exists() or "tbgeo/_shipped/static/vendor/leaflet/leaflet.js" in names
    assert not any(n.endswith("/.installed") for n in names)  # build stamps are not shipped
    assert not (ROOT / "tbgeo" / "_shipped").exists()  # the copy exists in builds only, never in the checkout


def test_the_installed_package_lists_the_shipped_layers_from_elsewhere(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, target = installed
    before = _files(target)
    out = _run(["-m", "tbgeo", "layers", "--format", "json"], target, tmp_path / "home").stdout
    rows = json.loads(out)
    checkout = json.loads(subprocess.run(
        [sys.executable, "-m", "tbgeo", "layers", "--format", "json"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout)
    assert rows == checkout  # the same listing as the checkout's, read from the installed copy
    by_id = {r["id"]: r for r in rows}
    assert by_id["districts"]["features"] == 8 and by_id["districts"]["source"] == "data/districts.geojson"
    assert _files(target) == before  # nothing written inside the installed package


def test_the_installed_package_reads_its_config_and_keeps_the_workspace_outside(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, target = installed
    shipped = target / "tbgeo" / "_shipped"
    ingest = shipped / "config" / "ingest.toml"
    original = ingest.read_text(encoding="utf-8")
    assert "max_files = 200" in original
    ingest.write_text(original.replace("max_files = 200", "max_files = 7", 1), encoding="utf-8")
    try:
        home = tmp_path / "home"
        found = json.loads(_run(["-c", _PROBE], target, home).stdout)
    finally:
        ingest.write_text(original, encoding="utf-8")
    from tbgeo.plan.sectors import load_sectors
    from tbgeo.plan.targets.table import load_targets

    assert Path(found["package"]) == target / "tbgeo" / "__init__.py"
    import tomllib

    declared = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert found["version"] == declared["project"]["version"]  # from the installed package's metadata
    assert found["installed"] is True and Path(found["root"]) == shipped
    assert found["review"] == [str(shipped / "config" / "review.toml"), True]
    assert found["search"] == [str(shipped / "config" / "search.toml"), True]
    assert found["max_files"] == 7  # the installed config/ingest.toml, not the built-in default
    assert (found["sectors"], found["targets"]) == (len(load_sectors()), len(load_targets()))
    assert Path(found["workspace"]) == home / ".local" / "share" / "tbgeo" / "tbgeo.gpkg"
    assert Path(found["cache"]) == home / ".cache" / "tbgeo"


def test_the_installed_map_opens_offline(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, target = installed
    if not (target / "tbgeo" / "_shipped" / "static" / "vendor" / "leaflet" / "leaflet.js").is_file():
        pytest.skip("static/vendor not made in this checkout (make assets)")
    out = tmp_path / "map.html"
    _run(["-m", "tbgeo", "map", "--out", str(out), "--layers", "districts"], target, tmp_path / "home")
    html = out.read_text(encoding="utf-8")
    assert "/app/static/vendor" not in html and "cdn.jsdelivr.net" not in html
    assert "a JS library for interactive maps" in html  # leaflet.js inlined from the installed static/
    (data,) = [json.loads(m) for m in re.findall(r"geo_json_\w+_add\((\{.*?\})\);\n", html)]
    assert len(data["features"]) == 8  # the eight districts, from the installed data/


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
