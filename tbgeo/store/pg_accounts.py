"""The PostgreSQL/PostGIS store's accounts: users with their roles, and sign-in attempts counted for
accounts and for names without one alike (a bounded table), each change in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from tbgeo.errors import InputError
from tbgeo.store.base import current_user
from tbgeo.store.pg_base import PgBase, Row, jsonb as _jsonb
from tbgeo.store.records import FAILED_NAME_CHARS, FAILED_NAMES_KEPT, SignInClaim, User, now, now_exact

__all__ = ["PgAccounts"]


class PgAccounts(PgBase):
    """Accounts in the PostGIS store (``tbgeo_users``, ``tbgeo_sign_in_failures``)."""

    @staticmethod
    def _user_from_row(row: Row) -> User:
        return User(name=row["name"], display_name=row["display_name"], roles=tuple(row["roles"]),
                    disabled=bool(row["disabled"]), password_hash=row["password_hash"], created_at=row["created_at"],
                    created_by=row["created_by"], failures=int(row["failures"]), failed_at=row["failed_at"])

    def add_user(self, name: str, *, display_name: str, password_hash: str, roles: tuple[str, ...],
                 user: str | None = None) -> User:
        user = user or current_user()
        with self._transaction("users") as cur:
            cur.execute("SELECT 1 FROM tbgeo_users WHERE name = %s", (name,))
            if cur.fetchone():
                raise InputError("auth.user_exists", name=name)
            cur.execute("INSERT INTO tbgeo_users (name, display_name, password_hash, roles, created_at, created_by)"
                        " VALUES (%s, %s, %s, %s, %s, %s)",
                        (name, display_name, password_hash, _jsonb(list(roles)), now(), user))
            self._audit(cur, user, "user.add", f"user:{name}", {"roles": list(roles)})
        found = self.user(name)
        assert found is not None
        return found

    def user(self, name: str) -> User | None:
        with self._read() as cur:
            if cur is None:
                return None
            cur.execute("SELECT * FROM tbgeo_users WHERE name = %s", (name,))
            row = cur.fetchone()
            return self._user_from_row(row) if row else None

    def users(self) -> list[User]:
        with self._read() as cur:
            if cur is None:
                return []
            cur.execute("SELECT * FROM tbgeo_users ORDER BY name")
            return [self._user_from_row(r) for r in cur.fetchall()]

    def has_users(self) -> bool:
        with self._read() as cur:
            if cur is None:
                return False
            cur.execute("SELECT 1 FROM tbgeo_users LIMIT 1")
            return cur.fetchone() is not None

    def update_user(self, name: str, *, user: str | None = None, roles: tuple[str, ...] | None = None,
                    disabled: bool | None = None, password_hash: str | None = None,
                    check: Callable[[list[User]], None] | None = None) -> User:
        """See ``Store``: ``check`` sees every account as stored, under the accounts' advisory lock."""
        user = user or current_user()
        with self._transaction("users") as cur:
            cur.execute("SELECT * FROM tbgeo_users WHERE name = %s FOR UPDATE", (name,))
            row = cur.fetchone()
            if row is None:
                raise InputError("auth.no_user", name=name)
            if check is not None:
                cur.execute("SELECT * FROM tbgeo_users ORDER BY name")
                check([self._user_from_row(r) for r in cur.fetchall()])
            if roles is not None:
                cur.execute("UPDATE tbgeo_users SET roles = %s WHERE name = %s", (_jsonb(list(roles)), name))
                self._audit(cur, user, "user.roles", f"user:{name}", {"from": list(row["roles"]), "to": list(roles)})
            if disabled is not None:
                cur.execute("UPDATE tbgeo_users SET disabled = %s WHERE name = %s", (disabled, name))
                self._audit(cur, user, "user.disable" if disabled else "user.enable", f"user:{name}", {})
            if password_hash is not None:
                cur.execute("UPDATE tbgeo_users SET password_hash = %s, failures = 0, failed_at = NULL"
                            " WHERE name = %s", (password_hash, name))
                self._audit(cur, user, "user.password", f"user:{name}", {})
        found = self.user(name)
        assert found is not None
        return found

    def claim_sign_in(self, name: str, check: Callable[[SignInClaim], None] | None = None) -> SignInClaim:
        """See ``Store``: an attempt counted, for an account or a name without one alike; attempts on
        one name are counted one after another (its advisory lock); ``check`` refuses one uncounted."""
        key = name[:FAILED_NAME_CHARS]
        with self._transaction(f"sign-in:{key}") as cur:
            cur.execute("SELECT * FROM tbgeo_users WHERE name = %s FOR UPDATE", (name,))
            row = cur.fetchone()
            if row is not None:
                account = self._user_from_row(row)
                claim = SignInClaim(account, account.failures, account.failed_at)
                if check is not None:
                    check(claim)
                cur.execute("UPDATE tbgeo_users SET failures = failures + 1, failed_at = %s WHERE name = %s",
                            (now(), name))
                return claim
            cur.execute("SELECT failures, failed_at FROM tbgeo_sign_in_failures WHERE name = %s", (key,))
            seen = cur.fetchone()
            claim = SignInClaim(None, int(seen["failures"]), seen["failed_at"]) if seen else SignInClaim(None)
            if check is not None:
                check(claim)
            cur.execute("INSERT INTO tbgeo_sign_in_failures AS f (name, failures, failed_at) VALUES (%s, 1, %s)"
                        " ON CONFLICT (name) DO UPDATE SET failures = f.failures + 1, failed_at = excluded.failed_at",
                        (key, now_exact()))
            cur.execute("DELETE FROM tbgeo_sign_in_failures WHERE name IN (SELECT name FROM tbgeo_sign_in_failures"
                        " ORDER BY failed_at DESC, name OFFSET %s)", (FAILED_NAMES_KEPT,))
            return claim

    def record_sign_in(self, name: str, ok: bool) -> None:
        with self._transaction(f"sign-in:{name[:FAILED_NAME_CHARS]}") as cur:
            cur.execute("UPDATE tbgeo_users SET failures = CASE WHEN %s THEN 0 ELSE failures END,"
                        " failed_at = CASE WHEN %s THEN NULL ELSE failed_at END WHERE name = %s", (ok, ok, name))
            if cur.rowcount:
                self._audit(cur, name, "user.sign_in" if ok else "user.sign_in_failed", f"user:{name}", {},
                            revise=False)
            else:  # a name without an account: the same work, nothing logged (junk names fill no log)
                cur.execute("UPDATE tbgeo_sign_in_failures SET failed_at = failed_at WHERE name = %s",
                            (name[:FAILED_NAME_CHARS],))

