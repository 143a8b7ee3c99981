"""Sign-in through a trusted reverse proxy's header and through the office's OpenID Connect provider
(issue 12 §2): the person is named outside tbgeo, the account and its roles are tbgeo's. Both the
identity resolution (both stores) and the app's pages (AppTest with the request or st.user injected)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tbgeo.auth import accounts as acc, single_user
from tbgeo.auth.external import from_header, from_oidc
from tbgeo.errors import PermissionDenied
from tbgeo.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.5"


def _accounts(store: Store) -> None:
    acc.add_user(store, single_user(), "quantri", "mật khẩu đúng", ["admin"], display_name="Phòng Quản lý")
    admin = acc.sign_in(store, "quantri", "mật khẩu đúng")
    acc.add_user(store, admin, "lan.nt", "mật khẩu của Lan", ["planner", "approver"], display_name="Nguyễn Thị Lan")
    acc.add_user(store, admin, "hung@sxd.thaibinh.gov.vn", "mật khẩu của Hùng", ["gis"], display_name="Trần Văn Hùng")
    acc.add_user(store, admin, "cu", "mật khẩu cũ dài", ["viewer"])
    acc.set_disabled(store, admin, "cu")


def _refusal(call: Any) -> str:
    with pytest.raises(PermissionDenied) as err:
        call()
    return err.value.message("vi")


def test_a_trusted_proxys_header_names_an_account_and_its_roles(any_store: Store) -> None:
    _accounts(any_store)

    def sign(headers: dict[str, str], client: str | None, trusted: tuple[str, ...] = (PROXY,)) -> Any:
        return from_header(any_store, headers, client, header="X-Remote-User", trusted=trusted)

    who = sign({"x-remote-user": "lan.nt"}, PROXY)  # header names are not case-sensitive
    assert (who.name, who.display_name, who.roles, who.method) == (
        "lan.nt", "Nguyễn Thị Lan", frozenset({"planner", "approver"}), "header")
    # a proxy beside tbgeo (Streamlit gives no address for this computer), trusted by default
    assert sign({"X-Remote-User": "lan.nt"}, None, ("127.0.0.1", "::1")).name == "lan.nt"
    assert _refusal(lambda: sign({"X-Remote-User": "lan.nt"}, "10.0.0.9")) == (
        "Yêu cầu đến từ địa chỉ 10.0.0.9, không phải máy chủ trung gian được tin cậy (TBGEO_TRUSTED_PROXY), nên tên"
        " người dùng trong đó không được nhận. Hãy mở tbgeo qua cổng của cơ quan.")
    assert _refusal(lambda: sign({"X-Remote-User": "lan.nt"}, None)).startswith("Yêu cầu đến từ địa chỉ —,")
    assert _refusal(lambda: sign({"X-Remote-User": "khong.co"}, PROXY)) == (
        "Bạn đã được xác thực là «khong.co», nhưng tbgeo chưa có tài khoản nào mang tên này nên bạn chưa có quyền gì."
        " Hãy nhờ quản trị thêm tài khoản (tbgeo users add khong.co --role …).")
    assert _refusal(lambda: sign({"X-Remote-User": "cu"}, PROXY)) == (
        "Tài khoản «cu» đã bị khoá. Hãy liên hệ quản trị hệ thống.")
    assert _refusal(lambda: sign({}, PROXY)).startswith("Máy chủ trung gian không gửi tên người dùng")


def test_an_oidc_sign_in_is_mapped_to_an_account_by_one_configured_claim(
        any_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """One claim names the account (TBGEO_OIDC_CLAIM, default email): preferred_username is neither
    unique nor fixed at some providers, so a user who renames themselves "quantri" gets nobody's rights."""
    _accounts(any_store)
    by_email = from_oidc(any_store, {"preferred_username": "quantri", "email": "Hung@SXD.thaibinh.gov.vn",
                                     "email_verified": True, "sub": "8f2"})
    assert (by_email.name, by_email.roles, by_email.method) == ("hung@sxd.thaibinh.gov.vn", frozenset({"gis"}), "oidc")
    # the user name is not looked at with the default: "lan.nt" as preferred_username names nobody
    assert _refusal(lambda: from_oidc(any_store, {"preferred_username": "lan.nt", "email": "mai@x"})).startswith(
        "Bạn đã được xác thực là «mai@x», nhưng tbgeo chưa có tài khoản nào mang tên này")
    assert _refusal(lambda: from_oidc(any_store, {"preferred_username": "lan.nt"})) == (
        "Hệ thống đăng nhập của cơ quan không cho biết email (TBGEO_OIDC_CLAIM) của bạn, là thông tin tbgeo dùng"
        " để tìm tài khoản, nên bạn chưa có quyền gì. Hãy liên hệ quản trị.")
    unverified = {"email": "hung@sxd.thaibinh.gov.vn", "email_verified": False}
    with pytest.raises(PermissionDenied) as err:
        from_oidc(any_store, unverified)
    assert err.value.message("en") == (
        "The office's sign-in says the e-mail address hung@sxd.thaibinh.gov.vn is not verified, so it does not"
        " name a tbgeo account. Verify it with the office's sign-in, then sign in again.")
    monkeypatch.setenv("TBGEO_OIDC_CLAIM", "preferred_username")
    assert from_oidc(any_store, {"preferred_username": "Lan.NT", "email": "quantri"}).roles == {"planner", "approver"}
    assert from_oidc(any_store, {"sub": "lan.nt"}, claim="sub").name == "lan.nt"
    assert _refusal(lambda: from_oidc(any_store, {"preferred_username": "cu"})) == (
        "Tài khoản «cu» đã bị khoá. Hãy liên hệ quản trị hệ thống.")


