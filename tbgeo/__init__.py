"""tbgeo — planning workbench for the Thái Bình industrial development plan 2017–2025."""

from tbgeo import _offline

__all__ = ["__version__"]

__version__ = "0.1.0"

_offline.ensure()  # GDAL and PROJ never reach the network, whatever a user's file says
