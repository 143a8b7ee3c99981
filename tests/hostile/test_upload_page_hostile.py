"""The upload page (streamlit AppTest) with hostile files: a refusal in the reader's language, no
exception, the store unchanged; a link CRS shown as ignored, with no connection made."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.ingest.pipeline import plan_import
from tbgeo.ui.text import say
from tests.hostile.conftest import Recorder
from tests.hostile.corpus import CASES, geojson, link_crs

SCRIPT = "from tbgeo.ui.pages import upload\nimport streamlit as st\nupload.render(st.session_state.get('lang', 'vi'))\n"


def _app(tmp_path: Path, file: Path, lang: str) -> AppTest:
    script = tmp_path / "page.py"
    script.write_text(SCRIPT, "utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["ingest_layer"] = "industrial_parks"
    at.session_state["ingest_file"] = {"name": file.name, "path": str(file), "sha": hashlib.sha256(file.read_bytes()).hexdigest()}
    return at.run()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success] + [c.value for c in at.caption]
    return "\n".join(map(str, parts))


PAGE_CASES = [c for c in CASES if c.id in ("zip_long_member", "nan_vertex", "huge_coords", "too_many_columns", "shx_fewer_records", "overlap_bomb")]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("case", PAGE_CASES, ids=[c.id for c in PAGE_CASES])
def test_page_refuses_with_a_message(case, lang: str, store: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = case.build(tmp_path / "in")
    with pytest.raises(InputError) as err:
        plan_import(path, layer_id="industrial_parks")
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    at = _app(tmp_path, path, lang)
    assert not at.exception
    assert t("ingest.ui_refused", lang, message=err.value.message(lang)) in [e.value for e in at.error]
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_ignores_a_link_crs_without_connecting(lang: str, recorder: Recorder, store: Path, tmp_path: Path) -> None:
    path = geojson(tmp_path / "in", crs=link_crs(recorder.url()))
    at = _app(tmp_path, path, lang)
    assert not at.exception
    # shown as text: the address is escaped, so Markdown makes no live link of it
    expected = say("ingest.w_crs_link_ignored", lang, href=recorder.url())
    assert "http\\://127.0.0.1" in expected
    assert expected in [w.value for w in at.warning]
    assert recorder.connections == []
