"""Who is using the app: the sign-in form (local accounts), a trusted reverse proxy's header, the
office's OpenID Connect provider, or — with no accounts — the single-user workbench on this computer.

The identity found is kept in the session (``Key.IDENTITY``) and passed to every domain change; the
domain checks its roles. Signing out forgets it. A server open to the network with no accounts shows
only a message saying how to set accounts up: never an open server that lets anyone change data.
"""

from __future__ import annotations

import streamlit as st

from tbgeo import settings
from tbgeo.auth import Identity, accounts, external, single_user
from tbgeo.errors import PermissionDenied, TbgeoError
from tbgeo.i18n import t
from tbgeo.i18n.params import Joined, Text, localize
from tbgeo.store import Store, open_store
from tbgeo.ui.state import Key

__all__ = ["identity", "actor", "roles_text"]

#: Addresses that serve this computer only. An unset address ("") is Streamlit's default: every address.
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def roles_text(who: Identity, lang: str) -> str:
    words = Joined(tuple(Text(f"auth.role.{r}", r) for r in sorted(who.roles)) or (Text("auth.role.none"),))
    return str(localize({"r": words}, lang)["r"])


def actor() -> Identity:
    """The signed-in identity (``identity`` has run first in every page view). A page shown without
    it acts as the single user only while there are no accounts; with accounts it needs a sign-in."""
    who = st.session_state.get(Key.IDENTITY)
    if isinstance(who, Identity):
        return who
    if open_store(create=False).has_users():
        raise PermissionDenied("auth.sign_in_required")
    return single_user()


def _local_form(store: Store, lang: str) -> Identity | None:
    st.title(t("auth.page.title", lang))
    with st.form(Key.SIGNIN_FORM):
        name = st.text_input(t("auth.page.name", lang), key=Key.SIGNIN_NAME)
        password = st.text_input(t("auth.page.password", lang), type="password", key=Key.SIGNIN_PASSWORD)
        submitted = st.form_submit_button(t("auth.page.submit", lang))
    if not submitted:
        return None
    try:
        return accounts.sign_in(store, name, password)
    except TbgeoError as exc:
        st.error(exc.message(lang))
        return None


def _refused(exc: TbgeoError, lang: str) -> None:
    st.error(exc.message(lang))


def _header(store: Store, lang: str) -> Identity | None:
    try:
        client = st.context.ip_address
        return external.from_header(store, st.context.headers, client if isinstance(client, str) else None,
                                    header=settings.trusted_header(), trusted=settings.trusted_proxies(),
                                    rewriters=settings.address_rewriters())
    except TbgeoError as exc:
        _refused(exc, lang)
        return None


def _oidc(store: Store, lang: str) -> Identity | None:
    if not st.user.is_logged_in:
        st.button(t("auth.page.oidc", lang), on_click=st.login)
        return None
    try:
        return external.from_oidc(store, {c: st.user.get(c) for c in (*external.OIDC_CLAIMS, settings.oidc_claim())})
    except TbgeoError as exc:  # signed in with the provider, but no tbgeo account: no rights
        _refused(exc, lang)
        st.button(t("auth.page.sign_out", lang), on_click=st.logout)
        return None


def _still_valid(store: Store, who: Identity) -> Identity | None:
    """The session's identity with the roles stored now (an admin's change applies at once), or None
    when the account was disabled or removed meanwhile."""
    if who.single_user:
        return who if not store.has_users() else None
    account = store.user(who.name)
    if account is None or account.disabled:
        return None
    return accounts.identity_of(account, who.method)


def identity(lang: str) -> Identity:
    """The person using the app, or the page stops at the sign-in form (or the open-network warning)."""
    store = open_store(create=False)
    address = str(st.get_option("server.address") or "")
    if not store.has_users():
        if address not in _LOOPBACK:
            st.error(t("auth.open_network", lang, address=address))
            st.stop()
        if external.through_proxy(st.context.headers):  # a proxy on this computer serves the network
            st.error(t("auth.open_proxy", lang))
            st.stop()
        alone = single_user()
        st.session_state[Key.IDENTITY] = alone
        st.sidebar.caption(t("auth.page.single", lang, name=alone.name))
        return alone
    current = st.session_state.get(Key.IDENTITY)
    who = _still_valid(store, current) if isinstance(current, Identity) else None
    if who is None:
        mode = settings.auth_mode()
        found = _header(store, lang) if mode == "header" else _oidc(store, lang) if mode == "oidc" else _local_form(store, lang)
        if found is None:
            st.session_state.pop(Key.IDENTITY, None)
            st.stop()
        st.session_state[Key.IDENTITY] = found
        st.session_state.pop(Key.SIGNIN_PASSWORD, None)
        st.rerun()  # the page the person came for, without the form
    st.session_state[Key.IDENTITY] = who
    st.sidebar.caption(t("auth.page.signed_in", lang, name=who.display_name, roles=roles_text(who, lang)))
    if who.method != "header" and st.sidebar.button(t("auth.page.sign_out", lang)):
        st.session_state.pop(Key.IDENTITY, None)
        if who.method == "oidc":
            st.logout()
        st.rerun()
    return who
