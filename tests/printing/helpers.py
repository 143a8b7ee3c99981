"""Reading rendered files back: PDF text and page sizes (pypdf), SVG element boxes, PNG pixels."""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader

PT_TO_MM = 25.4 / 72.0


def pdf_pages(data: bytes) -> list[str]:
    """Each page's extracted text, NFC, whitespace collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(data))
    return [" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in reader.pages]


def pdf_lines(data: bytes, page: int = 0) -> list[str]:
    """The extracted lines of one page, NFC, stripped (not collapsed)."""
    reader = PdfReader(io.BytesIO(data))
    text = unicodedata.normalize("NFC", reader.pages[page].extract_text())
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def pdf_sizes_mm(data: bytes) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(data))
    return [(float(p.mediabox.width) * PT_TO_MM, float(p.mediabox.height) * PT_TO_MM) for p in reader.pages]


def pdf_embedded_fonts(data: bytes) -> list[tuple[str, bool]]:
    """(font name, has an embedded font program) for every font the first page uses."""
    reader = PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    out = []
    for ref in fonts.values():
        font = ref.get_object()
        desc = font.get("/FontDescriptor")
        if desc is None and "/DescendantFonts" in font:
            desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        desc = desc.get_object() if desc is not None else {}
        embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        out.append((str(font.get("/BaseFont")), embedded))
    return out


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


_NUM = r"-?\d+(?:\.\d+)?"


def svg_group_box_pt(svg: str, gid: str) -> tuple[float, float, float, float]:
    """The bounding box (x0, y0, x1, y1, in SVG points) of the path(s) in ``<g id="gid">``."""
    m = re.search(rf'<g id="{re.escape(gid)}">(.*?)</g>', svg, re.S)
    assert m, f"no group {gid} in the SVG"
    nums = []
    for d in re.findall(r'd="([^"]+)"', m.group(1)):
        nums.extend(float(v) for v in re.findall(_NUM, d))
    xs, ys = nums[0::2], nums[1::2]
    return min(xs), min(ys), max(xs), max(ys)
