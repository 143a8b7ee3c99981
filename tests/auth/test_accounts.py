"""Accounts' rules that hold whoever calls them and however many at once (issue 12 §2): some admin is
always left, names are one account whatever their case, and the GeoPackage holding the password
hashes is readable by its owner only."""

from __future__ import annotations

import contextlib
import stat
import threading

import pytest

from tbgeo.auth import Identity, accounts as acc, acting, single_user
from tbgeo.auth.external import from_header
from tbgeo.errors import InputError, TbgeoError
from tbgeo.store import Store, User, open_store


def test_two_admins_disabling_each_other_at_once_leave_one_admin(any_store: Store,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The last-admin check runs inside the store's change, on the accounts as stored then: the first
    check holds the change (its barrier waits for the other one, which cannot get in) and the second,
    run after the first change is stored, sees one admin left and refuses."""
    acc.add_user(any_store, single_user(), "an", "mật khẩu dài 1", ["admin"])
    an = acc.identity_of(any_store.user("an"))  # type: ignore[arg-type]
    acc.add_user(any_store, an, "binh", "mật khẩu dài 2", ["admin"])
    binh = acc.identity_of(any_store.user("binh"))  # type: ignore[arg-type]
    real = acc._admins_left
    barrier = threading.Barrier(2, timeout=1.0)  # both checks at once only if the store let both in

    def both_at_once(users: list[User], without: str) -> int:
        count = real(users, without)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return count

    monkeypatch.setattr(acc, "_admins_left", both_at_once)
    refused: list[TbgeoError] = []

    def work(actor: Identity, target: str) -> None:
        try:
            acc.set_disabled(open_store(), actor, target)
        except TbgeoError as exc:
            refused.append(exc)

    threads = [threading.Thread(target=work, args=(an, "binh")), threading.Thread(target=work, args=(binh, "an"))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    left = [u.name for u in any_store.users() if not u.disabled and "admin" in u.roles]
    assert len(left) == 1, refused
    assert [e.key for e in refused] == ["auth.last_admin"]
    assert refused[0].message("en") == (f"Cannot take the admin role from, or disable, “{left[0]}”: it is the last"
                                        " active admin.")
    disabled = [a for a in any_store.audit() if a["action"] == "user.disable"]
    assert len(disabled) == 1 and disabled[0]["target"] != f"user:{disabled[0]['who']}"
    # demoting the one left is refused too, from the check inside the change
    with pytest.raises(InputError) as err:
        acc.set_roles(any_store, acc.identity_of(any_store.user(left[0])), left[0], ["planner"])  # type: ignore[arg-type]
    assert err.value.key == "auth.last_admin" and any_store.user(left[0]).roles == ("admin",)  # type: ignore[union-attr]


def test_account_names_are_one_account_whatever_their_case(any_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    acc.add_user(any_store, single_user(), " QuanTri ", "mật khẩu đúng", ["admin"])
    assert [u.name for u in any_store.users()] == ["quantri"]  # kept in lower case
    admin = acc.sign_in(any_store, "Quantri", "mật khẩu đúng")  # the sign-in form
    assert admin.name == "quantri"
    with pytest.raises(InputError) as err:
        acc.add_user(any_store, admin, "Quantri", "mật khẩu khác dài", ["viewer"])
    assert err.value.message("vi") == "Đã có tài khoản «quantri»."
    acc.add_user(any_store, admin, "Lan.NT", "mật khẩu của Lan", ["planner"])
    assert acting(any_store, "LAN.nt").name == "lan.nt"  # --user / --by
    monkeypatch.setenv("TBGEO_USER", "Lan.Nt")
    assert acting(any_store).name == "lan.nt"  # TBGEO_USER
    who = from_header(any_store, {"X-Remote-User": "LAN.NT"}, None, header="X-Remote-User", trusted=("127.0.0.1",))
    assert (who.name, who.method) == ("lan.nt", "header")
    assert acc.set_disabled(any_store, admin, "LAN.NT").disabled and any_store.user("lan.nt").disabled  # type: ignore[union-attr]
    assert sorted(u.name for u in any_store.users()) == ["lan.nt", "quantri"]
    assert [a["target"] for a in any_store.audit(1)] == ["user:lan.nt"]


def test_the_geopackage_holding_the_password_hashes_is_its_owners_only(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tbgeo.gpkg"
    monkeypatch.setenv("TBGEO_WORKSPACE", str(path))
    monkeypatch.delenv("TBGEO_DATABASE_URL", raising=False)
    store = open_store()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    acc.add_user(store, single_user(), "quantri", "mật khẩu đúng", ["admin"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert open_store().user("quantri").password_hash.startswith("$argon2id$")  # type: ignore[union-attr]
    # a workspace made by an earlier tbgeo (world-readable) is closed when it first gets a hash
    path.chmod(0o644)
    acc.add_user(store, acc.identity_of(store.user("quantri")), "lan", "mật khẩu của Lan", ["planner"])  # type: ignore[arg-type]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # one that already holds hashes and was left readable is closed when it is next opened
    path.chmod(0o644)
    assert open_store().has_users() and stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("name", ["qu\u0430ntri", "lân", "lan nt", ".lan", "x", "a" * 65, "lan\u200bnt"])
def test_look_alike_and_odd_account_names_are_refused(any_store: Store, name: str) -> None:
    acc.add_user(any_store, single_user(), "quantri", "mật khẩu đúng", ["admin"])
    admin = acc.identity_of(any_store.user("quantri"))  # type: ignore[arg-type]
    with pytest.raises(InputError) as err:
        acc.add_user(any_store, admin, name, "mật khẩu dài", ["viewer"])
    assert err.value.message("vi").startswith("Tên tài khoản «") and "chữ cái không dấu" in err.value.message("vi")
    assert [u.name for u in any_store.users()] == ["quantri"]
    for fine in ("lan.nt", "lan@soct.gov.vn", "gis_2", "Mai-Anh"):
        acc.add_user(any_store, admin, fine, "mật khẩu dài", ["viewer"])
    assert sorted(u.name for u in any_store.users()) == ["gis_2", "lan.nt", "lan@soct.gov.vn", "mai-anh", "quantri"]


@pytest.mark.parametrize("verified", [False, "false", "False", 0, "0", "no"])
def test_an_email_the_provider_does_not_call_verified_names_no_account(any_store: Store, verified: object) -> None:
    from tbgeo.auth.external import from_oidc

    acc.add_user(any_store, single_user(), "lan@soct.gov.vn", "mật khẩu đúng", ["admin"])
    with pytest.raises(TbgeoError) as err:
        from_oidc(any_store, {"email": "lan@soct.gov.vn", "email_verified": verified})
    assert err.value.message("vi").startswith("Hệ thống đăng nhập của cơ quan cho biết địa chỉ thư điện tử")
    for ok in (True, "true", None):
        claims = {"email": "Lan@SoCT.gov.vn"} | ({"email_verified": ok} if ok is not None else {})
        assert from_oidc(any_store, claims).name == "lan@soct.gov.vn"
