"""``tbgeo map``: the map as one HTML file that opens offline, or ``--prepare`` the app's first view.

The map is the same page the app shows (``tbgeo.mapping.view``), with Leaflet put inside the file, so it
can be sent to an office with a poor connection and opened in any browser.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tbgeo.catalog import load_catalog
from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.mapping import view as mapview
from tbgeo.mapping.webmap import BASEMAPS

NAME = "map"
HELP_KEY = "map_cli.help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:

    parser.add_argument("--out", type=Path, default=None, help=t("map_cli.out_help", lang))
    parser.add_argument("--layers", default=None, help=t("map_cli.layers_help", lang))
    parser.add_argument("--basemap", choices=tuple(BASEMAPS), default=None, help=t("map_cli.basemap_help", lang))
    parser.add_argument("--prepare", action="store_true", help=t("map_cli.prepare_help", lang))


def run(args: argparse.Namespace) -> int:

    catalog = load_catalog()
    if args.prepare:
        mapview.prepare(catalog)
        print(t("map_cli.prepared", args.lang))
        return 0
    if args.out is None:
        raise InputError("map_cli.no_output")
    if args.out.suffix.lower() not in (".html", ".htm"):
        raise InputError("map_cli.not_html", path=str(args.out))
    if args.layers:
        wanted = {part.strip() for part in args.layers.split(",") if part.strip()}
        if not wanted:
            raise InputError("map_cli.no_layers")
        for layer_id in sorted(wanted):
            catalog.get(layer_id)  # an unknown id: CatalogError naming the known ones
        visible = tuple(lid for lid in catalog.ids if lid in wanted)
    else:
        visible = mapview.default_layers(catalog)
    html = mapview.map_html(catalog, visible, args.lang, args.basemap or mapview.DEFAULT_BASEMAP)
    path = mapview.write_standalone(html, args.out)
    print(t("map_cli.written", args.lang, n=len(visible), path=str(path)))
    return 0
