"""Session state of the upload page, and the life of its temporary copy and its frames.

Streamlit has no "session ended" hook, so nothing may wait for one. The rules:

- the uploaded bytes are copied to one temporary folder per session (``tbgeo-upload-*``), replaced
  by the next upload, and deleted as soon as the upload has been read (a file with one dataset) or
  imported; a folder left by a closed browser is swept at the next upload once it is older than
  ``STALE_AFTER_S``;
- one read upload (``SourceData``) and one ``ImportPlan`` per session — never a cache of several
  reprojected frames; both are dropped when the import is committed (only the report dict stays). The
  difference an import would make is kept as its counts and words only, never as the layer's frame.

The functions take the session state as a plain mapping, so the benchmark and the tests drive them
without a browser (``benchmarks/upload_memory.py``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

from tbgeo.ui.state import Key

__all__ = [
    "PREFIX",
    "STALE_AFTER_S",
    "save_upload",
    "upload_path",
    "release_file",
    "cached_source",
    "cached_options",
    "cached_plan",
    "cached_diff",
    "after_commit",
    "forget_upload",
    "give_back_memory",
    "sweep_stale",
]

PREFIX = "tbgeo-upload-"
#: A temporary upload folder older than this (seconds) belongs to a session that is gone.
STALE_AFTER_S = 30 * 60
#: Where a session keeps its upload: st.session_state (keys str or int) or, in tests, a plain dict.
State = MutableMapping[Any, Any]


#: What belongs to one upload: dropped when another file comes or the import is done.
_PER_UPLOAD = (
    Key.INGEST_OPTIONS, Key.INGEST_SOURCE, Key.INGEST_PLAN, Key.INGEST_BASE, Key.INGEST_CRS, Key.INGEST_CRS_OK,
    Key.INGEST_SOURCE_LAYER, Key.INGEST_SWAP_AXES, Key.INGEST_SKIP_OTHER_TYPES, Key.INGEST_DIFF, Key.INGEST_MODE,
    Key.INGEST_KEY, Key.INGEST_CONFIRM_REMOVAL,
)


def sweep_stale(*, max_age_s: float = STALE_AFTER_S, now: float | None = None, keep: Path | None = None) -> int:
    """Delete ``tbgeo-upload-*`` folders in the temporary folder older than ``max_age_s``; how many."""
    now = time.time() if now is None else now
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            if keep is not None and folder.resolve() == keep.resolve():
                continue
            if folder.is_dir() and not folder.is_symlink() and now - folder.stat().st_mtime > max_age_s:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def _remove(file: dict[str, Any] | None) -> None:
    """Delete the session's temporary copy (a file given by path, not copied by us, is left alone)."""
    if file and file.get("path"):
        folder = Path(file["path"]).parent
        if folder.name.startswith(PREFIX):
            shutil.rmtree(folder, ignore_errors=True)
            file["path"] = None


def _write(name: str, data: bytes) -> str:
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    path = folder / (Path(name).name or "upload")
    path.write_bytes(data)
    return str(path)


def save_upload(state: State, name: str, data: bytes | Callable[[], bytes], *,
                file_id: str | None = None) -> dict[str, Any]:
    """Take a new upload: the previous one's copy and frames are dropped, stale folders swept.

    The same file again (same widget file id, or same name and content) changes nothing; with a file
    id, ``data`` (bytes, or a function giving them) is not even read.
    """
    current = state.get(Key.INGEST_FILE)
    if current and file_id is not None and current.get("file_id") == file_id and current["name"] == name:
        return current
    raw = data() if callable(data) else data
    sha = hashlib.sha256(raw).hexdigest()
    if current and current["sha"] == sha and current["name"] == name:
        current["file_id"] = file_id
        return current
    forget_upload(state)
    state.pop(Key.INGEST_RESULT, None)
    sweep_stale()
    file = {"name": name, "path": _write(name, raw), "sha": sha, "file_id": file_id}
    del raw
    state[Key.INGEST_FILE] = file
    return file


