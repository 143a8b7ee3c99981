"""Paths and settings in one place; tests point them at temporary folders via environment variables."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

__all__ = [
    "PROJECT_DIR",
    "INSTALLED",
    "KINDS",
    "DATA_DIR",
    "LAYERS_DIR",
    "CONFIG_DIR",
    "STATIC_DIR",
    "shipped",
    "shipped_dir",
    "workspace_path",
    "database_url",
    "auth_mode",
    "trusted_header",
    "trusted_proxies",
    "default_lang",
    "LANGS",
    "debug",
    "error_log",
    "cache_override",
    "user_cache_home",
    "login_user",
    "lock_wait_setting",
    "apply_environment",
]

_PACKAGE = Path(__file__).resolve().parent

#: The kinds of shipped files, each a folder under PROJECT_DIR: data/ (illustrative layers, plan
#: tables), layers/ (one TOML per map layer), config/ (thresholds and limits), static/ (Leaflet,
#: copied from npm packages by ``make assets``).
KINDS = ("data", "layers", "config", "static")


def _locate() -> tuple[Path, bool]:
    """The folder holding the shipped data/, layers/, config/ and static/, and whether it is the copy
    inside an installed package.

    ``TBGEO_PROJECT_DIR`` names one laid out like the repository; else an installed package (a wheel,
    ``pip install .``) has its copy in ``tbgeo/_shipped/`` (written by setup.py at build time only);
    else tbgeo runs from a checkout (or an editable install of one) and the repository root has them.
    """
    env = os.environ.get("TBGEO_PROJECT_DIR")
    if env:
        return Path(env), False
    packaged = _PACKAGE / "_shipped"
    if packaged.is_dir():
        return packaged, True
    return _PACKAGE.parent, False


#: The repository root (app.py, data/, layers/, config/ and static/ live here), or an installed
#: package's ``tbgeo/_shipped/``. Relative layer sources (``data/districts.geojson``) start here.
PROJECT_DIR, INSTALLED = _locate()
#: One folder per kind of shipped file; read them through ``shipped``/``shipped_dir`` only.
DATA_DIR = PROJECT_DIR / "data"
LAYERS_DIR = PROJECT_DIR / "layers"
CONFIG_DIR = PROJECT_DIR / "config"
#: Front-end files (Leaflet and plugins) copied here at install time from npm packages.
STATIC_DIR = PROJECT_DIR / "static"

LANGS = ("vi", "en")


def shipped_dir(kind: str) -> Path:
    """The folder of one kind of shipped file (one of ``KINDS``), in the checkout or the installed package."""
    folders = {"data": DATA_DIR, "layers": LAYERS_DIR, "config": CONFIG_DIR, "static": STATIC_DIR}
    if kind not in folders:
        raise ValueError(f"unknown kind of shipped file {kind!r}; one of {', '.join(KINDS)}")
    return folders[kind]


def shipped(kind: str, name: str | PurePath) -> Path:
    """A shipped file: ``shipped("config", "review.toml")``, ``shipped("data", "districts.geojson")``."""
    return shipped_dir(kind) / name


def _user_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "tbgeo"


def workspace_path() -> Path:
    """The GeoPackage holding layer versions, proposals and the audit log.

    ``TBGEO_WORKSPACE`` overrides the default: ``workspace/tbgeo.gpkg`` under the project folder in a
    checkout; for an installed package (never inside site-packages) ``tbgeo.gpkg`` in the user's data
    folder (``$XDG_DATA_HOME/tbgeo`` or ``~/.local/share/tbgeo``).
    """
    env = os.environ.get("TBGEO_WORKSPACE")
    if env:
        return Path(env)
    return _user_data_dir() / "tbgeo.gpkg" if INSTALLED else PROJECT_DIR / "workspace" / "tbgeo.gpkg"


def database_url() -> str | None:
    """``TBGEO_DATABASE_URL``: a PostgreSQL/PostGIS server for the store (``postgresql://user@host/db``);
    unset, the store is the GeoPackage at ``workspace_path()``."""
    url = os.environ.get("TBGEO_DATABASE_URL", "").strip()
    return url or None


#: How people sign in to the app: ``local`` (accounts kept in the store; with none, the single-user
#: workbench), ``header`` (a reverse proxy's header, see ``trusted_header``) or ``oidc`` (Streamlit's
#: OpenID Connect sign-in, configured in .streamlit/secrets.toml).
AUTH_MODES = ("local", "header", "oidc")


def auth_mode() -> str:
    """``TBGEO_AUTH`` (one of ``AUTH_MODES``; anything else is ``local``)."""
    mode = os.environ.get("TBGEO_AUTH", "local").strip().lower()
    return mode if mode in AUTH_MODES else "local"


def trusted_header() -> str:
    """The request header a trusted reverse proxy puts the signed-in user's name in (``TBGEO_AUTH_HEADER``)."""
    return os.environ.get("TBGEO_AUTH_HEADER", "X-Remote-User").strip() or "X-Remote-User"


def trusted_proxies() -> tuple[str, ...]:
    """The addresses the trusted header is accepted from (``TBGEO_TRUSTED_PROXY``, comma-separated;
    default: this computer only, where the proxy runs beside tbgeo)."""
    raw = os.environ.get("TBGEO_TRUSTED_PROXY", "127.0.0.1,::1")
    return tuple(a.strip() for a in raw.split(",") if a.strip())


def address_rewriters() -> tuple[str, ...]:
    """The addresses from which Streamlit's web server (uvicorn) takes the client's address from the
    request's ``X-Forwarded-For`` instead of the connection (``FORWARDED_ALLOW_IPS``; uvicorn's default:
    this computer). ``make serve`` sets it empty, so the address tbgeo sees is the connection's, the
    proxy's, which is what the trusted-header check needs."""
    raw = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
    return tuple(a.strip() for a in raw.split(",") if a.strip())


def oidc_claim() -> str:
    """The one OpenID Connect claim that names the tbgeo account (``TBGEO_OIDC_CLAIM``, default ``email``;
    ``sub`` or ``preferred_username`` where the provider keeps it unique and not editable by its users)."""
    return os.environ.get("TBGEO_OIDC_CLAIM", "email").strip() or "email"


def default_lang() -> str:
    """Vietnamese unless ``TBGEO_LANG`` says ``en``."""
    lang = os.environ.get("TBGEO_LANG", "vi")
    return lang if lang in LANGS else "vi"


def debug() -> bool:
    """``TBGEO_DEBUG=1``: tracebacks of internal errors go to stderr instead of the error log."""
    return os.environ.get("TBGEO_DEBUG") == "1"


def error_log() -> Path | None:
    """``TBGEO_ERROR_LOG``: the file internal errors' tracebacks are appended to (unset: the cache folder's)."""
    env = os.environ.get("TBGEO_ERROR_LOG")
    return Path(env) if env else None


def cache_override() -> Path | None:
    """``TBGEO_CACHE``: the folder of derived products (unset: see ``tbgeo.diskcache.cache_dir``)."""
    env = os.environ.get("TBGEO_CACHE")
    return Path(env) if env else None


def user_cache_home() -> Path:
    """The user's cache folder: ``$XDG_CACHE_HOME`` or ``~/.cache``."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) if xdg else Path.home() / ".cache"


def login_user() -> str | None:
    """``TBGEO_USER``: who acts when nobody signed in (unset: the login name, see ``tbgeo.store.current_user``)."""
    return os.environ.get("TBGEO_USER") or None


def lock_wait_setting() -> str | None:
    """``TBGEO_LOCK_WAIT``, as written (the store reads it as seconds, see ``tbgeo.store.lock_wait``)."""
    return os.environ.get("TBGEO_LOCK_WAIT")


def apply_environment(values: dict[str, str], unset: tuple[str, ...] = ()) -> None:
    """Set ``values`` in this process's environment (overriding anything set before) and remove ``unset``:
    the settings libraries read from the environment (GDAL, PROJ, libcurl; see ``tbgeo._offline``)."""
    os.environ.update(values)
    for name in unset:
        os.environ.pop(name, None)
