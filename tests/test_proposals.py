"""The proposal life cycle (tbgeo.proposals): transitions, no land approved twice, decided proposals
kept as they were, re-reviews as revisions, and the page and ``tbgeo check --save`` saving alike."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from tbgeo import proposals
from tbgeo.auth import single_user
from tbgeo.errors import InputError
from tbgeo.store.gpkg import GpkgStore


def test_proposal_history_and_transitions(tmp_path: Path) -> None:
    ws = GpkgStore.open(tmp_path / "w.gpkg")
    site = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)  # 20 ha
    p = ws.add_proposal(site, name="Nhà máy may Tiền Hải", attributes={"sector": "textile_garment"},
                        report={"verdict": "warn"}, user="Chuyên viên A")
    assert p.status == "draft" and p.area_ha == pytest.approx(20.0)
    p = proposals.set_status(ws, p.id, "submitted", actor=single_user("Chuyên viên A"), comment="Trình thẩm định")
    ws.add_comment(p.id, "Cần bổ sung phương án bóc tầng đất mặt", user="Thẩm định viên B")
    p = proposals.set_status(ws, p.id, "approved", actor=single_user("Lãnh đạo Sở"))
    assert [(d.status_from, d.status_to, d.by) for d in p.history] == [
        (None, "draft", "Chuyên viên A"),
        ("draft", "submitted", "Chuyên viên A"),
        (None, None, "Thẩm định viên B"),
        ("submitted", "approved", "Lãnh đạo Sở"),
    ]
    assert p.history[2].comment == "Cần bổ sung phương án bóc tầng đất mặt"
    with pytest.raises(InputError) as err:
        proposals.set_status(ws, p.id, "draft")
    assert err.value.message("vi") == (  # issue 10 §5: statuses in the reader's words, with the stored code
        "Không thể chuyển từ trạng thái «Đã duyệt (approved)» sang «Dự thảo (draft)»; được phép: Chờ duyệt (submitted)."
    )
    assert err.value.message("en") == (
        "Cannot change status from “Approved (approved)” to “Draft (draft)”; allowed: Submitted (submitted)."
    )
    with pytest.raises(InputError) as err:  # approval is a decision, never a starting state
        proposals.new_proposal(ws, site, name="Tự duyệt", status="approved")
    assert err.value.message("vi") == "Trạng thái «approved» không hợp lệ; cần một trong: Dự thảo (draft), Chờ duyệt (submitted)."
    with pytest.raises(InputError) as err:  # issue 10 §7: an approved record stays as it was
        proposals.update_review(ws, p.id, {"verdict": "ok"}, actor=single_user("Chuyên viên A"), name="Nhà máy may Tiền Hải (điều chỉnh)",
                         attributes={"sector": "textile_garment", "workforce": 300})
    assert err.value.message("en").startswith("Proposal 1 has been decided (Approved): its name, sector, outline")
    p = ws.proposal(p.id)
    assert (p.name, p.attributes, p.report, p.status) == ("Nhà máy may Tiền Hải", {"sector": "textile_garment"}, {"verdict": "warn"}, "approved")
    frame = ws.proposals_frame(("approved",))
    assert list(frame["name"]) == ["Nhà máy may Tiền Hải"] and frame.crs.to_epsg() == 9209


def test_the_same_land_is_not_approved_twice(tmp_path: Path) -> None:
    ws = GpkgStore.open(tmp_path / "w.gpkg")
    a = ws.add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Khu A", status="submitted")
    b = ws.add_proposal(shapely.box(600_400, 2_250_000, 600_900, 2_250_400), name="Khu B", status="submitted")
    proposals.set_status(ws, a.id, "approved")
    with pytest.raises(InputError) as err:
        proposals.set_status(ws, b.id, "approved")
    assert err.value.message("vi").startswith("Không thể duyệt đề xuất số 2: 4,00 ha trùng với đề xuất số 1 (Khu A)")
    assert err.value.message("en").startswith("Proposal 2 cannot be approved: 4.00 ha overlap proposal 1 (Khu A)")
    assert ws.proposal(b.id).status == "submitted"  # nothing changed
    proposals.set_status(ws, b.id, "rejected")  # rejecting is always possible
    assert ws.proposal(b.id).status == "rejected"



# -- issue 10 §7: decided proposals stay as they were; re-reviews are revisions ---------------------
def test_rereview_of_a_decided_proposal_is_a_new_revision(tmp_path: Path) -> None:
    ws = GpkgStore.open(tmp_path / "w.gpkg")
    site = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)  # 20 ha
    p, how = proposals.save_site(ws, site, name="Nhà máy may", attributes={"sector": "textile_garment"},
                            report={"verdict": "warn"}, actor=single_user("Chuyên viên A"))
    assert (p.id, how, p.revision_of) == (1, "created", None)
    p, how = proposals.save_site(ws, site, name="Nhà máy may Tiền Hải", attributes={"sector": "textile_garment", "workforce": 200},
                            report={"verdict": "ok"}, actor=single_user("Chuyên viên B"), proposal_id=1)
    assert (p.id, how, p.name, p.report) == (1, "updated", "Nhà máy may Tiền Hải", {"verdict": "ok"})
    assert [(c.by, c.field, c.old, c.new) for c in p.changes] == [
        ("Chuyên viên B", "name", "Nhà máy may", "Nhà máy may Tiền Hải"),
        ("Chuyên viên B", "verdict", "warn", "ok"),
        ("Chuyên viên B", "attributes.workforce", None, "200"),
    ]
    proposals.set_status(ws, 1, "submitted", actor=single_user("Chuyên viên A"))
    proposals.set_status(ws, 1, "approved", actor=single_user("Lãnh đạo Sở"))
    before = ws.proposal(1)
    # the page (with the proposal's id) and the CLI (by the same outline) both get a new revision
    r, how = proposals.save_site(ws, site, name="Nhà máy dệt", attributes={"sector": "textile_dyeing"},
                            report={"verdict": "block"}, actor=single_user("Chuyên viên C"), proposal_id=1)
    assert (r.id, how, r.revision_of, r.status, r.name) == (2, "revised", 1, "draft", "Nhà máy dệt")
    assert ("attributes.sector", "textile_garment", "textile_dyeing") in [(c.field, c.old, c.new) for c in r.changes]
    assert ("name", "Nhà máy may Tiền Hải", "Nhà máy dệt") in [(c.field, c.old, c.new) for c in r.changes]
    assert all(c.by == "Chuyên viên C" for c in r.changes)
    r2, how = proposals.save_site(ws, shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Lần 3",
                             attributes={}, report={"verdict": "ok"})
    assert (r2.id, how, r2.revision_of) == (3, "revised", 1)
    after = ws.proposal(1)
    assert (after.name, after.attributes, after.report, after.status, after.geometry.wkb, after.history) == (
        before.name, before.attributes, before.report, "approved", before.geometry.wkb, before.history)
    assert ws.audit(1)[0]["details"]["revision_of"] == 1
    # moving it back to submitted makes it editable again, with the change in its history
    proposals.set_status(ws, 1, "submitted", actor=single_user("Lãnh đạo Sở"), comment="Xem lại quy mô lao động")
    p, how = proposals.save_site(ws, site, name="Nhà máy may Tiền Hải", attributes={"sector": "textile_garment", "workforce": 350},
                            report={"verdict": "ok"}, actor=single_user("Chuyên viên A"), proposal_id=1)
    assert how == "updated" and p.changes[-1].field == "attributes.workforce" and (p.changes[-1].old, p.changes[-1].new) == ("200", "350")


def test_a_workspace_from_before_revisions_is_upgraded(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "w.gpkg"
    ws = GpkgStore.open(path)
    ws.add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Cũ")
    con = sqlite3.connect(path)
    con.execute("DROP TABLE tbgeo_proposal_changes")
    con.execute("ALTER TABLE tbgeo_proposals DROP COLUMN revision_of")
    con.commit()
    con.close()
    assert GpkgStore.open_existing(path).proposal(1).revision_of is None  # read-only use works as it was
    ws = GpkgStore.open(path)
    p, how = proposals.save_site(ws, shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Mới", attributes={},
                            report={"verdict": "ok"}, proposal_id=1)
    assert (how, [(c.field, c.old, c.new) for c in p.changes][0]) == ("updated", ("name", "Cũ", "Mới"))



def test_a_proposal_decided_while_a_review_is_saved_gets_a_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = GpkgStore.open(tmp_path / "w.gpkg")
    site = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)
    ws.add_proposal(site, name="Khu A", report={"verdict": "ok"}, status="submitted")
    original = GpkgStore.update_report

    def decided_meanwhile(self, pid, *a, **k):  # type: ignore[no-untyped-def]
        proposals.set_status(GpkgStore(self.path), pid, "approved", actor=single_user("Lãnh đạo Sở"))  # another reviewer, a moment earlier
        return original(self, pid, *a, **k)

    monkeypatch.setattr(GpkgStore, "update_report", decided_meanwhile)
    p, how = proposals.save_site(ws, site, name="Khu A (mới)", attributes={}, report={"verdict": "warn"}, proposal_id=1)
    assert (p.id, how, p.revision_of) == (2, "revised", 1)
    assert (ws.proposal(1).name, ws.proposal(1).report, ws.proposal(1).status) == ("Khu A", {"verdict": "ok"}, "approved")


# -- issue 13 §2: approving over a blocking review needs a written reason, kept in the history ------------
BLOCKED = {"verdict": "block", "findings": [
    {"rule": "sector_refused", "severity": "block"}, {"rule": "rice_quota", "severity": "block"},
    {"rule": "rice_land", "severity": "warn"}]}


def test_approving_a_blocked_proposal_needs_a_written_reason(tmp_path: Path) -> None:
    import unicodedata

    ws = GpkgStore.open(tmp_path / "w.gpkg")
    p = ws.add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Nhà máy nhuộm", report=BLOCKED,
                        status="submitted")
    raw = ws.path.read_bytes()
    with pytest.raises(InputError) as err:
        proposals.set_status(ws, p.id, "approved", actor=single_user("Lãnh đạo Sở"), comment="Đồng ý")
    assert err.value.message("vi") == (
        "Đề xuất số 1 có kết luận thẩm tra «Chặn» (Danh mục ngành không chấp thuận, Chỉ tiêu chuyển đất lúa còn lại sau "
        "khu đất): chỉ phê duyệt được khi ghi rõ lý do phê duyệt dù kết luận là chặn (ô «Lý do phê duyệt» trên trang, "
        "hoặc --override-reason). Chưa có gì được ghi.")
    assert err.value.message("en").startswith(
        "Proposal 1's review blocks (Refused-sector list, Rice-land quota left after this site): it can be approved only "
        "with a written reason")
    for reason, key in (("  \n\t ", "workspace.override_empty"), ("Ưu tiên", "workspace.override_only_approval")):
        with pytest.raises(InputError) as err:
            proposals.set_status(ws, p.id, "approved" if key.endswith("empty") else "rejected", override_reason=reason)
        assert err.value.key == key and not err.value.message("en").startswith("workspace.")
    assert ws.path.read_bytes() == raw and ws.proposal(p.id).status == "submitted"  # nothing written
    reason = unicodedata.normalize("NFD", "  Dự án trọng điểm của tỉnh;\n  Thủ tướng đã chấp thuận chủ trương  ")
    p = proposals.set_status(ws, p.id, "approved", actor=single_user("Chủ tịch UBND tỉnh"), comment=" Đồng ý ", override_reason=reason)
    d = p.history[-1]
    assert (p.status, d.status_to, d.by) == ("approved", "approved", "Chủ tịch UBND tỉnh")
    assert d.comment == "[override] Dự án trọng điểm của tỉnh; Thủ tướng đã chấp thuận chủ trương\nĐồng ý"
    assert unicodedata.is_normalized("NFC", d.comment)
    assert proposals.override_reason_of(d) == ("Dự án trọng điểm của tỉnh; Thủ tướng đã chấp thuận chủ trương", "Đồng ý")
    assert proposals.decision_text(d, "vi") == (
        "⚠ Phê duyệt dù kết luận thẩm tra là «Chặn» — lý do: Dự án trọng điểm của tỉnh; Thủ tướng đã chấp thuận chủ "
        "trương Đồng ý")
    assert proposals.decision_text(d, "en").startswith("⚠ Approved although the review blocks — reason: Dự án trọng")
    assert ws.audit()[0]["action"] == "proposal.status"


def test_an_override_reason_only_where_the_review_blocks(tmp_path: Path) -> None:
    ws = GpkgStore.open(tmp_path / "w.gpkg")
    q = ws.add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Nhà máy may",
                        report={"verdict": "warn"}, status="submitted")
    raw = ws.path.read_bytes()
    with pytest.raises(InputError) as err:
        proposals.set_status(ws, q.id, "approved", override_reason="Ưu tiên")
    assert err.value.message("vi").startswith("Kết quả thẩm tra của đề xuất số 1 không có điểm ngăn cản")
    with pytest.raises(InputError) as err:  # a comment cannot pass for an override
        proposals.set_status(ws, q.id, "approved", comment="[OVERRIDE] giả")
    assert err.value.message("en").startswith("A comment may not start with “[override]”")
    assert ws.path.read_bytes() == raw
    p = proposals.set_status(ws, q.id, "approved", comment="Đồng ý")
    assert proposals.override_reason_of(p.history[-1]) is None and proposals.decision_text(p.history[-1], "vi") == "Đồng ý"
