"""Issue 13 §4: drafts are archived, restored or deleted by their owner (or an administrator), through
``tbgeo.proposals`` on both stores and from ``tbgeo proposals archive|delete|restore``; a delete is soft
(status "deleted", hidden from the lists, its history and audit entries kept); a submitted or decided
proposal cannot be deleted."""

from __future__ import annotations

import json

import pytest
import shapely

from tbgeo import proposals
from tbgeo.auth import Identity
from tbgeo.cli import main
from tbgeo.errors import ConflictError, InputError, PermissionDenied
from tbgeo.store import Store
from tbgeo.store.gpkg import GpkgStore

SITE = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)  # 20 ha
OTHER = shapely.box(610_000, 2_250_000, 610_300, 2_250_300)  # 9 ha


def _who(name: str, *roles: str) -> Identity:
    return Identity(name, name, frozenset(roles))


LAN, BINH = _who("lan", "planner"), _who("binh", "planner")
XEM, HUNG, ROOT = _who("xem", "viewer"), _who("hung", "approver"), _who("root", "admin")


def _accounts(store: Store) -> None:
    for who in (LAN, BINH, XEM, HUNG, ROOT):
        store.add_user(who.name, display_name=who.name, password_hash="x", roles=tuple(who.roles))


def test_the_owner_archives_restores_and_deletes_with_the_history_kept(any_store: Store) -> None:
    store = any_store
    _accounts(store)
    p = proposals.new_proposal(store, SITE, name="Khu của Lan", actor=LAN, report={"verdict": "ok"})
    archived = proposals.archive_draft(store, p.id, actor=LAN, comment="Tạm gác", expected=p.row_version)
    assert archived.status == "archived"
    assert [x.id for x in store.proposals(proposals.LISTED_STATUSES)] == []  # out of the lists
    restored = proposals.restore_draft(store, p.id, actor=LAN)
    assert restored.status == "draft"
    deleted = proposals.delete_draft(store, p.id, actor=LAN)
    assert deleted.status == "deleted" and deleted.name == "Khu của Lan" and deleted.area_ha == pytest.approx(20.0)
    # the row and every step stay, under who did it, with the comment given
    assert [(d.by, d.status_from, d.status_to, d.comment) for d in store.proposal(p.id).history] == [
        ("lan", None, "draft", ""), ("lan", "draft", "archived", "Tạm gác"), ("lan", "archived", "draft", ""), ("lan", "draft", "deleted", "")]
    steps = [(a["who"], a["action"], a["details"]) for a in store.audit() if a["target"] == f"proposal:{p.id}"]
    assert steps[:3] == [
        ("lan", "proposal.status", {"from": "draft", "to": "deleted", "tidy": "deleted"}),
        ("lan", "proposal.status", {"from": "archived", "to": "draft", "tidy": "draft"}),
        ("lan", "proposal.status", {"from": "draft", "to": "archived", "tidy": "archived"}),
    ]
    assert steps[3][1] == "proposal.create"
    assert [x.id for x in store.proposals()] == [p.id]  # asked for, it is still there
    # a deleted draft takes no review, decision or second delete
    with pytest.raises(InputError) as err:
        proposals.update_review(store, p.id, {"verdict": "warn"}, actor=LAN)
    assert err.value.message("en") == ("Proposal 1 has been deleted: it can no longer be reviewed, submitted or "
                                       "decided (its history is kept). Nothing was saved.")
    with pytest.raises(InputError, match="has been deleted"):
        proposals.set_status(store, p.id, "submitted", actor=LAN)
    with pytest.raises(InputError) as err:
        proposals.delete_draft(store, p.id, actor=LAN)
    assert err.value.message("vi") == "Đề xuất số 1 đã bị xoá từ trước. Không có thay đổi nào được lưu."
    assert proposals.statuses_for(LAN, store.proposal(p.id)) == ()


def test_only_the_owner_or_an_administrator_tidies_a_draft(any_store: Store) -> None:
    store = any_store
    _accounts(store)
    p = proposals.new_proposal(store, SITE, name="Khu của Lan", actor=LAN)
    before = store.revision()
    with pytest.raises(PermissionDenied) as err:
        proposals.delete_draft(store, p.id, actor=BINH)
    assert err.value.message("vi") == (
        "binh không được phép lưu trữ, khôi phục hay xoá bản dự thảo của người khác: đề xuất số 1 do lan lập; "
        "mỗi người chỉ dọn bản dự thảo của mình (hoặc nhờ quản trị). Không có thay đổi nào được lưu.")
    with pytest.raises(PermissionDenied, match="binh may not archive, restore or delete another person's draft"):
        proposals.archive_draft(store, p.id, actor=BINH)
    for who in (XEM, HUNG):  # a viewer and an approver: not theirs to tidy
        with pytest.raises(PermissionDenied) as err:
            proposals.archive_draft(store, p.id, actor=who)
        assert err.value.message("en").startswith(
            f"{who.name} may not archive, restore or delete other people's drafts: their roles are ")
    assert store.revision() == before and store.proposal(p.id).status == "draft"  # nothing written
    assert proposals.tidy_actions_for(BINH, p) == () and proposals.tidy_actions_for(LAN, p) == ("archived", "deleted")
    # an administrator's housekeeping, recorded under the administrator's name
    assert proposals.archive_draft(store, p.id, actor=ROOT).status == "archived"
    assert proposals.tidy_actions_for(ROOT, store.proposal(p.id)) == ("draft", "deleted")
    assert store.proposal(p.id).history[-1].by == "root"


