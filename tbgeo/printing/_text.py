"""Measuring and wrapping text in DejaVu Sans so the sheet can lay itself out before drawing."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, cast

from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.textpath import TextToPath

if TYPE_CHECKING:
    from matplotlib.ft2font import FT2Font

__all__ = ["FONT", "nfc", "text_width_mm", "wrap_mm", "PT_MM", "measured_width_pt_at_10"]

FONT = "DejaVu Sans"
PT_MM = 25.4 / 72.0
_T2P = TextToPath()

#: The font styles matplotlib knows (``FontProperties`` refuses any other).
_FontStyle = Literal["normal", "italic", "oblique"]


def nfc(text: object) -> str:
    """Unicode NFC (precomposed Vietnamese letters), the only form the sheet prints."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def _font_style(style: str) -> _FontStyle:
    """``style`` as matplotlib's type of it (``FontProperties`` itself refuses a style it does not know)."""
    return cast("_FontStyle", style)


@lru_cache(maxsize=8)
def _font(weight: str, style: _FontStyle) -> FT2Font:
    return get_font(findfont(FontProperties(family=FONT, weight=weight, style=style)))


@lru_cache(maxsize=4096)
def _advance_pt_at_10(ch: str, weight: str, style: str) -> float:
    font = _font(weight, _font_style(style))
    font.set_size(10, 72)  # the FT2Font object is shared with matplotlib, which changes its size
    glyph = font.load_char(ord(ch))
    return glyph.linearHoriAdvance / 65536.0


@lru_cache(maxsize=16384)
def _width_pt_at_10(text: str, weight: str, style: str) -> float:
    """Sum of glyph advances (kerning ignored: DejaVu's pairs change a line by well under 1 %)."""
    return sum(_advance_pt_at_10(ch, weight, style) for ch in text)


def measured_width_pt_at_10(text: str, weight: str = "normal", style: str = "normal") -> float:
    """The width matplotlib's own text layout gives (slow; used by the tests to check the fast one)."""
    prop = FontProperties(family=FONT, weight=weight, style=_font_style(style), size=10)
    w, _h, _d = _T2P.get_text_width_height_descent(text, prop, ismath=False)
    return float(w)


def text_width_mm(text: str, size_pt: float, *, weight: str = "normal", style: str = "normal") -> float:
    """Width of one line of ``text`` at ``size_pt`` in millimetres."""
    if not text:
        return 0.0
    return _width_pt_at_10(nfc(text), weight, style) * size_pt / 10.0 * PT_MM


def wrap_mm(text: str, width_mm: float, size_pt: float, *, weight: str = "normal", style: str = "normal") -> list[str]:
    """Greedy word wrap of ``text`` into lines no wider than ``width_mm`` (a single long word may overhang)."""
    out: list[str] = []
    for para in nfc(text).split("\n"):
        words = para.split()
        line = ""
        for word in words:
            trial = f"{line} {word}" if line else word
            if not line or text_width_mm(trial, size_pt, weight=weight, style=style) <= width_mm:
                line = trial
            else:
                out.append(line)
                line = word
        out.append(line)
    return out
