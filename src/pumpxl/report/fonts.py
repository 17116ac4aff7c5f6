"""How much room text takes on a slide, measured with the fonts the decks use.

Decks are set in Calibri. Its metric twin Carlito (and Liberation Sans for Arial) are read
with Pillow where they are installed (Debian: fonts-crosextra-carlito, fonts-liberation2), so
that text is fitted to its box as PowerPoint will lay it out; where they are not, an average
glyph of 0.5 em stands in (wider than Calibri's, so text still fits).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

__all__ = ["line_count", "text_width_pt"]

_SEARCH = (
    "/usr/share/fonts/truetype/crosextra",
    "/usr/share/fonts/truetype/carlito",
    "/usr/share/fonts/crosextra",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
_FILES = {False: ("Carlito-Regular.ttf", "calibri.ttf"), True: ("Carlito-Bold.ttf", "calibrib.ttf")}
_SCALE = 64  # Pillow measures whole pixels: measure at 64 px per point, then scale back


@functools.lru_cache(maxsize=64)
def _font(bold: bool, size_pt: float) -> Any | None:
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover - Pillow comes with python-pptx
        return None
    for folder in _SEARCH:
        for name in _FILES[bold]:
            path = Path(folder) / name
            if path.exists():
                return ImageFont.truetype(
                    str(path), max(1, round(size_pt * _SCALE)),
                    layout_engine=ImageFont.Layout.BASIC,
                )  # fmt: skip
    return None


@functools.lru_cache(maxsize=100_000)
def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of ``text`` set at ``size_pt`` in points."""
    font = _font(bold, size_pt)
    if font is None:
        return len(text) * size_pt * 0.5
    return float(font.getlength(text)) / _SCALE


@functools.lru_cache(maxsize=100_000)  # fitting text asks again at each size, and pages
def line_count(text: str, width_pt: float, size_pt: float, bold: bool = False) -> int:  # recur
    """Lines ``text`` takes in a box ``width_pt`` wide, wrapping at spaces as PowerPoint does
    (a paragraph per line break; a word wider than the box breaks where it must)."""
    space = text_width_pt(" ", size_pt, bold)
    total = 0
    for para in text.split("\n"):
        lines, used = 1, 0.0
        for word in para.split():
            w = text_width_pt(word, size_pt, bold)
            if used and used + space + w > width_pt:
                lines, used = lines + 1, 0.0
            if w > width_pt:
                extra = int(w // width_pt)
                lines += extra
                w -= extra * width_pt
            used += (space if used else 0.0) + w
        total += lines
    return total
