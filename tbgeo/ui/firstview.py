"""The signal between the map page and the start-up warm-up: the first map has been sent."""

from __future__ import annotations

import threading

__all__ = ["view_shown", "wait_for_view"]

_first_view = threading.Event()


def view_shown() -> None:
    """Called by the map page once it has sent a map: the preload may start."""
    _first_view.set()


def wait_for_view(timeout_s: float) -> bool:
    """Wait up to ``timeout_s`` for the first map to be sent; whether it was."""
    return _first_view.wait(timeout_s)
