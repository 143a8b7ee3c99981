"""Safe unpacking: zip-slip paths, links, bombs, counts and sizes are refused before anything is written."""

from __future__ import annotations

import hashlib
import stat
import zipfile
from pathlib import Path

import pytest

from tbgeo._io import open_upload, safe_extract, sniff
from tbgeo.cli import main
from tbgeo.errors import InputError
from tbgeo.ingest.config import IngestConfig, load_config

SMALL = IngestConfig(max_upload_mb=1, max_files=5, max_unpacked_mb=2, max_compression_ratio=50)


def _zip(path: Path, members: dict[str, bytes], *, link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    ("members", "link", "key"),
    [
        ({"../../evil.txt": b"x"}, None, "ingest.zip_unsafe_path"),
        ({"/etc/evil.txt": b"x"}, None, "ingest.zip_unsafe_path"),
        ({"a/../../evil.txt": b"x"}, None, "ingest.zip_unsafe_path"),
        ({"..\\..\\evil.txt": b"x"}, None, "ingest.zip_unsafe_path"),
        ({"ok.txt": b"x"}, "kcn.shp", "ingest.zip_link"),
        ({"bomb.dbf": bytes(3 * 1024 * 1024)}, None, "ingest.zip_too_big_unpacked"),
        ({f"f{i}.txt": b"x" for i in range(6)}, None, "ingest.zip_too_many_files"),
    ],
)
def test_malicious_zips_refused_and_nothing_extracted(tmp_path, members, link, key) -> None:  # type: ignore[no-untyped-def]
    z = _zip(tmp_path / "evil.zip", members, link=link)
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(InputError) as err:
        safe_extract(z, dest, SMALL)
    assert err.value.key == key
    assert list(dest.iterdir()) == []
    assert not (tmp_path / "evil.txt").exists()


def test_zip_bomb_by_ratio(tmp_path) -> None:  # type: ignore[no-untyped-def]
    z = _zip(tmp_path / "bomb.zip", {"big.dbf": bytes(1_500_000)})  # zeros: ~1000× compression
    with pytest.raises(InputError) as err:
        safe_extract(z, tmp_path, SMALL)
    assert err.value.key == "ingest.zip_bomb"
    assert "big.dbf" in err.value.message("en") and "50×" in err.value.message("en")


def test_lying_header_is_caught_while_extracting(tmp_path) -> None:  # type: ignore[no-untyped-def]
    z = _zip(tmp_path / "lie.zip", {"a.dbf": b"A" * 200_000})
    raw = bytearray(z.read_bytes())
    # Patch the declared uncompressed size (local header offset 22, central directory +24) to 10 bytes.
    raw[22:26] = (10).to_bytes(4, "little")
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    z.write_bytes(bytes(raw))
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(InputError) as err:
        safe_extract(z, dest, SMALL)
    # zipfile stops at the declared size, so the data fails its CRC: refused as a corrupt zip
    assert err.value.key in ("ingest.bad_zip", "ingest.zip_bomb")
    assert list(dest.iterdir()) == []


def test_upload_too_large(tmp_path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.geojson"
    big.write_bytes(b'{"type": "FeatureCollection", "features": []}' + b" " * 1_100_000)
    with pytest.raises(InputError) as err:
        open_upload(big, tmp_path / "w", SMALL)
    assert err.value.key == "ingest.too_large"
    assert "1 MB" in err.value.message("en")


def test_kml_entities_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    kml = tmp_path / "lol.kml"
    kml.write_text('<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaa">]><kml xmlns="http://www.opengis.net/kml/2.2"/>')
    with pytest.raises(InputError) as err:
        open_upload(kml, tmp_path / "w", SMALL)
    assert err.value.key == "ingest.xml_entities"


def test_incomplete_shapefile_and_bare_parts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    z = _zip(tmp_path / "half.zip", {"kcn.shp": b"\x00\x00\x27\x0a" + bytes(96), "kcn.prj": b"x"})
    with pytest.raises(InputError) as err:
        open_upload(z, tmp_path / "w", SMALL)
    assert err.value.key == "ingest.shp_incomplete" and ".shx, .dbf" in err.value.message("en")
    shp = tmp_path / "kcn.shp"
    shp.write_bytes(b"\x00\x00\x27\x0a" + bytes(96))
    with pytest.raises(InputError) as err:
        open_upload(shp, tmp_path / "w2", SMALL)
    assert err.value.key == "ingest.bare_shp"


def test_sniff(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cases = {
        "a.zip": b"PK\x03\x04rest",
        "a.gpkg": b"SQLite format 3\x00rest",
        "a.json": b'\xef\xbb\xbf  {"type": "FeatureCollection"}',
        "a.kml": b'<?xml version="1.0"?><kml xmlns="x">',
        "a.dxf": b"  0\r\nSECTION\r\n  2\r\nHEADER\r\n",
        "a.exe": b"MZ\x90\x00",
    }
    found = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        found[name] = sniff(tmp_path / name)
    assert found == {"a.zip": "zip", "a.gpkg": "gpkg", "a.json": "geojson", "a.kml": "kml", "a.dxf": "dxf", "a.exe": None}


def test_limits_come_from_config(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tbgeo import settings

    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "ingest.toml").write_text("[limits]\nmax_files = 3\nmax_compression_ratio = 10\n[landing]\nnear_km = 5\n")
    monkeypatch.setattr(settings, "CONFIG_DIR", tmp_path / "cfg")
    cfg = load_config()
    assert (cfg.max_files, cfg.max_compression_ratio, cfg.near_km, cfg.max_upload_mb) == (3, 10.0, 5.0, 200.0)
    shipped = load_config(Path(__file__).resolve().parents[2] / "config" / "ingest.toml")
    assert shipped == IngestConfig()  # the documented file and the built-in defaults agree


def test_cli_refusal_keeps_workspace_and_disk_clean(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    good = mk.make_shapefile(tmp_path / "g", "kcn", mk.parks(2), prj=mk.esri_9209())
    assert main(["import", str(good), "--layer", "industrial_parks"]) == 0
    before = hashlib.sha256(env.read_bytes()).hexdigest()
    for name, members, link in (
        ("slip.zip", {"../../../evil.shp": b"x"}, None),
        ("link.zip", {"a.txt": b"x"}, "kcn.dbf"),
        ("bomb.zip", {"kcn.dbf": bytes(300 * 1024 * 1024 // 100)}, None),
    ):
        z = _zip(tmp_path / name, members, link=link)
        rc = main(["--lang", "en", "import", str(z), "--layer", "industrial_parks"])
        err = capsys.readouterr().err
        assert rc == 2
        assert name != "bomb.zip" or "zip bomb" in err
        assert name != "slip.zip" or "unsafe path" in err
        assert name != "link.zip" or "link" in err
    assert hashlib.sha256(env.read_bytes()).hexdigest() == before
    assert not (tmp_path.parent / "evil.shp").exists()
