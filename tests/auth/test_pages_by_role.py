"""What each role sees in the app (issue 12 §5): the pages the app's navigation offers a signed-in person
of each role, and the controls on the review and upload pages. The identity is injected into the
session as the sign-in leaves it; its account is in the store (the app checks it on every view). One
store for the module: an account a role, someone else's draft, one imported version of the layer the
upload page opens on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
import streamlit as st
from streamlit.testing.v1 import AppTest

from tbgeo.auth import PERMISSIONS, ROLES, Identity, accounts as acc
from tbgeo.i18n import t
from tbgeo.store import open_store
from tests.auth.roles import one_account_a_role

ROOT = Path(__file__).resolve().parents[2]

#: The pages each role is offered, in the menu's order (the first is the home page).
PAGES = {
    "viewer": ["map", "print", "targets", "data"],
    "planner": ["map", "review", "print", "targets", "search", "data"],
    "gis": ["map", "upload", "print", "targets", "data"],
    "approver": ["map", "review", "print", "targets", "data"],
    "admin": ["map", "review", "print", "targets", "data"],  # the proposals, to tidy anyone's drafts
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pages_by_role") / "tbgeo.gpkg"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TBGEO_WORKSPACE", str(path))
        store = open_store()
        one_account_a_role(store, display=True)
        store.add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Khu của người khác",
                           user="someone", report={"verdict": "ok"})
        parks = gpd.GeoDataFrame({"name": ["KCN Tiền Hải"]}, geometry=[shapely.box(630_000, 2_255_000, 631_000, 2_256_000)],
                                 crs=9209)
        store.add_layer_version("industrial_parks", parks, source_name="a.gpkg", sha256="0" * 64, user="someone")
    return path


@pytest.fixture
def who(workspace: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Identity]:
    monkeypatch.setenv("TBGEO_WORKSPACE", str(workspace))
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    role = request.param
    yield acc.identity_of(open_store().user(f"u.{role}"))  # type: ignore[arg-type]


def _run(at: AppTest, who: Identity) -> AppTest:
    at.session_state["identity"] = who  # as the sign-in form leaves it
    at.run()
    assert not at.exception, at.exception
    return at


def _page(module: str, who: Identity) -> AppTest:
    script = f"import importlib\nimportlib.import_module({module!r}).render('vi')\n"
    return _run(AppTest.from_string(script, default_timeout=90), who)


@pytest.mark.parametrize("who", ROLES, indirect=True)
def test_the_navigation_offers_each_role_its_pages(who: Identity) -> None:
    (role,) = who.roles
    at = _run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), who)
    assert list(at.session_state["nav_pages"]) == PAGES[role]
    assert at.title[0].value == "Bản đồ quy hoạch công nghiệp tỉnh Thái Bình"  # the home page, for everyone
    assert f"Đang đăng nhập: Người {role} ({t(f'auth.role.{role}', 'vi')})" in [c.value for c in at.sidebar.caption]


@pytest.mark.parametrize("who", ROLES, indirect=True)
def test_the_review_pages_controls_follow_the_role(who: Identity) -> None:
    """On someone else's draft: reopening and re-checking it for who may review, archiving and deleting
    it for who tidies anyone's drafts, the decision form for who may decide or comment."""
    (role,) = who.roles
    rights = PERMISSIONS[role]
    at = _page("tbgeo.ui.pages.review", who)
    buttons = {b.label for b in at.button}
    assert "Thẩm tra" in buttons  # anyone on the page may look at a site (only a planner's look is kept)
    assert {t("review.page.reopen", "vi"), t("review.page.recheck", "vi")} <= buttons or "review" not in rights
    assert ({t("review.page.reopen", "vi"), t("review.page.recheck", "vi")} & buttons == set()) == ("review" not in rights)
    assert ({"Lưu trữ", "Xoá"} <= buttons) == ("proposal.tidy" in rights)
    assert ({"Lưu trữ", "Xoá"} & buttons == set()) == ("proposal.tidy" not in rights)
    decides = bool(rights & {"proposal.decide", "proposal.comment"})
    assert ("Ghi nhận" in buttons) == decides
    statuses = [s.options for s in at.selectbox if s.label == t("review.page.new_status", "vi")]
    assert statuses == ([["— chỉ ghi ý kiến —", "Không duyệt"]] if "proposal.decide" in rights else
                        [["— chỉ ghi ý kiến —"]] if decides else [])


@pytest.mark.parametrize("who", ROLES, indirect=True)
def test_the_upload_pages_controls_follow_the_role(who: Identity) -> None:
    (role,) = who.roles
    rights = PERMISSIONS[role]
    at = _page("tbgeo.ui.pages.upload", who)
    buttons = {b.label for b in at.button}
    assert bool(at.get("file_uploader")) == ("layer.import" in rights)
    assert (t("ingest.ui_rollback_button", "vi") in buttons) == ("layer.rollback" in rights)
    assert (t("ingest.ui_export_prepare", "vi") in buttons) == ("layer.export" in rights)
    infos = [i.value for i in at.info]
    says_view_only = any(v.startswith("Vai trò của bạn") for v in infos)
    assert says_view_only == ("layer.import" not in rights)
