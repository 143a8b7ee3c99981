"""A killed import (kill -9 of the process mid-write) leaves no table QGIS would list and nothing
behind once tbgeo opens the store again; a hot journal left by a crash never breaks a read-only open."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyogrio
import pytest

from tbgeo.store.gpkg import GpkgStore

ROOT = Path(__file__).resolve().parents[2]

_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    import numpy as np, geopandas as gpd, shapely
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from tbgeo.store import gpkg, gpkg_tables
    n = int(sys.argv[2])
    x = 587000 + np.arange(n) % 1000 * 10.0
    y = 2262000 + np.arange(n) // 1000 * 10.0
    frame = gpd.GeoDataFrame({{"name": ["KCN"] * n}}, geometry=shapely.box(x, y, x + 5, y + 5), crs=9209)
    if sys.argv[3] == "in-commit":  # die inside the store's transaction, after the copy, before COMMIT
        real = gpkg_tables.copy_table
        def copy_then_die(staging, con, table):
            real(staging, con, table)
            os.kill(os.getpid(), signal.SIGKILL)
        gpkg_tables.copy_table = copy_then_die
    print("writing", flush=True)
    gpkg.GpkgStore(Path(sys.argv[1])).add_layer_version(
        "industrial_parks", frame, source_name="big.zip", sha256="0" * 64, user="t")
    """
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listed_tables(store: Path) -> set[str]:
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
    finally:
        con.close()


def writer(store: Path, n: int, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER.format(root=str(ROOT)), str(store), str(n), mode],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_kill_during_the_write_leaves_the_store_as_it_was(store: Path) -> None:
    before = sha(store)
    tables = listed_tables(store)
    staging = store.parent / f".{store.name}.staging"
    with writer(store, 200_000, "kill") as proc:  # (the with closes its pipes)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        deadline = time.monotonic() + 60
        while not (staging.exists() and any(p.stat().st_size > 200_000 for p in staging.glob("*.gpkg"))):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # GDAL is writing features
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert sha(store) == before  # the store itself was never touched
    assert listed_tables(store) == tables  # what QGIS lists: nothing new
    assert staging.exists()  # the killed process's staging file …
    ws = GpkgStore.open_existing(store)  # … is removed by the next tbgeo that opens the store
    assert not staging.exists()
    assert [v.version for v in ws.versions("industrial_parks")] == [1]
    assert sha(store) == before


