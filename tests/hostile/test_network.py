"""No user file makes tbgeo reach the network (issue 10 §1): a GeoJSON ``crs`` of type link/url is never
fetched — by the import, its dry run, the upload page's reads or ``tbgeo check`` — and counts as a
missing CRS. A local server on 127.0.0.1 records every connection; there must be none, and no stall."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyogrio
import pytest

from tbgeo import _offline
from tbgeo.cli import main
from tbgeo.ingest.pipeline import plan_import, read_source, source_layers
from tbgeo.store.gpkg import GpkgStore
from tests.hostile.conftest import Recorder
from tests.hostile.corpus import E0, N0, geojson, link_crs, url_crs

FAST_S = 5.0  # GDAL waits 20 s or more for an address that does not answer


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str, float]:
    start = time.monotonic()
    rc = main(list(argv))
    elapsed = time.monotonic() - start
    out, err = capsys.readouterr()
    return rc, out, err, elapsed


def metre_rings() -> list[list[list[float]]]:
    x, y = E0, N0
    return [[[x, y], [x + 200, y], [x + 200, y + 200], [x, y + 200], [x, y]]]


@pytest.mark.parametrize("member", ["link", "url"])
def test_import_and_dry_run_never_fetch_a_link_crs(member: str, recorder: Recorder, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    crs = (link_crs if member == "link" else url_crs)(recorder.url())
    path = geojson(tmp_path, crs=crs)
    rc, out, err, elapsed = run(capsys, "import", str(path), "--layer", "industrial_parks", "--dry-run", "--format", "json", "--lang", "en")
    assert rc == 0, err
    data = json.loads(out)
    # like a file without CRS: degrees are taken as WGS 84 by the guess, with its usual warning
    assert data["crs"]["source"] == "guess" and data["crs"]["epsg"] == 4326
    assert data["warning_codes"][:2] == ["ingest.w_crs_link_ignored", "ingest.w_degrees_default"]
    assert data["warnings"][0] == (
        f"The file declares its coordinate system by a network address (“{recorder.url()}”); tbgeo never fetches"
        " an address a file names, so the file counts as declaring no coordinate system."
    )
    assert elapsed < FAST_S
    rc, out, err, elapsed = run(capsys, "import", str(path), "--layer", "industrial_parks", "--format", "json", "--yes")
    assert rc == 0, err
    data = json.loads(out)
    assert data["version"] == 1 and data["crs"]["source"] == "guess"
    assert data["warnings"][0].startswith("Tệp khai báo hệ tọa độ bằng một địa chỉ mạng (“http://127.0.0.1:")
    assert elapsed < FAST_S
    assert recorder.connections == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_link_crs_on_metres_asks_for_the_crs_like_a_missing_one(lang: str, recorder: Recorder, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = geojson(tmp_path, crs=link_crs(recorder.url()), rings=metre_rings())
    bare = geojson(tmp_path / "bare", rings=metre_rings())  # the same file without any crs member
    rc, out, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--lang", lang)
    assert rc == 2 and "Traceback" not in err
    rc_bare, _, err_bare, _ = run(capsys, "import", str(bare), "--layer", "industrial_parks", "--lang", lang)
    # the same refusal as a GeoJSON in metres without "crs" (declared degrees that are not degrees)
    assert rc_bare == 2
    first = err.strip().splitlines()[-1]
    assert ("Hãy xác nhận (trên dòng lệnh: --crs 9209)" if lang == "vi" else "(on the command line: --crs 9209)") in first
    assert ("EPSG:9209" in first) and ("EPSG:9209" in err_bare)
    assert not GpkgStore.exists()
    rc, out, err, elapsed = run(capsys, "import", str(path), "--layer", "industrial_parks", "--crs", "9209", "--format", "json", "--yes")
    assert rc == 0, err
    assert json.loads(out)["crs"]["epsg"] == 9209 and elapsed < FAST_S
    assert recorder.connections == []


def test_geometry_level_and_unparsable_crs_members_are_removed(recorder: Recorder, tmp_path: Path) -> None:
    url = recorder.url("/nested")
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "A \"crs\": {x"},
             "geometry": {"type": "Polygon", "crs": {"type": "link", "properties": {"href": url}},
                          "coordinates": [[[106.34, 20.45], [106.342, 20.45], [106.342, 20.452], [106.34, 20.45]]]}},
        ],
    }  # fmt: skip
    path = tmp_path / "nested.geojson"
    path.write_text(json.dumps(doc), "utf-8")
    src = read_source(path)
    assert src.link_crs == url and src.frame["name"].tolist() == ['A "crs": {x']
    plan = plan_import(path, layer_id="industrial_parks")
    assert plan.crs.source == "guess"
    assert recorder.connections == []


def test_upload_page_reads_never_fetch(recorder: Recorder, tmp_path: Path) -> None:
    """The upload page's domain calls (source_layers, read_source, plan_import) on a link-CRS file."""
    path = geojson(tmp_path, crs=link_crs(recorder.url()))
    start = time.monotonic()
    assert source_layers(path) == ["site.geojson"]
    src = read_source(path, display_name="tải lên.geojson")
    assert src.link_crs == recorder.url() and src.declared_crs is None
    assert time.monotonic() - start < FAST_S
    assert recorder.connections == []


