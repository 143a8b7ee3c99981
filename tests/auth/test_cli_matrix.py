"""The permission matrix through the command line (issue 12 §5): every role × every action the `tbgeo`
command reaches. A refused one exits 5, says who may not do what in Vietnamese, and writes nothing; an
allowed one exits 0 and the history names the account. One GeoPackage store for the module (accounts
made once); each case makes the proposal or layer version it acts on."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from tbgeo.auth import PERMISSIONS, ROLES
from tbgeo.cli import main
from tbgeo.store import Store, open_store
from tests.auth.roles import one_account_a_role

SITE = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)
PARK = shapely.box(630_000, 2_255_000, 631_000, 2_256_000)
REFUSED = "Không có thay đổi nào được lưu."


@dataclass(frozen=True)
class Case:
    """One action: the right it needs, the command (given the user, a folder and the store, after the
    case's data is made), and what the history says after it (the user's name, where it is recorded)."""

    right: str
    argv: Callable[[str, Path, Store], list[str]]
    recorded: Callable[[Store, str, Path], object]


def _draft(store: Store, owner: str, status: str = "draft") -> int:
    return store.add_proposal(SITE, name="Khu thử", user=owner, status=status, report={"verdict": "ok"}).id


def _layer(store: Store) -> None:
    frame = gpd.GeoDataFrame({"name": ["KCN Tiền Hải"]}, geometry=[PARK], crs=9209)
    store.add_layer_version("industrial_parks", frame, source_name="a.geojson", sha256="0" * 64, user="someone")


def _files(tmp: Path) -> None:
    site = gpd.GeoDataFrame({"name": ["Khu thử"]}, geometry=[shapely.box(106.400, 20.450, 106.403, 20.453)], crs=4326)
    (tmp / "site.geojson").write_text(site.to_json(), encoding="utf-8")
    parks = gpd.GeoDataFrame({"name": ["KCN Tiền Hải"]}, geometry=[PARK], crs=9209).to_crs(4326)
    (tmp / "kcn.geojson").write_text(parks.to_json(), encoding="utf-8")


def _last(store: Store, pid: int) -> tuple[str, str | None]:
    d = store.proposal(pid).history[-1]
    return d.by, d.status_to


CASES: dict[str, Case] = {
    "review/save": Case(
        "review", lambda u, tmp, s: ["check", str(tmp / "site.geojson"), "--save", "--user", u, "--no-proposals"],
        lambda s, u, tmp: [(p.created_by, p.status) for p in s.proposals()][:1] == [(u, "draft")]),
    "comment": Case(
        "proposal.comment",
        lambda u, tmp, s: ["proposals", str(_draft(s, "someone", "submitted")), "--comment", "Ý kiến", "--user", u],
        lambda s, u, tmp: _last(s, s.proposals()[0].id) == (u, None)),
    "submit": Case(
        "proposal.edit", lambda u, tmp, s: ["proposals", str(_draft(s, u)), "--status", "submitted", "--user", u],
        lambda s, u, tmp: _last(s, s.proposals()[0].id) == (u, "submitted")),
    "decide": Case(
        "proposal.decide",
        lambda u, tmp, s: ["proposals", str(_draft(s, "someone", "submitted")), "--status", "rejected", "--user", u],
        lambda s, u, tmp: _last(s, s.proposals()[0].id) == (u, "rejected")),
    "tidy": Case(
        "proposal.tidy", lambda u, tmp, s: ["proposals", "delete", str(_draft(s, "someone")), "--user", u],
        lambda s, u, tmp: _last(s, s.proposals()[0].id) == (u, "deleted")),
    "import": Case(
        "layer.import",
        lambda u, tmp, s: ["import", str(tmp / "kcn.geojson"), "--layer", "industrial_parks", "--user", u, "--yes"],
        lambda s, u, tmp: s.versions("industrial_parks")[-1].created_by == u),
    "rollback": Case(
        "layer.rollback", lambda u, tmp, s: (_layer(s), ["rollback", "industrial_parks", "shipped", "--user", u])[1],
        lambda s, u, tmp: (s.audit(1)[0]["who"], s.active_version("industrial_parks")) == (u, None)),
    "export": Case(
        "layer.export",
        lambda u, tmp, s: ["export", "industrial_parks", "--out", str(tmp / f"{u}.geojson"), "--user", u],
        lambda s, u, tmp: len(json.loads((tmp / f"{u}.geojson").read_text(encoding="utf-8"))["features"]) == 12),
    "users manage": Case(
        "users.manage",
        lambda u, tmp, s: ["users", "add", f"moi.{u}", "--role", "viewer", "--by", u, "--password-stdin"],
        lambda s, u, tmp: (s.audit(1)[0]["who"], s.audit(1)[0]["target"]) == (u, f"user:moi.{u}")),
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store for the module: an admin made from the single-user workbench, one account a role."""
    folder = tmp_path_factory.mktemp("cli_matrix")
    path = folder / "tbgeo.gpkg"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TBGEO_WORKSPACE", str(path))
        store = open_store()
        one_account_a_role(store)
    _files(folder)
    return path


@pytest.mark.parametrize("action", list(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_every_role_and_every_command_line_action(workspace: Path, role: str, action: str,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TBGEO_WORKSPACE", str(workspace))
    monkeypatch.setattr("sys.stdin", io.StringIO("mật khẩu dài\n"))
    case, user, tmp = CASES[action], f"u.{role}", workspace.parent
    store = open_store()
    argv = case.argv(user, tmp, store)  # the case's data made (as someone else) before the command
    before, logged = store.revision(), len(store.audit())
    rc = main(argv)
    out, err = capsys.readouterr()
    if case.right in PERMISSIONS[role]:
        assert rc == 0, err
        assert case.recorded(store, user, tmp), (out, store.audit(2))
    else:
        assert rc == 5, (out, err)
        assert err.strip().endswith(REFUSED) and user in err, err
        assert (store.revision(), len(store.audit())) == (before, logged)  # nothing written
        assert action != "export" or not (tmp / f"{user}.geojson").exists()
