"""A small on-disk cache of products derived from the data: checked layer files, the map's HTML.

Starting the app should not redo work whose inputs have not changed since the last start: checking
every layer's data file needs GDAL (and so geopandas and pandas imported, ~1 s), and the map's HTML
needs folium and the display geometry (~1.5 s more). Each product is stored under a key that is a
hash of everything it is made from — the files' sizes and modification times, tbgeo's own code and
message catalogs, the versions of the libraries that shape the output, and for the map the
workspace's revision. A change to any of them gives a new key, so nothing stale is ever read;
old entries are pruned.

The folder is ``TBGEO_CACHE`` or ``.cache/`` under the project. Deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from tbgeo import settings

__all__ = ["cache_dir", "code_stamp", "file_stamp", "key", "has", "mark", "read_text", "write_text"]

#: Entries kept per kind; the least recently written are removed first.
MAX_ENTRIES = 64

#: Libraries whose version changes what tbgeo writes (HTML of the map, checks of data files).
_LIBRARIES = ("folium", "branca", "pyogrio", "rasterio", "pyproj", "shapely", "geopandas")


def cache_dir() -> Path:
    env = os.environ.get("TBGEO_CACHE")
    return Path(env) if env else settings.PROJECT_DIR / ".cache"


def file_stamp(path: Path) -> list[Any]:
    """Identity of a file's content for cache keys: path, size and modification time (ns)."""
    try:
        st = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), st.st_size, st.st_mtime_ns]


@functools.cache
def _library_versions() -> tuple[tuple[str, str], ...]:
    out = []
    for name in _LIBRARIES:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            out.append((name, ""))
    return tuple(out)


def code_stamp() -> list[Any]:
    """tbgeo's own files (code and message catalogs) and the versions of the libraries that shape
    the output: a change to either invalidates every entry."""
    package = Path(__file__).resolve().parent
    files = sorted(
        p for p in package.rglob("*") if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts
    )
    return [[file_stamp(p) for p in files], list(_library_versions())]


def key(*parts: Any) -> str:
    """A hash of ``parts`` (anything JSON can write)."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _path(kind: str, digest: str) -> Path:
    return cache_dir() / kind / digest


def has(kind: str, digest: str) -> bool:
    return _path(kind, digest).exists()


def read_text(kind: str, digest: str) -> str | None:
    try:
        return _path(kind, digest).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_text(kind: str, digest: str, text: str) -> None:
    """Store ``text`` atomically (a reader sees the whole entry or none). A cache that cannot be
    written (read-only folder, full disk) is skipped: it only costs time, never correctness."""
    folder = cache_dir() / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
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
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()
