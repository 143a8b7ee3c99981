"""Keep GDAL and PROJ off the network for the whole process: no user file may make tbgeo fetch a URL.

GDAL has no single switch for its HTTP client (``CPLHTTPFetch``, used e.g. for a GeoJSON
``"crs": {"type": "link"}``), so this sets what bounds it: every request goes through a proxy on a
closed local port (refused at once, nothing leaves the machine), with short time-outs and no
retries, and no host exempted from that proxy (libcurl, inside GDAL, goes straight to any host
named in ``no_proxy``/``NO_PROXY``, which offices often set for their own network); ``/vsicurl/``
accepts no file name at all; PROJ's network (grid downloads) is off. The link CRS itself is removed
before GDAL reads the file (:mod:`tbgeo._io`), so this is the second
line, not the first. Applied when ``tbgeo`` is imported, before any GDAL or PROJ call.
"""

from __future__ import annotations

from tbgeo import settings

__all__ = ["SETTINGS", "UNSET", "ensure"]

#: GDAL configuration options (read by GDAL from the environment) and PROJ's network switch.
SETTINGS: dict[str, str] = {
    "GDAL_HTTP_PROXY": "127.0.0.1:9",  # discard port, nothing listens: every HTTP request fails at once
    "GDAL_HTTPS_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_TIMEOUT": "2",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_NETRC": "NO",
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/nonexistent/tbgeo-offline",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": "{noext}",
    "PROJ_NETWORK": "OFF",
}

#: Environment variables removed: libcurl reads them at every request and bypasses the proxy above for
#: the hosts they name ("*" for all).
UNSET: tuple[str, ...] = ("no_proxy", "NO_PROXY")


def ensure() -> None:
    """Set :data:`SETTINGS` in the environment (overriding anything set before) and remove :data:`UNSET`."""
    settings.apply_environment(SETTINGS, UNSET)
