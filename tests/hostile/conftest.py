"""Fixtures for the hostile-file tests: a recording local server, and a store with one version."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hostile.corpus import geojson, parks, shapefile_zip


@dataclass
class Recorder:
    """A TCP server on 127.0.0.1 that records every connection (and the request's first bytes)."""

    port: int
    connections: list[bytes] = field(default_factory=list)

    def url(self, path: str = "/crs.prj") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture()
def recorder() -> Iterator[Recorder]:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(0.2)
    rec = Recorder(port=srv.getsockname()[1])
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                rec.connections.append(conn.recv(200))
            except OSError:
                rec.connections.append(b"")
            held.append(conn)  # answer nothing, keep it open: an address that does not answer stalls GDAL

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield rec
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    srv.close()


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding version 1 of industrial_parks (built once; tests copy it)."""
    import os

    from tbgeo.ingest.pipeline import commit_import, plan_import
    from tbgeo.store.gpkg import GpkgStore

    root = tmp_path_factory.mktemp("seed")
    store = root / "tbgeo.gpkg"
    z = shapefile_zip(root / "good", "kcn", parks(3))
    old = os.environ.get("TBGEO_USER")
    os.environ["TBGEO_USER"] = "seed"
    try:
        commit_import(plan_import(z, layer_id="industrial_parks"), workspace=GpkgStore.open(store), confirm_removal=True)
    finally:
        if old is not None:
            os.environ["TBGEO_USER"] = old
    return store


@pytest.fixture()
def store(seeded_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the seeded store, used as this test's workspace."""
    path = tmp_path / "ws" / "tbgeo.gpkg"
    path.parent.mkdir()
    shutil.copy2(seeded_store, path)
    monkeypatch.setenv("TBGEO_WORKSPACE", str(path))
    return path


__all__ = ["Recorder", "geojson"]
