"""The review report's figures on a 1366 × 768 screen (issue 13 audit): after a review, each figure
(area, rice land, LUC, LUK) shows whole beside the form, not cut to "92,41…"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import CHROMIUM_ARGS

# a 3 000 m × 4 115 m site on rice land near Thái Bình city: 1.234,50 ha, the widest figure a site has
CORNERS = "1 2262000 590000\n2 2262000 594115\n3 2265000 594115\n4 2265000 590000\n"

_CUT = """() => Array.from(document.querySelectorAll('[data-testid="stMetricValue"]')).map(el => {
    const cut = [el, ...el.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1);
    return [el.innerText.trim(), cut, el.getBoundingClientRect().width];
})"""


def test_report_figures_show_whole_at_1366(app_url: str, chromium: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page: Any = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            page.goto(f"{app_url}/review", wait_until="domcontentloaded")
            page.get_by_text("Thẩm tra khu đất đề xuất").first.wait_for(timeout=60_000)
            page.get_by_role("tab", name="Nhập tọa độ").click()
            area = page.get_by_label("Tọa độ các đỉnh, mỗi dòng một điểm")
            area.fill(CORNERS)
            area.press("Control+Enter")
            page.get_by_role("button", name="Dùng các tọa độ này").click()
            page.get_by_text("1.234,50 ha").first.wait_for(timeout=60_000)
            page.get_by_role("button", name="Thẩm tra", exact=True).click()
            page.locator('[data-testid="stMetricValue"]').nth(3).wait_for(timeout=90_000)
            page.wait_for_timeout(500)  # the columns settle
            figures = page.evaluate(_CUT)
        finally:
            browser.close()
    assert len(figures) == 4, figures
    assert figures[0][0] == "1.234,50 ha"
    assert all(text.endswith(" ha") and "…" not in text for text, _, _ in figures), figures
    assert not [f for f in figures if f[1]], figures  # no figure overflows its box (shown cut with "…")
