"""Encoding step: decide the text encoding of the column names and of each text column, and convert them.

Detection and conversion are :mod:`tbgeo.ingest.encoding`'s; this step applies them to a read upload
(the user's choice over the detected one, per column or for all), keeps a before/after preview, and
warns about a wrong ``.cpg``, uncertain columns and TCVN3 capitals.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd

from tbgeo.ingest import encoding as enc
from tbgeo.ingest.steps import Note, StepNotes
from tbgeo.ingest.steps.source import RESERVED_COLUMNS, SourceData, unique_name
from tbgeo.ingest.validate import FID

__all__ = ["TextStep", "decide", "cpg_encoding"]

_PREVIEW_ROWS = 5

#: The user's choice: one encoding for everything, or by column (raw or converted name; ``"*"`` for the rest).
Override = str | Mapping[str, str] | None


@dataclass(kw_only=True)
class TextStep(StepNotes):
    """The frame with converted names and text, and what was decided for each (by final column name)."""

    frame: gpd.GeoDataFrame
    columns: dict[str, enc.ColumnEncoding]
    names: enc.ColumnEncoding
    renamed: dict[str, str]
    preview: list[dict[str, str]] = field(default_factory=list)


def cpg_encoding(text: str | None) -> str | None:
    """The encoding a shapefile's ``.cpg`` names, when it is one tbgeo reads (else None)."""
    if not text:
        return None
    key = text.strip().upper().replace("-", "").replace(" ", "").replace("_", "")
    if key in ("UTF8", "65001"):
        return "utf-8"
    if key in ("1258", "CP1258", "ANSI1258", "WINDOWS1258"):
        return "cp1258"
    if key in ("1252", "CP1252", "ANSI1252", "88591", "ISO88591", "LATIN1"):
        return "latin1"
    return None


def _encoding_for(override: Override, column: str) -> str | None:
    if override is None:
        return None
    value = override if isinstance(override, str) else override.get(column) or override.get("*")
    if value is None:
        return None
    value = enc.normalize_encoding_name(value)
    return None if value == "auto" else value


def _decide_names(src: SourceData, override: Override, raw_cols: list[str]) -> tuple[enc.ColumnEncoding, dict[str, str]]:
    """The encoding of the column names and each raw name's converted, unique name."""
    declared = cpg_encoding(src.cpg)
    geom = src.frame.geometry.name
    forced = _encoding_for(override, "")
    names = enc.detect(raw_cols, column="", source=src.text_source, declared=declared)
    if forced:
        names = enc.ColumnEncoding(column="", encoding=forced, scores=names.scores, words=names.words, user=True, source=src.text_source)
    new_names: dict[str, str] = {}
    taken = {c.casefold() for c in (geom, *RESERVED_COLUMNS)}
    for c in raw_cols:
        new = enc.convert_value(c, names.encoding, source=src.text_source) if names.encoding != "ascii" else c
        new = unique_name(new, taken)  # two legacy names may convert to one, or differ only in case
        taken.add(new.casefold())
        new_names[c] = new
    return names, new_names


def _preview(col: str, encoding: str, values: list[Any], converted: list[Any]) -> list[dict[str, str]]:
    """Up to ``_PREVIEW_ROWS`` values of a converted column that were not ASCII, before and after."""
    rows: list[dict[str, str]] = []
    for before, after in zip(values, converted):
        if isinstance(before, str) and not before.isascii():
            rows.append({"column": col, "encoding": encoding, "before": before, "after": after})
            if len(rows) >= _PREVIEW_ROWS:
                break
    return rows