def test_zipped_geojson_with_link_crs(recorder: Recorder, tmp_path: Path) -> None:
    import zipfile

    inner = geojson(tmp_path / "in", crs=url_crs(recorder.url()))
    z = tmp_path / "site.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(inner, "du_lieu/site.geojson")
    plan = plan_import(z, layer_id="industrial_parks")
    assert plan.crs.source == "guess" and plan.source.link_crs == recorder.url()
    assert recorder.connections == []


def test_gdal_itself_is_kept_off_the_network(recorder: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second line: GDAL reading a link-CRS file directly (as a reader not yet routed through
    ingest would) reaches no server either — its HTTP client goes to a closed local port."""
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert {"GDAL_HTTP_PROXY", "GDAL_HTTPS_PROXY", "PROJ_NETWORK"} <= set(_offline.SETTINGS)
    for key, value in _offline.SETTINGS.items():
        assert os.environ[key] == value
    path = geojson(tmp_path, crs=link_crs(recorder.url()))
    start = time.monotonic()
    pyogrio.read_dataframe(path)
    assert time.monotonic() - start < FAST_S
    assert recorder.connections == []


def test_check_site_file_never_fetches(recorder: Recorder, tmp_path: Path) -> None:
    path = geojson(tmp_path, crs=link_crs(recorder.url()))
    # NO_PROXY lists the office's own addresses (the forgery's targets) and makes libcurl skip
    # tbgeo's dead proxy: the link must be gone before GDAL reads the file, whatever it says
    env = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"} | {"NO_PROXY": "127.0.0.1,localhost"}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "tbgeo", "check", str(path), "--sector", "electronics", "--format", "json", "--lang", "en"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    elapsed = time.monotonic() - start
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["site"]["area_ha"] == pytest.approx(4.62, abs=0.01)
    assert recorder.connections == []
    assert elapsed < 30  # a whole `tbgeo check` start-up (about 3 s), not a network stall


def _office_env() -> dict[str, str]:
    """The environment of an office whose proxy settings exempt its own network (and this test's server)."""
    return {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"} | {
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}  # fmt: skip


@pytest.mark.parametrize("key", ["CRS", "Crs", "\\u0063rs", "\\u0043\\u0052\\u0053"])
def test_crs_member_in_other_case_or_escaped_is_removed(key: str, recorder: Recorder, tmp_path: Path) -> None:
    """GDAL finds the ``crs`` member whatever its case, and JSON may spell the key with escapes: the
    link is removed all the same (in a process whose NO_PROXY exempts the server from tbgeo's proxy)."""
    text = json.dumps(json.loads(geojson(tmp_path, crs=link_crs(recorder.url("/k"))).read_text("utf-8")))
    path = tmp_path / "key.geojson"
    path.write_text(text.replace('"crs":', f'"{key}":', 1), "utf-8")
    assert f'"{key}":' in path.read_text("utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "tbgeo", "import", str(path), "--layer", "industrial_parks", "--dry-run",
         "--format", "json", "--lang", "en"],
        capture_output=True, text=True, env=_office_env(), timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["crs"]["source"] == "guess"
    assert data["warning_codes"][0] == "ingest.w_crs_link_ignored"
    assert recorder.url("/k") in data["warnings"][0]
    assert recorder.connections == []


def test_no_proxy_cannot_let_gdal_through(recorder: Recorder, tmp_path: Path) -> None:
    """The second line holds on its own, in an office whose NO_PROXY names the server: GDAL reading a
    link-CRS file directly (no neutraliser) after ``import tbgeo`` reaches nothing."""
    path = geojson(tmp_path, crs=link_crs(recorder.url("/direct")))
    code = (
        "import os, pyogrio, tbgeo\n"
        "assert 'NO_PROXY' not in os.environ and 'no_proxy' not in os.environ\n"
        f"pyogrio.read_dataframe({str(path)!r})\n"
    )
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_office_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - start < 30
    assert recorder.connections == []
