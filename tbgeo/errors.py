"""Errors that reach a user carry a message-catalog key, so they can be said in Vietnamese or English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "Num",
    "TbgeoError",
    "CatalogError",
    "InputError",
    "CRSError",
    "EncodingError",
    "WorkspaceError",
]


@dataclass(frozen=True)
class Num:
    """A number in a message, written the way the reader's language writes it (``4,00`` / ``4.00``)."""

    value: float
    digits: int = 2


class TbgeoError(Exception):
    """Base error. ``key`` names a message in the catalogs; ``params`` fill its placeholders."""

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        from tbgeo.i18n import fmt_number, t

        params = {k: fmt_number(v.value, lang, v.digits) if isinstance(v, Num) else v for k, v in self.params.items()}
        return t(self.key, lang, **params)


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
