"""The ``tbgeo`` command: one module per sub-command, each only parsing options and calling the library.

A command module defines ``NAME`` (the sub-command), ``HELP_KEY`` (a message key),
``add_arguments(parser, lang)`` and ``run(args) -> int``. Modules are found automatically.
Exit status: 0 success, 1 a review finding blocks, 2 bad input (message in the chosen language),
3 internal error (a fault in tbgeo: a localized message; the traceback goes to a log file, or to
stderr with ``TBGEO_DEBUG=1``), 4 the store is busy (another program holds its write lock: try again) or the record changed meanwhile
(reload and try again), 5 the user's roles do not allow the change.
A crash never exits with 1, which scripts record as a refusal.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import re
import sys
import warnings
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any, NoReturn, TextIO

from tbgeo import settings
from tbgeo.catalog import load_catalog
from tbgeo.errors import (
    ConflictError,
    InputError,
    PermissionDenied,
    StoreBusyError,
    TbgeoError,
    report_internal_error,
)
from tbgeo.i18n import t
from tbgeo.safetext import json_text, terminal_text

_log = logging.getLogger(__name__)

__all__ = ["main", "build_parser", "emit_json", "layer_label", "commands", "translate_usage_error", "EXIT_INTERNAL", "EXIT_BUSY", "EXIT_DENIED"]

#: Exit status of an internal error (never 1: that means "a finding blocks") and of a busy store.
EXIT_INTERNAL = 3
EXIT_BUSY = 4
#: Exit status of a change the user's roles do not allow (nothing was written).
EXIT_DENIED = 5


def commands() -> dict[str, ModuleType]:
    """The command modules of this package, by command name."""
    out: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "run"):
            out[module.NAME] = module
    return dict(sorted(out.items()))


def _lang_from_argv(argv: Sequence[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in settings.LANGS else settings.default_lang()
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in settings.LANGS else settings.default_lang()
    return settings.default_lang()


_ARGPARSE_MESSAGES = (
    (re.compile(r"argument (?P<arg>\S+): invalid choice: '?(?P<value>[^'(]*?)'? \(choose from (?P<choices>.*)\)"), "cli.invalid_choice"),
    (re.compile(r"argument (?P<arg>\S+): invalid (?P<type>\w+) value: '?(?P<value>[^']*)'?"), "cli.invalid_value"),
    (re.compile(r"argument (?P<arg>\S+): expected one argument"), "cli.expected_value"),
    (re.compile(r"the following arguments are required: (?P<args>.*)"), "cli.required"),
    (re.compile(r"unrecognized arguments: (?P<args>.*)"), "cli.unrecognized"),
)


def translate_usage_error(message: str, lang: str) -> str:
    """argparse's English usage errors in the user's language (unknown ones pass through)."""
    for pattern, key in _ARGPARSE_MESSAGES:
        m = pattern.search(message)
        if m:
            params = {k: v.replace("'", "") for k, v in m.groupdict().items()}
            return t(key, lang, **params)
    return message


class _Formatter(argparse.HelpFormatter):
    """Help text with the "usage:" prefix in the user's language."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[Any],
        prefix: str | None = None,
    ) -> None:
        if prefix is None:  # argparse passes "" when it only wants the program name
            prefix = t("cli.usage", _Parser.lang) + " "
        return super().add_usage(usage, actions, groups, prefix=prefix)


class _Parser(argparse.ArgumentParser):
    """argparse that speaks the user's language: help headings, -h, usage errors (exit status 2)."""

    lang = "vi"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = t("cli.positionals", self.lang)
        self._optionals.title = t("cli.options", self.lang)
        self.add_argument("-h", "--help", action="help", help=t("cli.help_help", self.lang))

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        # Help texts come from the message catalogs and may contain "%" ("tỷ lệ (%)"): argparse
        # would read it as a format code.
        if isinstance(kwargs.get("help"), str):
            kwargs["help"] = kwargs["help"].replace("%", "%%")
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(t("cli.bad_input", self.lang, message=translate_usage_error(message, self.lang)) + "\n")
        raise SystemExit(2)