def test_kill_inside_the_store_transaction_then_read_only_opens_work(store: Path) -> None:
    tables = listed_tables(store)
    with writer(store, 100_000, "in-commit") as proc:
        proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    journal = store.with_name(store.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0  # a hot journal: the crash was mid-transaction
    with pytest.raises(sqlite3.OperationalError) as err:  # what a read-only open does with it, unrecovered
        listed_tables(store)
    assert str(err.value) == "attempt to write a readonly database"
    ws = GpkgStore.open_existing(store)
    assert not journal.exists() or journal.stat().st_size == 0
    assert listed_tables(store) == tables
    assert [v.version for v in ws.versions("industrial_parks")] == [1]
    assert "lv_industrial_parks_2" not in {str(n) for n in pyogrio.list_layers(store)[:, 0]}
    assert len(pyogrio.read_dataframe(store, layer="lv_industrial_parks_1")) == 3  # GDAL opens it read-only
    assert not (store.parent / f".{store.name}.staging").exists() or not any((store.parent / f".{store.name}.staging").iterdir())
    # and the next import stores version 2 as usual
    import geopandas as gpd
    from shapely.geometry import box

    v = ws.add_layer_version("industrial_parks", gpd.GeoDataFrame({"name": ["A"]}, geometry=[box(587000, 2262000, 587200, 2262200)], crs=9209),
                             source_name="a.zip", sha256="1" * 64, user="t")  # fmt: skip
    assert v.version == 2 and ws.read_version("industrial_parks", 2)["name"].tolist() == ["A"]


def test_unpack_folders_of_killed_processes_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kill -9 during unpacking skips every clean-up: the next read removes the dead process's folder
    (never a live one's)."""
    import tempfile

    from tbgeo.ingest.pipeline import read_source
    from tests.hostile.corpus import geojson

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / "tmp" / f"tbgeo-ingest-{int(dead.stdout)}-abc"
    (left / "kcn").mkdir(parents=True)
    (left / "kcn" / "kcn.shp").write_bytes(b"x" * 100)
    live = tmp_path / "tmp" / f"tbgeo-ingest-{os.getppid()}-def"
    live.mkdir()
    read_source(geojson(tmp_path / "in"))
    assert not left.exists() and live.exists()
    assert sorted(p.name for p in (tmp_path / "tmp").iterdir()) == [live.name]


def test_copied_version_is_a_complete_geopackage_layer(store: Path) -> None:
    """The version copied from staging is what GDAL would have written: registered, counted, with a
    sound spatial index that answers box queries, and no staging file left."""
    import geopandas as gpd
    import numpy as np
    import shapely

    n = 5_000
    x = 587000 + np.arange(n) % 100 * 30.0
    y = 2262000 + np.arange(n) // 100 * 30.0
    frame = gpd.GeoDataFrame({"name": [f"KCN {i}" for i in range(n)]}, geometry=shapely.box(x, y, x + 10, y + 10), crs=9209)
    ws = GpkgStore.open_existing(store)
    v = ws.add_layer_version("industrial_parks", frame, source_name="a.zip", sha256="1" * 64, user="t")
    assert v.version == 2
    con = sqlite3.connect(store)
    try:
        assert con.execute("SELECT rtreecheck('rtree_lv_industrial_parks_2_geom')").fetchone() == ("ok",)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'lv_industrial_parks_2'").fetchone() == (n,)
        assert con.execute("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'lv_industrial_parks_2'").fetchone() == (9209,)
    finally:
        con.close()
    query = (587000.0, 2262000.0, 587500.0, 2262300.0)
    hits = pyogrio.read_dataframe(store, layer="lv_industrial_parks_2", bbox=query)
    assert len(hits) == int(frame.intersects(shapely.box(*query)).sum()) == 187
    assert not (store.parent / f".{store.name}.staging").exists()


_DECIDER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from tbgeo.store import gpkg_base
    from tbgeo.store.gpkg import GpkgStore
    real = gpkg_base.GpkgBase._audit
    def audit_then_die(con, who, action, target, details, **kw):  # the status and the decision are written
        real(con, who, action, target, details, **kw)
        if action == "proposal.status":
            print("inside", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    gpkg_base.GpkgBase._audit = staticmethod(audit_then_die)
    GpkgStore(Path(sys.argv[1])).set_status(1, "approved", user="killed", comment="bị ngắt giữa chừng")
    """
)


def test_kill_during_a_decision_leaves_the_proposal_as_it_was(tmp_path: Path) -> None:
    """kill -9 inside a decision's transaction (its status, decision row and audit entry written, not
    committed): the proposal stays as it was, its history and the store's revision too, and the
    store's lock is free for the next decision (as ``test_crash_postgis`` checks for PostGIS)."""
    import shapely

    path = tmp_path / "tbgeo.gpkg"
    ws = GpkgStore.open(path)
    ws.add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Khu A", user="lan", status="submitted")
    before, logged = ws.revision(), len(ws.audit())
    with subprocess.Popen([sys.executable, "-c", _DECIDER.format(root=str(ROOT)), str(path)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "inside", proc.stderr.read() if proc.stderr else ""
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0  # killed mid-transaction
    ws = GpkgStore.open_existing(path)  # the next tbgeo rolls the hot journal back
    p = ws.proposal(1)
    assert (p.status, [d.by for d in p.history], p.row_version) == ("submitted", ["lan"], 1)
    assert ws.revision() == before and len(ws.audit()) == logged
    assert ws.set_status(1, "approved", user="hung").status == "approved"  # nothing left locked
    assert [(d.by, d.status_to) for d in ws.proposal(1).history] == [("lan", "submitted"), ("hung", "approved")]
