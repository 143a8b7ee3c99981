"""Every page in Vietnamese, in a real browser, offline: no text of the catalog's English side, no
Streamlit English (on screen, in tooltips, labels and placeholders: the table toolbar, select boxes,
number boxes, the uploader, the sidebar — tbgeo.ui.localize), no message key (``review.value.…``), no
"None", no file path of the project on screen — with every tab and expander opened and a site reviewed."""

from __future__ import annotations

import re
from typing import Any

from tbgeo.catalog import load_catalog
from tbgeo.i18n import catalog, t

PAGES = ("", "review", "upload", "print", "targets", "search", "data")
#: English that is also Vietnamese usage, or a proper name the catalogs share in part.
_SHARED = re.compile(r"^(?:[A-Z0-9][\w.-]*(?:\s|$))+$")
#: The layers' ids (the catalog's, for programs and the command line): a page names a layer by its title.
LAYER_IDS = tuple(lyr.id for lyr in [*load_catalog(check_data=False), *load_catalog(check_data=False).optional])
#: What must never be on a Vietnamese page: Streamlit's English, raw values, project paths.
FORBIDDEN = ("Drag and drop", "Browse files", "per file", "Upload", "(draw)", "None", "config/", "scripts/",
             "layers/", ".toml", "build_data", "JavaScript", "Press Enter", "data/", ".geojson", "landuse.tif",
             *LAYER_IDS, "area_ha", "length_km", "width_m")
#: Streamlit's own English, as its front end (1.67) writes it: words a Vietnamese page must not show,
#: as text, tooltip, label (aria-label), title or placeholder (whole words: "Open" is not "OpenStreetMap").
STREAMLIT_ENGLISH = ("Download as CSV", "Search", "Fullscreen", "Show/hide columns", "Choose an option", "Choose options",
                     "Skip to main content", "Running...", "Collapse sidebar", "App pages", "Sidebar", "Link to heading",
                     "Help for", "Increment", "Decrement", "Clear all", "Selected values", "Remove", "Open",
                     "file upload", "files are not allowed", "Copy Vega-Lite spec", "Show data", "Vega visualization",
                     "X-axis titled", "Symbol legend", "streamlit_folium", "Stop", "Rerun")
_KEY = re.compile(r"\b(?:app|map|maptools|review|ingest|print|search|targets|data|places|groups|sectors|auth)"
                  r"\.[a-z_]+\.\S+")


def english_phrases() -> set[str]:
    """Fragments of the English catalog (between placeholders) that differ from Vietnamese: at least
    three words and 16 characters, so short shared words ("GeoJSON", "EPSG:9209") are left out."""
    vi, en = catalog("vi"), catalog("en")
    out = set()
    vi_text = "\n".join(vi.values())
    for key, value in en.items():
        if vi.get(key) == value:
            continue
        for part in re.split(r"\{[^}]*\}|<[^>]*>|\n", value):
            part = part.strip(" .,:;()—–-·*_`'\"")
            if len(part) >= 16 and len(part.split()) >= 3 and part not in vi_text and not _SHARED.match(part):
                out.add(part)
    return out


def _open_everything(page: Any) -> None:
    for tab in page.get_by_role("tab").all():
        try:
            tab.click(timeout=2_000)
            page.wait_for_timeout(300)
        except Exception:  # a tab that reran away
            continue
    for summary in page.locator("[data-testid=stExpander] summary").all():
        try:
            if summary.get_attribute("aria-expanded") != "true":
                summary.click(timeout=2_000)
        except Exception:
            continue
    page.wait_for_timeout(800)


def _frontend_english() -> set[str]:
    """The catalog's table of Streamlit's English (``frontend.*``): every fixed text, and the fixed start
    of every pattern ("Help for {label}" → "Help for")."""
    vi, en = catalog("vi"), catalog("en")
    out = set()
    for key, value in en.items():
        if key.startswith("frontend.") and vi[key] != value:
            head = value.split("{")[0].strip()
            if len(head) >= 4:
                out.add(head)
    return out


def _labels(page: Any) -> str:
    """The main page's tooltips, labels and placeholders (Streamlit puts its English there too)."""
    found: list[str] = page.evaluate("""() => [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
        .flatMap(e => ['aria-label', 'title', 'placeholder'].map(a => e.getAttribute(a)).filter(v => v))""")
    return "\n".join(found)


def _table_tooltips(page: Any) -> str:
    """The tooltips of the first table's toolbar, shown by pointing at each button."""
    tables = page.locator("[data-testid=stDataFrame]")
    if tables.count() == 0:
        return ""
    tables.first.scroll_into_view_if_needed()
    tables.first.hover()
    page.wait_for_timeout(300)
    tips = []
    buttons = page.locator("[data-testid=stElementToolbar] button:visible")
    for i in range(min(buttons.count(), 4)):
        box = buttons.nth(i).bounding_box()
        if box is None:
            continue
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.locator("[data-testid=stTooltipContent]").first.wait_for(timeout=5_000)
        tips += page.locator("[data-testid=stTooltipContent]").all_inner_texts()
    assert tips, "no tooltip seen"
    return "\n".join(tips)


