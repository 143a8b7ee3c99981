"""``tbgeo import FILE --layer ID``: check a GIS file and store it as a new version of a layer."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tbgeo.auth import acting, require
from tbgeo.cli import emit_json, layer_label
from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.i18n.params import fmt_value
from tbgeo.ingest.messages import render_messages
from tbgeo.store import open_store

NAME = "import"
HELP_KEY = "ingest.cli_import_help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("file", help=t("ingest.cli_opt_file", lang))
    parser.add_argument("--layer", required=True, help=t("ingest.cli_opt_layer", lang))
    parser.add_argument("--crs", default=None, help=t("ingest.cli_opt_crs", lang))
    parser.add_argument("--encoding", default=None, help=t("ingest.cli_opt_encoding", lang))
    parser.add_argument("--source-layer", default=None, help=t("ingest.cli_opt_source_layer", lang))
    parser.add_argument(
        "--map", action="append", default=[], metavar="FIELD=COLUMN", help=t("ingest.cli_opt_map", lang)
    )
    parser.add_argument("--mode", choices=("replace", "append", "update"), default="replace", help=t("ingest.cli_opt_mode", lang))
    parser.add_argument("--key", default=None, metavar="COLUMN", help=t("ingest.cli_opt_key", lang))
    parser.add_argument("--yes", action="store_true", help=t("ingest.cli_opt_yes", lang))
    parser.add_argument("--insist", action="store_true", help=t("ingest.cli_opt_insist", lang))
    parser.add_argument("--skip-other-types", action="store_true", help=t("ingest.cli_opt_skip_other_types", lang))
    parser.add_argument("--swap-axes", action="store_true", help=t("ingest.cli_opt_swap_axes", lang))
    parser.add_argument("--user", default=None, help=t("ingest.cli_opt_user", lang))
    parser.add_argument("--dry-run", action="store_true", help=t("ingest.cli_opt_dry_run", lang))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))


def _column_map(items: list[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for item in items:
        if "=" not in item:
            raise InputError("ingest.bad_map_option", value=item)
        target, col = item.split("=", 1)
        out[target.strip()] = col.strip() or None
    return out


def _print_text(data: dict[str, Any], lang: str, *, dry_run: bool) -> None:
    p = print
    p(t("ingest.out_header", lang, file=data["file"], layer=layer_label(data["layer"], lang), dataset=data["source_layer"]))
    if data["version"] is not None:
        p(t("ingest.out_version", lang, version=data["version"]))
    elif dry_run:
        p(t("ingest.out_dry_run", lang))
    p(
        t(
            "ingest.out_counts",
            lang,
            features_in=data["features_in"],
            features_out=data["features_out"],
            repaired=data["repaired"],
            dropped=data["dropped"],
            outside=data["outside_province"],
            duplicates=data["duplicates"],
        )
    )
    crs = data["crs"]
    p(t("ingest.out_crs", lang, detected=crs["detected"], epsg=crs["epsg"] or "—", source=crs["source"]))
    e = data["encoding"]
    p(
        t(
            "ingest.out_encoding",
            lang,
            detected=e["detected"],
            columns=", ".join(e["converted_columns"]) or "—",
        )
    )
    if data["bounds_wgs84"]:
        b = [fmt_value(v, lang, digits=5) for v in data["bounds_wgs84"]]
        p(t("ingest.out_bounds", lang, w=b[0], s=b[1], e=b[2], n=b[3]))
    if data["preview"]:
        p(t("ingest.out_preview_header", lang))
        for row in data["preview"]:
            p(t("ingest.out_preview_row", lang, **row))
    if "diff_text" in data:
        p(t("ingest.out_mode", lang, mode=t(f"ingest.mode_{data['mode']}", lang)))
        for line in data["diff_text"]:
            p(t("ingest.out_diff", lang, message=line))
        if dry_run and data["diff"]["needs_confirmation"]:
            p(t("ingest.out_needs_yes", lang))
    for w in data["warnings"]:
        p(t("ingest.out_warning", lang, message=w))
    for w in data.get("overridden", []):
        p(t("ingest.out_overridden", lang, message=w))


def _emit(data: dict[str, Any], args: argparse.Namespace, *, dry_run: bool) -> None:
    if args.format == "json":
        emit_json(data)
    else:
        _print_text(data, args.lang, dry_run=dry_run)


def _refuse(data: dict[str, Any], args: argparse.Namespace, messages: list[str]) -> int:
    """Show what was found, say why nothing is written (stderr), exit 2."""
    _emit(data, args, dry_run=True)
    for message in messages:
        sys.stderr.write(t("cli.bad_input", args.lang, message=message) + "\n")
    return 2


def run(args: argparse.Namespace) -> int:
    # GDAL and geopandas load only when importing, so that `tbgeo --help` starts at once
    from tbgeo.ingest.pipeline import commit_import, compose, plan_import

    lang = args.lang
    # who imports, checked before the file is read: a refused right is said first, whatever the file
    actor = acting(open_store(create=False), args.user)
    if not args.dry_run:
        require(actor, "layer.import")
    plan = plan_import(
        args.file,
        layer_id=args.layer,
        crs=args.crs,
        encoding=args.encoding,
        source_layer=args.source_layer,
        skip_other_types=args.skip_other_types,
        swap_axes=args.swap_axes,
        mode=args.mode,
        key=args.key,
    )
    column_map = _column_map(args.map)
    data = plan.to_dict(lang, insist=args.insist)
    blocked = plan.blocking(insist=args.insist)
    if blocked:
        if column_map:
            known = {f.name for f in plan.fields}
            for target in column_map:
                if target not in known:
                    raise InputError("ingest.bad_target_field", field=target, fields=", ".join(sorted(known)))
            data["column_map"] = {**plan.mapping, **column_map}
        return _refuse(data, args, render_messages(blocked, lang))
    store = open_store(create=False)
    composed = compose(plan, column_map=column_map or None, workspace=store)  # the difference, before anything is written
    data.update(composed.to_dict(lang))
    if args.dry_run:
        _emit(data, args, dry_run=True)
        return 0
    if composed.diff.needs_confirmation and not args.yes:
        return _refuse(data, args, [composed.diff.unconfirmed().message(lang)])
    store = open_store()
    result = commit_import(plan, actor=actor, column_map=column_map or None, insist=args.insist,
                           workspace=store, confirm_removal=args.yes, expected=composed.diff)
    _emit(result.to_dict(lang), args, dry_run=False)
    return 0
