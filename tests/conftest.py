"""Shared fixtures: every test gets its own empty workspace, so none touches the real one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tbgeo.store import Store, open_store
from tests.pgserver import drop_database, new_database, pg_url  # noqa: F401  (a fixture)


@pytest.fixture(autouse=True)
def _isolated_workspace(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    ws_dir = tmp_path_factory.mktemp("workspace")
    monkeypatch.setenv("TBGEO_WORKSPACE", str(ws_dir / "tbgeo.gpkg"))
    monkeypatch.setenv("TBGEO_USER", "pytest")
    # the GeoPackage store unless a test asks for the PostGIS one; accounts and sign-in from defaults
    for name in ("TBGEO_DATABASE_URL", "TBGEO_AUTH", "TBGEO_AUTH_HEADER", "TBGEO_TRUSTED_PROXY", "TBGEO_OIDC_CLAIM"):
        monkeypatch.delenv(name, raising=False)
    # derived products are keyed by their inputs, so one cache serves the whole run safely
    monkeypatch.setenv("TBGEO_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(autouse=True)
def _served_on_this_computer() -> Iterator[None]:
    """AppTest does not read .streamlit/config.toml: the app is served on localhost, as `make run` does."""
    import streamlit as st

    old = st.get_option("server.address")
    st.config.set_option("server.address", "localhost")
    yield
    st.config.set_option("server.address", old)


@pytest.fixture(params=["gpkg", "postgis"])
def store_kind(request: pytest.FixtureRequest) -> str:
    """Both stores, for tests that must hold on each (issue 12 §1: one store test suite)."""
    return str(request.param)


@pytest.fixture
def any_store(store_kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """An empty store of each kind, also what ``open_store()`` opens during the test."""
    if store_kind == "gpkg":
        monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "store.gpkg"))
        yield open_store()
        return
    url = new_database()
    monkeypatch.setenv("TBGEO_DATABASE_URL", url)
    try:
        yield open_store()
    finally:
        drop_database(url)
