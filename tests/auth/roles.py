"""Accounts for the role-by-role tests: an admin ``quantri`` made from the single-user workbench,
then one account ``u.<role>`` for each role, all with the same password."""

from __future__ import annotations

from tbgeo.auth import ROLES, Identity, accounts as acc, single_user
from tbgeo.store import Store

PASSWORD = "mật khẩu dài"


def one_account_a_role(store: Store, *, display: bool = False) -> Identity:
    """Add the accounts; the admin's identity, for what the test adds next."""
    acc.add_user(store, single_user(), "quantri", PASSWORD, ["admin"])
    admin = acc.identity_of(store.user("quantri"))  # type: ignore[arg-type]
    for role in ROLES:
        acc.add_user(store, admin, f"u.{role}", PASSWORD, [role], display_name=f"Người {role}" if display else "")
    return admin
