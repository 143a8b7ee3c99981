"""Ingest messages in the user's language: numbers written the language's way, compass directions and
the origin of a CRS (.prj, MapInfo, inside the file) translated at display time, and errors that do so."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from tbgeo.errors import CRSError, InputError
from tbgeo.i18n import fmt_number, t
from tbgeo.safetext import library_detail

__all__ = ["DIGITS", "fmt_value", "localize", "message", "render_messages", "IngestError", "IngestCRSError", "tech"]

#: Decimals shown for numeric parameters, by parameter name (others: as many as the value needs, ≤ 8).
DIGITS: dict[str, int] = {
    "lat": 4, "lon": 4, "km": 0, "near": 0, "xmin": 3, "xmax": 3, "ymin": 3, "ymax": 3, "size": 1, "ratio": 0,
}  # fmt: skip


def _auto_digits(value: float) -> int:
    text = f"{value:.8f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def fmt_value(value: float, lang: str, *, digits: int | None = None) -> str:
    """``value`` as ``lang`` writes it (``0,9999`` / ``1.234,5`` in Vietnamese); ``—`` for a non-finite value."""
    if not math.isfinite(value):
        return "—"
    return fmt_number(value, lang, _auto_digits(value) if digits is None else digits)


def localize(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Message parameters ready for ``t``: floats formatted for ``lang``; ``dir`` (n, ne, …) and ``origin``
    (prj, mapinfo, file, default) replaced by their text; ``places`` (stray features: fid, where,
    distance_km, direction, lon, lat) written out; a ``(key, params)`` pair is a nested message. Integers (counts, EPSG codes) are left as they are."""
    out = dict(params)
    places = params.get("places")
    if isinstance(places, list):
        text = "; ".join(
            t(
                "ingest.stray_place",
                lang,
                fid=p["fid"],
                where=t(f"ingest.where_{p['where']}", lang),
                **localize({"km": float(p["distance_km"]), "dir": p["direction"], "lat": float(p["lat"]), "lon": float(p["lon"])}, lang),
            )
            for p in places
        )
        out["places"] = text + (" …" if params.get("more") else "")
    for key, value in params.items():
        if isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict):
            out[key] = message(value[0], value[1], lang)  # a nested message: (key, params)
        elif isinstance(value, float):
            out[key] = fmt_value(value, lang, digits=DIGITS.get(key))
    if out.get("dir"):
        out["dir"] = t(f"ingest.dir_{out['dir']}", lang)
    if out.get("origin"):
        out["origin"] = t(f"ingest.origin_{out['origin']}", lang, name=params.get("name") or "—")
    return out


def message(key: str, params: Mapping[str, Any], lang: str) -> str:
    """A stored (key, params) pair as text in ``lang``."""
    return t(key, lang, **localize(params, lang))


def render_messages(pairs: list[tuple[str, dict[str, Any]]], lang: str) -> list[str]:
    return [message(k, p, lang) for k, p in pairs]


def tech(exc: BaseException) -> str:
    """A library's own error text, one line, for the "(technical detail: …)" tail of our messages
    (no server folders: see ``safetext.library_detail``)."""
    return library_detail(exc)


class IngestError(InputError):
    """An InputError whose message formats numbers and translates directions for the language shown."""

    def message(self, lang: str = "vi") -> str:
        return message(self.key, self.params, lang)


class IngestCRSError(CRSError):
    """A CRSError whose message formats numbers and translates directions for the language shown."""

    def message(self, lang: str = "vi") -> str:
        return message(self.key, self.params, lang)
