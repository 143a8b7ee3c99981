"""Paths and settings in one place; tests point them at temporary folders via environment variables."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "PROJECT_DIR",
    "DATA_DIR",
    "LAYERS_DIR",
    "CONFIG_DIR",
    "STATIC_DIR",
    "workspace_path",
    "default_lang",
    "LANGS",
]

#: The repository root: app.py, data/, layers/ and config/ live here.
PROJECT_DIR = Path(os.environ.get("TBGEO_PROJECT_DIR", Path(__file__).resolve().parent.parent))
DATA_DIR = PROJECT_DIR / "data"
LAYERS_DIR = PROJECT_DIR / "layers"
CONFIG_DIR = PROJECT_DIR / "config"
#: Front-end files (Leaflet and plugins) copied here at install time from npm packages.
STATIC_DIR = PROJECT_DIR / "static"

LANGS = ("vi", "en")


def workspace_path() -> Path:
    """The GeoPackage holding layer versions, proposals and the audit log.

    ``TBGEO_WORKSPACE`` overrides the default ``workspace/tbgeo.gpkg`` under the project folder.
    """
    env = os.environ.get("TBGEO_WORKSPACE")
    return Path(env) if env else PROJECT_DIR / "workspace" / "tbgeo.gpkg"


def default_lang() -> str:
    """Vietnamese unless ``TBGEO_LANG`` says ``en``."""
    lang = os.environ.get("TBGEO_LANG", "vi")
    return lang if lang in LANGS else "vi"
