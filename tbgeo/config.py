"""The one reader of tbgeo's configuration files (config/review.toml, config/ingest.toml, …): a file
named by the caller, found through the shipped-data accessor (``settings.shipped("config", name)``)
unless an explicit path is given, read as TOML with a clear message when it cannot be."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from tbgeo import settings
from tbgeo.errors import InputError

__all__ = ["config_path", "read_config"]


def config_path(name: str) -> Path:
    """The shipped configuration file ``name`` (``"review.toml"``)."""
    return settings.shipped("config", name)


def read_config(name: str, path: Path | str | None = None, *, required: bool = False) -> tuple[dict[str, Any], Path | None]:
    """The tables of the configuration file ``name`` and the file read.

    Without ``path`` the shipped file is read, and a missing one gives ``({}, None)`` (the built-in
    defaults apply), unless it is ``required`` (a model with no built-in defaults); an explicit ``path``
    must exist. A file that is not valid TOML (or cannot be read)
    is refused with ``InputError``, never half read.
    """
    explicit = path is not None
    p = Path(path) if path is not None else config_path(name)
    if not p.exists():
        if explicit or required:
            raise InputError("review.config_missing", file=str(p))
        return {}, None
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh), p
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError("review.config_unreadable", file=p.name, detail=str(exc)) from exc
