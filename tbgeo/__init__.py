"""tbgeo — planning workbench for the Thái Bình industrial development plan 2017–2025."""

__all__ = ["__version__"]

__version__ = "0.1.0"