def test_a_submitted_or_decided_proposal_cannot_be_deleted_or_archived(any_store: Store) -> None:
    store = any_store
    p = proposals.new_proposal(store, SITE, name="Khu đã trình", status="submitted", report={"verdict": "ok"})
    with pytest.raises(InputError) as err:
        proposals.delete_draft(store, p.id)
    assert err.value.message("vi") == (
        "Chỉ xoá được bản dự thảo (hoặc bản dự thảo đã lưu trữ); đề xuất số 1 đang ở trạng thái Chờ duyệt "
        "(submitted) và là một phần của hồ sơ, không xoá được. Không có thay đổi nào được lưu.")
    proposals.set_status(store, p.id, "approved")
    for call in (proposals.delete_draft, proposals.archive_draft):
        with pytest.raises(InputError, match="Approved \\(approved\\)"):
            call(store, p.id)
    with pytest.raises(InputError) as err:
        proposals.restore_draft(store, p.id)
    assert err.value.message("en") == ("Only an archived draft can be restored; proposal 1 is Approved (approved). "
                                       "Nothing was saved.")
    assert store.proposal(p.id).status == "approved" and len(store.proposal(p.id).history) == 2
    # archiving is not a decision: the decision form never offers it
    with pytest.raises(InputError, match="archived"):
        proposals.set_status(store, p.id, "archived")


def test_a_stale_view_is_refused(any_store: Store) -> None:
    store = any_store
    p = proposals.new_proposal(store, SITE, name="Khu A")
    proposals.update_review(store, p.id, {"verdict": "warn"})
    with pytest.raises(ConflictError) as err:
        proposals.delete_draft(store, p.id, expected=p.row_version)
    assert err.value.message("en").startswith("Proposal 1 was changed by pytest at ")
    assert store.proposal(p.id).status == "draft"


def test_saving_a_site_whose_draft_was_deleted_makes_a_new_draft(any_store: Store) -> None:
    store = any_store
    p, how = proposals.save_site(store, SITE, name="Khu A", attributes={}, report={"verdict": "ok"})
    proposals.delete_draft(store, p.id)
    again, how = proposals.save_site(store, SITE, name="Khu A", attributes={}, report={"verdict": "ok"},
                                     proposal_id=p.id)
    assert (again.id, how, again.status, store.proposal(p.id).status) == (2, "created", "draft", "deleted")


# -- the command line ----------------------------------------------------------------------------------
@pytest.fixture()
def ws() -> GpkgStore:
    ws = GpkgStore.open()
    ws.add_proposal(SITE, name="Nhà máy A", user="lan", report={"verdict": "ok"})
    ws.add_proposal(OTHER, name="Nhà máy B", user="binh", report={"verdict": "ok"})
    ws.add_proposal(shapely.box(620_000, 2_250_000, 620_100, 2_250_100), name="Nhà máy C", user="lan",
                    status="submitted", report={"verdict": "ok"})
    for who in (LAN, BINH, ROOT):
        ws.add_user(who.name, display_name=who.name, password_hash="x", roles=tuple(who.roles))
    return ws


def test_cli_archive_delete_restore(ws: GpkgStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["proposals", "archive", "1", "--user", "lan", "--comment", "Chờ quy hoạch"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Đã lưu trữ đề xuất số 1: nó không còn hiện trong danh sách và trên bản đồ; lịch sử được giữ.")
    assert main(["proposals", "delete", "2", "--user", "binh", "--lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Deleted proposal number 2: it no longer shows in the list, the ledger and the map; its history and audit "
        "entries are kept.")
    # the list hides them, saying so; --all shows them
    assert main(["proposals", "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["1 saved proposals", "  2 archived or deleted proposals are not listed (add --all to see them)."]
    assert "Nhà máy C" in out[2] and len(out) == 3
    assert main(["proposals", "--all", "--format", "json"]) == 0
    assert [(r["id"], r["status"]) for r in json.loads(capsys.readouterr().out)] == [
        (3, "submitted"), (2, "deleted"), (1, "archived")]
    # one proposal still shows with its history
    assert main(["proposals", "2", "--lang", "en"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("#2 Nhà máy B — Deleted, 9.00 ha") and "binh: Draft → Deleted" in shown
    assert main(["proposals", "restore", "1", "--user", "lan", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "draft"
    assert [(d.status_from, d.status_to, d.comment) for d in ws.proposal(1).history][1:] == [
        ("draft", "archived", "Chờ quy hoạch"), ("archived", "draft", "")]


def test_cli_refusals(ws: GpkgStore, capsys: pytest.CaptureFixture[str]) -> None:
    before = ws.revision()
    assert main(["proposals", "delete", "1", "--user", "binh"]) == 5  # another's draft: not allowed
    assert "binh không được phép lưu trữ, khôi phục hay xoá bản dự thảo của người khác" in capsys.readouterr().err
    assert main(["proposals", "delete", "3", "--user", "lan", "--lang", "en"]) == 2  # submitted: part of the record
    assert "Only a draft (or an archived draft) can be deleted; proposal 3 is Submitted (submitted)" in capsys.readouterr().err
    assert main(["proposals", "archive", "--user", "lan"]) == 2
    assert "tbgeo proposals archive 3 --user lan" in capsys.readouterr().err
    assert main(["proposals", "archive", "x1"]) == 2
    assert "«x1» không phải số hiệu đề xuất" in capsys.readouterr().err
    assert main(["proposals", "archive", "1", "--status", "approved", "--lang", "en"]) == 2
    assert "takes --comment and --user only" in capsys.readouterr().err
    assert ws.revision() == before
    assert main(["proposals", "delete", "1", "--user", "root"]) == 0  # the administrator may
    assert ws.proposal(1).status == "deleted" and ws.proposal(1).history[-1].by == "root"
