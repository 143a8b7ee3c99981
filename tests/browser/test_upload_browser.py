"""The upload page in a real browser, offline: an append shows "12 → 15", a replace that removes
features waits for its confirmation box, each import's report stands in place of the form, and the
rollback choice offers the version before the active one — after each import and each rollback of
the same browser session (the browser remembers a widget's last choice: a new layer state must give
a new default)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tbgeo.i18n import t

LAYER = "Khu công nghiệp (KCN)"  # industrial_parks, as the Vietnamese page names it


def _parks(path: Path) -> Path:
    """Three new parks (small squares west of Thái Bình city), in GeoJSON (WGS 84)."""
    feats = []
    for i, lon in enumerate((106.300, 106.310, 106.320)):
        ring = [[lon, 20.46], [lon + 0.004, 20.46], [lon + 0.004, 20.464], [lon, 20.464], [lon, 20.46]]
        feats.append({"type": "Feature", "properties": {"name": f"KCN Thử {i + 1}", "status": "Quy hoạch", "area_ha": 17.5},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), "utf-8")
    return path


def _upload(page: Any, path: Path) -> None:
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(path))
    page.get_by_text(t("ingest.ui_step_confirm", "vi")).first.wait_for(timeout=60_000)


def _import_button(page: Any) -> Any:
    return page.get_by_role("button", name=t("ingest.ui_import_button", "vi"))


def _imported(page: Any, version: int) -> None:
    done = t("ingest.ui_report_done", "vi", version=version, layer=LAYER)
    page.get_by_text(done).first.wait_for(timeout=60_000)
    page.locator("[data-testid=stFileUploader]").wait_for(state="detached", timeout=30_000)  # the report, in
    assert page.get_by_text(t("ingest.ui_step_report", "vi")).count() == 1  # place of the form


def _choice(page: Any) -> str:
    """What the rollback selectbox shows chosen."""
    box = page.get_by_role("combobox", name=t("ingest.ui_rollback_select", "vi"))
    box.wait_for(timeout=30_000)
    return str(box.input_value())


def _wait_choice(page: Any, expected: str) -> str:
    for _ in range(40):  # the page reruns after a click
        shown = _choice(page)
        if shown == expected:
            break
        page.wait_for_timeout(250)
    return shown


def _rollback(page: Any, version: str) -> None:
    page.get_by_role("button", name=t("ingest.ui_rollback_button", "vi")).click()
    page.get_by_text(t("ingest.ui_rollback_done", "vi", version=version, layer=LAYER)).first.wait_for(timeout=30_000)


def test_append_replace_with_confirmation_and_rollback_defaults(own_app_url: str, offline_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page, _blocked = offline_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{own_app_url}/upload", wait_until="domcontentloaded")
    page.locator("h1").first.wait_for(timeout=60_000)
    picker = page.get_by_role("combobox", name=t("ingest.ui_target_layer", "vi"))
    picker.wait_for(timeout=30_000)
    assert picker.input_value() == LAYER and "industrial_parks" not in page.inner_text("body")
    path = _parks(tmp_path / "ba_kcn.geojson")

    # append: 12 shipped parks + 3 → 15, nothing to confirm
    _upload(page, path)
    page.get_by_text(t("ingest.ui_mode_append", "vi")).click()
    page.get_by_text(f"Bổ sung vào lớp “{LAYER}”: 12 → 15 đối tượng (thêm 3; giữ 12 đối tượng đã có).").wait_for(timeout=60_000)
    assert _import_button(page).is_enabled()
    _import_button(page).click()
    _imported(page, 1)
    assert page.get_by_text(t("ingest.ui_result_features", "vi", n=15)).count() == 1
    assert _choice(page) == t("ingest.ui_shipped", "vi")  # v1 active: the one before it is the shipped data

    # replace with the same 3 parks: 15 → 3, the button waits for the confirmation box
    page.get_by_role("button", name=t("ingest.ui_result_again", "vi")).click()
    _upload(page, path)
    summary = page.get_by_text(re.compile(rf"^Thay lớp “{re.escape(LAYER)}”: 15 → 3 đối tượng \(thêm 0, bỏ 12, sửa 0, giữ nguyên 3\)\.$"))
    summary.wait_for(timeout=60_000)
    box = page.get_by_text(t("ingest.ui_confirm_removal", "vi", removed=12, before=15, after=3))
    box.wait_for(timeout=30_000)
    assert _import_button(page).is_disabled()
    assert page.get_by_text(t("ingest.ui_confirm_removal_needed", "vi")).count() == 1
    box.click()
    page.wait_for_function("() => [...document.querySelectorAll('button')].some(b => b.innerText.trim() === "
                           f"{json.dumps(t('ingest.ui_import_button', 'vi'))} && !b.disabled)", timeout=30_000)
    _import_button(page).click()
    _imported(page, 2)

    # v2 active: the rollback offers v1 (not the shipped data, which would throw the 15 parks away)
    assert _wait_choice(page, "v1") == "v1"
    _rollback(page, "1")
    assert _wait_choice(page, t("ingest.ui_shipped", "vi")) == t("ingest.ui_shipped", "vi")  # before v1
    _rollback(page, t("ingest.ui_shipped", "vi"))
    assert _wait_choice(page, "v2") == "v2"  # the shipped data in use: the latest version is offered
    body = page.inner_text("body")
    assert t("ingest.ui_versions_title", "vi", layer=LAYER) in body and "industrial_parks" not in body
    assert errors == []
