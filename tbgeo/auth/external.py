"""Identities established outside tbgeo: a trusted reverse proxy's header, or the office's OpenID
Connect provider (``st.login``). Either only names the person; the account (and so the roles) is
tbgeo's: a name without an enabled account gets no rights."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tbgeo import settings
from tbgeo.auth import Identity, account_name
from tbgeo.auth.accounts import identity_of
from tbgeo.errors import PermissionDenied
from tbgeo.store import Store

__all__ = ["from_header", "from_oidc", "through_proxy", "OIDC_CLAIMS", "LOCAL_CLIENT", "PROXY_HEADERS"]

#: The claims of an OpenID Connect sign-in the app asks for: the one that names the account
#: (``settings.oidc_claim()``) is one of them, or any other the provider gives.
OIDC_CLAIMS = ("email", "email_verified", "sub", "preferred_username")
#: Streamlit gives no client address (None) for a client on this computer, such as a proxy beside tbgeo.
LOCAL_CLIENT = frozenset({"127.0.0.1", "::1", "localhost"})
#: Headers a reverse proxy adds: a request carrying one came through a proxy, maybe from the network.
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def _has(headers: Mapping[str, str], name: str) -> bool:
    return any(k.lower() == name for k in headers)


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8501
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def through_proxy(headers: Mapping[str, str]) -> bool:
    """Whether the request came from elsewhere than this computer's own browser: it carries a
    forwarding header (a reverse proxy), or names a host other than this computer (``Host``: a plain
    forwarder such as nginx's bare ``proxy_pass``, socat or an SSH tunnel passes the browser's, which
    names the forwarder). Then "from this computer" says nothing of where the person is. No ``Host``
    (a test's request) is this computer."""
    if any(_has(headers, h) for h in PROXY_HEADERS):
        return True
    host = next((str(v) for k, v in headers.items() if k.lower() == "host"), "")
    return bool(host) and not (_host_name(host) in LOCAL_CLIENT or _host_name(host).startswith("127."))


def _account(store: Store, name: str, method: str, missing: str) -> Identity:
    account = store.user(name)
    if account is None:
        raise PermissionDenied(missing, name=name)
    if account.disabled:
        raise PermissionDenied("auth.disabled", name=name)
    return identity_of(account, method)


def from_header(store: Store, headers: Mapping[str, str], client: str | None, *, header: str,
                trusted: Iterable[str], rewriters: Iterable[str] = ()) -> Identity:
    """The account a trusted proxy names in ``header``: only from a ``trusted`` address (``client``;
    None: this computer), and only an enabled account; refused (PermissionDenied) otherwise.

    ``rewriters``: the addresses the web server takes the client's address from ``X-Forwarded-For``
    for (``settings.address_rewriters``). When there are any and the request has that header, the
    address seen may be the one the proxy wrote, not the proxy's, and cannot be checked: refused, with
    what the server's administrator must change."""
    if tuple(rewriters) and _has(headers, "x-forwarded-for"):
        raise PermissionDenied("auth.page.header_rewritten")
    proxies = set(trusted)
    if not (client in proxies if client else bool(proxies & LOCAL_CLIENT)):
        raise PermissionDenied("auth.page.header_untrusted", address=client or "—")
    wanted = header.lower()
    name = account_name(next((str(v) for k, v in headers.items() if k.lower() == wanted), ""))
    if not name:
        raise PermissionDenied("auth.page.header_missing")
    return _account(store, name, "header", "auth.page.no_account")


def from_oidc(store: Store, claims: Mapping[str, Any], claim: str | None = None) -> Identity:
    """The account an OpenID Connect sign-in names in one claim (``claim``, default the setting
    ``TBGEO_OIDC_CLAIM``: ``email``); an e-mail the provider says is not verified names nobody.
    Refused (PermissionDenied) when the claim is missing, names no account, or the account is disabled."""
    which = claim or settings.oidc_claim()
    name = account_name(str(claims.get(which) or ""))
    if not name:
        raise PermissionDenied("auth.page.oidc_no_claim", claim=which)
    verified = claims.get("email_verified")  # absent: the provider does not say; else it must say true
    if which == "email" and verified is not None and not (verified is True or str(verified).strip().lower() == "true"):
        raise PermissionDenied("auth.page.oidc_unverified", name=name)
    return _account(store, name, "oidc", "auth.page.no_account")