# -- the app's pages ------------------------------------------------------------------------


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    _accounts(open_store())
    yield AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def _request(monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], client: str | None) -> None:
    """The request as the reverse proxy sends it: its headers and the address it comes from."""
    monkeypatch.setattr(st, "context", SimpleNamespace(headers=headers, ip_address=client, locale="vi-VN"))


def _sidebar(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption]


def test_the_app_signs_in_whom_the_trusted_proxy_names(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TBGEO_AUTH", "header")
    monkeypatch.setenv("TBGEO_TRUSTED_PROXY", PROXY)
    _request(monkeypatch, {"X-Remote-User": "lan.nt"}, PROXY)
    at = app.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Bản đồ quy hoạch công nghiệp tỉnh Thái Bình"
    assert "Đang đăng nhập: Nguyễn Thị Lan (người phê duyệt, cán bộ quy hoạch)" in _sidebar(at)
    assert at.session_state["identity"].method == "header" and not at.sidebar.button  # the proxy signs out


@pytest.mark.parametrize(("name", "client", "says"), [
    ("lan.nt", "10.0.0.9", "Yêu cầu đến từ địa chỉ 10.0.0.9, không phải máy chủ trung gian được tin cậy"),
    ("khong.co", PROXY, "Bạn đã được xác thực là «khong.co», nhưng tbgeo chưa có tài khoản nào mang tên này"),
    ("cu", PROXY, "Tài khoản «cu» đã bị khoá."),
])
def test_the_app_refuses_a_header_from_elsewhere_or_naming_no_enabled_account(
        app: AppTest, monkeypatch: pytest.MonkeyPatch, name: str, client: str, says: str) -> None:
    monkeypatch.setenv("TBGEO_AUTH", "header")
    monkeypatch.setenv("TBGEO_TRUSTED_PROXY", PROXY)
    _request(monkeypatch, {"X-Remote-User": name}, client)
    at = app.run()
    assert not at.exception, at.exception
    assert not at.title and at.error[0].value.startswith(says), at.error[0].value  # no page, no rights
    assert "identity" not in at.session_state


class _User(dict):  # type: ignore[type-arg]
    """st.user as Streamlit gives it after the provider's sign-in: the claims, and is_logged_in."""

    @property
    def is_logged_in(self) -> bool:
        return bool(self)


def test_the_app_signs_in_an_oidc_user_with_an_account_and_gives_none_without(
        app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TBGEO_AUTH", "oidc")
    monkeypatch.setattr(st, "user", _User())
    at = app.run()  # not signed in with the provider yet: only its button
    assert not at.exception and not at.title and [b.label for b in at.button] == ["Đăng nhập bằng tài khoản cơ quan"]
    monkeypatch.setattr(st, "user", _User(preferred_username="hung", email="hung@sxd.thaibinh.gov.vn", sub="8f2"))
    at = app.run()
    assert not at.exception, at.exception
    assert "Đang đăng nhập: Trần Văn Hùng (cán bộ GIS)" in _sidebar(at)
    assert at.session_state["identity"].roles == {"gis"}
    monkeypatch.setattr(st, "user", _User(preferred_username="hung@sxd.thaibinh.gov.vn", email="mai@sxd.thaibinh.gov.vn",
                                          sub="9a1"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()  # another person's new session
    assert not at.exception and not at.title
    assert [e.value for e in at.error] == [
        "Bạn đã được xác thực là «mai@sxd.thaibinh.gov.vn», nhưng tbgeo chưa có tài khoản nào mang tên này nên bạn"
        " chưa có quyền gì. Hãy nhờ quản trị thêm tài khoản (tbgeo users add mai@sxd.thaibinh.gov.vn --role …)."]
    assert [b.label for b in at.button] == ["Đăng xuất"] and "identity" not in at.session_state