def upload_path(state: State, data: Callable[[], bytes] | None = None) -> str:
    """The temporary copy of the current upload, written again from ``data()`` if it was released."""
    file = state[Key.INGEST_FILE]
    if file.get("path") and Path(file["path"]).is_file():
        return str(file["path"])
    if data is None:
        from tbgeo.errors import InputError

        raise InputError("ingest.ui_upload_gone", name=file["name"])
    file["path"] = _write(file["name"], data())
    return str(file["path"])


def release_file(state: State) -> None:
    """Delete the temporary copy (what was read stays in the session); it is written again if needed."""
    _remove(state.get(Key.INGEST_FILE))


def cached_options(state: State, list_layers: Callable[[str], list[str]],
                   data: Callable[[], bytes] | None = None) -> list[str]:
    """The upload's datasets/layers, listed once per upload (not unpacked again at every rerun)."""
    file = state[Key.INGEST_FILE]
    cached = state.get(Key.INGEST_OPTIONS)
    if cached and cached[0] == file["sha"]:
        return cached[1]
    options = list_layers(upload_path(state, data))
    state[Key.INGEST_OPTIONS] = (file["sha"], options)
    return options


def cached_source(state: State, source_layer: str | None, read: Callable[..., Any],
                  data: Callable[[], bytes] | None = None) -> Any:
    """The one read upload of the session (``read(path, source_layer=, display_name=)``).

    Reading another source layer replaces it (and drops the plan made from the old one). Once a file
    with a single dataset has been read, its temporary copy is deleted: everything needed is in memory.
    """
    file = state[Key.INGEST_FILE]
    key = (file["sha"], source_layer)
    cached = state.get(Key.INGEST_SOURCE)
    if cached and cached[0] == key:
        return cached[1]
    state.pop(Key.INGEST_SOURCE, None)  # the old frame goes before the new one is read
    state.pop(Key.INGEST_PLAN, None)
    state.pop(Key.INGEST_BASE, None)
    src = read(upload_path(state, data), source_layer=source_layer, display_name=file["name"])
    state[Key.INGEST_SOURCE] = (key, src)
    options = state.get(Key.INGEST_OPTIONS)
    if options is None or len(options[1]) <= 1:
        release_file(state)
    return src


def cached_plan(state: State, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """The plan for ``key``: kept while it is the one asked for; another key replaces it (one per session)."""
    cached = state.get(Key.INGEST_PLAN)
    if cached and cached[0] == key:
        return cached[1]
    state.pop(Key.INGEST_PLAN, None)  # free the old plan's frames before building the new one
    plan = build()
    state[Key.INGEST_PLAN] = (key, plan)
    return plan


def cached_diff(state: State, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """The difference for ``key`` (the plan, the user's choices and the store's revision): small values
    only (the difference and the warnings, no frames), made again when any of them changes."""
    cached = state.get(Key.INGEST_DIFF)
    if cached and cached[0] == key:
        return cached[1]
    value = build()
    state[Key.INGEST_DIFF] = (key, value)
    return value


def give_back_memory() -> None:
    """Collect the dropped frames now and return freed heap to the system (glibc keeps it otherwise)."""
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused by the next upload instead
        pass


def forget_upload(state: State) -> None:
    """Drop the current upload: its temporary copy, the read frame, the plan and the page's choices."""
    had_frames = Key.INGEST_SOURCE in state or Key.INGEST_PLAN in state
    _remove(state.get(Key.INGEST_FILE))
    state.pop(Key.INGEST_FILE, None)
    for key in _PER_UPLOAD:
        state.pop(key, None)
    if had_frames:
        give_back_memory()


def after_commit(state: State, result: dict[str, Any]) -> None:
    """An import is done: keep its report, drop every frame and the copy, give the page a fresh uploader."""
    forget_upload(state)
    state[Key.INGEST_RESULT] = result
    state[Key.INGEST_UPLOADER] = int(state.get(Key.INGEST_UPLOADER, 0)) + 1
