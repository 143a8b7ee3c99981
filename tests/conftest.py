"""Shared fixtures: every test gets its own empty workspace, so none touches the real one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_workspace(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    ws_dir = tmp_path_factory.mktemp("workspace")
    monkeypatch.setenv("TBGEO_WORKSPACE", str(ws_dir / "tbgeo.gpkg"))
    monkeypatch.setenv("TBGEO_USER", "pytest")
    # derived products are keyed by their inputs, so one cache serves the whole run safely
    monkeypatch.setenv("TBGEO_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
