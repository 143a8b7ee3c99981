"""Issue 10 §6: the upload page keeps no temporary copy and no frames it no longer needs."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.ingest.pipeline import read_source, source_layers
from tbgeo.store.gpkg import GpkgStore
from tbgeo.ui import ingest_state as s
from tbgeo.ui.state import Key

SCRIPT = "from tbgeo.ui.pages import upload\nimport streamlit as st\nupload.render(st.session_state.get('lang', 'vi'))\n"


@pytest.fixture
def tmpdir_(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "server-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _uploads(folder: Path) -> list[Path]:
    return sorted(folder.glob(s.PREFIX + "*"))


def test_a_new_upload_replaces_the_old_copy_and_its_frames(mk, tmp_path, tmpdir_) -> None:  # type: ignore[no-untyped-def]
    a = mk.make_shapefile(tmp_path / "a", "kcn", mk.parks(2), prj=mk.esri_9209())
    b = mk.make_shapefile(tmp_path / "b", "kcn", mk.parks(3), prj=mk.esri_9209())
    state: dict = {}
    first = s.save_upload(state, "a.zip", a.read_bytes(), file_id="1")
    assert [p.name for p in _uploads(tmpdir_)] == [Path(first["path"]).parent.name]
    assert s.cached_options(state, source_layers) == ["kcn.shp"]
    src = s.cached_source(state, None, read_source)
    assert len(src.frame) == 2
    assert _uploads(tmpdir_) == [] and state[Key.INGEST_FILE]["path"] is None  # read: the copy is gone at once
    assert s.save_upload(state, "a.zip", lambda: pytest.fail("not read again"), file_id="1") is first
    s.cached_plan(state, ("p",), lambda: "plan")
    second = s.save_upload(state, "b.zip", b.read_bytes(), file_id="2")
    assert len(_uploads(tmpdir_)) == 1 and Path(second["path"]).is_file()
    assert Key.INGEST_SOURCE not in state and Key.INGEST_PLAN not in state and Key.INGEST_OPTIONS not in state
    assert len(s.cached_source(state, None, read_source).frame) == 3
    assert _uploads(tmpdir_) == []


def test_one_plan_per_session() -> None:
    state: dict = {}
    assert s.cached_plan(state, ("a",), lambda: "A") == "A"
    assert s.cached_plan(state, ("a",), lambda: pytest.fail("kept")) == "A"
    assert s.cached_plan(state, ("b",), lambda: "B") == "B"
    assert state[Key.INGEST_PLAN] == (("b",), "B")  # the old plan is gone, not cached beside it


def test_a_released_copy_is_written_again_from_the_widget_or_refused(mk, tmp_path, tmpdir_) -> None:  # type: ignore[no-untyped-def]
    a = mk.make_shapefile(tmp_path / "a", "kcn", mk.parks(2), prj=mk.esri_9209())
    state: dict = {}
    s.save_upload(state, "a.zip", a.read_bytes())
    s.release_file(state)
    assert Path(s.upload_path(state, a.read_bytes)).read_bytes() == a.read_bytes()
    s.release_file(state)
    with pytest.raises(InputError) as err:
        s.upload_path(state)
    assert err.value.message("vi") == t("ingest.ui_upload_gone", "vi", name="a.zip")
    assert "Upload the file again" in err.value.message("en")
    assert "Hãy tải tệp lên lại" in err.value.message("vi")


def test_stale_folders_of_closed_sessions_are_swept(tmpdir_) -> None:
    old = tmpdir_ / (s.PREFIX + "old")
    new = tmpdir_ / (s.PREFIX + "new")
    other = tmpdir_ / "someone-else"
    for f in (old, new, other):
        f.mkdir()
        (f / "x.zip").write_bytes(b"x" * 10)
    past = time.time() - s.STALE_AFTER_S - 60
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    assert s.sweep_stale() == 1
    assert not old.exists() and new.exists() and other.exists()


@pytest.mark.parametrize("lang,done", [("vi", "Đã nhập thành phiên bản 1"), ("en", "Imported as version 1")])
def test_no_temporary_file_and_no_frame_after_an_import(mk, tmp_path, tmpdir_, env, lang: str, done: str) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(tmp_path / "src", "kcn", mk.parks(2), prj=mk.esri_9209())
    state: dict = {}
    s.save_upload(state, "kcn.zip", z.read_bytes())
    copy = Path(state[Key.INGEST_FILE]["path"])
    script = tmp_path / "page.py"
    script.write_text(SCRIPT, "utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["ingest_layer"] = "industrial_parks"
    at.session_state[Key.INGEST_FILE] = state[Key.INGEST_FILE]
    at.run()
    assert not at.exception
    assert not copy.exists()  # read once: the page works from memory
    button = next(b for b in at.button if b.label == t("ingest.ui_import_button", lang))
    at = button.click().run()
    assert not at.exception
    assert any(m.value.startswith(done) for m in at.success)
    assert "ingest_layer" in at.session_state and Key.INGEST_RESULT in at.session_state
    for key in (Key.INGEST_FILE, Key.INGEST_SOURCE, Key.INGEST_PLAN, Key.INGEST_BASE, Key.INGEST_OPTIONS):
        assert key not in at.session_state
    assert at.session_state[Key.INGEST_UPLOADER] == 1
    assert _uploads(tmpdir_) == []
    assert GpkgStore.open(env).read_version("industrial_parks", 1).shape[0] == 2
