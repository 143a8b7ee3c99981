"""Streamlit's own English on the file uploader is replaced by the catalog's words (a style sheet)."""

from __future__ import annotations

from tbgeo.i18n import t
from tbgeo.ui.chrome import uploader_css


def test_the_uploader_speaks_the_readers_language() -> None:
    vi, en = uploader_css("vi"), uploader_css("en")
    assert f'content:"{t("app.uploader_button", "vi")}"' in vi and 'content:"Chọn tệp"' in vi
    assert f'content:"{t("app.uploader_hint", "vi")}"' in vi
    assert '[data-testid="InputInstructions"] {display:none}' in vi  # "Press Enter to apply"
    assert 'content:"Choose file"' in en and "InputInstructions" not in en
    assert vi.startswith("<style>") and vi.endswith("</style>") and vi.count("<") == 2  # no markup from the catalog
