"""``tbgeo users`` and the command line with accounts on (issue 12 §2): the first account is an admin,
every change is recorded under a named account that must exist with the right role."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
import shapely

from tbgeo.cli import main
from tbgeo.store import open_store


def _tbgeo(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str,
           password: str | None = None) -> tuple[int, str, str]:
    if password is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_users_from_the_first_admin_to_a_refused_approval(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    rc, out, err = _tbgeo(capsys, monkeypatch, "users", "list")
    assert (rc, out.strip()) == (0, "Chưa có tài khoản nào: tbgeo là bàn làm việc một người trên máy này.")
    # the first account must be an admin
    rc, out, err = _tbgeo(capsys, monkeypatch, "users", "add", "lan", "--role", "planner", "--password-stdin",
                          password="mật khẩu dài")
    assert rc == 2 and "Tài khoản đầu tiên phải có vai trò admin" in err and open_store(create=False).users() == []
    rc, out, err = _tbgeo(capsys, monkeypatch, "users", "add", "quantri", "--role", "admin", "--display-name",
                          "Phòng Quản lý", "--password-stdin", password="mật khẩu dài")
    assert (rc, out.strip()) == (0, "Đã thêm tài khoản quantri (quản trị).")
    # from now on the command line acts as a named account: TBGEO_USER ("pytest") is none
    rc, out, err = _tbgeo(capsys, monkeypatch, "users", "add", "lan", "--role", "planner", "--password-stdin",
                          password="mật khẩu dài")
    assert rc == 5 and "Không có tài khoản «pytest»" in err
    rc, out, err = _tbgeo(capsys, monkeypatch, "users", "add", "lan", "--role", "planner", "--by", "quantri",
                          "--password-stdin", password="ngắn")
    assert rc == 2 and "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in err
    for name, role in (("lan", "planner"), ("xem", "viewer"), ("hung", "approver")):
        rc, out, err = _tbgeo(capsys, monkeypatch, "users", "add", name, "--role", role, "--by", "quantri",
                              "--password-stdin", password="mật khẩu dài")
        assert rc == 0, err
    rc, out, err = _tbgeo(capsys, monkeypatch, "users", "roles", "lan", "--role", "planner", "--role", "gis",
                          "--by", "quantri")
    assert out.strip() == "Tài khoản lan nay có vai trò: cán bộ quy hoạch, cán bộ GIS."
    rc, out, err = _tbgeo(capsys, monkeypatch, "--lang", "en", "users", "list", "--format", "json")
    listed = {u["name"]: u["roles"] for u in json.loads(out)}
    assert listed == {"hung": ["approver"], "lan": ["planner", "gis"], "quantri": ["admin"], "xem": ["viewer"]}
    assert "password_hash" not in out
    # a viewer cannot decide; an approver can, and the history names them
    store = open_store()
    store.add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Khu A", user="lan",
                       status="submitted")
    rc, out, err = _tbgeo(capsys, monkeypatch, "proposals", "1", "--status", "approved", "--user", "xem")
    assert rc == 5 and "xem không được phép phê duyệt hoặc từ chối đề xuất" in err
    assert open_store().proposal(1).status == "submitted"
    rc, out, err = _tbgeo(capsys, monkeypatch, "proposals", "1", "--status", "approved", "--user", "hung")
    assert rc == 0 and open_store().proposal(1).history[-1].by == "hung"
    # the history in Vietnam time (UTC+7); the JSON keeps ISO 8601 in UTC
    decided = open_store().proposal(1).history[-1].at
    local = datetime.fromisoformat(decided).astimezone(timezone(timedelta(hours=7))).strftime("%d/%m/%Y %H:%M")
    assert f"  {local}  hung: Chờ duyệt → Đã duyệt" in out.splitlines() and decided not in out
    rc, out, err = _tbgeo(capsys, monkeypatch, "proposals", "1", "--format", "json")
    assert json.loads(out)["history"][-1]["at"] == decided and datetime.fromisoformat(decided).utcoffset() == timedelta(0)
    # disabling: the last admin cannot be, others can and then cannot act
    rc, out, err = _tbgeo(capsys, monkeypatch, "users", "disable", "quantri", "--by", "quantri")
    assert rc == 2 and "tài khoản quản trị cuối cùng" in err
    rc, out, err = _tbgeo(capsys, monkeypatch, "users", "disable", "hung", "--by", "quantri")
    assert (rc, out.strip()) == (0, "Đã khoá tài khoản hung.")
    rc, out, err = _tbgeo(capsys, monkeypatch, "proposals", "1", "--comment", "Ý kiến", "--user", "hung")
    assert rc == 5 and "Tài khoản «hung» đã bị khoá" in err
    actions = [(a["who"], a["action"], a["target"]) for a in open_store().audit()]
    assert actions[0] == ("quantri", "user.disable", "user:hung")
    assert ("quantri", "user.roles", "user:lan") in actions and ("hung", "proposal.status", "proposal:1") in actions


def test_sign_in_is_refused_on_a_wrong_password_and_slowed_after_failures(any_store) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.auth import accounts as acc, single_user
    from tbgeo.errors import PermissionDenied

    acc.add_user(any_store, single_user(), "quantri", "mật khẩu đúng", ["admin"])
    assert acc.sign_in(any_store, "quantri", "mật khẩu đúng").roles == frozenset({"admin"})
    for _ in range(acc.FREE_FAILURES):
        with pytest.raises(PermissionDenied) as err:
            acc.sign_in(any_store, "quantri", "sai")
        assert err.value.message("vi") == "Tên đăng nhập hoặc mật khẩu không đúng."
    with pytest.raises(PermissionDenied) as err:  # an unknown name reads the same as a wrong password
        acc.sign_in(any_store, "khong.co", "sai")
    assert err.value.key == "auth.wrong"
    # now even the right password waits
    with pytest.raises(PermissionDenied) as err:
        acc.sign_in(any_store, "quantri", "mật khẩu đúng")
    assert err.value.key == "auth.wait" and err.value.message("en").startswith("Too many failed sign-ins. Wait ")
    # an attempt while waiting is refused uncounted: the wait neither grows nor restarts
    assert any_store.user("quantri").failures == acc.FREE_FAILURES
    assert any_store.user("quantri").password_hash.startswith("$argon2id$")


def test_a_viewer_cannot_import_roll_back_or_export_from_the_command_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.ingest.helpers import geojson, ring

    for name, role in (("quantri", "admin"), ("xem", "viewer"), ("gis1", "gis")):
        rc, _, err = _tbgeo(capsys, monkeypatch, "users", "add", name, "--role", role, "--by", "quantri",
                            "--password-stdin", password="mật khẩu dài")
        assert rc == 0, err
    src = geojson(tmp_path / "kcn.geojson", [ring(shapely.box(106.40, 20.45, 106.41, 20.46))])
    rc, _, err = _tbgeo(capsys, monkeypatch, "import", str(src), "--layer", "industrial_parks", "--user", "xem")
    assert rc == 5 and "xem không được phép nhập lớp dữ liệu" in err
    assert open_store(create=False).versions("industrial_parks") == []
    rc, _, err = _tbgeo(capsys, monkeypatch, "import", str(src), "--layer", "industrial_parks", "--user", "gis1",
                        "--yes")  # replacing the 12 shipped parks with 1 is confirmed
    assert rc == 0, err
    assert [(v.version, v.created_by) for v in open_store().versions("industrial_parks")] == [(1, "gis1")]
    rc, _, err = _tbgeo(capsys, monkeypatch, "rollback", "industrial_parks", "shipped", "--user", "xem")
    assert rc == 5 and "quay lại phiên bản lớp" in err and open_store().active_version("industrial_parks") is not None
    rc, _, err = _tbgeo(capsys, monkeypatch, "export", "industrial_parks", "--out", str(tmp_path / "o.geojson"),
                        "--user", "xem")
    assert rc == 5 and "xuất lớp dữ liệu" in err and not (tmp_path / "o.geojson").exists()
    rc, _, err = _tbgeo(capsys, monkeypatch, "rollback", "industrial_parks", "shipped", "--user", "gis1")
    assert rc == 0 and open_store().active_version("industrial_parks") is None
    assert open_store().audit(1)[0]["who"] == "gis1"


def test_parallel_wrong_passwords_are_slowed_like_sequential_ones(any_store) -> None:  # type: ignore[no-untyped-def]
    import threading

    from tbgeo.auth import accounts as acc, single_user
    from tbgeo.errors import PermissionDenied

    acc.add_user(any_store, single_user(), "quantri", "mật khẩu đúng", ["admin"])
    keys: list[str] = []
    barrier = threading.Barrier(12)

    def attempt() -> None:
        barrier.wait()
        try:
            acc.sign_in(any_store, "quantri", "sai")
        except PermissionDenied as exc:
            keys.append(exc.key)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    # only the free attempts had their password checked; every later one waited, however parallel
    assert sorted(keys) == ["auth.wait"] * (12 - acc.FREE_FAILURES) + ["auth.wrong"] * acc.FREE_FAILURES
    assert any_store.user("quantri").failures == acc.FREE_FAILURES  # the refused ones were not counted


def test_a_name_without_an_account_is_slowed_exactly_like_an_account(any_store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The waits do not tell which account names exist: a wrong password for "quantri" and any password
    for "khong.co" (no such account) get the same answers, the same waits, counted per name. An attempt
    before the wait is over is refused uncounted (it neither lengthens nor restarts the wait): nobody can
    keep the owner out by trying the name while they wait, and after the wait they were told they get in."""
    from datetime import UTC, datetime, timedelta

    from tbgeo.auth import accounts as acc, single_user
    from tbgeo.errors import PermissionDenied

    acc.add_user(any_store, single_user(), "quantri", "mật khẩu đúng", ["admin"])
    start = datetime(2026, 12, 4, 2, 0, 0, tzinfo=UTC)
    clock = [start]  # the clock the store and the sign-in read, moved on by the test (no sleeps)
    module = f"tbgeo.store.{'gpkg' if any_store.kind == 'gpkg' else 'pg_accounts'}"
    monkeypatch.setattr(f"{module}.now", lambda: clock[0].isoformat(timespec="seconds"))
    monkeypatch.setattr(f"{module}.now_exact", lambda: clock[0].isoformat(timespec="microseconds"))
    monkeypatch.setattr(acc, "_now", lambda: clock[0])

    def answers(name: str) -> list[str]:
        clock[0] = start
        out = []
        for step, password in [(0, "sai mật khẩu")] * (acc.FREE_FAILURES + 1) + [
                (3, "sai mật khẩu"),  # 3 s on: 2 s left, not 5 again
                (2, "sai mật khẩu"),  # the 5 s are over: this one counts (the 4th failure)
                (0, "sai mật khẩu"),  # now 10 s
                (9, "sai mật khẩu"),  # 1 s left
                (1, "mật khẩu đúng")]:  # the owner, after the 10 s they were told
            clock[0] += timedelta(seconds=step)
            try:
                out.append(f"ok {acc.sign_in(any_store, name, password).name}")
            except PermissionDenied as exc:
                out.append(exc.message("vi"))
        return out

    real, missing = answers("quantri"), answers("khong.co")
    wrong = "Tên đăng nhập hoặc mật khẩu không đúng."
    waits = ["Đăng nhập sai nhiều lần. Hãy chờ 5 giây rồi thử lại.", "Đăng nhập sai nhiều lần. Hãy chờ 2 giây rồi thử lại.",
             wrong, "Đăng nhập sai nhiều lần. Hãy chờ 10 giây rồi thử lại.",
             "Đăng nhập sai nhiều lần. Hãy chờ 1 giây rồi thử lại."]
    assert real == [wrong] * acc.FREE_FAILURES + waits + ["ok quantri"]
    assert missing == [wrong] * acc.FREE_FAILURES + waits + [wrong]  # the same answers, the same waits
    assert any_store.user("quantri").failures == 0  # the sign-in cleared the count
    claim_missing = any_store.claim_sign_in("khong.co")
    assert claim_missing.failures == acc.FREE_FAILURES + 2  # only attempts made after a wait were counted
    assert claim_missing.failed_at == (start + timedelta(seconds=15)).isoformat(timespec="microseconds")
    # counted per name: another unknown name starts afresh, as another account would
    with pytest.raises(PermissionDenied) as err:
        acc.sign_in(any_store, "nguoi.khac", "x")
    assert err.value.key == "auth.wrong"
    assert any_store.user("khong.co") is None and [u.name for u in any_store.users()] == ["quantri"]


