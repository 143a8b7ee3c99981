"""Issue 13 §6: the review page's tables in the reader's language — decimals with the Vietnamese
comma and a fixed rounding, times in Vietnam's time (UTC+7), stored field names and values in words,
no "None" in an empty cell."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import streamlit as st
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from tbgeo.i18n.params import fmt_when
from tbgeo.store.gpkg import GpkgStore

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)  # 100 ha: 25 ha LUC, 25 ha LUK (the synthetic province)


def _app(lang: str) -> AppTest:
    st.cache_resource.clear()  # the catalog is cached per process: use the test project's
    return AppTest.from_string(f"from tbgeo.ui.pages import review\nreview.render({lang!r})\n", default_timeout=60)


def _table(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _stored(name: str = "Nhà máy may") -> GpkgStore:
    from tbgeo.review.context import ReviewContext
    from tbgeo.review.model import SiteAttrs
    from tbgeo.review.run import review_site

    ctx = ReviewContext.from_catalog()
    rep = review_site(RICE, attrs=SiteAttrs(name=name, sector="textile_garment"), context=ctx)
    ws = GpkgStore.open()
    pid = ws.add_proposal(RICE, name=name, report=rep.to_record(), status="draft",
                          attributes={"sector": "textile_garment"}).id
    again = review_site(RICE, attrs=SiteAttrs(name=name, sector="electronics"), context=ctx)
    ws.update_report(pid, again.to_record(), attributes={"sector": "electronics"})
    ws.set_status(pid, "submitted", comment="Trình thẩm định")
    return ws


def test_tables_in_vietnamese_use_the_comma_and_vietnam_time(project) -> None:  # type: ignore[no-untyped-def]
    ws = _stored()
    at = _app("vi").run()
    assert not at.exception, at.exception
    listing = _table(at, "Diện tích (ha)")
    assert list(listing["Diện tích (ha)"]) == ["100,00"]
    assert list(listing["Đất lúa (ha)"]) == ["50,00"]
    history = _table(at, "Người thực hiện")
    stored = ws.proposal(1).history[-1].at
    shown = list(history["Thời điểm"])[-1]
    assert shown == fmt_when(stored, "vi") and re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", shown)
    utc = datetime.fromisoformat(stored)
    assert datetime.strptime(shown, "%d/%m/%Y %H:%M") == (utc + timedelta(hours=7)).replace(tzinfo=None, second=0, microsecond=0)
    changes = _table(at, "Mục")
    sector = changes[changes["Mục"] == "Ngành nghề"]
    assert list(sector["Từ"]) == ["Dệt may (kéo sợi, may)"] and list(sector["Sang"]) == ["Điện tử, viễn thông, tin học"]
    cells = [str(v) for df in at.dataframe for v in df.value.to_numpy().ravel()]
    assert not [c for c in cells if c in ("None", "nan", "NaN") or c.startswith(("attributes.", "review."))]
    assert not [c for c in cells if re.fullmatch(r"-?\d+\.\d+", c)]  # no decimal point in Vietnamese


def test_tables_in_english_keep_numbers_as_numbers(project) -> None:  # type: ignore[no-untyped-def]
    ws = _stored("Garment plant")
    at = _app("en").run()
    assert not at.exception, at.exception
    listing = _table(at, "Area (ha)")
    assert list(listing["Area (ha)"]) == [100.0] and list(listing["Rice land (ha)"]) == [50.0]  # still sortable
    history = _table(at, "Who")
    assert list(history["When"])[-1] == fmt_when(ws.proposal(1).history[-1].at, "en")
    assert list(history["When"])[-1].endswith("(UTC+7)")


def test_localized_table_cells() -> None:
    from tbgeo.ui.tables import localized

    rows = [{"#": 1, "ha": 1234.5678, "km": None, "name": None, "when": "2026-12-03T20:30:00+00:00"},
            {"#": 2, "ha": 0.004, "km": 2.5, "name": "KCN", "when": None}]
    vi, config = localized(rows, "vi", digits={"km": 1}, times=["when"])
    assert vi.to_dict("list") == {"#": [1, 2], "ha": ["1.234,57", "0,00"], "km": ["—", "2,5"], "name": ["—", "KCN"],
                                  "when": ["04/12/2026 03:30", "—"]}
    assert set(config) == {"ha", "km"}
    en, _ = localized(rows, "en", times=["when"])
    assert list(en["ha"]) == [1234.5678, 0.004] and list(en["when"]) == ["2026-12-04 03:30 (UTC+7)", "—"]


def test_a_zone_name_value_is_shown_as_written_not_as_a_message_key() -> None:
    from tbgeo.review.model import SiteFinding

    park = SiteFinding(
        rule="zone_profile", severity="ok", value="KCN Tiền Hải", unit="text", plan_ref="Điều 1, III.4",
        message="park_fit", params={"name": "KCN Tiền Hải"},
    )
    level = SiteFinding(
        rule="technology", severity="ok", value="high", unit="text", plan_ref="Điều 1, III.4", message="high",
    )
    assert (park.value_text("vi"), park.value_text("en")) == ("KCN Tiền Hải", "KCN Tiền Hải")
    assert (level.value_text("vi"), level.value_text("en")) == ("công nghệ cao", "high technology")
