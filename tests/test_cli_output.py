"""Issue 10 §5: the ``tbgeo`` command never prints control characters or escape sequences from stored text."""

from __future__ import annotations

import json

import pytest
import shapely

from tbgeo.cli import main
from tbgeo.workspace import Workspace

NAME = "Nhà máy\x1b[2J\x1b[H A\x9b31m\x07"
COMMENT = "Đồng ý\x1b]0;owned\x07 \x1b[31mđỏ\x1b[0m\x00"


@pytest.fixture()
def ws() -> Workspace:
    ws = Workspace.open()
    ws.add_proposal(shapely.box(590_000, 2_262_000, 591_000, 2_263_000), name=NAME, user="A\x1b[2J")
    return ws


def _clean(text: str) -> None:
    assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in text), repr(text)


@pytest.mark.parametrize("lang,status", [("vi", "Chờ duyệt"), ("en", "Submitted")])
def test_proposals_text_output_strips_escape_sequences(ws, capsys, lang: str, status: str) -> None:
    assert main(["--lang", lang, "proposals"]) == 0
    out = capsys.readouterr().out
    _clean(out)
    assert "Nhà máy A" in out
    assert main(["--lang", lang, "proposals", "1", "--status", "submitted", "--comment", COMMENT, "--user", "B\x9b2J"]) == 0
    out = capsys.readouterr().out
    _clean(out)
    assert "#1 Nhà máy A — " + status in out
    assert "«Đồng ý đỏ»" in out and " B: " in out


def test_json_output_keeps_the_data_but_escapes_controls(ws, capsys) -> None:
    assert main(["proposals", "--format", "json"]) == 0
    out = capsys.readouterr().out
    _clean(out)
    assert "\\u009b" in out and "\\u001b" in out  # escaped, not removed: the JSON holds the stored text
    assert json.loads(out)[0]["name"] == NAME


def test_error_messages_with_file_names_are_cleaned(tmp_path, capsys) -> None:
    bad = tmp_path / "khu\x1b[2Jđất.geojson"
    bad.write_text("{not json", encoding="utf-8")
    code = main(["check", str(bad), "--sector", "glass"])
    err = capsys.readouterr().err
    assert code == 2
    _clean(err)
    assert "khuđất.geojson" in err
