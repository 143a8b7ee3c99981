"""`tbgeo proposals` and `tbgeo ledger`: the same workspace and ledger functions as the review page."""

from __future__ import annotations

import json

import pytest
import shapely

from tbgeo.cli import main
from tbgeo.store.gpkg import GpkgStore


def _report(luc: float, luk: float, district: str) -> dict:
    return {
        "verdict": "warn",
        "rice": {"total_ha": luc + luk, "luc_ha": luc, "luk_ha": luk, "share": 0.5,
                 "by_district": [{"name": district, "luc_ha": luc, "luk_ha": luk}]},
    }


@pytest.fixture()
def ws() -> GpkgStore:
    ws = GpkgStore.open()
    ws.add_proposal(shapely.box(590_000, 2_262_000, 591_000, 2_263_000), name="Nhà máy A",
                    attributes={"sector": "electronics"}, report=_report(30.0, 10.0, "Đông Hưng"), user="A")
    ws.add_proposal(shapely.box(600_000, 2_262_000, 600_500, 2_262_400), name="Nhà máy B",
                    attributes={"sector": "glass"}, report=_report(5.0, 2.5, "Tiền Hải"), user="B")
    return ws


def test_list_show_and_decide(ws: GpkgStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["proposals", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["name"], r["status"], r["area_ha"]) for r in rows] == [
        (2, "Nhà máy B", "draft", 20.0), (1, "Nhà máy A", "draft", 100.0)]
    assert main(["proposals", "1", "--status", "submitted", "--comment", "Trình Sở", "--user", "Chuyên viên C"]) == 0
    out = capsys.readouterr().out
    assert "Dự thảo → Chờ duyệt" in out and "Chuyên viên C" in out and "«Trình Sở»" in out
    assert ws.proposal(1).status == "submitted"
    assert main(["proposals", "1", "--status", "submitted"]) == 2  # not a permitted transition
    assert "Không thể chuyển" in capsys.readouterr().err
    assert main(["--lang", "en", "proposals", "--status", "approved"]) == 2
    assert "Give the proposal number" in capsys.readouterr().err


def test_ledger_counts_approved_and_pending(ws: GpkgStore, capsys: pytest.CaptureFixture[str]) -> None:
    ws.set_status(1, "submitted")
    ws.set_status(1, "approved")
    ws.set_status(2, "submitted")
    assert main(["ledger", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    total = data["total"]
    assert (total["approved_luc_ha"], total["approved_luk_ha"]) == (30.0, 10.0)
    assert (total["pending_luc_ha"], total["pending_luk_ha"]) == (5.0, 2.5)
    assert total["total_ha"] == 47.5 and total["remaining_ha"] == 1000.0 - 47.5
    assert {d["district"]: d["total_ha"] for d in data["districts"]} == {"Đông Hưng": 40.0, "Tiền Hải": 7.5}
    assert main(["ledger"]) == 0
    assert "Đông Hưng: đã duyệt 40,00, chờ duyệt 0,00, tổng 40,00" in capsys.readouterr().out


def test_approving_a_blocked_proposal_needs_override_reason(ws: GpkgStore, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 13 §2: `--status approved` of a proposal whose review blocks is refused (exit 2, nothing written)
    unless `--override-reason TEXT` says why; the reason is in the history, text and JSON."""
    report = {**_report(5.0, 0.0, "Tiền Hải"), "verdict": "block",
              "findings": [{"rule": "sector_refused", "severity": "block"}]}
    p = ws.add_proposal(shapely.box(600_000, 2_263_000, 600_500, 2_263_400), name="Nhà máy nhuộm", report=report,
                        status="submitted")
    raw = ws.path.read_bytes()
    assert main(["proposals", str(p.id), "--status", "approved", "--comment", "Đồng ý"]) == 2
    err = capsys.readouterr().err
    assert "Đề xuất số 3 có kết luận thẩm tra «Chặn» (Danh mục ngành không chấp thuận)" in err and "--override-reason" in err
    assert main(["proposals", str(p.id), "--override-reason", "Ưu tiên"]) == 2
    assert "--override-reason chỉ dùng cùng --status approved" in capsys.readouterr().err
    assert main(["proposals", str(p.id), "--status", "approved", "--override-reason", "   "]) == 2
    assert "đang để trống" in capsys.readouterr().err
    assert ws.path.read_bytes() == raw
    assert main(["--lang", "en", "proposals", str(p.id), "--status", "approved", "--override-reason",
                 "Key provincial project; the Prime Minister approved its policy", "--user", "Chủ tịch UBND tỉnh"]) == 0
    out = capsys.readouterr().out
    assert ("Chủ tịch UBND tỉnh: Submitted → Approved  «⚠ Approved although the review blocks — reason: Key provincial "
            "project; the Prime Minister approved its policy»") in out
    assert main(["proposals", str(p.id), "--format", "json"]) == 0
    last = json.loads(capsys.readouterr().out)["history"][-1]
    assert (last["to"], last["by"], last["override_reason"], last["comment"]) == (
        "approved", "Chủ tịch UBND tỉnh", "Key provincial project; the Prime Minister approved its policy", "")
    assert ws.proposal(p.id).status == "approved"
