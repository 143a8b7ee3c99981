"""The one way to read a user's file (layer uploads, site files, land-use files): recognise it by its
content, unpack zips safely (size, count, path, link and bomb limits), remove link CRSs before GDAL
sees them, and check shapefile parts agree. The limits come from the caller (``UploadLimits``)."""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from tbgeo.errors import InputError
from tbgeo.safetext import library_detail

__all__ = [
    "UploadLimits",
    "Dataset",
    "ACCEPTED",
    "sniff",
    "check_upload_size",
    "safe_extract",
    "find_datasets",
    "open_upload",
    "sidecar_text",
    "neutralise_link_crs",
    "MAX_NAME_BYTES",
    "check_shapefile",
    "workdir",
]


class UploadLimits(Protocol):
    """The limits a user's file is read under (``tbgeo.ingest.config.IngestConfig`` has them)."""

    @property
    def max_upload_mb(self) -> float: ...

    @property
    def max_unpacked_mb(self) -> float: ...

    @property
    def max_files(self) -> int: ...

    @property
    def max_compression_ratio(self) -> float: ...

    @property
    def max_upload_bytes(self) -> int: ...

    @property
    def max_unpacked_bytes(self) -> int: ...


#: What an upload may be; named in every refusal.
ACCEPTED = "zip (.shp/.shx/.dbf [+.prj, .cpg] | .tab | .mif/.mid), .gpkg, .geojson/.json, .kml, .kmz, .dxf"

_CHUNK = 1 << 20
_SKIP_PREFIXES = ("__MACOSX/",)
_DATASET_EXT = {
    ".shp": "shapefile",
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".dxf": "dxf",
    ".tab": "mapinfo",
    ".mif": "mapinfo",
}


@dataclass(frozen=True)
class Dataset:
    """One readable dataset found in an upload: its kind (shapefile, gpkg, ...) and path on disk."""

    kind: str
    path: Path
    name: str  # as the user knows it: the member name inside the zip, or the file name
    #: a GeoJSON ``crs`` member GDAL would fetch (type ``link``/``url``, or any address in it): its
    #: address, as written. ``path`` is then a copy without it, and the CRS counts as missing.
    link_crs: str | None = None


def _head(path: Path, n: int = 4096) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def sniff(path: Path) -> str | None:
    """The format of ``path`` from its first bytes: zip, gpkg, geojson, kml, dxf, shp, mapinfo, or None."""
    head = _head(path)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head[:4] == b"\x00\x00\x27\x0a":
        return "shp"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    low = text[:4096].lower()
    if text.startswith(b"{") and b'"type"' in low:
        return "geojson"
    if text.startswith(b"<") and b"<kml" in low:
        return "kml"
    if text.startswith(b"AutoCAD Binary DXF"):
        return "dxf"
    lines = [ln.strip() for ln in low.splitlines()[:4]]
    if len(lines) >= 2 and lines[0] == b"0" and lines[1] == b"section":
        return "dxf"
    if low.startswith((b"!table", b"version")) and (b"charset" in low or b"columns" in low):
        return "mapinfo"
    return None


def check_upload_size(path: Path, config: UploadLimits) -> None:
    size = path.stat().st_size
    if size > config.max_upload_bytes:
        raise InputError(
            "ingest.too_large", name=path.name, size=size / 1048576, limit=float(config.max_upload_mb)
        )


#: Longest zip member name part (bytes, UTF-8) and whole member name: what Linux file systems allow.
MAX_NAME_BYTES = 255
_MAX_PATH_BYTES = 1024


def _short(name: str, limit: int = 80) -> str:
    """A member name as shown in a message (a very long one cut in the middle)."""
    return name if len(name) <= limit else f"{name[: limit // 2]}…{name[-limit // 2 + 1 :]}"


