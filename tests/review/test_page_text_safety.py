"""Issue 10 §5: the review page shows a site file's name as text, never as Markdown/HTML."""

from __future__ import annotations

import re

import pytest
import shapely
import streamlit as st
from streamlit.testing.v1 import AppTest

HOSTILE = "[click here to sign in again](http://evil) ![x](http://evil/t.png) <img src=x onerror=alert(1)>.kml"


@pytest.mark.parametrize("lang,word", [("vi", "Đã có khu đất: 100,00 ha"), ("en", "Site ready: 100.00 ha")])
def test_site_source_name_is_escaped(project, lang: str, word: str) -> None:
    st.cache_resource.clear()
    at = AppTest.from_string(f"from tbgeo.ui.pages import review\nreview.render({lang!r})\n", default_timeout=60)
    at.session_state["review_site"] = shapely.box(588_500, 2_260_200, 590_500, 2_260_700)
    at.session_state["review_site_source"] = HOSTILE
    at.run()
    assert not at.exception, at.exception
    (ready,) = [i.value for i in at.info if i.value.startswith(word)]
    assert r"[click here to sign in again\](http\://evil) !\[x\](http\://evil/t.png) &lt;img" in ready
    for text in [m.value for m in (*at.markdown, *at.info, *at.caption, *at.error, *at.warning, *at.success)]:
        assert "<img" not in text and not re.search(r"(?<!\\)\]\(", text)
