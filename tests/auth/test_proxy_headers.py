"""Behind a reverse proxy (issue 12 §2): the trusted header is refused when the web server may have
replaced the proxy's address with X-Forwarded-For's (uvicorn's proxy headers, on unless
FORWARDED_ALLOW_IPS is empty, as ``make serve`` sets it), and the single-user workbench is refused to
a request that came through a proxy."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tbgeo import settings
from tbgeo.auth import accounts, single_user
from tbgeo.auth.external import from_header, through_proxy
from tbgeo.errors import PermissionDenied
from tbgeo.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]
PROXY = "127.0.0.1"


def test_the_header_is_refused_when_the_address_may_be_x_forwarded_fors(any_store: Store) -> None:
    accounts.add_user(any_store, single_user(), "quantri", "mật khẩu dài", ["admin"], display_name="Quản trị")

    def sign(headers: dict[str, str], rewriters: tuple[str, ...]):  # type: ignore[no-untyped-def]
        return from_header(any_store, headers, PROXY, header="X-Remote-User", trusted=(PROXY,), rewriters=rewriters)

    # as nginx sends it, to a server that rewrites the address: cannot be checked, refused with the fix
    with pytest.raises(PermissionDenied) as err:
        sign({"X-Remote-User": "quantri", "X-Forwarded-For": "10.1.2.3"}, ("127.0.0.1", "::1"))
    said = err.value.message("vi")
    assert said.startswith("Không nhận tên người dùng từ máy chủ trung gian") and "make serve" in said
    assert "FORWARDED_ALLOW_IPS" in err.value.message("en")
    # started as make serve starts it (no rewriting): the proxy's address, checked, the account signed in
    who = sign({"X-Remote-User": "quantri", "x-forwarded-for": "10.1.2.3"}, ())
    assert (who.name, who.method, sorted(who.roles)) == ("quantri", "header", ["admin"])
    # a rewriting server but no forwarding header: the address is the connection's, as before
    assert sign({"X-Remote-User": "quantri"}, ("127.0.0.1",)).name == "quantri"


def test_the_rewriters_follow_forwarded_allow_ips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert settings.address_rewriters() == ("127.0.0.1", "::1")  # uvicorn's default
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "")
    assert settings.address_rewriters() == ()
    assert "FORWARDED_ALLOW_IPS= $(VENV)/bin/streamlit run app.py --server.address 0.0.0.0" in (
        ROOT / "Makefile").read_text(encoding="utf-8")
    assert through_proxy({"X-Real-IP": "10.1.2.3"}) and through_proxy({"forwarded": "for=10.1.2.3"})
    assert not through_proxy({"Host": "localhost:8501", "X-Remote-User": "x"})
    assert not through_proxy({"host": "127.0.0.1:8501"}) and not through_proxy({"Host": "[::1]:8501"})
    # a plain forwarder (bare proxy_pass, socat, ssh -L) adds no header but passes the browser's Host
    assert through_proxy({"Host": "192.0.2.2:8572"}) and through_proxy({"Host": "tbgeo.soct.local"})
    assert through_proxy({"Host": "localhost.attacker.example"}) and through_proxy({"Host": "[2001:db8::1]:80"})


@pytest.mark.parametrize("headers", [{"X-Forwarded-For": "10.1.2.3", "Host": "localhost:8501"},
                                     {"Host": "192.0.2.2:8572"}])  # a proxy; a plain forwarder
def test_the_single_user_workbench_is_refused_through_a_proxy(monkeypatch: pytest.MonkeyPatch,
                                                              headers: dict[str, str]) -> None:
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    assert not open_store().has_users()
    monkeypatch.setattr(st, "context", SimpleNamespace(headers=headers, ip_address=None, locale="vi-VN"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert not at.title and at.error[0].value.startswith(
        "tbgeo chưa có tài khoản nào nhưng yêu cầu này không đến từ trình duyệt trên chính máy này")
    assert "identity" not in at.session_state
