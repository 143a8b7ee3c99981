"""AppTest: the review page says what a long step is doing and how it ended (issue 13 §3): the review
and the site sheet each show a status box, finished (or failed) once the step is over."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from tbgeo.store.gpkg import GpkgStore
from tests.locks import hold_store

from .test_page import CORNERS


def _reviewed(lang: str) -> AppTest:
    st.cache_resource.clear()  # the catalog is cached per process: use the test project's
    at = AppTest.from_string(f"from tbgeo.ui.pages import review\nreview.render({lang!r})\n", default_timeout=60).run()
    at.text_area(key="review_coords").set_value(CORNERS)
    at.button(key="review_use_coords").click().run()
    assert not at.status  # nothing running yet
    return at


def test_review_and_sheet_show_their_progress(project) -> None:  # type: ignore[no-untyped-def]
    at = _reviewed("vi")
    next(b for b in at.button if b.label == "Thẩm tra").click().run()
    assert not at.exception, at.exception
    assert [(s.label, s.state) for s in at.status] == [("Đã thẩm tra xong khu đất.", "complete")]
    at.button(key="review_sheet_make").click().run()
    assert not at.exception, at.exception
    assert [(s.label, s.state) for s in at.status] == [
        ("Đã dựng xong phiếu in: bấm «Tải phiếu in (PDF)» bên dưới.", "complete")]
    assert any(b.label == "Tải phiếu in (PDF)" for b in at.get("download_button"))
    at.run()  # the next run: the boxes of finished steps are gone
    assert not at.status


def test_a_review_that_fails_says_so_and_a_save_on_a_busy_store_saves_nothing(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.errors import StoreBusyError
    from tbgeo.i18n.params import Num
    from tbgeo.review import run

    monkeypatch.setenv("TBGEO_LOCK_WAIT", "0.3")
    at = _reviewed("en")
    ws = GpkgStore.open()
    release, th = hold_store(ws.path, "IMMEDIATE")  # another program writing: reviewing only reads
    try:
        next(b for b in at.button if b.label == "Review").click().run()
        assert [(s.label, s.state) for s in at.status] == [("The site has been reviewed.", "complete")]
        next(b for b in at.button if b.label == "Save as a draft").click().run()  # saving must wait: refused
    finally:
        release.set()
        th.join(10)
    assert not at.exception, at.exception
    assert any(e.value.startswith("The store is busy") and "Nothing was saved" in e.value for e in at.error)
    assert GpkgStore.open().proposals() == []
    # a review that fails (here the store cannot be read): the box ends as failed, with the reason
    def fail(*_a, **_k):  # type: ignore[no-untyped-def]
        raise StoreBusyError("workspace.busy", seconds=Num(0.3, 1))

    monkeypatch.setattr(run, "review_site", fail)
    next(b for b in at.button if b.label == "Review").click().run()
    assert not at.exception, at.exception
    assert [(s.label, s.state) for s in at.status] == [("The site could not be reviewed.", "error")]
    assert any(e.value.startswith("The store is busy") for e in at.error)
