"""``tbgeo search``: where in the province could this project go? Candidates found and reviewed.

Exit status: 0 candidates listed (or none found), 1 the plan refuses the sector (the refusal and its
citation are printed; no ``--out`` or ``--sheet`` file is written), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tbgeo.cli import emit_json
from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.review.model import TECHNOLOGY_LEVELS

NAME = "search"
HELP_KEY = "search.cli.help"
_OUT_SUFFIXES = (".json", ".geojson", ".csv", ".gpkg", ".txt")


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    def h(key: str) -> str:
        return t(f"search.cli.{key}", lang)

    parser.add_argument("--sector", metavar="CODE", required=True, help=h("sector_help"))
    parser.add_argument("--area-ha", metavar="HA", type=float, required=True, help=h("area_help"))
    parser.add_argument("--shape", choices=("square", "ratio", "free"), default="square", help=h("shape_help"))
    parser.add_argument("--ratio", metavar="W/H", type=float, default=1.0, help=h("ratio_help"))
    parser.add_argument("--gas", action="store_true", help=h("gas_help"))
    parser.add_argument("--workforce", metavar="N", type=int, help=h("workforce_help"))
    parser.add_argument("--technology", choices=TECHNOLOGY_LEVELS, help=h("technology_help"))
    parser.add_argument("--inside", action="store_true", help=h("inside_help"))
    parser.add_argument("--allow-luc", action="store_true", help=h("allow_luc_help"))
    parser.add_argument("--name", metavar="TEXT", default="", help=h("name_help"))
    parser.add_argument("--top", metavar="K", type=int, help=h("top_help"))
    parser.add_argument("--weights", metavar="FILE", help=h("weights_help"))
    parser.add_argument("--cell", metavar="M", type=float, help=h("cell_help"))
    parser.add_argument("--no-review", action="store_true", help=h("no_review_help"))
    parser.add_argument("--sensitivity", action="store_true", help=h("sensitivity_help"))
    parser.add_argument("--sheet", metavar="FILE.pdf|FILE.png", help=h("sheet_help"))
    parser.add_argument("--format", choices=("text", "json", "geojson"), default="text", help=t("cli.format_help", lang))
    parser.add_argument("--out", metavar="FILE", help=h("out_help"))


def run(args: argparse.Namespace) -> int:
    # the search (numpy, scipy, geopandas, matplotlib) loads only when it runs: `tbgeo --help` starts at once
    from tbgeo.search import (
        FACTORS,
        Profile,
        search_sites,
        sensitivity,
        sheet as search_sheet,
        weights as weights_io,
    )


    lang = args.lang
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in _OUT_SUFFIXES:
        raise InputError("search.cli.out_format", file=str(out))
    sheet = Path(args.sheet) if args.sheet else None
    if sheet is not None and sheet.suffix.lower() not in (".pdf", ".png"):
        raise InputError("search.cli.sheet_format", file=str(sheet))
    profile = Profile(
        sector=args.sector, area_ha=args.area_ha, shape=args.shape, ratio=args.ratio, gas=args.gas,
        workforce=args.workforce, technology=args.technology, zone="inside" if args.inside else "any",
        allow_luc=args.allow_luc, name=args.name,
    )
    weights, source = None, "direct"
    if args.weights:
        weights, source, _ = weights_io.load_weights_file(args.weights, FACTORS)
    result = search_sites(profile, weights=weights, weights_source=source, cell=args.cell, top=args.top,
                          review=not args.no_review)
    if sheet is not None and not result.refused:

        _write(sheet, search_sheet.render_search_sheet(result, lang, fmt=sheet.suffix.lower().lstrip(".")))
    sens = None
    if args.sensitivity:

        sens = sensitivity.sensitivity(result)
    fmt = args.format
    if out is not None and not result.refused:  # a refusal is printed, never written as an empty result
        suffix = out.suffix.lower()
        if suffix == ".gpkg":
            data = result.to_gpkg(lang)
        elif suffix == ".csv":
            data = result.to_csv(lang).encode("utf-8-sig")  # the BOM: Excel then reads it as UTF-8
        elif suffix == ".geojson" or (suffix != ".txt" and fmt == "geojson"):
            data = json.dumps(result.to_geojson(lang), ensure_ascii=False, indent=2).encode("utf-8")
        elif suffix == ".json":
            data = result.to_json(lang).encode("utf-8")
        else:
            data = (result.text(lang) + "\n").encode("utf-8")
        _write(out, data)
    if fmt == "json":
        doc = result.to_dict(lang)
        if sens is not None:
            doc["sensitivity"] = [v.to_dict(lang) for v in sens]
        emit_json(doc)
    elif fmt == "geojson":
        emit_json(result.to_geojson(lang))
    else:
        print(result.text(lang))
        if sens:
            print(t("search.sens.title", lang))
            for v in sens:
                print(f"  {v.text(lang)}")
        for path in (out, sheet):
            if path is not None and path.exists() and not result.refused:
                print(t("search.cli.written", lang, file=str(path)))
    return 1 if result.refused else 0


def _write(path: Path, data: bytes) -> None:
    """Write the whole file or nothing (a ``.part`` file renamed at the end)."""
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError("search.cli.write_failed", file=str(path), detail=exc.strerror or str(exc)) from None
