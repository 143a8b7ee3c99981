"""Issue 10 §5: text from files and users neutralised for Markdown/HTML, spreadsheets and terminals."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tbgeo.safetext import csv_cell, csv_row, markdown_text, terminal_text

HOSTILE = "[click here to sign in again](http://evil) ![x](http://evil/t.png) <img src=x onerror=alert(1)>"


def test_markdown_text_escapes_links_images_and_html() -> None:
    out = markdown_text(HOSTILE)
    assert out == (
        r"\[click here to sign in again\](http\://evil) !\[x\](http\://evil/t.png) "
        "&lt;img src=x onerror=alert(1)&gt;"
    )
    assert "<" not in out and not re.search(r"(?<!\\)\]\(", out)  # no unescaped "](": no link
    assert markdown_text("# Khu *A*\n- B `c` :red[x] $y$ www.evil.vn") == (
        r"\# Khu \*A\* - B \`c\` :red\[x] \$y\$ www\.evil.vn"
    )
    assert markdown_text("1. Khu") == r"1\. Khu" and markdown_text("- Khu") == r"\- Khu"
    # ordinary names stay readable
    assert markdown_text("VN-2000 / TM-3 105-30 (EPSG:9209)") == "VN-2000 / TM-3 105-30 (EPSG:9209)"
    assert markdown_text(None) == "" and markdown_text("Tiền Hải") == "Tiền Hải"


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Khu A", "Khu A"),
        ("-12.5", "-12.5"),  # a number written as text stays a number
        (-12.5, -12.5),
        (-3, -3),
        (None, ""),
    ],
)
def test_csv_cell_neutralises_formulas_but_keeps_numbers(value, expected) -> None:
    assert csv_cell(value) == expected


def test_csv_row_written_by_csv_writer_reads_back_as_text() -> None:
    buf = io.StringIO()
    csv.writer(buf).writerow(csv_row(["=1+1", -4.25, "Tiền Hải"]))
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == ["'=1+1", "-4.25", "Tiền Hải"]


def test_terminal_text_strips_control_characters_and_escape_sequences() -> None:
    assert terminal_text("Khu\x1b[2J A\x9b31m đỏ\x1b]0;title\x07\x07\x00\x7f\x85") == "Khu A đỏ"
    assert terminal_text("dòng 1\n\tdòng 2\r") == "dòng 1\n\tdòng 2"
    assert terminal_text("\x1b[31mđỏ\x1b[0m") == "đỏ"
    # a right-to-left override shows "Khu A" + "fdp.exe" as "Khu A exe.pdf"; isolates likewise
    assert terminal_text("Khu A\u202efdp.exe\u202c \u2067x\u2069") == "Khu Afdp.exe x"
