"""Text from a file or a user made safe for where it goes: Markdown/HTML, spreadsheets, terminals.

Stored text (site, park and layer names, comments, file and member names, .prj names) is data, never
code. Each destination has one function here, used by every page, export and command:

- ``markdown_text`` — for Streamlit's Markdown (st.markdown, st.info/…, labels, expanders, tabs): every
  Markdown and HTML character is escaped, so ``[x](http://…)`` and ``<img …>`` show as written.
- ``csv_cell`` / ``csv_row`` — spreadsheet formula injection (OWASP): a text cell starting with ``=``,
  ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``; numbers stay numbers.
- ``json_text`` — a JSON file or the command line's ``--format json``: Vietnamese written as is (not
  escaped), two-space indent, dates and other values as their text.
- ``terminal_text`` — control characters (C0 but newline and tab, DEL, C1, ESC/CSI/OSC sequences, and
  the bidirectional overrides that make a name read backwards) removed.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["markdown_text", "csv_cell", "csv_row", "terminal_text", "json_text", "library_detail", "FORMULA_START"]

# -- Markdown / HTML ---------------------------------------------------------------------------------

#: Characters that start Markdown or HTML anywhere in a line: links and images (``[``, ``]`` where they
#: can open or close one: ``![``, ``:red[``, ``](``, ``][``, ``]:``), HTML and
#: autolinks (``<``, ``>``, ``&``), emphasis and code (``*``, ``_``, `` ` ``, ``~``), tables (``|``),
#: Streamlit's LaTeX (``$``) and the escape itself. ``(``, ``)``, ``:`` and ``-`` are only markup next to
#: these (``](``, ``:red[``) or at the start of a line, so ``EPSG:9209 (VN-2000)`` stays readable.
_MD_ANYWHERE = set("\\`*_[]~|$")
_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
#: Streamlit's ``:red[…]``, ``:material/x:[…]`` directives: a "[" right after ``:name``.
_DIRECTIVE = re.compile(r":[\w/-]*$")
#: Markdown that only counts at the start of a line (headings, lists, quotes, setext rules).
_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")
#: Bare addresses that GitHub-flavoured Markdown turns into live links (``http://…``, ``www.…``).
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto|file)):|(\bwww)\.")


def markdown_text(value: object) -> str:
    """``value`` as text that Streamlit's Markdown shows literally: no link, image, HTML, LaTeX or styling.

    ``<``, ``>`` and ``&`` become HTML entities (shown as the characters); the other markup characters are
    backslash-escaped, as are the ``:`` of ``http:`` and the ``.`` of ``www.`` (no bare address becomes a
    link); newlines and tabs become spaces (a new line could start a heading or a list).
    """
    text = "" if value is None else str(value)
    text = terminal_text(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    out = []
    for i, ch in enumerate(text):
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch == "_" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            out.append(ch)  # inside a word (title_vi, industrial_parks) "_" is never emphasis
        elif ch == "[" and i > 0 and text[i - 1] != "!" and not _DIRECTIVE.search(text, 0, i):
            out.append(ch)  # opens a link only with its "](": that "]" is escaped below
        elif ch == "]" and text[i + 1 : i + 2] not in ("(", "[", ":"):
            out.append(ch)  # "[Điều 1, IV.7.b]" is a citation, not markup
        elif ch in _MD_ANYWHERE:
            out.append("\\" + ch)
        else:
            out.append(ch)
    text = "".join(out)
    text = _AUTOLINK.sub(lambda m: f"{m.group(1)}\\:" if m.group(1) else f"{m.group(2)}\\.", text)
    m = _LINE_START.match(text)
    if m:
        mark = m.group(2)
        escaped = mark[:-1] + "\\" + mark[-1] if mark[-1] in ".)" else "\\" + mark
        text = m.group(1) + escaped + text[m.end():]
    return text


# -- CSV -------------------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting with a formula character gets a leading ``'``.

    Numbers (int, float, and text that is only a number such as ``-12.5``) are returned unchanged, so a
    negative value stays a number; None becomes an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_row(values: Iterable[Any]) -> list[Any]:
    """``csv_cell`` of every value of a row (for ``csv.writer.writerow``)."""
    return [csv_cell(v) for v in values]


# -- terminal ------------------------------------------------------------------------------------------

#: ESC sequences (CSI ``ESC [ … final``, OSC ``ESC ] … BEL/ST``, other two-byte ``ESC x``), their 8-bit
#: C1 forms (CSI U+009B, OSC U+009D), then any remaining C0 (but tab and newline), DEL and C1 character.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
    r"|[\u202a-\u202e\u2066-\u2069]"  # bidirectional embeddings, overrides and isolates (text shown reversed)
)


def json_text(data: Any) -> str:
    """``data`` as JSON text, the same way everywhere (report and search files, ``--format json``)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def terminal_text(value: object) -> str:
    """``value`` with every control character and escape sequence removed (newline and tab kept)."""
    return _ESCAPES.sub("", "" if value is None else str(value))


# -- library messages -------------------------------------------------------------------------------

#: The folders of an absolute path (POSIX or Windows) inside a library's message: ``/tmp/tbgeo-x/``.
_FOLDERS = re.compile(r"(?:\b[A-Za-z]:)?[\\/](?:[^\s\\/:'\"()\[\]]+[\\/])+")


def library_detail(exc: BaseException, limit: int = 200) -> str:
    """A library's (GDAL, pyogrio, pyproj…) error text for the "(technical detail: …)" tail of a catalog
    message: its first line, with the server's folders removed (only file names stay), no control
    characters, at most ``limit`` characters. The whole text goes to the server's log."""
    full = str(exc).strip()
    log.info("library error %s: %s", type(exc).__name__, full)
    lines = full.splitlines()
    text = _FOLDERS.sub("", lines[0]) if lines else type(exc).__name__
    return terminal_text(text).strip()[:limit] or type(exc).__name__
