"""One store test suite, run against both stores (issue 12 §1): the GeoPackage file and PostGIS.

Each test gets an empty store of each kind (``any_store``); the same calls must give the same
answers, the same Vietnamese text, the same numbers and the same refusals.
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from tbgeo.errors import ConflictError, InputError
from tbgeo.i18n.params import fmt_when
from tbgeo.store import Store, open_store

# NFC text with every kind of Vietnamese letter the plan's names use
NAME = "Khu công nghiệp Tiền Hải — Đông Cơ, Thái Thụy (Ưu tiên)"
SITE = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)  # 20 ha in EPSG:9209


def _parks(n: int, *, offset: float = 0.0) -> gpd.GeoDataFrame:
    boxes = [shapely.box(590_000 + i * 1_000 + offset, 2_260_000, 590_400 + i * 1_000 + offset, 2_260_250) for i in range(n)]
    return gpd.GeoDataFrame(
        {"name": [f"{NAME} {i}" for i in range(n)], "area_ha": [10.0 + i for i in range(n)],
         "status": ["Đang hoạt động"] * n, "code": list(range(1, n + 1))},
        geometry=boxes, crs=9209,
    )


def test_an_empty_store_answers_as_empty(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if store_kind == "gpkg":
        store = open_store(tmp_path / "none.gpkg", create=False)
    else:
        store = open_store(url=request.getfixturevalue("pg_url"), create=False)
    assert store.kind == store_kind
    assert store.versions("industrial_parks") == [] and store.active_version("industrial_parks") is None
    assert store.proposals() == [] and store.find_proposal(1) is None and store.users() == [] and not store.has_users()
    assert store.revision() == "0" and store.audit() == [] and store.state() == ("", "0", {})
    with pytest.raises(InputError) as err:
        store.proposal(1)
    assert err.value.key == "workspace.no_proposal"
    with pytest.raises(InputError) as err:
        store.read_version("industrial_parks", 1)
    assert err.value.key == "workspace.no_version"
    if store_kind == "gpkg":
        assert not (tmp_path / "none.gpkg").exists()  # reading made nothing


def test_layer_versions_keep_features_text_and_provenance(any_store: Store) -> None:
    store = any_store
    v1 = store.add_layer_version("industrial_parks", _parks(3), source_name="kcn.zip", sha256="a" * 64, user="Lan",
                                 details={"mode": "replace", "encoding": "TCVN3"})
    v2 = store.add_layer_version("industrial_parks", _parks(2, offset=100).to_crs(4326), source_name="kcn2.zip",
                                 sha256="b" * 64, user="Bình")
    assert (v1.version, v1.features, v1.created_by, v1.details) == (1, 3, "Lan", {"mode": "replace", "encoding": "TCVN3"})
    assert (v2.version, v2.features, v2.active) == (2, 2, True)
    assert [v.active for v in store.versions("industrial_parks")] == [False, True]
    back = store.read_version("industrial_parks", 1)
    assert back.crs.to_epsg() == 9209 and len(back) == 3
    assert list(back["name"]) == [f"{NAME} {i}" for i in range(3)]
    assert all(unicodedata.is_normalized("NFC", n) for n in back["name"])
    assert list(back["code"]) == [1, 2, 3] and list(back["area_ha"]) == [10.0, 11.0, 12.0]
    assert back.geometry.area.round(1).tolist() == [100_000.0] * 3  # 400 m × 250 m, kept exactly
    assert set(back.geom_type) == {"MultiPolygon"}
    # written in WGS 84, stored in VN-2000 metres: back within a millimetre
    again = store.read_version("industrial_parks", 2)
    assert again.geometry.iloc[0].bounds == pytest.approx((590_100, 2_260_000, 590_500, 2_260_250), abs=1e-3)
    # rollback to v1, then to the shipped data
    assert store.set_active("industrial_parks", 1, user="Lan").version == 1
    assert store.set_active("industrial_parks", None, user="Lan") is None
    with pytest.raises(InputError, match="không có phiên bản 9|has no version 9"):
        store.set_active("industrial_parks", 9, user="Lan")
    actions = [(a["who"], a["action"], a["target"]) for a in store.audit()]
    assert actions == [("Lan", "layer.activate", "industrial_parks"), ("Lan", "layer.activate", "industrial_parks"),
                       ("Bình", "layer.import", "industrial_parks@2"), ("Lan", "layer.import", "industrial_parks@1")]


def test_every_change_gives_a_new_revision_and_keeps_the_identity(any_store: Store) -> None:
    store = any_store
    identity, first = store.identity(), store.revision()
    store.add_proposal(SITE, name=NAME, user="Lan")
    second = store.revision()
    store.add_comment(1, "Xem lại ranh giới", user="Bình")
    assert len({first, second, store.revision()}) == 3 and store.identity() == identity != ""
    ident, rev, active = store.state()
    assert (ident, rev, active) == (identity, store.revision(), {})


def test_a_drafts_outline_is_replaced_in_place(any_store: Store) -> None:
    store = any_store
    store.add_proposal(SITE, name=NAME, report={"verdict": "ok"}, user="Lan")
    moved = shapely.box(600_000, 2_262_000, 600_500, 2_262_400)  # 20 ha elsewhere
    smaller = shapely.box(600_000, 2_262_000, 600_250, 2_262_400)  # 10 ha
    p = store.update_report(1, {"verdict": "warn"}, user="Lan", geometry=smaller, expected=1)
    assert (p.id, p.row_version, p.area_ha) == (1, 2, pytest.approx(10.0)) and p.geometry.equals(smaller)
    assert [(c.by, c.field, c.old, c.new) for c in p.changes] == [
        ("Lan", "area_ha", "20.0", "10.0"), ("Lan", "verdict", "ok", "warn")]
    frame = store.proposals_frame()  # what the map and QGIS read
    assert frame.geometry.iloc[0].equals(smaller) and list(frame["area_ha"]) == [pytest.approx(10.0)]
    # a stale view does not move it
    with pytest.raises(ConflictError, match="Lan"):
        store.update_report(1, {"verdict": "ok"}, user="Bình", geometry=moved, expected=1)
    assert store.proposal(1).geometry.equals(smaller)


def test_proposals_with_history_changes_and_stale_views(any_store: Store) -> None:
    store = any_store
    p = store.add_proposal(SITE, name=NAME, attributes={"sector": "textile_garment", "workforce": 200},
                           report={"verdict": "warn", "findings": [{"id": "b", "n": 2}, {"id": "a", "n": 1}]}, user="Lan")
    assert (p.id, p.status, p.row_version, p.area_ha) == (1, "draft", 1, pytest.approx(20.0))
    assert p.geometry.equals(SITE) and p.name == NAME
    assert p.report == {"verdict": "warn", "findings": [{"id": "b", "n": 2}, {"id": "a", "n": 1}]}  # order kept
    p = store.update_report(1, {"verdict": "ok"}, user="Lan", attributes={"sector": "textile_garment", "workforce": 350},
                            expected=1)
    assert p.row_version == 2
    assert [(c.field, c.old, c.new) for c in p.changes] == [("attributes.workforce", "200", "350"), ("verdict", "warn", "ok")]
    p = store.set_status(1, "submitted", user="Lan", comment="Trình thẩm định", expected=2)
    assert (p.status, p.row_version) == ("submitted", 3)
    # an approver who opened version 2 is refused, told who changed it and when, nothing written
    before = store.revision()
    with pytest.raises(ConflictError) as err:
        store.set_status(1, "approved", user="Hùng", expected=2)
    assert err.value.key == "store.conflict"
    text = err.value.message("vi")
    assert text.startswith("Đề xuất số 1 đã được Lan thay đổi lúc ") and "(hiện ở trạng thái Chờ duyệt)" in text
    at = p.history[-1].at  # shown in Vietnam's time, as the office reads it
    assert fmt_when(at, "vi") in text and fmt_when(at, "vi").count("/") == 2
    assert store.revision() == before and store.proposal(1).status == "submitted"
    p = store.set_status(1, "approved", user="Hùng", expected=3, details={"override_reason": "Dự án trọng điểm"})
    assert [(d.by, d.status_from, d.status_to, d.comment) for d in p.history] == [
        ("Lan", None, "draft", ""), ("Lan", "draft", "submitted", "Trình thẩm định"), ("Hùng", "submitted", "approved", "")]
    assert store.audit(1)[0]["details"] == {"from": "submitted", "to": "approved", "override_reason": "Dự án trọng điểm"}
    assert [x.id for x in store.proposals(("approved",))] == [1] and store.proposals(("draft",)) == []
    assert store.proposals(()) == []
    frame = store.proposals_frame()
    assert frame.crs.to_epsg() == 9209 and list(frame["status"]) == ["approved"] and list(frame["name"]) == [NAME]


def test_accounts(any_store: Store) -> None:
    store = any_store
    u = store.add_user("lan.nt", display_name="Nguyễn Thị Lan", password_hash="h1", roles=("planner",), user="admin")
    assert (u.name, u.display_name, u.roles, u.disabled, u.created_by) == ("lan.nt", "Nguyễn Thị Lan", ("planner",), False, "admin")
    with pytest.raises(InputError) as err:
        store.add_user("lan.nt", display_name="x", password_hash="h", roles=("viewer",))
    assert err.value.key == "auth.user_exists"
    assert store.update_user("lan.nt", user="admin", roles=("planner", "approver")).roles == ("planner", "approver")
    assert store.update_user("lan.nt", user="admin", disabled=True).disabled
    for _ in range(2):  # an attempt is counted when claimed, its outcome recorded after
        before = store.claim_sign_in("lan.nt")
        store.record_sign_in("lan.nt", False)
    assert before.account is not None and before.failures == 1 and store.user("lan.nt").failures == 2
    # a name without an account is counted alike (so its waits are the same), and makes no account
    first, second = store.claim_sign_in("khong.co"), store.claim_sign_in("khong.co")
    assert (first.account, first.failures, first.failed_at) == (None, 0, None)
    assert (second.account, second.failures) == (None, 1) and second.failed_at is not None
    assert store.user("khong.co") is None
    revision, logged = store.revision(), len(store.audit())
    store.record_sign_in("khong.co", False)  # the same work as for an account, but nothing logged
    store.record_sign_in("lan.nt", True)  # logged; the revision kept (nothing shown changed: no map redrawn)
    assert (store.revision(), len(store.audit()), store.audit(1)[0]["action"]) == (revision, logged + 1, "user.sign_in")
    assert store.user("lan.nt").failures == 0
    store.claim_sign_in("lan.nt")
    store.update_user("lan.nt", user="admin", password_hash="h2")
    assert (store.user("lan.nt").failures, store.user("lan.nt").password_hash) == (0, "h2")
    assert store.has_users() and [x.name for x in store.users()] == ["lan.nt"]
    assert [a["action"] for a in store.audit()][:5] == ["user.password", "user.sign_in", "user.sign_in_failed",
                                                        "user.sign_in_failed", "user.disable"]


def test_account_checks_run_inside_the_change_and_refuse_it_whole(any_store: Store) -> None:
    """``update_user``'s check sees every account as stored; ``claim_sign_in``'s sees the count before
    the attempt: either refuses by raising, and nothing is written (no count, no change, no history)."""
    from tbgeo.errors import PermissionDenied
    from tbgeo.store import SignInClaim, User

    store = any_store
    store.add_user("an", display_name="An", password_hash="h", roles=("admin",), user="root")
    store.add_user("binh", display_name="Bình", password_hash="h", roles=("admin", "planner"), user="root")
    seen: list[list[tuple[str, tuple[str, ...], bool]]] = []

    def refuse(users: list[User]) -> None:
        seen.append([(u.name, u.roles, u.disabled) for u in users])
        raise InputError("auth.last_admin", name="binh")

    logged = len(store.audit())
    with pytest.raises(InputError, match="last active admin"):
        store.update_user("binh", user="an", disabled=True, roles=("planner",), check=refuse)
    assert seen == [[("an", ("admin",), False), ("binh", ("admin", "planner"), False)]]
    assert (store.user("binh").roles, store.user("binh").disabled, len(store.audit())) == (("admin", "planner"), False, logged)
    claims: list[SignInClaim] = []

    def wait(claim: SignInClaim) -> None:
        claims.append(claim)
        raise PermissionDenied("auth.wait", seconds=5)

    for name in ("an", "khong.co"):
        store.claim_sign_in(name)
        with pytest.raises(PermissionDenied) as err:
            store.claim_sign_in(name, wait)
        assert err.value.key == "auth.wait"
        assert store.claim_sign_in(name).failures == 1  # the refused attempt was not counted
    assert [(c.account.name if c.account else None, c.failures) for c in claims] == [("an", 1), (None, 1)]


def test_two_imports_of_one_layer_at_once_both_become_versions(any_store: Store) -> None:
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            open_store().add_layer_version("industrial_parks", _parks(50 + i), source_name=f"{i}.zip", sha256=str(i) * 64,
                                           user=f"gis{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    versions = any_store.versions("industrial_parks")
    assert [v.version for v in versions] == [1, 2]
    assert sorted(v.features for v in versions) == [50, 51]  # nothing lost, each as imported
    assert {len(any_store.read_version("industrial_parks", v.version)) for v in versions} == {50, 51}


def test_two_approvers_on_one_view_exactly_one_wins(any_store: Store) -> None:
    any_store.add_proposal(SITE, name=NAME, user="Lan", status="submitted")
    seen = any_store.proposal(1).row_version
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide(who: str) -> None:
        barrier.wait()
        try:
            open_store().set_status(1, "approved", user=who, expected=seen)
            outcomes.append("won")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(w,)) for w in ("Hùng", "Mai")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["conflict", "won"]
    assert [d.status_to for d in any_store.proposal(1).history] == ["submitted", "approved"]


def test_two_approvals_of_overlapping_sites_at_once_only_one_lands(any_store: Store) -> None:
    """Approvals are checked one after another against the land approved (the store's ``outlines``):
    two approvers approving two proposals on shared land at once, only one is approved."""
    from tbgeo import proposals as lifecycle
    from tbgeo.auth import Identity

    other = shapely.box(600_100, 2_250_000, 600_600, 2_250_400)  # 16 ha shared with SITE
    a = any_store.add_proposal(SITE, name="A", user="lan", status="submitted")
    b = any_store.add_proposal(other, name="B", user="mai", status="submitted")
    assert any_store.outlines(("approved",)) == []
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide(pid: int, who: str) -> None:
        barrier.wait()
        try:
            lifecycle.set_status(open_store(), pid, "approved", actor=Identity(who, who, frozenset({"approver"})))
            outcomes.append("won")
        except InputError as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=decide, args=(p.id, w)) for p, w in ((a, "hung"), (b, "thu"))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["won", "workspace.overlaps_approved"]
    approved = any_store.outlines(("approved",))
    assert len(approved) == 1 and approved[0].name in ("A", "B")
    assert approved[0].geometry.equals(SITE if approved[0].name == "A" else other)
    assert [(o.id, o.name) for o in any_store.outlines(("submitted", "approved"))] == [(a.id, "A"), (b.id, "B")]


def test_postgis_store_knows_vn2000_and_qgis_sees_its_layers(pg_url: str) -> None:
    import psycopg
    from pyproj import Transformer

    store = open_store(url=pg_url)
    store.add_layer_version("industrial_parks", _parks(1), source_name="a.zip", sha256="c" * 64, user="Lan")
    store.add_proposal(SITE, name=NAME, user="Lan")
    with psycopg.connect(pg_url) as con:
        srids = {r[0] for r in con.execute("SELECT srid FROM spatial_ref_sys WHERE srid BETWEEN 9205 AND 9218")}
        assert srids == set(range(9205, 9219))
        lon, lat = con.execute("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Transform(ST_Centroid(geom), 4326) AS c"
                               " FROM tbgeo_proposals) s").fetchone()
        # PostGIS's ST_Transform (with the rows tbgeo registered) agrees with pyproj to a millimetre
        expected = Transformer.from_crs(9209, 4326, always_xy=True).transform(600_250, 2_250_200)
        assert (lon, lat) == pytest.approx(expected, abs=1e-8)
        layers = {(r[0], r[1]) for r in con.execute("SELECT f_table_name, srid FROM geometry_columns")}
        assert {("lv_industrial_parks_1", 9209), ("tbgeo_proposals", 9209)} <= layers
        assert con.execute("SELECT name FROM tbgeo_proposals").fetchone()[0] == NAME


def test_a_layer_id_that_could_name_a_table_badly_is_refused_by_both_stores(any_store: Store) -> None:
    # layer ids name tables in both stores: capitals, spaces, quotes or long ids never reach SQL
    for layer in ("KhuCongNghiep", "ab c", 'x"; DROP TABLE tbgeo_users; --', "l" * 41, "khu_công_nghiệp"):
        with pytest.raises(InputError) as err:
            any_store.add_layer_version(layer, _parks(2), source_name="a.zip", sha256="d" * 64, user="Lan")
        assert err.value.key == "store.bad_layer_id" and "Không có thay đổi nào được lưu." in err.value.message("vi")
    assert any_store.revision() == "0" or any_store.audit() == []
    v = any_store.add_layer_version("l" * 40, _parks(2), source_name="a.zip", sha256="d" * 64, user="Lan")
    assert list(any_store.read_version("l" * 40, v.version)["name"]) == [f"{NAME} 0", f"{NAME} 1"]


def test_a_comment_moves_the_proposal_on_so_a_decision_on_the_older_view_is_refused(any_store: Store) -> None:
    store = any_store
    p = store.add_proposal(SITE, name=NAME, user="Lan", status="submitted")
    seen = p.row_version
    p = store.add_comment(1, "Khoan đã: vị trí khu đất đã dời về phía đông 300 m", user="Bình")
    assert p.row_version == seen + 1 and p.history[-1].comment.startswith("Khoan đã")
    before = store.revision()
    with pytest.raises(ConflictError) as err:  # the approver's view did not show Bình's comment
        store.set_status(1, "approved", user="Hùng", expected=seen)
    text = err.value.message("vi")
    assert text.startswith("Đề xuất số 1 đã được Bình thay đổi lúc ") and fmt_when(p.history[-1].at, "vi") in text
    assert "(hiện ở trạng thái Chờ duyệt)" in text
    assert store.revision() == before and store.proposal(1).status == "submitted"
    assert store.set_status(1, "approved", user="Hùng", expected=p.row_version).status == "approved"
    assert [(a["who"], a["action"]) for a in store.audit()][:2] == [("Hùng", "proposal.status"), ("Bình", "proposal.comment")]


def test_an_import_on_a_layer_that_moved_since_its_difference_was_counted_is_refused(any_store: Store) -> None:
    store = any_store
    # the difference was counted on the shipped data (0); meanwhile Lan imported version 1
    store.add_layer_version("industrial_parks", _parks(3), source_name="lan.zip", sha256="a" * 64, user="Lan",
                            expected_active=0)
    before = store.revision()
    with pytest.raises(ConflictError) as err:
        store.add_layer_version("industrial_parks", _parks(2), source_name="binh.zip", sha256="b" * 64, user="Bình",
                                expected_active=0)
    assert err.value.key == "store.layer_moved"
    at = store.version("industrial_parks", 1).created_at
    assert err.value.message("vi") == (
        f"Lớp «industrial_parks» đã được Lan thay đổi lúc {fmt_when(at, 'vi')} (nay đang dùng phiên bản 1) sau khi bạn"
        " xem sự khác biệt của lần nhập này. Không có thay đổi nào được lưu. Hãy tải lại trang để xem sự khác biệt so"
        " với dữ liệu hiện tại rồi xác nhận nhập lại.")
    assert store.revision() == before and [v.version for v in store.versions("industrial_parks")] == [1]
    # counted on version 1: written; a rollback to the shipped data then moves the layer again
    assert store.add_layer_version("industrial_parks", _parks(2), source_name="binh.zip", sha256="b" * 64,
                                   user="Bình", expected_active=1).version == 2
    store.set_active("industrial_parks", None, user="Mai")
    with pytest.raises(ConflictError) as err:
        store.add_layer_version("industrial_parks", _parks(4), source_name="c.zip", sha256="c" * 64, user="Bình",
                                expected_active=2)
    assert "đã được Mai thay đổi" in err.value.message("vi") and "dữ liệu gốc đi kèm tbgeo" in err.value.message("vi")
    assert "(it now uses the data shipped with tbgeo)" in err.value.message("en")
    assert [v.version for v in store.versions("industrial_parks")] == [1, 2]


def test_two_imports_counted_on_one_view_exactly_one_lands(any_store: Store) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def work(i: int) -> None:
        barrier.wait()
        try:
            open_store().add_layer_version("industrial_parks", _parks(5 + i), source_name=f"{i}.zip",
                                           sha256=str(i) * 64, user=f"gis{i}", expected_active=0)
            outcomes.append("written")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["conflict", "written"]
    assert [v.version for v in any_store.versions("industrial_parks")] == [1]
