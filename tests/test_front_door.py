"""The front door: ``import tbgeo`` gives the handful of functions a Python user needs, loads nothing
heavy until one is used, and says its installed version."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import shapely

import tbgeo

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", [n for n in tbgeo.__all__ if n != "__version__"])
def test_each_front_door_name_is_the_domain_object_itself(name: str) -> None:
    obj = getattr(tbgeo, name)
    assert obj is getattr(importlib.import_module(tbgeo._WHERE[name]), name)
    assert callable(obj) and obj.__doc__


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'review_sites'"):
        tbgeo.review_sites  # noqa: B018  (a typo of review_site)


def test_the_version_is_the_installed_one() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert tbgeo.__version__ == version("tbgeo") == declared


def test_import_tbgeo_loads_no_gis_library() -> None:
    probe = "import sys, tbgeo; print(' '.join(m for m in ('geopandas', 'pandas', 'folium', 'matplotlib', 'pyogrio') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_review_through_the_front_door(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "w.gpkg"))
    context = tbgeo.ReviewContext.from_catalog()
    site = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)  # 20 ha in Kiến Xương (shipped districts)
    report = tbgeo.review_site(site, attrs=tbgeo.SiteAttrs(name="Nhà máy nhuộm", sector="dyeing"), context=context)
    d = report.to_dict("vi")
    assert d["site"]["districts"] == [{"name": "Kiến Xương", "gso_code": "343", "share": 1.0, "area_ha": 20.0}]
    assert report.verdict == "block"
    assert [f.rule for f in report.findings if f.severity == "block"] == ["sector_refused"]
    assert report.finding("sector_refused").plan_ref == "Điều 1, III.4"
    store = tbgeo.open_store()
    assert store.path == tmp_path / "w.gpkg" and store.proposals() == []
