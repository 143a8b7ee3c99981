"""Optimistic concurrency, the same in every store: a change carries the ``row_version`` of the view
it was made on, and is refused when the stored proposal has moved on since."""

from __future__ import annotations

from collections.abc import Callable

from tbgeo.errors import ConflictError
from tbgeo.i18n.params import Text, When
from tbgeo.store.records import Proposal

__all__ = ["refuse_stale", "guard"]


def refuse_stale(stored: Proposal, expected: int | None) -> None:
    """Raise ConflictError, naming who changed the proposal last and when, if ``expected`` (the
    version the user saw) is not the stored one; ``None`` means the caller holds no view (a command)."""
    if expected is None or expected == stored.row_version:
        return
    by, at = stored.last_change
    raise ConflictError("store.conflict", id=stored.id, by=by, at=When(at),
                        status=Text(f"review.page.st_{stored.status}", stored.status))


def guard(stored: Proposal, expected: int | None, check: Callable[[Proposal], None] | None) -> Proposal:
    """What every change to a stored proposal checks first, inside its transaction: the view it was
    made on is the stored one, then the caller's rule (``check``); the proposal, when both pass."""
    refuse_stale(stored, expected)
    if check is not None:
        check(stored)
    return stored
