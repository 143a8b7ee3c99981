"""``tbgeo versions LAYER``: the imported versions of a layer, with provenance and which one is active."""

from __future__ import annotations

import argparse

from tbgeo.catalog import load_catalog
from tbgeo.cli import emit_json, layer_label
from tbgeo.i18n import t
from tbgeo.i18n.params import fmt_when
from tbgeo.store import open_store

NAME = "versions"
HELP_KEY = "ingest.cli_versions_help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("layer", help=t("ingest.cli_opt_layer", lang))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    load_catalog(check_data=False).get(args.layer)  # unknown layer → CatalogError (exit 2)
    versions = open_store(create=False).versions(args.layer)
    rows = [v.to_dict() for v in versions]
    if args.format == "json":
        emit_json(rows)
        return 0
    if not rows:
        print(t("ingest.out_versions_none", lang, layer=layer_label(args.layer, lang)))
        return 0
    print(t("ingest.out_versions_header", lang, layer=layer_label(args.layer, lang), n=len(rows)))
    for v in versions:
        crs = v.details.get("crs", {})
        enc = v.details.get("encoding", {})
        print(
            t(
                "ingest.out_versions_row",
                lang,
                mark="*" if v.active else " ",
                version=v.version,
                at=fmt_when(v.created_at, lang),
                by=v.created_by,
                file=v.source_name,
                sha=v.sha256[:12],
                n=v.features,
                epsg=crs.get("epsg") or "—",
                encoding=enc.get("detected", "—"),
            )
        )
    return 0
