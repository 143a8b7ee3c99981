"""``tbgeo print``: a map sheet (PDF/PNG) of the province, a district or a box, or the 8-page district atlas."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.printing.scale import format_scale
from tbgeo.printing.sheets import ORIENTATIONS, SIZES
from tbgeo.printing.spec import PrintSpec, check_bbox, format_from_path

NAME = "print"
HELP_KEY = "print.cli.help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--out", required=True, metavar="FILE", help=t("print.cli.out", lang))
    parser.add_argument("--size", default="A3", choices=list(SIZES), type=str.upper, help=t("print.cli.size", lang))
    parser.add_argument("--orientation", default="landscape", choices=list(ORIENTATIONS), type=str.lower,
                        help=t("print.cli.orientation", lang))
    extent = parser.add_mutually_exclusive_group()
    extent.add_argument("--district", metavar="NAME", help=t("print.cli.district", lang))
    extent.add_argument("--bbox", metavar="E_MIN,N_MIN,E_MAX,N_MAX", help=t("print.cli.bbox", lang))
    extent.add_argument("--atlas", action="store_true", help=t("print.cli.atlas", lang))
    parser.add_argument("--layers", metavar="ID,ID", help=t("print.cli.layers", lang))
    parser.add_argument("--title", help=t("print.cli.title", lang))
    parser.add_argument("--scale", metavar="N", help=t("print.cli.scale", lang))
    parser.add_argument("--draft", action="store_true", help=t("print.cli.draft", lang))
    parser.add_argument("--dpi", type=int, default=200, help=t("print.cli.dpi", lang))
    parser.add_argument("--national-heading", action="store_true", help=t("print.cli.national_heading", lang))
    parser.add_argument("--heading", choices=("today", "plan"), default=None, help=t("print.cli.heading", lang))
    parser.add_argument("--signatures", action="store_true", help=t("print.cli.signatures", lang))
    parser.add_argument("--period", help=t("print.cli.period", lang))
    parser.add_argument("--date", help=t("print.cli.date", lang))
    parser.add_argument("--issuer", help=t("print.cli.issuer", lang))


def _scale(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip().replace(".", "").replace(",", "").replace(" ", "")
    if text.startswith("1:"):
        text = text[2:]
    try:
        n = int(text)
    except ValueError:
        raise InputError("print.error.bad_scale", value=value) from None
    if n < 100:
        raise InputError("print.error.bad_scale", value=value)
    return n


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None

    return check_bbox(value.replace(";", ",").split(","))


def spec_from_args(args: argparse.Namespace) -> PrintSpec:
    """The PrintSpec the options describe (validated)."""
    fmt = format_from_path(args.out)
    if args.atlas and fmt != "pdf":
        raise InputError("print.error.atlas_pdf_only")
    if fmt == "png" and not (200 <= args.dpi <= 600):
        raise InputError("print.error.bad_dpi", value=args.dpi, low=200, high=600)
    layers = None
    if args.layers is not None:
        layers = tuple(x.strip() for x in args.layers.split(",") if x.strip())
        if not layers:
            raise InputError("print.error.no_layers")
    return PrintSpec(
        layers=layers, district=args.district, bbox=_bbox(args.bbox), size=args.size, orientation=args.orientation,
        fmt=fmt, dpi=args.dpi, scale=_scale(args.scale), title=args.title, period=args.period, date=args.date,
        issuer=args.issuer, national_heading=args.national_heading, draft=args.draft, signatures=args.signatures,
        lang=args.lang, heading=args.heading,
    ).validate()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, so a failure leaves nothing half-written."""
    if not path.parent.exists():
        raise InputError("print.error.out_dir_missing", path=str(path.parent))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError("print.error.write_failed", path=str(path), detail=exc.strerror or str(exc)) from exc


def run(args: argparse.Namespace) -> int:
    # matplotlib loads only when printing, so that `tbgeo --help` starts at once
    from tbgeo.printing.compose import render, render_atlas_result

    out = Path(args.out)
    if not out.parent.exists():
        raise InputError("print.error.out_dir_missing", path=str(out.parent))
    spec = spec_from_args(args)
    orient = t(f"print.ui.{spec.orientation}", args.lang).lower()
    if args.atlas:
        result = render_atlas_result(spec)
        _write_atomic(out, result.data)
        print(t("print.cli.written_atlas", args.lang, path=str(out), pages=result.pages, size=spec.size,
                orientation=orient))
        return 0
    result = render(spec)
    _write_atomic(out, result.data)
    scale = format_scale(result.layout["scale"], args.lang)
    print(t("print.cli.written", args.lang, path=str(out), pages=result.pages, size=spec.size, orientation=orient,
            scale=scale))
    if result.layout.get("clipped"):
        print(t("print.cli.clipped", args.lang, scale=scale))
    return 0
