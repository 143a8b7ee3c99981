"""What only the PostGIS store meets: a server that does not answer (said in the user's language, the
technical detail in the error log), and a database dropped and made again at the same URL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import shapely

from tbgeo.errors import WorkspaceError
from tbgeo.store import open_store
from tests.pgserver import need_server, recreate_database

SITE = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)


def test_a_server_that_does_not_answer_is_told_in_vietnamese_with_the_detail_in_the_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "errors.log"
    monkeypatch.setenv("TBGEO_ERROR_LOG", str(log))
    monkeypatch.setenv("TBGEO_DATABASE_URL", "postgresql://lan@127.0.0.1:1/tbgeo")  # nothing listens on port 1
    with pytest.raises(WorkspaceError) as err:
        open_store()
    assert err.value.key == "store.unreachable"
    vi = err.value.message("vi")
    assert vi == ("Không kết nối được máy chủ cơ sở dữ liệu postgresql://lan@127.0.0.1:1/tbgeo. Không có thay đổi nào"
                  " được lưu. Hãy kiểm tra máy chủ PostgreSQL đang chạy và địa chỉ trong thiết lập TBGEO_DATABASE_URL là"
                  " đúng (máy chủ, cổng, tên cơ sở dữ liệu, tài khoản), rồi thử lại. Chi tiết kỹ thuật đã được ghi vào"
                  f" nhật ký lỗi {log}.")
    libpq = str(err.value.__cause__)
    written = log.read_text(encoding="utf-8")
    assert "Connection refused" in libpq and libpq.strip().splitlines()[0] in written
    english = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", libpq)} - {"postgresql", "tbgeo"}
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", vi.replace(str(log), ""))}  # the log's path aside
    assert english and not english & words, english & words
    # a command reading the store is told the same, and nothing was made
    with pytest.raises(WorkspaceError) as again:
        open_store(create=False).proposals()
    assert again.value.message("vi") == vi


def test_a_database_dropped_and_made_again_at_the_same_url_gets_its_tables_again(pg_url: str) -> None:
    need_server()
    store = open_store(url=pg_url)
    store.add_proposal(SITE, name="Khu A", user="Lan")
    assert [p.name for p in store.proposals()] == ["Khu A"]
    recreate_database(pg_url)  # same URL, a new, empty database, in the same process
    again = open_store(url=pg_url, create=False)
    assert again.proposals() == [] and again.revision() == "0"  # read as empty, not an error
    p = open_store(url=pg_url, create=False).add_proposal(SITE, name="Khu B", user="Bình")  # tables made again
    assert (p.id, p.name) == (1, "Khu B") and [a["who"] for a in open_store(url=pg_url).audit()] == ["Bình"]
    recreate_database(pg_url)
    assert open_store(url=pg_url).versions("industrial_parks") == []  # opening to write makes them too


def test_only_approvals_wait_for_each_other_other_decisions_go_on(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An approval holds the approvals' lock while it is checked; a submission, a comment, a re-review
    of another proposal do not wait for it (they lock their own proposal only)."""
    import threading

    monkeypatch.setenv("TBGEO_DATABASE_URL", pg_url)
    store = open_store()
    first = store.add_proposal(SITE, name="A", user="lan", status="submitted")
    second = store.add_proposal(shapely.box(610_000, 2_250_000, 610_500, 2_250_400), name="B", user="mai")
    checking, done = threading.Event(), threading.Event()
    approved: list[str] = []

    def slow_check(_: object) -> None:  # the approval's check, held until the other changes are stored
        checking.set()
        done.wait(timeout=10)

    def approve() -> None:
        open_store().set_status(first.id, "approved", user="hung", check=slow_check)
        approved.append("approved")

    th = threading.Thread(target=approve)
    th.start()
    assert checking.wait(timeout=10)
    try:  # while the approval is being checked
        store.set_status(second.id, "submitted", user="mai")
        store.add_comment(second.id, "đã bổ sung hồ sơ", user="mai")
        store.update_report(second.id, {"verdict": "pass"}, user="mai")
        others_went_on = not approved
    finally:
        done.set()
        th.join()
    assert others_went_on and approved == ["approved"]
    assert [d.status_to for d in store.proposal(second.id).history] == ["draft", "submitted", None]
    assert store.proposal(first.id).status == "approved"
