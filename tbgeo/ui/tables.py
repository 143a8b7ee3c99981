"""Tables on a page in the reader's language: decimals with its mark and a sensible rounding, times in
Vietnam's time, no "None" in an empty cell.

``st.dataframe`` writes a float with the browser's decimal point (its ``localized`` format follows
the browser's locale, not the page's language) and an empty cell as "None". ``show`` passes the rows
through ``localized`` first: in Vietnamese a float column becomes text as ``fmt_number`` writes it
(``1.234,56``), right-aligned like a number; in English it stays a number, shown with a fixed number
of decimals (so it still sorts as a number). Integers (ids, counts, versions, years) are left as
they are; the columns named in ``times`` (ISO 8601, UTC) are written by ``fmt_when``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from tbgeo.i18n import fmt_number
from tbgeo.i18n.params import fmt_when

__all__ = ["EMPTY", "localized", "show"]

#: What an empty cell shows.
EMPTY = "—"


def _missing(value: Any) -> bool:
    """None, NaN or pandas' NA (a list or mapping in a cell is never missing)."""
    return value is None or (not isinstance(value, (list, tuple, dict)) and bool(pd.isna(value)))


def _is_float_column(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
        return False
    if pd.api.types.is_float_dtype(values):
        return True
    present = [v for v in values if not _missing(v)]
    return bool(present) and all(isinstance(v, float) for v in present)


def localized(
    data: Any, lang: str, *, digits: Mapping[str, int] | None = None, times: Iterable[str] = (), default_digits: int = 2
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """(the table to show, its column configuration) for ``data`` (rows or a DataFrame) in ``lang``;
    ``digits`` gives a column's decimals (else ``default_digits``)."""
    frame = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
    digits = digits or {}
    times = set(times)
    config: dict[str, Any] = {}
    for column in frame.columns:
        values = frame[column]
        if column in times:
            frame[column] = [fmt_when(v, lang) if isinstance(v, str) and v else EMPTY for v in values]
        elif _is_float_column(values):
            n = digits.get(column, default_digits)
            if lang == "vi":
                frame[column] = [EMPTY if _missing(v) else fmt_number(float(v), lang, n) for v in values]
                config[column] = st.column_config.TextColumn(alignment="right")
            else:
                frame[column] = pd.to_numeric(values, errors="coerce").astype(float)
                config[column] = st.column_config.NumberColumn(format=f"%.{n}f")
        elif not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            frame[column] = [EMPTY if _missing(v) else v for v in values]
    return frame, config


def show(
    data: Any, lang: str, *, digits: Mapping[str, int] | None = None, times: Iterable[str] = (), **kwargs: Any
) -> Any:
    """``st.dataframe`` of ``localized(data, …)``; other keyword arguments go to ``st.dataframe``."""
    frame, config = localized(data, lang, digits=digits, times=times)
    config.update(kwargs.pop("column_config", None) or {})
    return st.dataframe(frame, column_config=config, **kwargs)
