"""Text from a file or a user made safe for where it goes: Markdown/HTML, spreadsheets, terminals.

Stored text (site, park and layer names, comments, file and member names, .prj names) is data, never
code. Each destination has one function here, used by every page, export and command:

- ``markdown_text`` — for Streamlit's Markdown (st.markdown, st.info/…, labels, expanders, tabs): every
  Markdown and HTML character is escaped, so ``[x](http://…)`` and ``<img …>`` show as written.
- ``csv_cell`` / ``csv_row`` — spreadsheet formula injection (OWASP): a text cell starting with ``=``,
  ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``; numbers stay numbers.
- ``terminal_text`` — control characters (C0 but newline and tab, DEL, C1, ESC/CSI/OSC sequences) removed.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

__all__ = ["markdown_text", "csv_cell", "csv_row", "terminal_text", "FORMULA_START"]

# -- Markdown / HTML ---------------------------------------------------------------------------------

#: Every character CommonMark allows to be backslash-escaped, plus the ones Streamlit gives a meaning
#: (``:`` starts emoji/colour directives like ``:red[…]``, ``$`` starts LaTeX, ``~`` strikes through).
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|~:$>&<\"'=")
_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#x27;"}


def markdown_text(value: object) -> str:
    """``value`` as text that Streamlit's Markdown shows literally (no link, image, HTML, LaTeX, emoji code).

    ``<``, ``>``, ``&`` and quotes become HTML entities (shown as the characters); every other Markdown
    character is backslash-escaped; newlines become spaces (a line break could start a heading or list).
    """
    text = "" if value is None else str(value)
    text = terminal_text(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    out = []
    for ch in text:
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


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
)


def terminal_text(value: object) -> str:
    """``value`` with every control character and escape sequence removed (newline and tab kept)."""
    return _ESCAPES.sub("", "" if value is None else str(value))
