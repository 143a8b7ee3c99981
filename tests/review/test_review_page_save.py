"""The review page and ``tbgeo check --save`` save a reviewed site the same way (tbgeo.proposals)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from tbgeo import proposals
from tbgeo.cli import main
from tbgeo.proposals import Saved
from tbgeo.store import Proposal
from tbgeo.store.gpkg import GpkgStore

from .helpers import check

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)  # 100 ha: 25 ha LUC (Kiến Xương), 25 ha LUK (Tiền Hải)
# the RICE site of the synthetic province as VN-2000 X (north) / Y (east) corners: 100 ha
CORNERS = "Điểm X Y\n1 2260200 588500\n2 2260200 590500\n3 2260700 590500\n4 2260700 588500\n"


def _page_review(name: str, sector: str) -> list[str]:
    """A new page session: type the corners, name the site, review it; the success messages shown."""
    st.cache_resource.clear()
    at = AppTest.from_string("from tbgeo.ui.pages import review\nreview.render('vi')\n", default_timeout=60).run()
    at.text_area(key="review_coords").set_value(CORNERS)
    at.button(key="review_use_coords").click().run()
    at.text_input(key="review_name").set_value(name)
    at.selectbox(key="review_sector").set_value(sector)
    next(b for b in at.button if b.label == "Thẩm tra").click().run()
    assert not at.exception, at.exception
    at.button(key="review_save").click().run()  # nothing is stored until the planner saves
    assert not at.exception, at.exception
    return [s.value for s in at.success]


def _cli_review(capsys: pytest.CaptureFixture[str], corners: Path, name: str, sector: str) -> str:
    main(["check", str(corners), "--save", "--sector", sector, "--name", name, "--lang", "vi"])
    return capsys.readouterr().out.rstrip().splitlines()[-1]


def _kept(p: Proposal) -> tuple[object, ...]:
    """What saving decides: name, status, attributes, revision rule, area, verdict, rice land, changes."""
    report = p.report or {}
    return (p.name, p.status, p.attributes, p.revision_of, round(p.area_ha, 4), report.get("verdict"),
            report["rice"]["total_ha"], [(c.field, c.old, c.new) for c in p.changes])


def test_the_page_and_check_save_alike(project, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    corners = tmp_path / "khu.txt"
    corners.write_text(CORNERS, encoding="utf-8")
    page_ws, cli_ws = tmp_path / "page.gpkg", tmp_path / "cli.gpkg"

    def both(name: str, sector: str) -> tuple[list[str], str]:
        monkeypatch.setenv("TBGEO_WORKSPACE", str(page_ws))
        shown = _page_review(name, sector)
        monkeypatch.setenv("TBGEO_WORKSPACE", str(cli_ws))
        return shown, _cli_review(capsys, corners, name, sector)

    # a new site: a draft with the same name, attributes and report, and the same message
    shown, printed = both("Khu lúa", "electronics")
    created = Saved(1, "created", None)
    assert created.message("vi", page=True) in shown and printed == created.message("vi")
    page, cli = GpkgStore.open_existing(page_ws).proposal(1), GpkgStore.open_existing(cli_ws).proposal(1)
    assert _kept(page) == _kept(cli)
    assert (page.name, page.status, page.attributes["sector"]) == ("Khu lúa", "draft", "electronics")
    # once decided, the same outline reviewed again is a revision on both, the decided one kept as it was
    for path in (page_ws, cli_ws):
        ws = GpkgStore.open_existing(path)
        proposals.set_status(ws, 1, "submitted")
        proposals.set_status(ws, 1, "approved")
    shown, printed = both("Khu dệt", "textile_garment")
    revised = Saved(2, "revised", 1)
    assert revised.message("vi", page=True) in shown and printed == revised.message("vi")
    page, cli = GpkgStore.open_existing(page_ws).proposal(2), GpkgStore.open_existing(cli_ws).proposal(2)
    assert _kept(page) == _kept(cli)
    assert (page.revision_of, page.name, page.status) == (1, "Khu dệt", "draft")
    assert ("attributes.sector", "electronics", "textile_garment") in _kept(page)[-1]  # type: ignore[operator]
    assert GpkgStore.open_existing(page_ws).proposal(1).name == GpkgStore.open_existing(cli_ws).proposal(1).name == "Khu lúa"


def test_a_rereview_without_a_name_keeps_the_proposals_name(tmp_path: Path) -> None:
    """The page's re-check and a new review of a remembered site name it alike: the name the review
    gives, else the proposal's own (a review in another language does not rename it)."""
    import shapely

    from tbgeo.review.model import SiteAttrs

    class _Report:  # the parts of a tbgeo.review Report that saving reads
        def __init__(self, attrs: SiteAttrs) -> None:
            self.geometry = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)
            self.facts = type("Facts", (), {"attrs": attrs})()

        def to_record(self) -> dict[str, object]:
            return {"verdict": "ok"}

    ws = GpkgStore.open(tmp_path / "w.gpkg")
    remember: dict[str, int] = {}
    assert proposals.save_review(ws, _Report(SiteAttrs()), "vi", remember=remember) == (1, "created", None)
    # issue 11: stored language-neutral (empty), said "unnamed" in the reader's language
    assert ws.proposal(1).name == ""
    assert proposals.display_name(ws.proposal(1).name, "vi") == "Khu đất chưa đặt tên"
    assert proposals.display_name(ws.proposal(1).name, "en") == "Unnamed site"
    assert proposals.save_review(ws, _Report(SiteAttrs()), "en", remember=remember) == (1, "updated", None)
    assert ws.proposal(1).name == ""  # not renamed "Unnamed site"
    assert [c.field for c in ws.proposal(1).changes] == []
    assert proposals.save_review(ws, _Report(SiteAttrs(name="Khu A")), "en", proposal_id=1) == (1, "updated", None)
    assert ws.proposal(1).name == "Khu A"


