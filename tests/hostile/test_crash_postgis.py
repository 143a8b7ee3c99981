"""A killed process (kill -9) during an import or a decision leaves the PostGIS store as it was
before (issue 12 §3): the server rolls back the dead connection's transaction and frees its locks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg
import shapely

from tbgeo.store import open_store

ROOT = Path(__file__).resolve().parents[2]

_IMPORT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    import numpy as np, geopandas as gpd, shapely
    from tbgeo.store import open_store
    n = 200_000
    x = 587000 + np.arange(n) % 1000 * 10.0
    y = 2262000 + np.arange(n) // 1000 * 10.0
    frame = gpd.GeoDataFrame({{"name": ["KCN Tiền Hải"] * n}}, geometry=shapely.box(x, y, x + 5, y + 5), crs=9209)
    print("writing", flush=True)
    open_store(url=sys.argv[1]).add_layer_version("industrial_parks", frame, source_name="big.zip", sha256="0" * 64,
                                                  user="t")
    """
)

_DECIDE = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from tbgeo.store import open_store
    def check(p):
        print("inside", flush=True)  # the proposal's row and the decisions lock are held now
        time.sleep(60)
    open_store(url=sys.argv[1]).set_status(1, "approved", user="killed", check=check)
    """
)


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as con:
        return {r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def _run(script: str, url: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script.format(root=str(ROOT)), url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_kill_during_an_import_leaves_the_postgis_store_as_it_was(pg_url: str) -> None:
    store = open_store(url=pg_url)
    store.add_layer_version("industrial_parks", _one(), source_name="a.zip", sha256="1" * 64, user="t")
    before, tables = store.revision(), _tables(pg_url)
    with _run(_IMPORT, pg_url) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        deadline = time.monotonic() + 60
        while not _copying(pg_url):  # wait until the features are streaming into the server
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    _wait_gone(pg_url)
    assert [v.version for v in store.versions("industrial_parks")] == [1]
    assert store.revision() == before and _tables(pg_url) == tables  # no half-written lv_ table
    # and the layer's lock is free again: the next import is version 2
    assert store.add_layer_version("industrial_parks", _one(), source_name="b.zip", sha256="2" * 64,
                                   user="t").version == 2


def test_kill_during_a_decision_leaves_the_proposal_as_it_was(pg_url: str) -> None:
    store = open_store(url=pg_url)
    store.add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Khu A", user="lan", status="submitted")
    before = store.revision()
    with _run(_DECIDE, pg_url) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "inside"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    _wait_gone(pg_url)
    p = store.proposal(1)
    assert p.status == "submitted" and [d.by for d in p.history] == ["lan"] and store.revision() == before
    assert store.set_status(1, "approved", user="hung").status == "approved"  # nothing left locked


def _one() -> object:
    import geopandas as gpd

    return gpd.GeoDataFrame({"name": ["KCN"]}, geometry=[shapely.box(590_000, 2_260_000, 590_400, 2_260_250)], crs=9209)


def _copying(url: str) -> bool:
    with psycopg.connect(url) as con:
        row = con.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                          " AND query ILIKE 'COPY%%' AND state = 'active'").fetchone()
    return bool(row and row[0])


def _wait_gone(url: str) -> None:
    """Until the server has noticed the dead client and rolled its transaction back."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with psycopg.connect(url) as con:
            row = con.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                              " AND pid <> pg_backend_pid() AND backend_type = 'client backend'").fetchone()
        if row and row[0] == 0:
            return
        time.sleep(0.05)
    raise AssertionError("the killed client's connection is still open")
