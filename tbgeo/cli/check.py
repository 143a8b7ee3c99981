"""``tbgeo check``: review one proposed site against the plan's rules and the land law.

Exit status: 0 when nothing blocks, 1 when a finding blocks, 2 for bad input (any bad site file,
option or setting, with a message in the chosen language), 3 for an internal error (never 1), 4 when
the store is busy (``--save`` while another program holds its write lock), 5 when ``--user`` (or
``TBGEO_USER``, the login name) may not save a review.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tbgeo.auth import acting, require
from tbgeo.cli import emit_json
from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.printing.sheets import SIZES
from tbgeo.proposals import save_review
from tbgeo.review.model import TECHNOLOGY_LEVELS, SiteAttrs
from tbgeo.store import open_store

NAME = "check"
HELP_KEY = "review.cli.help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    def h(key: str) -> str:
        return t(f"review.cli.{key}", lang)

    parser.epilog = h("exit_codes")
    parser.add_argument("site_file", metavar="SITE_FILE", help=h("site_help"))
    parser.add_argument("--sector", metavar="CODE", help=h("sector_help"))
    parser.add_argument("--name", metavar="TEXT", help=h("name_help"))
    parser.add_argument("--investor", metavar="TEXT", default="", help=h("investor_help"))
    parser.add_argument("--workforce", metavar="N", type=int, help=h("workforce_help"))
    parser.add_argument("--investment", metavar="BVND", type=float, help=h("investment_help"))
    parser.add_argument("--gas-use", metavar="M3_DAY", type=float, help=h("gas_help"))
    parser.add_argument("--technology", choices=TECHNOLOGY_LEVELS, help=h("technology_help"))
    parser.add_argument("--landuse", metavar="PATH", help=h("landuse_help"))
    parser.add_argument("--classes", metavar="1=LUC,2=LUK", help=h("classes_help"))
    parser.add_argument("--crs", metavar="EPSG", help=h("crs_help"))
    parser.add_argument("--coords", choices=("auto", "wgs84", "vn2000"), default="auto", help=h("coords_help"))
    parser.add_argument("--levy-rate", metavar="PCT", type=float, help=h("rate_help"))
    parser.add_argument("--land-price", metavar="VND_M2", type=float, help=h("price_help"))
    parser.add_argument("--config", metavar="PATH", help=h("config_help"))
    parser.add_argument("--no-proposals", action="store_true", help=h("no_proposals_help"))
    parser.add_argument("--sheet", metavar="FILE.pdf|FILE.png", help=h("sheet_help"))
    parser.add_argument("--sheet-size", default="A3", choices=list(SIZES), type=str.upper, help=h("sheet_size_help"))
    parser.add_argument("--save", action="store_true", help=h("save_help"))
    parser.add_argument("--user", help=h("save_user_help"))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))


def run(args: argparse.Namespace) -> int:
    # the GIS libraries load only when a command runs, so that `tbgeo --help` starts at once
    from tbgeo.review import config, context, run as review, site_input

    lang = args.lang
    # who saves is asked first (refused, exit 5, before the review's work), as by the other commands
    actor = acting(open_store(create=False), args.user) if args.save else None  # (nothing made by asking)
    if actor is not None:
        require(actor, "review")
    cfg = config.load_config(args.config).with_inputs(levy_rate_pct=args.levy_rate, land_price_vnd_m2=args.land_price)
    if args.classes:
        cfg = cfg.with_raster_classes(config.parse_raster_classes(args.classes, file="--classes"))
    path = Path(args.site_file)
    if path.suffix.lower() in (".txt", ".csv"):
        site = site_input.site_from_coordinates_file(path, system=args.coords, limits=cfg.site_file)
    else:
        site = site_input.site_from_file(path, crs=args.crs, limits=cfg.site_file)
    attrs = SiteAttrs(
        name=args.name or site.name or path.stem,
        investor=args.investor,
        sector=args.sector,
        workforce=args.workforce,
        investment_bvnd=args.investment,
        gas_use_m3_day=args.gas_use,
        technology=args.technology,
    )
    rice = site_input.open_landuse(args.landuse, classes=cfg.landuse.raster_classes) if args.landuse else None
    ctx = context.ReviewContext.from_catalog(landuse=rice, include_proposals=not args.no_proposals)
    report = review.review_site(site.geometry, attrs=attrs, context=ctx, config=cfg)
    part = _sheet_part(Path(args.sheet)) if args.sheet else None  # writable, checked before anything is saved
    try:
        # kept the way the review page keeps it: a draft, or a revision of a decided proposal of this outline
        saved = save_review(open_store(), report, lang, actor=actor) if actor is not None else None
        if part is not None:  # the sheet names the proposal it was saved as
            _write_sheet(report, part, lang, None if saved is None else saved.id, args.sheet_size)
    finally:
        if part is not None:
            part.unlink(missing_ok=True)
    if args.format == "json":
        data = report.to_dict(lang)
        data["input"] = {"source": site.source, "crs": site.crs, "notes": [site_input.note_text(n, lang) for n in site.notes]}
        if saved is not None:
            data["proposal_id"] = saved.id
            data["revision_of"] = saved.revision_of
        emit_json(data)
    else:
        for note in site.notes:
            print(site_input.note_text(note, lang))
        print(report.text(lang))
        if saved is not None:
            print(saved.message(lang))
    return 1 if report.verdict == "block" else 0


def _sheet_part(out: Path) -> Path:
    """The empty ``.part`` file the sheet is written into (its format checked, its folder writable)."""
    if out.suffix.lower() not in (".pdf", ".png"):
        raise InputError("review.cli.sheet_format", file=str(out))
    tmp = out.with_name(out.name + ".part")
    try:
        tmp.write_bytes(b"")
    except OSError as exc:  # a folder that does not exist or cannot be written: the user's path
        raise InputError("map_cli.write_failed", path=str(out), detail=exc.strerror or type(exc).__name__) from exc
    return tmp


def _write_sheet(report: Any, part: Path, lang: str, proposal_id: int | None, size: str = "A3") -> None:
    """The printable sheet (site map, corner coordinates, findings) written whole into ``part``, then renamed."""
    out = part.with_name(part.name.removesuffix(".part"))
    data = report.to_sheet(lang, size=size, fmt=out.suffix.lower().lstrip("."), proposal_id=proposal_id)
    try:
        part.write_bytes(data)
        part.replace(out)
    except OSError as exc:
        raise InputError("map_cli.write_failed", path=str(out), detail=exc.strerror or type(exc).__name__) from exc