def test_junk_names_cannot_fill_the_store(any_store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.store import records

    monkeypatch.setattr(records, "FAILED_NAMES_KEPT", 5)
    monkeypatch.setattr(f"tbgeo.store.{'gpkg' if any_store.kind == 'gpkg' else 'pg_accounts'}.FAILED_NAMES_KEPT", 5)
    names = [f"rac{i:02d}" + "x" * 300 for i in range(12)]  # long junk: kept to 128 characters
    for name in names:
        any_store.claim_sign_in(name)
    # the five tried last are remembered (claimed again: their failure counted before); the others forgotten
    assert [any_store.claim_sign_in(n).failures for n in reversed(names[7:])] == [1] * 5
    assert any_store.claim_sign_in(names[6]).failures == 0 and any_store.claim_sign_in(names[0]).failures == 0


def test_the_command_lines_user_must_be_an_enabled_account_with_the_role(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 12 §2: with accounts on, --user (else TBGEO_USER) names who acts: an account that exists, is
    enabled and holds the right role; otherwise exit status 5 and nothing written, for every command."""
    from tests.ingest.helpers import geojson, ring

    for name, role in (("quantri", "admin"), ("gis1", "gis"), ("gis2", "gis"), ("xem", "viewer")):
        rc, _, err = _tbgeo(capsys, monkeypatch, "users", "add", name, "--role", role, "--by", "quantri",
                            "--password-stdin", password="mật khẩu dài")
        assert rc == 0, err
    rc, _, err = _tbgeo(capsys, monkeypatch, "users", "disable", "gis2", "--by", "quantri")
    assert rc == 0, err
    src = geojson(tmp_path / "kcn.geojson", [ring(shapely.box(106.40, 20.45, 106.41, 20.46))])
    open_store().add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Khu A", user="quantri")
    before = open_store().revision()
    refused = {
        "unknown": ("import", str(src), "--layer", "industrial_parks", "--yes", "--user", "khong.co"),
        "disabled": ("import", str(src), "--layer", "industrial_parks", "--yes", "--user", "gis2"),
        "TBGEO_USER": ("import", str(src), "--layer", "industrial_parks", "--yes"),  # "pytest": no account
        "rollback": ("rollback", "industrial_parks", "shipped", "--user", "khong.co"),
        "export": ("export", "industrial_parks", "--out", str(tmp_path / "o.geojson"), "--user", "gis2"),
        "comment": ("proposals", "1", "--comment", "Ý kiến", "--user", "xem"),
        "comment on none": ("proposals", "99", "--comment", "Ý kiến", "--user", "xem"),  # refused, not "no such"
        "decide on none": ("proposals", "99", "--status", "approved", "--user", "gis1"),
        "users": ("users", "roles", "xem", "--role", "gis", "--by", "gis1"),
    }
    said = {}
    for what, argv in refused.items():
        rc, _, err = _tbgeo(capsys, monkeypatch, *argv)
        assert rc == 5, (what, rc, err)
        said[what] = err
    assert "Không có tài khoản «khong.co»" in said["unknown"] and "Không có tài khoản «pytest»" in said["TBGEO_USER"]
    assert "Tài khoản «gis2» đã bị khoá" in said["disabled"] and "Tài khoản «gis2» đã bị khoá" in said["export"]
    assert "xem không được phép" in said["comment"] and "xem không được phép" in said["comment on none"]
    assert "gis1 không được phép" in said["decide on none"]
    assert "xem không được phép" in said["comment"] and "gis1 không được phép quản lý tài khoản" in said["users"]
    assert open_store().revision() == before and not (tmp_path / "o.geojson").exists()
    rc, _, err = _tbgeo(capsys, monkeypatch, "import", str(src), "--layer", "industrial_parks", "--yes", "--user", "gis1")
    assert rc == 0, err
    assert [(a["who"], a["action"]) for a in open_store().audit(2)] == [("gis1", "layer.import"), ("quantri", "proposal.create")]
