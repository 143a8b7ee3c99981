"""The store protocol and what every store shares: who acts when nobody signed in, and how long a
store waits for a lock another program holds."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tbgeo import settings
from tbgeo.store.records import LayerVersion, Outline, Proposal, SignInClaim, User

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = ["Store", "current_user", "lock_wait", "DEFAULT_LOCK_WAIT"]

#: Seconds to wait for a lock held by another program (QGIS, a backup, another tbgeo) before saying
#: that the store is busy; ``TBGEO_LOCK_WAIT`` overrides it.
DEFAULT_LOCK_WAIT = 5.0


def current_user() -> str:
    """Who acts when nobody signed in (the single-user workbench): ``TBGEO_USER`` or the login name."""
    return settings.login_user() or getpass.getuser() or "unknown"


def lock_wait() -> float:
    """The bounded wait (seconds) for a lock another program holds: ``TBGEO_LOCK_WAIT`` or 5 s."""
    try:
        value = float(settings.lock_wait_setting() or DEFAULT_LOCK_WAIT)
    except ValueError:
        return DEFAULT_LOCK_WAIT
    return value if value >= 0 and value == value else DEFAULT_LOCK_WAIT


@runtime_checkable
class Store(Protocol):
    """What every store does. A ``check`` callback (``tbgeo.proposals``' rules) is called with the
    proposal as stored, inside the change it guards, and refuses the change by raising; ``expected``
    is the ``row_version`` the caller saw: a change on an older view raises ``ConflictError``."""

    #: "gpkg" or "postgis"
    kind: str

    def describe(self) -> str:
        """Where the store is, for messages and logs (a path, or a server and database; never a password)."""
        ...

    # -- layer versions
    def add_layer_version(self, layer_id: str, gdf: gpd.GeoDataFrame, *, source_name: str, sha256: str,
                          user: str | None = None, details: dict[str, Any] | None = None,
                          activate: bool = True, expected_active: int | None = None) -> LayerVersion:
        """The next version of ``layer_id``; ``expected_active`` (the version active when the import's
        difference was counted; 0: the shipped data) is checked in the same change as the write: if
        another import or a rollback landed meanwhile, ConflictError names who and when."""
        ...
    def versions(self, layer_id: str) -> list[LayerVersion]: ...
    def version(self, layer_id: str, version: int) -> LayerVersion | None: ...
    def active_version(self, layer_id: str) -> LayerVersion | None: ...
    def read_version(self, layer_id: str, version: int) -> gpd.GeoDataFrame: ...
    def set_active(self, layer_id: str, version: int | None, *, user: str | None = None) -> LayerVersion | None: ...

    # -- proposals
    def add_proposal(self, geometry: BaseGeometry, *, name: str, attributes: dict[str, Any] | None = None,
                     report: dict[str, Any] | None = None, user: str | None = None, status: str = "draft",
                     revision_of: int | None = None) -> Proposal: ...
    def update_report(self, proposal_id: int, report: dict[str, Any], *, user: str | None = None,
                      name: str | None = None, attributes: dict[str, Any] | None = None,
                      check: Callable[[Proposal], None] | None = None, expected: int | None = None,
                      geometry: BaseGeometry | None = None) -> Proposal: ...
    def set_status(self, proposal_id: int, status: str, *, user: str | None = None, comment: str = "",
                   check: Callable[[Proposal], None] | None = None, expected: int | None = None,
                   details: dict[str, Any] | None = None) -> Proposal: ...
    def add_comment(self, proposal_id: int, comment: str, *, user: str | None = None) -> Proposal: ...
    def proposal(self, proposal_id: int) -> Proposal: ...
    def find_proposal(self, proposal_id: int) -> Proposal | None: ...
    def proposals(self, statuses: tuple[str, ...] | None = None) -> list[Proposal]: ...
    def proposals_frame(self, statuses: tuple[str, ...] | None = None) -> gpd.GeoDataFrame: ...
    def outlines(self, statuses: tuple[str, ...]) -> list[Outline]:
        """The number, name and outline of the proposals with these statuses (no histories, no
        reports): what an approval is checked against, inside its change."""
        ...

    # -- accounts
    def add_user(self, name: str, *, display_name: str, password_hash: str, roles: tuple[str, ...],
                 user: str | None = None) -> User: ...
    def user(self, name: str) -> User | None: ...
    def users(self) -> list[User]: ...
    def has_users(self) -> bool: ...
    def update_user(self, name: str, *, user: str | None = None, roles: tuple[str, ...] | None = None,
                    disabled: bool | None = None, password_hash: str | None = None,
                    check: Callable[[list[User]], None] | None = None) -> User:
        """``check`` is called with every account as stored, inside the change (so two admins
        changing each other at once are checked one after the other), and refuses it by raising."""
        ...
    def claim_sign_in(self, name: str, check: Callable[[SignInClaim], None] | None = None) -> SignInClaim:
        """Count an attempt for ``name`` as failed (until ``record_sign_in`` says it succeeded) in one
        change with reading the account; a name without an account is counted too, in a bounded table.
        ``check`` is called with the count before this attempt and refuses it (raising) uncounted."""
        ...
    def record_sign_in(self, name: str, ok: bool) -> None: ...

    # -- the record
    def revision(self) -> str: ...
    def identity(self) -> str: ...
    def state(self) -> tuple[str, str, dict[str, LayerVersion]]: ...
    def audit(self, limit: int | None = None) -> list[dict[str, Any]]: ...