def test_check_save_stores_a_draft(project, capsys, W):
    site = W.site_geojson(project / "rice.geojson", RICE, name="Khu lúa")
    rc, out, _ = check(capsys, site, "--save")
    assert rc == 0 and out.rstrip().endswith("Đã lưu khu đất vào hồ sơ đề xuất số 1 (trạng thái: dự thảo).")
    rc, out, _ = check(capsys, site, "--save", "--format", "json", "--lang", "en")
    d = json.loads(out)
    assert d["proposal_id"] == 2
    p = GpkgStore.open_existing().proposal(2)
    assert (p.name, p.status, p.report["rice"]["total_ha"]) == ("Khu lúa", "draft", pytest.approx(50.0))
    assert p.area_ha == pytest.approx(100.0, rel=1e-4)
    rc, out, _ = check(capsys, site)  # without --save nothing is stored
    assert len(GpkgStore.open_existing().proposals()) == 2


def test_check_save_on_an_approved_site_makes_a_revision(project, capsys, W) -> None:  # type: ignore[no-untyped-def]
    site = W.site_geojson(project / "rice.geojson", RICE, name="Khu lúa")
    assert main(["check", str(site), "--save", "--sector", "electronics"]) == 0
    capsys.readouterr()
    ws = GpkgStore.open_existing()
    ws.set_status(1, "submitted", user="Chuyên viên")
    ws.set_status(1, "approved", user="Lãnh đạo Sở")
    before = ws.proposal(1)
    rc = main(["check", str(site), "--save", "--sector", "textile_garment", "--name", "Khu dệt", "--lang", "vi"])
    out = capsys.readouterr().out
    assert rc == 1  # the new revision overlaps the approved proposal 1: the overlap rule blocks, as it should
    assert out.rstrip().endswith("Đã lưu khu đất thành đề xuất số 2 (trạng thái: dự thảo), là phiên bản mới của "
                                 "đề xuất số 1 đã có quyết định; đề xuất số 1 được giữ nguyên.")
    rc = main(["check", str(site), "--save", "--name", "Khu dệt", "--format", "json", "--lang", "en"])
    d = json.loads(capsys.readouterr().out)
    assert (d["proposal_id"], d["revision_of"]) == (3, 1)
    after = ws.proposal(1)
    assert (after.name, after.attributes, after.report, after.status, after.history) == (
        before.name, before.attributes, before.report, "approved", before.history)
    rev = ws.proposal(2)
    assert (rev.status, rev.revision_of, rev.name) == ("draft", 1, "Khu dệt")
    assert ("attributes.sector", "electronics", "textile_garment") in [(c.field, c.old, c.new) for c in rev.changes]
    assert main(["proposals", "2", "--lang", "en"]) == 0
    shown = capsys.readouterr().out
    assert "New revision of proposal number 1" in shown
    assert "tester: name “Khu lúa” → “Khu dệt”" in shown
    assert main(["proposals", "2", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["revision_of"] == 1 and {"field": "name", "from": "Khu lúa", "to": "Khu dệt"}.items() <= data["changes"][0].items()


def test_the_pages_domain_call_keeps_a_decided_proposal(project, W) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.proposals import save_review, site_key
    from tbgeo.review.context import ReviewContext
    from tbgeo.review.model import SiteAttrs
    from tbgeo.review.run import review_site

    ctx = ReviewContext.from_catalog(include_proposals=False)
    stored: dict[str, int] = {}
    report = review_site(RICE, attrs=SiteAttrs(name="Khu lúa", sector="electronics"), context=ctx)
    assert save_review(GpkgStore.open(), report, "vi", remember=stored) == (1, "created", None)
    ws = GpkgStore.open_existing()
    ws.set_status(1, "submitted")
    ws.set_status(1, "rejected", comment="Lấn đất lúa")
    before = ws.proposal(1)
    report = review_site(RICE, attrs=SiteAttrs(name="Khu lúa (sửa)", sector="electronics"), context=ctx)
    assert save_review(GpkgStore.open(), report, "en", remember=stored) == (2, "revised", 1)
    assert stored[site_key(RICE)] == 2  # the next review of this site updates the revision
    assert save_review(GpkgStore.open(), report, "en", remember=stored) == (2, "updated", 1)
    after = ws.proposal(1)
    assert (after.name, after.report, after.status) == (before.name, before.report, "rejected")


def test_a_nameless_site_saved_in_vietnamese_reads_unnamed_in_english(project, capsys, W) -> None:  # type: ignore[no-untyped-def]
    # issue 11: the name is stored language-neutral (empty) and said in the reader's language
    from tbgeo.mapping.webmap import proposals_overlay
    from tbgeo.review.context import ReviewContext
    from tbgeo.review.model import SiteAttrs
    from tbgeo.review.run import review_site
    from tbgeo.store import proposals_frame

    report = review_site(RICE, attrs=SiteAttrs(), context=ReviewContext.from_catalog())
    assert proposals.save_review(GpkgStore.open(), report, "vi") == (1, "created", None)
    stored = GpkgStore.open().proposal(1)
    assert stored.name == ""
    assert main(["proposals", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].split()[0] == "#1" and out.rstrip().endswith("Warning    Unnamed site") and "chưa đặt tên" not in out
    assert main(["proposals", "1", "--lang", "vi", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Khu đất chưa đặt tên"
    overlay = proposals_overlay(proposals_frame([stored]), "en", statuses=("draft",))
    assert overlay is not None and list(overlay.gdf["name"]) == ["Unnamed site"]