def _convert_columns(
    src: SourceData, override: Override, new_names: dict[str, str], out: gpd.GeoDataFrame
) -> tuple[dict[str, enc.ColumnEncoding], list[dict[str, str]]]:
    """Decide and convert each text column of ``src`` into ``out`` (renamed); the decisions and the preview."""
    frame = src.frame
    declared = cpg_encoding(src.cpg)
    columns: dict[str, enc.ColumnEncoding] = {}
    preview: list[dict[str, str]] = []
    for raw, col in new_names.items():
        series = frame[raw]
        if series.dtype != object and str(series.dtype) not in ("string", "str"):
            continue
        values = series.tolist()
        if not any(isinstance(v, str) for v in values):
            continue
        choice = _encoding_for(override, raw) or _encoding_for(override, col)
        det = enc.detect(values, column=col, source=src.text_source, declared=declared)
        if choice:
            det = enc.ColumnEncoding(column=col, encoding=choice, scores=det.scores, words=det.words, user=True, source=src.text_source)
        columns[col] = det
        if det.encoding == "ascii":
            continue
        if det.encoding == "unicode" and src.text_source == "unicode":
            # good Unicode keeps its text; only a decomposed (NFD) spelling is composed to NFC
            if any(isinstance(v, str) and not unicodedata.is_normalized("NFC", v) for v in values):
                out[col] = [unicodedata.normalize("NFC", v) if isinstance(v, str) else v for v in values]
            continue
        converted = enc.convert_values(values, det.encoding, source=src.text_source)
        out[col] = converted
        shown = _shown_before(det, values, declared, src.text_source)
        if shown is not None:
            preview.extend(_preview(col, det.encoding, shown, converted))
    return columns, preview


def _shown_before(det: enc.ColumnEncoding, values: list[Any], declared: str | None, source: str) -> list[Any] | None:
    """The text "before" as another program shows it, when the import changes what it would show; else None.

    Text converted from a legacy encoding (TCVN3, VNI, CP1258), or read as the user chose, is shown as
    stored. UTF-8 bytes of a file (a shapefile's .dbf) were never wrong: the Latin-1 form they were read
    in is no one's text, so nothing is listed — unless the ``.cpg`` names another encoding, when the
    text is shown as a program that follows the ``.cpg`` shows it."""
    if det.encoding == "utf-8" and source == "bytes":
        if declared is None or declared == "utf-8":
            return None
        return enc.convert_values(values, declared, source=source)
    return values if det.converted or det.user else None


def _warnings(src: SourceData, columns: dict[str, enc.ColumnEncoding], renamed: dict[str, str]) -> list[Note]:
    """A ``.cpg`` the text contradicts, columns whose encoding is uncertain, TCVN3 written in capitals."""
    notes: list[Note] = []
    cpg_enc = cpg_encoding(src.cpg)
    legacy = sorted({d.encoding for d in columns.values() if d.converted and not d.user})
    if src.cpg and legacy and cpg_enc not in legacy:
        notes.append(("ingest.w_cpg_wrong", {"cpg": src.cpg, "detected": ", ".join(legacy)}))
    for col, d in columns.items():
        if d.uncertain:
            notes.append(("ingest.w_encoding_uncertain", {"column": col, "encoding": d.encoding}))
    tcvn3 = [c for c, d in columns.items() if d.encoding == "tcvn3"]
    raw_names = {v: k for k, v in renamed.items()}
    if any(
        isinstance(v, str) and enc.looks_like_caps(v)
        for c in tcvn3
        for v in src.frame[raw_names.get(c, c)].head(5000)
    ):
        notes.append(("ingest.w_tcvn3_caps", {}))
    return notes


def decide(src: SourceData, override: Override) -> TextStep:
    """Decide and convert the upload's column names and text (``override``: the user's encoding choice)."""
    frame = src.frame
    geom = frame.geometry.name
    raw_cols = [c for c in frame.columns if c not in (geom, FID)]
    names, new_names = _decide_names(src, override, raw_cols)
    out = frame.rename(columns=new_names)
    columns, preview = _convert_columns(src, override, new_names, out)
    renamed = {k: v for k, v in new_names.items() if k != v}
    return TextStep(
        frame=out, columns=columns, names=names, renamed=renamed, preview=preview,
        warnings=_warnings(src, columns, renamed),
    )  # fmt: skip
