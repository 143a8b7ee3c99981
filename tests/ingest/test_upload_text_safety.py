"""Issue 10 §5: names from an uploaded file are shown as text on the upload page, never as Markdown/HTML."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

HOSTILE = "[click here to sign in again](http://evil) ![x](http://evil/t.png) <img src=x onerror=alert(1)>"
ESCAPED = r"[click here to sign in again\](http\://evil) !\[x\](http\://evil/t.png) &lt;img src=x onerror=alert(1)&gt;"
SCRIPT = "from tbgeo.ui.pages import upload\nimport streamlit as st\nupload.render(st.session_state.get('lang', 'vi'))\n"


def _app(tmp_path: Path, file: Path, lang: str) -> AppTest:
    script = tmp_path / "page.py"
    script.write_text(SCRIPT, "utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["ingest_layer"] = "industrial_parks"
    at.session_state["ingest_file"] = {"name": file.name, "path": str(file), "sha": hashlib.sha256(file.read_bytes()).hexdigest()}
    return at.run()


def _shown(at: AppTest) -> list[str]:
    """Every Markdown-rendered text of the page (labels included)."""
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success] + [c.value for c in at.caption]
    parts += [w.label for w in (*at.selectbox, *at.checkbox, *at.radio)]
    parts += [e.label for e in at.expander]
    return [str(p) for p in parts]


def _no_live_markup(texts: list[str]) -> None:
    for text in texts:
        assert "<img" not in text and "<a " not in text, text
        assert not re.search(r"(?<!\\)\]\(", text), text  # no link or image
        assert not re.search(r"(?<![\\\w])https?://", text), text  # no bare address GFM would link


@pytest.mark.parametrize("lang,prefix", [("vi", "Hệ tọa độ: "), ("en", "Coordinate system: ")])
def test_a_crafted_prj_name_is_shown_escaped(mk, tmp_path, env, lang: str, prefix: str) -> None:  # type: ignore[no-untyped-def]
    from pyproj import CRS

    # VN-2000's TM-3 numbers on the WGS 84 datum (a mislabelled .prj): the page shows the .prj's own name
    wgs_tm3 = CRS.from_proj4("+proj=tmerc +lat_0=0 +lon_0=105.5 +k=0.9999 +x_0=500000 +y_0=0 +datum=WGS84 +units=m")
    prj = re.sub(r'PROJCS\["[^"]*"', f'PROJCS["{HOSTILE}"', wgs_tm3.to_wkt("WKT1_ESRI"), count=1)
    z = mk.make_shapefile(tmp_path / "src", "kcn", mk.parks(2), prj=prj)
    at = _app(tmp_path, z, lang)
    assert not at.exception
    texts = _shown(at)
    detected = [s for s in texts if s.startswith(prefix)]
    assert detected and ESCAPED in detected[0], texts
    _no_live_markup(texts)


@pytest.mark.parametrize("lang,word", [("vi", "Bị từ chối"), ("en", "Refused")])
def test_a_crafted_member_name_in_a_refusal_is_shown_escaped(tmp_path, env, lang: str, word: str) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    z = tmp_path / "upload.zip"
    with zipfile.ZipFile(z, "w") as zf:  # a "shapefile" that is not one: the refusal names the member
        zf.writestr(f"{HOSTILE.replace('/', '_')}.shp", b"not a shapefile")
        zf.writestr(f"{HOSTILE.replace('/', '_')}.dbf", b"x")
        zf.writestr(f"{HOSTILE.replace('/', '_')}.shx", b"x")
    at = _app(tmp_path, z, lang)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith(word)
    assert "&lt;img src=x onerror=alert(1)&gt;" in errors[0] and r"[x\](http\:" in errors[0]
    assert "tbgeo-ingest-" not in errors[0] and "/tmp" not in errors[0]  # GDAL's message without server folders
    _no_live_markup(_shown(at))
