"""Another program holding the store's write lock (QGIS editing the GeoPackage, a backup), for the
tests of "the store is busy": one helper, used by the store, CLI, page and hostile-file tests."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

__all__ = ["hold_store"]


def hold_store(path: Path, mode: str = "EXCLUSIVE", *, wait_s: float = 30) -> tuple[threading.Event, threading.Thread]:
    """A second connection holding ``BEGIN <mode>`` on ``path`` until the returned event is set
    (or ``wait_s`` passed); join the thread after setting it."""
    ready, release = threading.Event(), threading.Event()

    def hold() -> None:
        con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        con.execute(f"BEGIN {mode}")
        ready.set()
        release.wait(wait_s)
        con.execute("ROLLBACK")
        con.close()

    th = threading.Thread(target=hold, daemon=True)
    th.start()
    assert ready.wait(10)
    return release, th
