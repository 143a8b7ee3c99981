"""The app's sign-in (issue 12 §2): with no accounts a single-user workbench on this computer only;
with accounts a Vietnamese sign-in form, a wrong password refused, sign-out forgetting the session,
each person shown only the pages their roles allow, and a trusted header only from the proxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tbgeo.auth import Identity, accounts as acc, single_user
from tbgeo.store import open_store
from tbgeo.ui.app import PAGES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    yield AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def _accounts() -> None:
    store = open_store()
    acc.add_user(store, single_user(), "quantri", "mật khẩu đúng", ["admin"], display_name="Phòng Quản lý")
    acc.add_user(store, acc.sign_in(store, "quantri", "mật khẩu đúng"), "xem", "mật khẩu xem", ["viewer"])


def test_without_accounts_the_single_user_is_named_and_nothing_asks_to_sign_in(app: AppTest) -> None:
    at = app.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Bản đồ quy hoạch công nghiệp tỉnh Thái Bình"
    assert "Làm việc một mình trên máy này: thay đổi được ghi dưới tên pytest" in [c.value for c in at.sidebar.caption]


def test_an_open_network_server_without_accounts_refuses_to_serve(app: AppTest) -> None:
    old = st.get_option("server.address")
    st.config.set_option("server.address", "0.0.0.0")
    try:
        at = app.run()
    finally:
        st.config.set_option("server.address", old)
    assert not at.exception and not at.title
    assert at.error[0].value.startswith("tbgeo đang mở cho mạng (0.0.0.0) nhưng chưa có tài khoản nào")


def test_sign_in_refuses_a_wrong_password_then_signs_in_and_out(app: AppTest) -> None:
    _accounts()
    at = app.run()
    assert [t.value for t in at.title] == ["Đăng nhập"]  # nothing else is shown before signing in
    at.text_input(key="signin_name").set_value("quantri")
    at.text_input(key="signin_password").set_value("sai mật khẩu")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Tên đăng nhập hoặc mật khẩu không đúng."]
    assert open_store().user("quantri").failures == 1
    at.text_input(key="signin_name").set_value("quantri")
    at.text_input(key="signin_password").set_value("mật khẩu đúng")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Bản đồ quy hoạch công nghiệp tỉnh Thái Bình"
    assert "Đang đăng nhập: Phòng Quản lý (quản trị)" in [c.value for c in at.sidebar.caption]
    assert "signin_password" not in at.session_state  # the password is not kept in the session
    at.sidebar.button[0].click().run()  # sign out
    assert [t.value for t in at.title] == ["Đăng nhập"]


def test_each_person_sees_only_the_pages_their_roles_allow() -> None:
    shown = {role: [p.url for p in PAGES if p.shown_to(Identity("x", "x", frozenset({role})))]
             for role in ("viewer", "planner", "gis", "approver", "admin")}
    assert shown["viewer"] == ["map", "print", "targets", "data"]
    assert shown["admin"] == ["map", "review", "print", "targets", "data"]  # the proposals, to tidy anyone's drafts
    assert shown["planner"] == ["map", "review", "print", "targets", "search", "data"]
    assert shown["gis"] == ["map", "upload", "print", "targets", "data"]
    assert shown["approver"] == ["map", "review", "print", "targets", "data"]


def test_a_trusted_header_is_taken_only_from_the_proxy(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    _accounts()
    monkeypatch.setenv("TBGEO_AUTH", "header")
    monkeypatch.setenv("TBGEO_TRUSTED_PROXY", "10.0.0.5")  # not where this test's request comes from
    at = app.run()
    assert not at.title and at.error[0].value.startswith("Yêu cầu đến từ địa chỉ —, không phải máy chủ trung gian")


def test_a_page_shown_without_a_sign_in_acts_for_nobody_once_accounts_exist() -> None:
    script = ("import streamlit as st\nfrom tbgeo.errors import PermissionDenied\nfrom tbgeo.ui.signin import actor\n"
              "try:\n    st.text(actor().name)\nexcept PermissionDenied as exc:\n    st.error(exc.message('vi'))\n")
    at = AppTest.from_string(script, default_timeout=30).run()
    assert [x.value for x in at.text] == ["pytest"]  # no accounts: the single user
    _accounts()
    at = AppTest.from_string(script, default_timeout=30).run()
    assert [e.value for e in at.error] == ["Cần đăng nhập để thực hiện thay đổi này."] and not at.text


def test_the_form_answers_a_missing_name_exactly_as_an_existing_one(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    _accounts()
    moment = datetime(2026, 12, 4, 2, 0, 0, tzinfo=UTC)  # one moment: the waits shown do not run down mid-test
    monkeypatch.setattr("tbgeo.store.gpkg.now", moment.isoformat)
    monkeypatch.setattr("tbgeo.store.gpkg.now_exact", moment.isoformat)
    monkeypatch.setattr(acc, "_now", lambda: moment)

    def shown(name: str) -> list[list[str]]:
        at = app.run()
        out = []
        for _ in range(acc.FREE_FAILURES + 2):
            at.text_input(key="signin_name").set_value(name)
            at.text_input(key="signin_password").set_value("đoán bừa mật khẩu")
            at.button[0].click().run()
            out.append([e.value for e in at.error])
        return out

    assert shown("quantri") == shown("khong.co") == [["Tên đăng nhập hoặc mật khẩu không đúng."]] * acc.FREE_FAILURES + [
        ["Đăng nhập sai nhiều lần. Hãy chờ 5 giây rồi thử lại."]] * 2  # a try while waiting: uncounted
