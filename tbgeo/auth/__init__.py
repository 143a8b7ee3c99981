"""Who is acting, and what their roles allow: the role × action matrix, checked in the domain.

Every change (an import, a rollback, a proposal, a decision, a comment, an account) is made by an
``Identity`` and refused, with nothing written, when none of its roles allows the action. How the
identity was established (a local account's password, the office's OpenID Connect provider, a
trusted reverse proxy, or the single-user workbench) does not matter here: roles live in tbgeo.

With no accounts in the store, tbgeo is a single-user workbench: the person at this computer (their
login name, or ``TBGEO_USER``) may do everything, and the app listens on this computer only. Once an
account exists, every change needs a known, enabled account with the right role.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tbgeo.errors import InputError, PermissionDenied
from tbgeo.i18n.params import Joined, Text
from tbgeo.store import current_user

if TYPE_CHECKING:
    from tbgeo.store import Proposal, Store

__all__ = [
    "ROLES",
    "ACTIONS",
    "PERMISSIONS",
    "Identity",
    "allowed",
    "require",
    "require_own",
    "acting",
    "check_name",
    "account_name",
    "check_roles",
]

#: An account name: unaccented letters, digits and . _ - @ + (an e-mail address is one), 2–64 long.
_NAME = re.compile(r"[a-z0-9][a-z0-9._@+-]{1,63}")

ROLES = ("viewer", "planner", "gis", "approver", "admin")

#: Every action a right is needed for. Reading (map, print, targets, data sources) is "view".
ACTIONS = (
    "view",
    "review",  # run a site review and keep it as a proposal of one's own
    "proposal.edit",  # re-review, rename, submit or withdraw a proposal (a planner: their own only)
    "proposal.comment",
    "proposal.decide",  # approve or reject
    "proposal.tidy",  # archive, restore or delete anyone's draft (one's own: "proposal.edit")
    "layer.import",
    "layer.rollback",
    "layer.export",
    "users.manage",
)

_VIEW = frozenset({"view"})
#: What each role may do; a user holding several roles may do what any of them allows.
PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": _VIEW,
    "planner": _VIEW | {"review", "proposal.edit", "proposal.comment"},
    "gis": _VIEW | {"layer.import", "layer.rollback", "layer.export"},
    "approver": _VIEW | {"proposal.decide", "proposal.comment"},
    "admin": _VIEW | {"users.manage", "proposal.tidy"},
}


@dataclass(frozen=True)
class Identity:
    """A signed-in person: the account name recorded in the history, the name shown, the roles, and
    how they signed in (``local``, ``oidc``, ``header``, or ``single`` for the single-user workbench)."""

    name: str
    display_name: str
    roles: frozenset[str]
    method: str = "local"

    @property
    def single_user(self) -> bool:
        return self.method == "single"


def single_user(name: str | None = None) -> Identity:
    """The single-user workbench's person: every role, named by login (``TBGEO_USER``)."""
    who = name or current_user()
    return Identity(who, who, frozenset(ROLES), "single")


def allowed(identity: Identity, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return any(action in PERMISSIONS.get(role, frozenset()) for role in identity.roles)


def _roles_words(roles: frozenset[str] | tuple[str, ...]) -> Joined:
    return Joined(tuple(Text(f"auth.role.{r}", r) for r in sorted(roles)) or (Text("auth.role.none"),))


def require(identity: Identity, action: str) -> None:
    """Refuse (PermissionDenied, in the user's language) an action none of the identity's roles allows."""
    if not allowed(identity, action):
        holders = tuple(r for r in ROLES if action in PERMISSIONS[r])
        raise PermissionDenied("auth.denied", name=identity.name, action=Text(f"auth.action.{action}"),
                               roles=_roles_words(identity.roles), needed=_roles_words(holders))


def require_own(identity: Identity, proposal: Proposal) -> None:
    """A planner edits their own proposals only (the single user, all of them); an approver decides,
    never edits."""
    require(identity, "proposal.edit")
    if identity.single_user or proposal.created_by == identity.name:
        return
    raise PermissionDenied("auth.not_owner", name=identity.name, id=proposal.id, owner=proposal.created_by)


def acting(store: Store, name: str | None = None) -> Identity:
    """Who acts from the command line (``--user``, else ``TBGEO_USER`` or the login name): with no
    accounts, the single user; with accounts, that account, which must exist and be enabled."""
    who = name or current_user()
    if not store.has_users():
        return single_user(who)
    who = account_name(who)
    account = store.user(who)
    if account is None:
        raise PermissionDenied("auth.unknown_user", name=who)
    if account.disabled:
        raise PermissionDenied("auth.disabled", name=who)
    return Identity(account.name, account.display_name, frozenset(account.roles), "local")


def account_name(name: str | None) -> str:
    """A name as looked up among the accounts (a sign-in, a header, an OpenID Connect claim, ``--user``,
    ``TBGEO_USER``): NFC, trimmed, lower-case, so "Quantri" and "quantri" are one account."""
    return unicodedata.normalize("NFC", (name or "").strip().lower()).strip()


def check_name(name: str) -> str:
    """An account name as stored: trimmed, lower-case (see ``account_name``), 2–64 characters of
    unaccented letters, digits and ``. _ - @ +``, starting with a letter or digit: no look-alikes (a
    Cyrillic "а" in "quаntri"), so two people in the history never read the same."""
    clean = account_name(name)
    if not _NAME.fullmatch(clean):
        raise InputError("auth.bad_name", name=clean[:64])
    return clean


def check_roles(roles: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Roles as stored: known ones, each once, in the matrix's order; at least one."""
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise InputError("auth.bad_role", role=", ".join(unknown) or "—", allowed=", ".join(ROLES))
    return tuple(r for r in ROLES if r in roles)
