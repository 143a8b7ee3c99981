"""The permission matrix (issue 12 §2, §5): every role × every action, through the domain, on both
stores. A refused change says why in the user's language and writes nothing; an allowed one is
recorded under the signed-in account's name."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely

from tbgeo import proposals
from tbgeo.auth import ACTIONS, PERMISSIONS, ROLES, Identity, accounts as acc, allowed, single_user
from tbgeo.errors import PermissionDenied
from tbgeo.ingest.export import export_layer
from tbgeo.ingest.pipeline import commit_import, plan_import
from tbgeo.ingest.versions import rollback
from tbgeo.store import Store

SITE = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)

#: The matrix as the issue states it; the code's PERMISSIONS must say the same.
EXPECTED = {
    "viewer": {"view"},
    "planner": {"view", "review", "proposal.edit", "proposal.comment"},
    "gis": {"view", "layer.import", "layer.rollback", "layer.export"},
    "approver": {"view", "proposal.decide", "proposal.comment"},
    "admin": {"view", "users.manage", "proposal.tidy"},  # tidying anyone's drafts (issue 13 §4)
}


def test_the_matrix_is_the_issues() -> None:
    assert {r: set(a) for r, a in PERMISSIONS.items()} == EXPECTED and set(ROLES) == set(EXPECTED)
    both = Identity("x", "x", frozenset({"planner", "gis"}))
    assert allowed(both, "review") and allowed(both, "layer.import") and not allowed(both, "proposal.decide")


def _parks_file(tmp_path: Path) -> Path:
    path = tmp_path / "kcn.geojson"
    frame = gpd.GeoDataFrame({"name": ["KCN Tiền Hải"]}, geometry=[shapely.box(630_000, 2_255_000, 631_000, 2_256_000)],
                             crs=9209).to_crs(4326)
    path.write_text(frame.to_json(), encoding="utf-8")
    return path


def _actions(store: Store, who: Identity, tmp_path: Path) -> dict[str, Callable[[], Any]]:
    """One domain call per action, each on data made for it beforehand (by the store, as someone else)."""
    own = store.add_proposal(SITE, name="Khu của mình", user=who.name, report={"verdict": "ok"})
    submitted = store.add_proposal(shapely.box(610_000, 2_250_000, 610_300, 2_250_300), name="Khu đã trình",
                                   user="someone", status="submitted", report={"verdict": "ok"})
    others = store.add_proposal(shapely.box(620_000, 2_250_000, 620_300, 2_250_300), name="Dự thảo của người khác",
                                user="someone", report={"verdict": "ok"})
    store.add_layer_version("industrial_parks", gpd.read_file(_parks_file(tmp_path)), source_name="a.geojson",
                            sha256="0" * 64, user="someone")
    plan = plan_import(_parks_file(tmp_path), layer_id="industrial_parks")
    return {
        "view": lambda: store.proposals(),
        "review": lambda: proposals.new_proposal(store, SITE, name="Khu mới", actor=who),
        "proposal.edit": lambda: proposals.update_review(store, own.id, {"verdict": "warn"}, actor=who),
        "proposal.comment": lambda: proposals.comment(store, submitted.id, "Ý kiến", actor=who),
        "proposal.decide": lambda: proposals.set_status(store, submitted.id, "approved", actor=who),
        "proposal.tidy": lambda: proposals.delete_draft(store, others.id, actor=who),
        "layer.import": lambda: commit_import(plan, actor=who, workspace=store),
        "layer.rollback": lambda: rollback(store, "industrial_parks", None, actor=who),
        "layer.export": lambda: export_layer("industrial_parks", tmp_path / "out.geojson", actor=who),
        "users.manage": lambda: acc.add_user(store, who, f"new.{who.name}", "mật khẩu dài", ["viewer"]),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_role_and_every_action(any_store: Store, role: str, tmp_path: Path) -> None:
    store = any_store
    store.add_user("root.admin", display_name="Quản trị", password_hash=acc.hash_password("mật khẩu dài"),
                   roles=("admin",))
    who = acc.identity_of(store.add_user(f"u.{role}", display_name=role, password_hash="x", roles=(role,)))
    actions = _actions(store, who, tmp_path)
    assert set(actions) == set(ACTIONS)
    for action, call in actions.items():
        before = store.revision()
        if action in EXPECTED[role]:
            call()
            if action != "view" and action != "layer.export":
                assert store.audit(1)[0]["who"] == who.name, action  # the real identity, recorded
        else:
            with pytest.raises(PermissionDenied) as err:
                call()
            text = err.value.message("vi")
            assert text.startswith(f"u.{role} không được phép ") and "Không có thay đổi nào được lưu." in text, text
            assert store.revision() == before, action  # nothing written
    if "layer.export" in EXPECTED[role]:
        assert json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))["features"]


def test_a_viewer_cannot_import_approve_or_roll_back_and_is_told_in_english_too(any_store: Store, tmp_path: Path) -> None:
    store = any_store
    store.add_user("boss", display_name="Boss", password_hash="x", roles=("admin",))
    viewer = acc.identity_of(store.add_user("xem", display_name="Người xem", password_hash="x", roles=("viewer",)))
    actions = _actions(store, viewer, tmp_path)
    for action in ("layer.import", "proposal.decide", "layer.rollback"):
        with pytest.raises(PermissionDenied) as err:
            actions[action]()
        assert err.value.message("en").startswith("xem may not ") and "their roles are viewer" in err.value.message("en")
    assert [v.version for v in store.versions("industrial_parks")] == [1]
    assert store.active_version("industrial_parks") is not None and store.proposal(2).status == "submitted"


def test_a_planner_edits_only_their_own_proposals(any_store: Store) -> None:
    store = any_store
    store.add_user("boss", display_name="Boss", password_hash="x", roles=("admin",))
    lan = acc.identity_of(store.add_user("lan", display_name="Lan", password_hash="x", roles=("planner",)))
    binh = acc.identity_of(store.add_user("binh", display_name="Bình", password_hash="x", roles=("planner",)))
    hung = acc.identity_of(store.add_user("hung", display_name="Hùng", password_hash="x", roles=("approver",)))
    p = proposals.new_proposal(store, SITE, name="Khu của Lan", actor=lan)
    with pytest.raises(PermissionDenied) as err:
        proposals.update_review(store, p.id, {"verdict": "ok"}, actor=binh)
    assert err.value.message("vi") == ("binh chỉ được sửa đề xuất do mình lập; đề xuất số 1 do lan lập. "
                                       "Không có thay đổi nào được lưu.")
    with pytest.raises(PermissionDenied, match="binh chỉ được sửa đề xuất do mình lập|binh may edit only"):
        proposals.set_status(store, p.id, "submitted", actor=binh)
    assert proposals.set_status(store, p.id, "submitted", actor=lan).status == "submitted"
    assert proposals.statuses_for(lan, store.proposal(p.id)) == ("draft",)  # withdraw, never approve
    assert proposals.statuses_for(hung, store.proposal(p.id)) == ("approved", "rejected")
    decided = proposals.set_status(store, p.id, "approved", actor=hung)
    assert [(d.by, d.status_to) for d in decided.history] == [("lan", "draft"), ("lan", "submitted"), ("hung", "approved")]


def test_account_changes_and_sign_ins_are_recorded_under_the_real_identity(any_store: Store) -> None:
    """Issue 12 §2: role changes, disabling, passwords and sign-ins carry who did them, on both stores."""
    store = any_store
    acc.add_user(store, single_user(), "quantri", "mật khẩu dài", ["admin"])
    admin = acc.sign_in(store, "quantri", "mật khẩu dài")
    acc.add_user(store, admin, "lan", "mật khẩu của Lan", ["planner"])
    acc.set_roles(store, admin, "lan", ["planner", "gis"])
    acc.set_disabled(store, admin, "lan")
    acc.set_disabled(store, admin, "lan", False)
    lan = acc.sign_in(store, "lan", "mật khẩu của Lan")
    acc.set_password(store, lan, "lan", "mật khẩu mới của Lan")  # one's own password: no admin needed
    got = [(a["who"], a["action"], a["target"]) for a in store.audit(7)]
    assert got == [("lan", "user.password", "user:lan"), ("lan", "user.sign_in", "user:lan"),
                   ("quantri", "user.enable", "user:lan"), ("quantri", "user.disable", "user:lan"),
                   ("quantri", "user.roles", "user:lan"), ("quantri", "user.add", "user:lan"),
                   ("quantri", "user.sign_in", "user:quantri")]
    assert [a["details"] for a in store.audit(7) if a["action"] == "user.roles"] == [{"from": ["planner"],
                                                                                       "to": ["planner", "gis"]}]
