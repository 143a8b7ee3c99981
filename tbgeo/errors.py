"""Errors that reach a user carry a message-catalog key, so they can be said in Vietnamese or English."""

from __future__ import annotations

import datetime
import sys
import traceback
from typing import Any

from tbgeo import diskcache, settings
from tbgeo.i18n import t
from tbgeo.i18n.params import Num, localize

__all__ = [
    "Num",
    "TbgeoError",
    "CatalogError",
    "InputError",
    "CRSError",
    "EncodingError",
    "WorkspaceError",
    "StoreBusyError",
    "ConflictError",
    "PermissionDenied",
    "report_internal_error",
    "log_detail",
]


class TbgeoError(Exception):
    """Base error. ``key`` names a message in the catalogs; ``params`` fill its placeholders."""

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        """The message in ``lang``, its parameters written that language's way (``tbgeo.i18n.params``)."""
        return t(self.key, lang, **localize(self.params, lang))


class CatalogError(TbgeoError, ValueError):
    """A layer file in layers/ is wrong: unknown key, missing data file, wrong CRS or geometry."""


class InputError(TbgeoError, ValueError):
    """Bad input from a user (file, option, coordinates): the CLI exits with status 2."""


class CRSError(InputError):
    """A coordinate reference system is missing, unknown or implausible."""


class EncodingError(InputError):
    """Text could not be decoded as Vietnamese in any known encoding."""


class WorkspaceError(TbgeoError, RuntimeError):
    """The workspace store could not complete a change; nothing was written."""


class StoreBusyError(WorkspaceError):
    """Another program holds a write lock on the store past the bounded wait; nothing was written.
    The CLI exits with status 4 (try again)."""


class ConflictError(WorkspaceError):
    """A change asked for on a stale view: someone else changed the record meanwhile; nothing was
    written. The message says who and when; the CLI exits with status 4 (reload and try again)."""


class PermissionDenied(TbgeoError, PermissionError):
    """The signed-in user's roles do not allow the change; nothing was written. CLI exit status 5."""


def _append_to_log(text: str) -> str:
    """Append ``text`` (with the time and the command's arguments) to the error log (``TBGEO_ERROR_LOG``,
    default ``tbgeo-errors.log`` in the cache folder); where it went: the log's path, or "stderr" when
    the log cannot be written."""
    try:
        log = settings.error_log() or diskcache.cache_dir() / "tbgeo-errors.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds')} {sys.argv[1:]!r}\n{text}")
    except Exception:
        sys.stderr.write(text)
        return "stderr"
    return str(log)


def log_detail(exc: BaseException, what: str) -> str:
    """Keep a library's technical text (libpq's, SQLite's: English) out of the user's message: it goes
    to the error log with ``what`` failed; the log's path is returned for the message to name."""
    detail = str(exc).strip() or type(exc).__name__
    return _append_to_log(f"{what}: {type(exc).__name__}: {detail}\n")


def report_internal_error(exc: BaseException, lang: str) -> str:
    """The localized "internal error" message for ``exc``; its traceback is appended to the error log
    (``TBGEO_ERROR_LOG``, default ``tbgeo-errors.log`` in the cache folder), or written to stderr when
    ``TBGEO_DEBUG=1`` or the log cannot be written. The UI shows the same message."""
    trace = "".join(traceback.format_exception(exc))
    if settings.debug():
        sys.stderr.write(trace)
        return t("errors.internal", lang, kind=type(exc).__name__, log="stderr")
    return t("errors.internal", lang, kind=type(exc).__name__, log=_append_to_log(trace))