def build_parser(lang: str = "vi") -> argparse.ArgumentParser:
    _Parser.lang = lang
    parser = _Parser(prog="tbgeo", description=t("cli.description", lang))
    parser.add_argument("--lang", choices=settings.LANGS, default=lang, help=t("cli.lang_help", lang))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, module in commands().items():
        p = sub.add_parser(name, help=t(module.HELP_KEY, lang))
        p.add_argument("--lang", choices=settings.LANGS, default=lang, help=t("cli.lang_help", lang))
        module.add_arguments(p, lang)
        p.set_defaults(_run=module.run)
    return parser


_C1_AND_DEL = re.compile(r"[\x7f-\x9f]")


def layer_label(layer_id: str, lang: str) -> str:
    """A layer as the command line names it: its title in ``lang``, then the id people type
    (``Khu công nghiệp (KCN) [industrial_parks]``); the id alone for a layer the catalog lacks."""
    try:
        return f"{load_catalog(check_data=False).get(layer_id).title(lang)} [{layer_id}]"
    except TbgeoError:
        return layer_id


def emit_json(data: Any) -> None:
    """Print JSON the same way everywhere: UTF-8, unescaped Vietnamese, two-space indent.

    JSON escapes C0 controls itself; DEL and C1 (e.g. U+009B, a terminal's one-byte CSI) are written as
    ``\\u009b`` too, so the data stays whole and no terminal acts on it.
    """
    text = json_text(data)
    sys.stdout.write(_C1_AND_DEL.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


class _TerminalStream:
    """A text stream that removes control characters and escape sequences from everything written.

    Site names, comments, layer and file names are stored text: printed as written, a name holding
    ``ESC[2J`` would clear the screen of whoever runs ``tbgeo proposals``.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_text(text))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _warning_action(w: warnings.WarningMessage) -> str:
    """The action the warning filters in force give a caught warning, matched as warnings.warn_explicit
    matches them (the module named by the file)."""
    module = w.filename[:-3] if w.filename.lower().endswith(".py") else w.filename
    for action, message, category, where, line in warnings.filters:
        if ((message is None or message.match(str(w.message))) and issubclass(w.category, category)
                and (where is None or where.match(module)) and line in (0, w.lineno)):
            return str(action)
    return str(getattr(warnings, "defaultaction", "default"))


def main(argv: Sequence[str] | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _TerminalStream(out), _TerminalStream(err)
    root = logging.getLogger()
    quiet = logging.NullHandler() if not root.handlers else None
    if quiet is not None:  # library log records (rasterio's GDAL messages…) go to no handler, not the terminal
        root.addHandler(quiet)
    try:
        # English library warnings (pyogrio, GDAL, shapely, pandas) are logged, never printed: the user
        # reads tbgeo's own messages in their language. The warning filters in force are kept: one
        # they make an error (python -W error, the tests) stops the command; one they show "always"
        # (pytest.warns) is passed on to whoever asked
        with warnings.catch_warnings(record=True) as caught:
            code = _main(argv)
        for w in caught:
            if _warning_action(w) == "always":
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
            else:
                _log.debug("library warning %s: %s", w.category.__name__, w.message)
        return code
    finally:
        sys.stdout, sys.stderr = out, err
        if quiet is not None:
            root.removeHandler(quiet)


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from_argv(argv)
    parser = build_parser(lang)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args._run(args) or 0)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0
    except InputError as exc:
        sys.stderr.write(t("cli.bad_input", args.lang, message=exc.message(args.lang)) + "\n")
        return 2
    except (StoreBusyError, ConflictError) as exc:
        sys.stderr.write(t("cli.bad_input", args.lang, message=exc.message(args.lang)) + "\n")
        return EXIT_BUSY
    except PermissionDenied as exc:
        sys.stderr.write(t("cli.bad_input", args.lang, message=exc.message(args.lang)) + "\n")
        return EXIT_DENIED
    except TbgeoError as exc:
        sys.stderr.write(t("cli.bad_input", args.lang, message=exc.message(args.lang)) + "\n")
        return 2
    except Warning:  # a warning the caller's filters make an error (python -W error, the tests)
        raise
    except Exception as exc:  # a fault in tbgeo or a library: said, logged, never exit 1
        sys.stderr.write(report_internal_error(exc, args.lang) + "\n")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
