"""Upload limits and landing thresholds, read from ``config/ingest.toml`` with built-in defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from tbgeo.config import read_config
from tbgeo.geometry import MAX_COORDINATE

__all__ = ["IngestConfig", "load_config"]


@dataclass(frozen=True)
class IngestConfig:
    """Limits on what an upload may be, and how far from the province data may land."""

    max_upload_mb: float = 200.0
    max_files: int = 200
    max_unpacked_mb: float = 1000.0
    max_compression_ratio: float = 200.0
    max_columns: int = 500
    max_coordinate: float = MAX_COORDINATE
    near_km: float = 40.0
    outside_tolerance_m: float = 500.0

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * 1024 * 1024)

    def with_(self, **changes: Any) -> IngestConfig:
        return replace(self, **changes)


def load_config(path: Path | None = None) -> IngestConfig:
    """The settings in ``path`` (default ``config/ingest.toml``); unknown keys are ignored."""
    data, _ = read_config("ingest.toml", path)
    values: dict[str, Any] = {}
    for section in ("limits", "landing"):
        values.update(data.get(section, {}))
    known = {f.name: f.type for f in fields(IngestConfig)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key in known:
            kwargs[key] = int(value) if key in ("max_files", "max_columns") else float(value)
    return IngestConfig(**kwargs)
