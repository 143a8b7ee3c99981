"""Optimistic concurrency, the same in every store: a change carries the ``row_version`` of the view
it was made on, and is refused when the stored proposal has moved on since."""

from __future__ import annotations

from collections.abc import Callable

from tbgeo.errors import ConflictError
from tbgeo.i18n.params import Template, Text, When
from tbgeo.store.records import Proposal

__all__ = ["refuse_stale", "guard", "refuse_moved_layer", "NO_VERSION"]

#: ``expected_active`` for "the layer's shipped data is in use" (no stored version is active).
NO_VERSION = 0


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


def refuse_moved_layer(layer_id: str, expected_active: int | None, active: int | None,
                       last: tuple[str, str] | None) -> None:
    """Raise ConflictError, naming who changed the layer last (an import or a rollback) and when, if
    the active version (``active``; None: the shipped data) is not ``expected_active``, the one the
    import's difference was counted on (``NO_VERSION``: the shipped data); ``None``: no view to check."""
    if expected_active is None or expected_active == (active or NO_VERSION):
        return
    by, at = last or ("—", "")
    now_in_use = Template("store.layer_active_version", {"version": active}) if active else Text("store.layer_shipped")
    raise ConflictError("store.layer_moved", layer=layer_id, by=by, at=When(at), active=now_in_use)
