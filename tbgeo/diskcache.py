"""A small on-disk cache of products derived from the data: checked layer files, the map's HTML.

Starting the app should not redo work whose inputs have not changed since the last start: checking
every layer's data file needs GDAL (and so geopandas and pandas imported, ~1 s), and the map's HTML
needs folium and the display geometry (~1.5 s more). Each product is stored under a key that is a
hash of everything it is made from — the files' sizes, times and inodes, tbgeo's own code and
message catalogs, the versions of the libraries that shape the output, and for the map the
workspace's revision. A change to any of them gives a new key, so nothing stale is ever read;
every entry carries a checksum, so a torn or altered one is never served; old entries are pruned.

The folder is ``TBGEO_CACHE``, or ``.cache/`` under the project (the user's cache folder when the
project cannot be written; see ``cache_dir``). Deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from tbgeo import settings

__all__ = ["cache_dir", "code_stamp", "code_version", "file_stamp", "key", "has", "mark", "read_text", "write_text"]

#: Entries kept per kind; the least recently written are removed first.
MAX_ENTRIES = 64

#: Libraries whose version changes what tbgeo writes (HTML of the map, checks of data files).
_LIBRARIES = ("folium", "branca", "pyogrio", "rasterio", "pyproj", "shapely", "geopandas")


def cache_dir() -> Path:
    """``TBGEO_CACHE``; else ``.cache/`` in the project; else, for an installed package (never inside
    site-packages) or where the project cannot be written (installed read-only, e.g. under /opt), the
    user's cache folder (``$XDG_CACHE_HOME/tbgeo`` or ``~/.cache/tbgeo``)."""
    env = settings.cache_override()
    if env:
        return env
    local = settings.PROJECT_DIR / ".cache"
    if not settings.INSTALLED and os.access(local if local.exists() else settings.PROJECT_DIR, os.W_OK):
        return local
    return settings.user_cache_home() / "tbgeo"


def file_stamp(path: Path, *, change_time: bool = True) -> list[Any]:
    """Identity of a file's content for cache keys: path, size, modification and change times (ns)
    and inode. The change time cannot be set back (``touch -r`` sets only the modification time), and
    a file replaced by another one gets a new inode. It also moves with ``chmod``/``chown``, so it is
    left out for tbgeo's own files, which only an install replaces."""
    try:
        st = path.stat()
    except OSError:
        return [str(path), None]
    stamp = [str(path), st.st_size, st.st_mtime_ns, st.st_ino]
    return stamp + [st.st_ctime_ns] if change_time else stamp


@functools.cache
def _library_versions() -> tuple[tuple[str, str], ...]:
    out = []
    for name in _LIBRARIES:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            out.append((name, ""))
    return tuple(out)


@functools.cache
def code_stamp() -> list[Any]:
    """tbgeo's own files (code and message catalogs) and the versions of the libraries that shape
    the output: a change to either invalidates every entry.

    Taken once per process: a running process keeps the code and catalogs it loaded, so what it
    writes belongs to those, even if the files are replaced under it (they take effect at the
    next start, which stamps them anew). It also spares each page view ~130 file stats."""
    package = Path(__file__).resolve().parent
    files = sorted(
        p for p in package.rglob("*") if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts
    )
    return [[file_stamp(p, change_time=False) for p in files], list(_library_versions())]


@functools.cache
def code_version() -> str:
    """``code_stamp`` as one hash: the part of every key that stands for tbgeo and its libraries."""
    return key(code_stamp())


def key(*parts: Any) -> str:
    """A hash of ``parts`` (anything JSON can write)."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: First line of every entry: a check of what follows, so a torn or altered entry is never served.
_MAGIC = "tbgeo-cache-1"
#: Temporary files of a writer that died are removed after this many seconds.
_STALE_TMP_S = 3600
#: Entries are readable by other users: the app may run under another account than `tbgeo map --prepare`.
_MODE = 0o644


def _path(kind: str, digest: str) -> Path:
    return cache_dir() / kind / digest


def has(kind: str, digest: str) -> bool:
    return read_text(kind, digest) is not None


def read_text(kind: str, digest: str) -> str | None:
    """The entry, or None when there is none or it does not pass its check (it is then removed)."""
    path = _path(kind, digest)
    try:
        if not path.is_file():
            return None
        with path.open(encoding="utf-8", newline="") as fh:  # as written: no line-ending translation
            raw = fh.read()
    except (OSError, UnicodeDecodeError):
        return None
    head, sep, text = raw.partition("\n")
    if sep and head == f"{_MAGIC} {_sha256(text)}":
        return text
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_text(kind: str, digest: str, text: str) -> None:
    """Store ``text`` atomically and durably (a reader sees the whole entry or none). A cache that
    cannot be written (read-only folder, full disk) is skipped: it only costs time, never correctness."""
    folder = cache_dir() / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            os.fchmod(fd, _MODE)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(f"{_MAGIC} {_sha256(text)}\n{text}")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, folder / digest)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(folder)
    except OSError:
        return


def mark(kind: str, digest: str) -> None:
    """Record that the check named by ``digest`` passed."""
    write_text(kind, digest, "ok")


def _prune(folder: Path) -> None:
    """Keep the MAX_ENTRIES newest entries; remove what dead writers left behind."""
    now = time.time()
    entries = []
    for p in folder.iterdir():
        with contextlib.suppress(OSError):
            if p.name.startswith(".tmp-"):
                if now - p.stat().st_mtime > _STALE_TMP_S:
                    p.unlink()
            elif not p.name.startswith("."):
                entries.append((p.stat().st_mtime_ns, p))
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort()
    for _, old in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()