def _member_target(dest: Path, name: str) -> Path:
    """Where a zip member may be written, or an InputError for absolute, escaping and over-long paths."""
    norm = name.replace("\\", "/")
    pure = PurePosixPath(norm)
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":") or ".." in pure.parts:
        raise InputError("ingest.zip_unsafe_path", member=_short(name))
    longest = max((len(part.encode("utf-8", "surrogateescape")) for part in pure.parts), default=0)
    if longest > MAX_NAME_BYTES or len(norm.encode("utf-8", "surrogateescape")) > _MAX_PATH_BYTES:
        raise InputError("ingest.zip_long_name", member=_short(name), n=longest, limit=MAX_NAME_BYTES)
    target = (dest / pure).resolve()
    root = dest.resolve()
    if target != root and root not in target.parents:
        raise InputError("ingest.zip_unsafe_path", member=_short(name))
    return target


def _check_overlap(archive: Path, infos: list[zipfile.ZipInfo], config: UploadLimits) -> None:
    """Refuse an overlap bomb: entries sharing (or reaching into) another entry's bytes, and a total
    expansion of the whole archive beyond the allowed ratio (every member counted, small ones too)."""
    spans = sorted((i.header_offset, i.header_offset + 30 + len(i.orig_filename.encode("utf-8", "replace"))
                    + i.compress_size, i.filename) for i in infos if not i.is_dir())  # fmt: skip
    for (_, end_a, name_a), (start_b, _, name_b) in zip(spans, spans[1:]):
        if start_b < end_a:
            raise InputError("ingest.zip_overlap", name=archive.name, member=_short(name_b), other=_short(name_a))
    total = sum(i.file_size for i in infos)
    size = max(archive.stat().st_size, 1)
    if total > _CHUNK and total > config.max_compression_ratio * size:
        raise InputError(
            "ingest.zip_bomb_total",
            name=archive.name,
            ratio=total / size,
            limit=float(config.max_compression_ratio),
            size=total / 1048576,
        )