def _visible_text(page: Any) -> str:
    text: str = page.inner_text("body")
    text += "\n" + _labels(page)
    # st.dataframe draws on a canvas; its cells are also in an accessible grid
    text += "\n" + "\n".join(page.locator("[data-testid=stDataFrame] [role=gridcell], "
                                             "[data-testid=stDataFrame] [role=columnheader]").all_text_contents())
    # a selectbox shows its choice in an input (the upload page's layer picker, the rollback choice)
    text += "\n" + "\n".join(page.locator("[data-testid=stSelectbox] input[role=combobox]").evaluate_all("els => els.map(e => e.value)"))
    for frame in page.frames[1:]:  # the maps: legend, tools, draw buttons' titles
        try:
            text += "\n" + frame.inner_text("body")
            text += "\n" + "\n".join(frame.locator("[title]").evaluate_all("els => els.map(e => e.title)"))
        except Exception:
            continue
    return text


def _review_a_site(page: Any) -> None:
    page.get_by_role("tab", name=t("review.page.tab_coords", "vi")).click()
    # a small site inside KCN Tiền Hải: the zone's name is a finding's value
    page.get_by_label(t("review.page.coords", "vi")).fill("20.3965 106.5335\n20.3965 106.5360\n20.3985 106.5360\n20.3985 106.5335")
    page.get_by_role("button", name=t("review.page.use_coords", "vi")).click()
    page.get_by_text(re.compile(r"Đã có khu đất: [\d.,]+ ha \(nhập tọa độ\)")).first.wait_for(timeout=45_000)
    page.get_by_role("button", name=t("review.page.run", "vi")).click()
    page.get_by_text(re.compile("Kết luận: ")).first.wait_for(timeout=60_000)
    page.locator("[data-testid=stDataFrame] [role=gridcell]", has_text="KCN Tiền Hải").first.wait_for(state="attached", timeout=30_000)


def test_every_page_in_vietnamese_shows_no_english(app_url: str, offline_page) -> None:  # type: ignore[no-untyped-def]
    page, _blocked = offline_page
    phrases = english_phrases()
    frontend = _frontend_english()
    assert {"Download as CSV", "Skip to main content", "Help for", "Remove"} <= frontend
    assert len(phrases) > 500  # the catalog's English side, less what Vietnamese shares
    leaks: dict[str, list[str]] = {}
    for url in PAGES:
        page.goto(f"{app_url}/{url}", wait_until="domcontentloaded")
        page.locator("h1").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        if url == "review":
            _review_a_site(page)
        _open_everything(page)
        text = _visible_text(page)
        if url in ("", "data", "review"):
            tips = _table_tooltips(page)
            assert "Tải về dạng CSV" in tips  # the toolbar's words from the catalog
            text += "\n" + tips
        assert page.evaluate("document.documentElement.lang") == "vi"
        assert "Chuyển tới nội dung chính" in page.locator("body").text_content()  # Streamlit's skip link
        if url == "review":  # the report is there, its table read too
            assert "KCN Tiền Hải" in text
        found = sorted(p for p in phrases if p in text)
        found += [w for w in (*STREAMLIT_ENGLISH, *frontend) if re.search(rf"(?<![\w/]){re.escape(w)}(?!\w)", text)]
        found += [w for w in FORBIDDEN if re.search(rf"(?<![\w/]){re.escape(w)}", text)]
        found += _KEY.findall(text)
        if found:
            leaks[url or "map"] = found
    assert leaks == {}


def test_uploads_are_refused_and_sized_in_vietnamese(app_url: str, offline_page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A file of a kind tbgeo does not read: refused by tbgeo in Vietnamese (not Streamlit's "… files are
    not allowed"), its size written with the decimal comma; the review page's uploader likewise."""
    page, _blocked = offline_page
    notes = tmp_path / "ghi-chu.txt"
    notes.write_text("hello world\n", encoding="utf-8")  # 12 bytes
    page.goto(f"{app_url}/upload", wait_until="domcontentloaded")
    page.locator("h1").first.wait_for(timeout=60_000)
    page.locator("input[type=file]").first.set_input_files(str(notes))
    page.get_by_text(re.compile("Bị từ chối: “ghi-chu.txt” không phải tệp GIS mà tbgeo nhận")).wait_for(timeout=30_000)
    chip = page.locator("[data-testid=stFileChip]").first
    assert chip.inner_text().split("\n") == ["ghi-chu.txt", "12,0 B"]
    assert chip.get_attribute("aria-label") == "ghi-chu.txt, 12,0 B"
    assert "not allowed" not in page.inner_text("body")
    assert page.locator("[data-testid=stFileChip] [aria-label^=Remove], [data-testid=stFileChip] [title^=Remove]").count() == 0
    page.goto(f"{app_url}/review", wait_until="domcontentloaded")
    page.locator("h1").first.wait_for(timeout=60_000)
    page.locator("input[type=file]").first.set_input_files(str(notes))
    page.get_by_role("button", name=t("review.page.use_file", "vi")).click()
    page.get_by_text(re.compile("ghi-chu.txt")).last.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    error = page.locator("[data-testid=stAlertContentError]").first.inner_text()
    assert "ghi-chu.txt" in error and "not allowed" not in error and ".geojson" in error
