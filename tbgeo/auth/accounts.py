"""Local accounts: passwords hashed with Argon2 (argon2-cffi), sign-in slowed down after repeated
failures, and the account changes an admin makes (each recorded under the admin's name)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tbgeo.auth import Identity, account_name, check_name, check_roles, require
from tbgeo.errors import InputError, PermissionDenied
from tbgeo.i18n.params import Num
from tbgeo.store import SignInClaim, Store, User

__all__ = ["MIN_PASSWORD", "FREE_FAILURES", "hash_password", "sign_in", "wait_seconds", "add_user", "set_roles",
           "set_disabled", "set_password", "identity_of"]

#: Characters a password needs at least.
MIN_PASSWORD = 8
#: Failed sign-ins allowed before each further attempt must wait (5, 10, 20 … s, at most 5 minutes).
FREE_FAILURES = 3
_FIRST_WAIT_S = 5.0
_MAX_WAIT_S = 300.0

_HASHER = PasswordHasher()
#: Checked against when the account does not exist, so a wrong name takes as long as a wrong password.
_DUMMY = _HASHER.hash("tbgeo-no-such-account")


def _password(text: str) -> str:
    clean = unicodedata.normalize("NFC", text or "")
    if len(clean) < MIN_PASSWORD:
        raise InputError("auth.short_password", n=MIN_PASSWORD)
    return clean


def hash_password(text: str) -> str:
    return _HASHER.hash(_password(text))


def _now() -> datetime:
    return datetime.now(UTC)


def wait_seconds(claim: User | SignInClaim, now: datetime | None = None) -> float:
    """How long a name (an account's, or one without an account: counted alike) must still wait
    before the next sign-in attempt (0: it may try now)."""
    if claim.failures < FREE_FAILURES or not claim.failed_at:
        return 0.0
    wait = min(_FIRST_WAIT_S * 2.0 ** (claim.failures - FREE_FAILURES), _MAX_WAIT_S)
    since = ((now or _now()) - datetime.fromisoformat(claim.failed_at)).total_seconds()
    return max(0.0, wait - since)


def _not_waiting(claim: SignInClaim) -> None:
    wait = wait_seconds(claim)
    if wait > 0:
        raise PermissionDenied("auth.wait", seconds=Num(math.ceil(wait), 0))


def identity_of(account: User, method: str = "local") -> Identity:
    return Identity(account.name, account.display_name or account.name, frozenset(account.roles), method)


def sign_in(store: Store, name: str, password: str) -> Identity:
    """The identity of a local account whose password matches; refused (the same words for a wrong
    name and a wrong password), after too many failures refused until the wait is over. A name without
    an account is counted and made to wait exactly like one with it: the answers, the waits and the
    work done (a password hash checked) say nothing about which names exist."""
    who = account_name(name)
    # counted as a failure before the password is checked: parallel attempts cannot all slip through;
    # an attempt before the wait is over is refused uncounted (it neither lengthens nor restarts the
    # wait, so nobody can keep an account locked by trying its name now and then)
    claim = store.claim_sign_in(who, _not_waiting) if who else SignInClaim(None)
    account = claim.account
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY, unicodedata.normalize("NFC", password or ""))
        good = account is not None
    except (VerificationError, InvalidHashError):
        good = False
    if who:  # for a name without an account too: the same work
        store.record_sign_in(account.name if account else who, good)
    if account is None:
        raise PermissionDenied("auth.wrong")
    if not good:
        raise PermissionDenied("auth.wrong")
    if account.disabled:
        raise PermissionDenied("auth.disabled", name=account.name)
    return identity_of(account)


def _admins_left(users: list[User], without: str) -> int:
    return sum(1 for u in users if u.name != without and not u.disabled and "admin" in u.roles)


def _keep_an_admin(name: str) -> Callable[[list[User]], None]:
    """Refuse a change that leaves no enabled admin; run by the store inside the change, on the
    accounts as stored then (two admins disabling each other at once: the second is refused)."""
    def check(users: list[User]) -> None:
        if _admins_left(users, name) == 0:
            raise InputError("auth.last_admin", name=name)
    return check


def add_user(store: Store, actor: Identity, name: str, password: str, roles: tuple[str, ...] | list[str], *,
             display_name: str = "") -> User:
    """A new account. The first one is made from the single-user workbench and must be an admin
    (else nobody could manage accounts afterwards)."""
    require(actor, "users.manage")
    clean, wanted = check_name(name), check_roles(roles)
    if not store.has_users() and "admin" not in wanted:
        raise InputError("auth.first_admin")
    return store.add_user(clean, display_name=unicodedata.normalize("NFC", display_name).strip() or clean,
                          password_hash=hash_password(password), roles=wanted, user=actor.name)


def set_roles(store: Store, actor: Identity, name: str, roles: tuple[str, ...] | list[str]) -> User:
    require(actor, "users.manage")
    wanted, who = check_roles(roles), account_name(name)
    return store.update_user(who, user=actor.name, roles=wanted,
                             check=None if "admin" in wanted else _keep_an_admin(who))


def set_disabled(store: Store, actor: Identity, name: str, disabled: bool = True) -> User:
    require(actor, "users.manage")
    who = account_name(name)
    return store.update_user(who, user=actor.name, disabled=disabled, check=_keep_an_admin(who) if disabled else None)


def set_password(store: Store, actor: Identity, name: str, password: str) -> User:
    """A new password: an admin sets anyone's; everyone may set their own."""
    name = account_name(name)
    if actor.name != name:
        require(actor, "users.manage")
    return store.update_user(name, user=actor.name, password_hash=hash_password(password))
