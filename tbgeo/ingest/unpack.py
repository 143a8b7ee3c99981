"""Recognise an uploaded GIS file by its content and unpack zips safely (size, count, path and bomb limits)."""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tbgeo.errors import InputError
from tbgeo.ingest.config import IngestConfig, load_config
from tbgeo.ingest.messages import IngestError, tech

__all__ = [
    "Dataset",
    "ACCEPTED",
    "sniff",
    "check_upload_size",
    "safe_extract",
    "find_datasets",
    "open_upload",
]

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


def check_upload_size(path: Path, config: IngestConfig) -> None:
    size = path.stat().st_size
    if size > config.max_upload_bytes:
        raise IngestError(
            "ingest.too_large", name=path.name, size=size / 1048576, limit=float(config.max_upload_mb)
        )


def _member_target(dest: Path, name: str) -> Path:
    """Where a zip member may be written, or an InputError for absolute and escaping paths."""
    norm = name.replace("\\", "/")
    pure = PurePosixPath(norm)
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":") or ".." in pure.parts:
        raise IngestError("ingest.zip_unsafe_path", member=name)
    target = (dest / pure).resolve()
    root = dest.resolve()
    if target != root and root not in target.parents:
        raise IngestError("ingest.zip_unsafe_path", member=name)
    return target


def safe_extract(archive: Path, dest: Path, config: IngestConfig | None = None) -> list[Path]:
    """Extract ``archive`` into ``dest`` after checking every member; refuse the whole zip on any problem.

    Refused: absolute or ``..`` paths, symbolic links, encrypted members, more than ``max_files``
    members, more than ``max_unpacked_mb`` in total (declared or actually written), and members that
    expand more than ``max_compression_ratio`` times (zip bombs). Nothing from the zip is executed.
    """
    config = config or load_config()
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError("ingest.bad_zip", name=archive.name, detail=tech(exc)) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > config.max_files:
            raise IngestError("ingest.zip_too_many_files", name=archive.name, n=len(infos), limit=config.max_files)
        total = 0
        targets: list[tuple[zipfile.ZipInfo, Path]] = []
        for info in infos:
            target = _member_target(dest, info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise IngestError("ingest.zip_link", member=info.filename)
            if info.flag_bits & 0x1:
                raise IngestError("ingest.zip_encrypted", member=info.filename)
            total += info.file_size
            if total > config.max_unpacked_bytes:
                raise IngestError("ingest.zip_too_big_unpacked", name=archive.name, limit=float(config.max_unpacked_mb))
            if info.file_size > _CHUNK and info.file_size > config.max_compression_ratio * max(info.compress_size, 1):
                raise IngestError(
                    "ingest.zip_bomb",
                    member=info.filename,
                    ratio=info.file_size / max(info.compress_size, 1),
                    limit=float(config.max_compression_ratio),
                )
            targets.append((info, target))
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
                            raise IngestError(
                                "ingest.zip_bomb",
                                member=info.filename,
                                ratio=written / max(info.compress_size, 1),
                                limit=float(config.max_compression_ratio),
                            )
                        dst.write(chunk)
                os.chmod(target, 0o600)
        except BaseException as exc:
            for path in out:  # leave nothing half-extracted behind
                path.unlink(missing_ok=True)
            if isinstance(exc, InputError):
                raise
            if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)):
                raise IngestError("ingest.bad_zip", name=archive.name, detail=tech(exc)) from exc
            raise
    return out


def _check_kml(path: Path) -> None:
    """Refuse XML with a DOCTYPE or entity declarations (entity-expansion bombs, external entities)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20).lower()
    if b"<!doctype" in head or b"<!entity" in head:
        raise IngestError("ingest.xml_entities", name=path.name)


def _siblings(path: Path) -> dict[str, Path]:
    """Files next to ``path`` with the same stem, by lower-case extension."""
    stem = path.stem.lower()
    return {p.suffix.lower(): p for p in path.parent.iterdir() if p.is_file() and p.stem.lower() == stem}


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
                raise IngestError("ingest.shp_incomplete", name=rel, missing=", ".join(missing))
        elif kind == "mapinfo":
            parts = _siblings(path)
            if ext == ".mif" and ".tab" in parts:
                continue  # the same table twice; the .tab is read
            need = (".dat", ".map", ".id") if ext == ".tab" else (".mid",)
            missing = [e for e in need if e not in parts]
            if missing:
                raise IngestError("ingest.shp_incomplete", name=rel, missing=", ".join(missing))
        elif kind == "kml":
            _check_kml(path)
        elif kind == "geojson" and sniff(path) != "geojson":
            seen_other.append(rel)
            continue
        found.append(Dataset(kind=kind, path=path, name=rel))
    return found


def open_upload(path: Path, workdir: Path, config: IngestConfig | None = None) -> tuple[str, list[Dataset]]:
    """The upload's container format and the datasets in it, unpacking zips/KMZ into ``workdir``.

    Raises InputError (with a message saying what is accepted) for anything else.
    """
    config = config or load_config()
    path = Path(path)
    if not path.is_file():
        raise IngestError("ingest.not_found", name=str(path))
    check_upload_size(path, config)
    kind = sniff(path)
    ext = path.suffix.lower()
    if kind == "shp" or ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        raise IngestError("ingest.bare_shp", name=path.name)
    if kind == "zip":
        safe_extract(path, workdir, config)
        datasets = find_datasets(workdir)
        container = "kmz" if ext == ".kmz" or (datasets and all(d.kind == "kml" for d in datasets)) else "zip"
        if container == "kmz":
            datasets = [d for d in datasets if d.kind == "kml"]
            datasets.sort(key=lambda d: (d.path.name.lower() != "doc.kml", d.name))
            datasets = datasets[:1]
        if not datasets:
            members = sorted(p.relative_to(workdir).as_posix() for p in workdir.rglob("*") if p.is_file())
            raise IngestError(
                "ingest.zip_no_dataset", name=path.name, found=", ".join(members[:10]) or "—", accepted=ACCEPTED
            )
        return container, datasets
    if kind in ("gpkg", "geojson", "kml", "dxf"):
        if kind == "kml":
            _check_kml(path)
        return kind, [Dataset(kind=kind, path=path, name=path.name)]
    if kind == "mapinfo":
        raise IngestError("ingest.bare_mapinfo", name=path.name)
    raise IngestError("ingest.unsupported_format", name=path.name, accepted=ACCEPTED)
