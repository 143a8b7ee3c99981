"""The steps of an import plan, each returning its result with the warnings and refusals it found.

``source`` reads the upload, ``encoding`` decides its text, ``geometry`` checks and repairs its shapes,
``crs`` decides and applies its coordinate system, ``landing`` says where the data lands and
``target`` fits it to the layer; :mod:`tbgeo.ingest.pipeline` only sequences them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Note", "StepNotes", "fid_list"]

#: A message as stored: catalog key and parameters (said in the reader's language when shown).
Note = tuple[str, dict[str, Any]]


@dataclass(kw_only=True)
class StepNotes:
    """What a step found besides its result: warnings (the import goes on) and blockers (refusals that
    stand until the user decides)."""

    warnings: list[Note] = field(default_factory=list)
    blockers: list[Note] = field(default_factory=list)


def fid_list(fids: list[int], limit: int = 10) -> str:
    """Source FIDs for a message: the first ``limit``, then ``…`` when there are more."""
    shown = ", ".join(str(f) for f in fids[:limit])
    return shown + (" …" if len(fids) > limit else "")
