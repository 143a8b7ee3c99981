"""Issue 10 §5: the ``tbgeo`` command never prints control characters or escape sequences from stored text."""

from __future__ import annotations

import json

import pytest
import shapely

from tbgeo.cli import main
from tbgeo.store.gpkg import GpkgStore

NAME = "Nhà máy\x1b[2J\x1b[H A\x9b31m\x07"
COMMENT = "Đồng ý\x1b]0;owned\x07 \x1b[31mđỏ\x1b[0m\x00"


@pytest.fixture()
def ws() -> GpkgStore:
    ws = GpkgStore.open()
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


def test_library_warnings_and_logs_never_reach_the_terminal(monkeypatch, capsys) -> None:
    import logging
    import warnings

    from tbgeo.cli import sectors

    def noisy(args) -> int:  # what GDAL/pyogrio/shapely do while a command runs
        warnings.warn("Measured (M) geometry types are not supported /srv/tbgeo/x.shp", UserWarning, stacklevel=1)
        warnings.warn("invalid value encountered in intersection", RuntimeWarning, stacklevel=1)
        logging.getLogger("rasterio._env").warning("CPLE_AppDefined in /srv/tbgeo/.cache/x.tif: TIFFReadDirectory")
        return real(args)

    real = sectors.run
    monkeypatch.setattr(sectors, "run", noisy)
    with warnings.catch_warnings():
        warnings.resetwarnings()  # a user's run: Python's default filters, not the tests' "error"
        assert main(["--lang", "en", "sectors"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Warning" not in captured.out and "/srv/" not in captured.out
    assert "sectors" in captured.out.lower()


def _warning_sectors(monkeypatch) -> None:
    import warnings

    from tbgeo.cli import sectors

    real = sectors.load_sectors

    def load_sectors(*args, **kwargs):  # a library deprecating something tbgeo still calls
        warnings.warn("probe: deprecated", DeprecationWarning, stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(sectors, "load_sectors", load_sectors)


def test_a_warning_inside_a_command_is_an_error_in_the_tests(monkeypatch, capsys) -> None:
    # pyproject's filterwarnings = ["error"] reaches the code a command runs (main keeps the filters)
    _warning_sectors(monkeypatch)
    with pytest.raises(DeprecationWarning, match="probe"):
        main(["sectors", "--format", "json"])
    capsys.readouterr()


def test_a_warning_inside_a_command_reaches_pytest_warns(monkeypatch, capsys) -> None:
    _warning_sectors(monkeypatch)
    with pytest.warns(DeprecationWarning, match="probe"):
        assert main(["sectors", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("lang,word", [("vi", "Không đọc được"), ("en", "Could not read")])
def test_gdal_messages_do_not_show_server_folders(tmp_path, capsys, lang: str, word: str) -> None:
    import zipfile

    z = tmp_path / "kcn.zip"
    with zipfile.ZipFile(z, "w") as zf:  # parts of a shapefile that GDAL cannot open
        for ext in ("shp", "shx", "dbf"):
            zf.writestr(f"kcn.{ext}", b"not a shapefile")
    assert main(["--lang", lang, "import", str(z), "--layer", "industrial_parks", "--crs", "9209"]) == 2
    err = capsys.readouterr().err
    assert word in err and "kcn.shp" in err
    assert "tbgeo-ingest-" not in err and "/tmp" not in err and "Traceback" not in err