def safe_extract(archive: Path, dest: Path, config: UploadLimits) -> list[Path]:
    """Extract ``archive`` into ``dest`` after checking every member; refuse the whole zip on any problem.

    Refused: absolute or ``..`` paths, symbolic links, encrypted members, more than ``max_files``
    members, more than ``max_unpacked_mb`` in total (declared or actually written), and members that
    expand more than ``max_compression_ratio`` times (zip bombs). Nothing from the zip is executed.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError("ingest.bad_zip", name=archive.name, detail=library_detail(exc)) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > config.max_files:
            raise InputError("ingest.zip_too_many_files", name=archive.name, n=len(infos), limit=config.max_files)
        for info in infos:
            _member_target(dest, info.filename)
        total = 0
        targets: list[tuple[zipfile.ZipInfo, Path]] = []
        for info in infos:
            target = _member_target(dest, info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise InputError("ingest.zip_link", member=info.filename)
            if info.flag_bits & 0x1:
                raise InputError("ingest.zip_encrypted", member=info.filename)
            total += info.file_size
            if total > config.max_unpacked_bytes:
                raise InputError("ingest.zip_too_big_unpacked", name=archive.name, limit=float(config.max_unpacked_mb))
            if info.file_size > _CHUNK and info.file_size > config.max_compression_ratio * max(info.compress_size, 1):
                raise InputError(
                    "ingest.zip_bomb",
                    member=info.filename,
                    ratio=info.file_size / max(info.compress_size, 1),
                    limit=float(config.max_compression_ratio),
                )
            targets.append((info, target))
        _check_overlap(archive, infos, config)
        written_total = 0
        out: list[Path] = []
        try:
            for info, target in targets:
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                out.append(target)
                written = 0
                with zf.open(info) as src, open(target, "wb") as dst:
                    while chunk := src.read(_CHUNK):
                        written += len(chunk)
                        written_total += len(chunk)
                        # A header that lies about the size: stop as soon as the real bytes exceed it.
                        if written > info.file_size or written_total > config.max_unpacked_bytes:
                            raise InputError(
                                "ingest.zip_bomb",
                                member=info.filename,
                                ratio=written / max(info.compress_size, 1),
                                limit=float(config.max_compression_ratio),
                            )
                        dst.write(chunk)
                os.chmod(target, 0o600)
        except BaseException as exc:
            for path in out:  # leave nothing half-extracted behind
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)
            if isinstance(exc, InputError):
                raise
            if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)):
                raise InputError("ingest.bad_zip", name=archive.name, detail=library_detail(exc)) from exc
            raise
    return out


#: a member whose value is an object: ``"key": {``. The key is checked by :func:`_is_crs_key`, because
#: GDAL finds ``crs`` whatever its case (``"CRS"``) and JSON may write it with escapes (``"\\u0063rs"``).
_OBJECT_MEMBER = re.compile(rb'"((?:[^"\\]|\\.){1,60})"\s*:\s*\{')
_LINK_TYPES = ("link", "url")


def _is_crs_key(key: bytes) -> bool:
    """Whether the JSON string ``key`` (its bytes between the quotes) reads ``crs`` in any case."""
    if b"\\" not in key:
        return key.lower() == b"crs"
    try:
        return str(json.loads(b'"' + key + b'"')).lower() == "crs"
    except ValueError:
        return False


def _object_end(data: Any, start: int) -> int:
    """The index just after the JSON object opening at ``data[start]`` (``{``), or -1."""
    depth, i, in_str, n = 0, start, False, len(data)
    while i < n:
        c = data[i]
        if in_str:
            if c == 0x5C:  # backslash: skip the escaped character
                i += 1
            elif c == 0x22:
                in_str = False
        elif c == 0x22:
            in_str = True
        elif c == 0x7B:
            depth += 1
        elif c == 0x7D:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _link_of(member: Any) -> str | None:
    """The address in a GeoJSON ``crs`` member that GDAL would fetch, or None (``name``/``EPSG``)."""
    if not isinstance(member, dict):
        return None
    raw = member.get("properties")
    props: dict[Any, Any] = raw if isinstance(raw, dict) else {}
    kind = str(member.get("type", "")).strip().lower()
    texts = [str(v) for v in (*props.values(), *member.values()) if isinstance(v, str)]
    address = next((v for v in texts if "://" in v), None)
    if kind in _LINK_TYPES:
        return str(props.get("href") or props.get("url") or address or kind)
    return address


def neutralise_link_crs(path: Path, workdir: Path) -> tuple[Path, str | None]:
    """A GeoJSON file as GDAL may read it: when a ``crs`` member (anywhere: collection or geometry)
    names an address (type ``link``/``url``, or ``://`` in it), a copy in ``workdir`` with every such
    member replaced by ``null`` (same length), and the first address; else ``path`` itself and None.

    GDAL fetches a link CRS with its HTTP client (a request from inside the office network, and a
    stall when the address does not answer); without the member, the CRS is missing and is guessed
    from the coordinates or given with ``--crs``, as for a shapefile without ``.prj``.
    """
    with path.open("rb") as fh:
        try:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file
            return path, None
        with data:
            spans: list[tuple[int, int]] = []
            first: str | None = None
            for m in _OBJECT_MEMBER.finditer(data):
                if not _is_crs_key(m.group(1)):
                    continue
                start = m.end() - 1
                end = _object_end(data, start)
                if end < 0:
                    continue
                try:
                    member = json.loads(bytes(data[start:end]).decode("utf-8", "replace"))
                except ValueError:
                    member = {"type": "link"}  # unreadable: never let GDAL try it
                link = _link_of(member)
                if link is not None:
                    spans.append((start, end))
                    first = first or link
            if not spans:
                return path, None
            workdir.mkdir(parents=True, exist_ok=True)
            out = workdir / f"nolink-{path.name}"
            with out.open("wb") as dst:
                pos = 0
                for start, end in spans:
                    dst.write(data[pos:start])
                    dst.write(b"null".ljust(end - start))
                    pos = end
                dst.write(data[pos:])
    return out, first[:200] if first is not None else None


def _without_links(ds: Dataset, workdir: Path) -> Dataset:
    if ds.kind != "geojson":
        return ds
    path, link = neutralise_link_crs(ds.path, workdir / ".nolink")
    return ds if link is None else Dataset(kind=ds.kind, path=path, name=ds.name, link_crs=link)


_WORKDIR_PREFIX = "tbgeo-ingest-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    """A private temporary folder for unpacking one upload, removed afterwards. Its name carries the
    process id, so folders left by a killed process (kill -9 skips every clean-up) are removed by
    the next one."""

    base = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for old in base.glob(f"{_WORKDIR_PREFIX}*-*"):
            pid = old.name[len(_WORKDIR_PREFIX) :].split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)) and old.stat().st_uid == os.getuid():
                shutil.rmtree(old, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"{_WORKDIR_PREFIX}{os.getpid()}-") as tmp:
        yield Path(tmp)


def _check_kml(path: Path) -> None:
    """Refuse XML with a DOCTYPE or entity declarations (entity-expansion bombs, external entities)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20).lower()
    if b"<!doctype" in head or b"<!entity" in head:
        raise InputError("ingest.xml_entities", name=path.name)


def _shp_records(path: Path) -> tuple[list[int], int]:
    """Where each record of a .shp starts (walking the record headers) and the bytes missing from a
    truncated last one."""
    size = path.stat().st_size
    starts: list[int] = []
    pos = 100
    with path.open("rb") as fh:
        while pos + 8 <= size:
            fh.seek(pos)
            head = fh.read(8)
            length = struct.unpack(">i", head[4:8])[0] * 2
            if length < 0:
                break
            if pos + 8 + length > size:
                return starts, pos + 8 + length - size
            starts.append(pos)
            pos += 8 + length
    return starts, 0 if pos >= size else size - pos


def _shx_offsets(path: Path) -> list[int]:
    """The record offsets (bytes) a .shx gives, one per feature."""
    data = path.read_bytes()[100:]
    n = len(data) // 8
    return [o * 2 for o in struct.unpack(f">{2 * n}i", data[: 8 * n])[::2]]


def _dbf_deleted(path: Path, header_len: int, record_len: int, records: int) -> int:
    """How many of the first ``records`` records of a .dbf are marked deleted (``*``)."""
    if not records or not record_len:
        return 0
    with path.open("rb") as fh:
        try:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:
            return 0
        with data:
            flags = data[header_len : header_len + records * record_len : record_len]
    return flags.count(b"*")


def check_shapefile(path: Path, name: str) -> None:
    """Refuse a shapefile whose .shp, .shx and .dbf disagree on the number of features (a truncated
    file, a .dbf or .shx from another export), whose .shx points elsewhere than the .shp's records, or
    whose .dbf marks records deleted: GDAL would read only the common part, the wrong shapes, or skip
    the deleted records, without a word."""
    parts = _siblings(path)
    try:
        starts, missing = _shp_records(path)
        shp = len(starts)
        offsets = _shx_offsets(parts[".shx"])
        shx = len(offsets)
        with parts[".dbf"].open("rb") as fh:
            head = fh.read(12)
        n_dbf, header_len, record_len = struct.unpack("<IHH", head[4:12])
        dbf_size = parts[".dbf"].stat().st_size
        dbf_real = max(0, (dbf_size - header_len) // record_len) if record_len else 0
        dbf = min(n_dbf, dbf_real)
    except (OSError, struct.error, KeyError) as exc:
        raise InputError("ingest.unreadable", name=name, detail=library_detail(exc)) from exc
    if shp == shx == dbf and not missing:
        wrong = sum(1 for a, b in zip(starts, offsets) if a != b)
        if wrong:
            raise InputError("ingest.shx_offsets", name=name, n=wrong, total=shx)
        deleted = _dbf_deleted(parts[".dbf"], header_len, record_len, dbf)
        if deleted:
            raise InputError("ingest.dbf_deleted", name=name, n=deleted, total=dbf)
        return
    counts = (shp + (1 if missing else 0), shx, n_dbf)
    kept = min(shp, shx, dbf)
    raise InputError(
        "ingest.shp_mismatch",
        name=name,
        shp=shp + (1 if missing else 0),
        shx=shx,
        dbf=n_dbf if n_dbf == dbf else f"{n_dbf} (→ {dbf})",
        lost=max(counts) - kept,
        shp_note=("ingest.shp_truncated_note", {"missing": missing}) if missing else "",
    )


def _siblings(path: Path) -> dict[str, Path]:
    """Files next to ``path`` with the same stem, by lower-case extension."""
    stem = path.stem.lower()
    return {p.suffix.lower(): p for p in path.parent.iterdir() if p.is_file() and p.stem.lower() == stem}


def sidecar_text(path: Path, suffix: str) -> str | None:
    """The text of the file beside ``path`` with its stem (any case) and ``suffix`` (a shapefile's
    ``.prj``, ``.cpg``): UTF-8 (a BOM allowed), else Latin-1; stripped; None when absent or empty."""
    part = _siblings(path).get(suffix.lower())
    if part is None:
        return None
    raw = part.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin1")
    return text.strip() or None


def find_datasets(folder: Path, *, root: Path | None = None) -> list[Dataset]:
    """The readable datasets under ``folder`` (an unpacked zip), checked for completeness."""
    root = root or folder
    found: list[Dataset] = []
    seen_other: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if rel.startswith(_SKIP_PREFIXES) or path.name.startswith("._"):
            continue
        ext = path.suffix.lower()
        kind = _DATASET_EXT.get(ext)
        if kind is None:
            seen_other.append(rel)
            continue
        if kind == "shapefile":
            parts = _siblings(path)
            missing = [e for e in (".shx", ".dbf") if e not in parts]
            if missing:
                raise InputError("ingest.shp_incomplete", name=rel, missing=", ".join(missing))
            check_shapefile(path, rel)
        elif kind == "mapinfo":
            parts = _siblings(path)
            if ext == ".mif" and ".tab" in parts:
                continue  # the same table twice; the .tab is read
            need = (".dat", ".map", ".id") if ext == ".tab" else (".mid",)
            missing = [e for e in need if e not in parts]
            if missing:
                raise InputError("ingest.shp_incomplete", name=rel, missing=", ".join(missing))
        elif kind == "kml":
            _check_kml(path)
        elif kind == "geojson" and sniff(path) != "geojson":
            seen_other.append(rel)
            continue
        found.append(Dataset(kind=kind, path=path, name=rel))
    return found


def open_upload(path: Path, workdir: Path, config: UploadLimits) -> tuple[str, list[Dataset]]:
    """The upload's container format and the datasets in it, unpacking zips/KMZ into ``workdir``.

    Raises InputError (with a message saying what is accepted) for anything else.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("ingest.not_found", name=str(path))
    check_upload_size(path, config)
    kind = sniff(path)
    ext = path.suffix.lower()
    if kind == "shp" or ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        raise InputError("ingest.bare_shp", name=path.name)
    if kind == "zip":
        safe_extract(path, workdir, config)
        datasets = find_datasets(workdir)
        container = "kmz" if ext == ".kmz" or (datasets and all(d.kind == "kml" for d in datasets)) else "zip"
        if container == "kmz":
            datasets = [d for d in datasets if d.kind == "kml"]
            datasets.sort(key=lambda d: (d.path.name.lower() != "doc.kml", d.name))
            datasets = datasets[:1]
        datasets = [_without_links(d, workdir) for d in datasets]
        if not datasets:
            members = sorted(p.relative_to(workdir).as_posix() for p in workdir.rglob("*") if p.is_file())
            raise InputError(
                "ingest.zip_no_dataset", name=path.name, found=", ".join(members[:10]) or "—", accepted=ACCEPTED
            )
        return container, datasets
    if kind in ("gpkg", "geojson", "kml", "dxf"):
        if kind == "kml":
            _check_kml(path)
        return kind, [_without_links(Dataset(kind=kind, path=path, name=path.name), workdir)]
    if kind == "mapinfo":
        raise InputError("ingest.bare_mapinfo", name=path.name)
    raise InputError("ingest.unsupported_format", name=path.name, accepted=ACCEPTED)
