"""Session-state keys of the upload page."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["UploadKey"]


class UploadKey(StrEnum):
    FILE = "ingest_file"  # {"name", "path", "sha"} of the uploaded file, saved to a temporary folder
    SOURCE = "ingest_source"  # (cache key, SourceData)
    PLAN = "ingest_plan"  # (cache key, ImportPlan)
    RESULT = "ingest_result"  # the last ImportResult as a dict
    LAYER = "ingest_layer"
    SOURCE_LAYER = "ingest_source_layer"
    CRS = "ingest_crs"
    CRS_OK = "ingest_crs_ok"
    ENCODING = "ingest_encoding"
    INSIST = "ingest_insist"
    ROLLBACK = "ingest_rollback"
    EXPORT_FORMAT = "ingest_export_format"
    EXPORT = "ingest_export"  # (layer, format, file name, bytes) of the last prepared export
