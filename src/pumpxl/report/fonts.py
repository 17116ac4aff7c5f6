"""How much room text takes on a slide, measured with the fonts the deck is set in.

A deck's text is set in its theme's fonts (the heading face for titles, the body face for
the rest): Calibri in pumpxl's own decks, whatever a corporate template says in branded ones
(Arial, most often), and Arial in a deck LibreOffice saved. Each face is measured with its
own metrics, or its metric twin's (Carlito for Calibri, Liberation Sans for Arial and
Helvetica, Liberation Serif for Times New Roman, Liberation Mono for Courier New), read with
Pillow where installed (Debian: fonts-crosextra-carlito, fonts-liberation2), so that text is
fitted to its box as PowerPoint will lay it out. A face without known metrics (Aptos, Segoe
UI...) is measured as Arial, wider than Calibri; where no font file is found, an average
glyph stands in (half an em for Calibri, 0.6 em for others: wider than the faces).

The faces in force are set around a deck's build (:func:`measured_in`, with
:func:`deck_faces`); outside one, text is measured as Calibri.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Faces", "deck_faces", "faces", "line_count", "measured_in", "text_width_pt"]


@dataclass(frozen=True)
class Faces:
    """A deck's two type faces, as its theme names them."""

    heading: str = "Calibri"
    body: str = "Calibri"


_FACES: ContextVar[Faces | None] = ContextVar("pumpxl_faces", default=None)
_CALIBRI_FACES = Faces()


def faces() -> Faces:
    """The faces text is measured in now."""
    return _FACES.get() or _CALIBRI_FACES


@contextmanager
def measured_in(given: Faces) -> Iterator[None]:
    """Measure text in ``given`` faces inside the block."""
    token = _FACES.set(given)
    try:
        yield
    finally:
        _FACES.reset(token)


def deck_faces(prs: Any) -> Faces:
    """The faces of a deck's theme (its first slide master's): its major (heading) and
    minor (body) Latin fonts; Calibri for any the theme does not name."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        theme = prs.slide_masters[0].part.part_related_by(RT.THEME)
        root = etree.fromstring(theme.blob, etree.XMLParser(resolve_entities=False))
    except (IndexError, KeyError, ValueError, etree.XMLSyntaxError):
        return Faces()
    found = []
    for kind in ("majorFont", "minorFont"):
        latin = root.find(f".//{_A}fontScheme/{_A}{kind}/{_A}latin")
        face = latin.get("typeface", "").strip() if latin is not None else ""
        found.append(face if face and not face.startswith("+") else "Calibri")
    return Faces(*found)


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_SEARCH = (
    "/usr/share/fonts/truetype/crosextra",
    "/usr/share/fonts/truetype/carlito",
    "/usr/share/fonts/crosextra",
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation",
    "/Library/Fonts",
    "/System/Library/Fonts/Supplemental",
    "C:/Windows/Fonts",
)
_CALIBRI = (("Carlito-Regular.ttf", "calibri.ttf"), ("Carlito-Bold.ttf", "calibrib.ttf"))
_ARIAL = (("LiberationSans-Regular.ttf", "arial.ttf", "Arial.ttf"),
          ("LiberationSans-Bold.ttf", "arialbd.ttf", "Arial Bold.ttf"))  # fmt: skip
_TIMES = (("LiberationSerif-Regular.ttf", "times.ttf", "Times New Roman.ttf"),
          ("LiberationSerif-Bold.ttf", "timesbd.ttf", "Times New Roman Bold.ttf"))  # fmt: skip
_COURIER = (("LiberationMono-Regular.ttf", "cour.ttf", "Courier New.ttf"),
            ("LiberationMono-Bold.ttf", "courbd.ttf", "Courier New Bold.ttf"))  # fmt: skip
#: a face (lower case): the font files holding its metrics, regular and bold (its own, or
#: its metric twin's first); a face not here is measured as Arial
_METRICS = {
    "calibri": _CALIBRI, "calibri light": _CALIBRI, "carlito": _CALIBRI,
    "arial": _ARIAL, "helvetica": _ARIAL, "liberation sans": _ARIAL, "arimo": _ARIAL,
    "times new roman": _TIMES, "times": _TIMES, "liberation serif": _TIMES,
    "courier new": _COURIER, "liberation mono": _COURIER,
}  # fmt: skip
_SCALE = 64  # Pillow measures whole pixels: measure at 64 px per point, then scale back


def _metrics(face: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return _METRICS.get(face.strip().lower(), _ARIAL)


@functools.lru_cache(maxsize=128)
def _font(files: tuple[str, ...], size_pt: float) -> Any | None:
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover - Pillow comes with python-pptx
        return None
    for folder in _SEARCH:
        for name in files:
            path = Path(folder) / name
            if path.exists():
                return ImageFont.truetype(
                    str(path), max(1, round(size_pt * _SCALE)),
                    layout_engine=ImageFont.Layout.BASIC,
                )  # fmt: skip
    return None


def text_width_pt(text: str, size_pt: float, bold: bool = False, *, heading: bool = False
                  ) -> float:  # fmt: skip
    """The width of ``text`` set at ``size_pt`` in points, in the body face (the heading
    face with ``heading``) in force (:func:`measured_in`)."""
    given = faces()
    return _width(text, size_pt, bold, given.heading if heading else given.body)


@functools.lru_cache(maxsize=100_000)
def _width(text: str, size_pt: float, bold: bool, face: str) -> float:
    font = _font(_metrics(face)[bold], size_pt)
    if font is None:
        return len(text) * size_pt * (0.5 if _metrics(face) is _CALIBRI else 0.6)
    return float(font.getlength(text)) / _SCALE


def line_count(text: str, width_pt: float, size_pt: float, bold: bool = False, *,
               heading: bool = False) -> int:  # fmt: skip
    """Lines ``text`` takes in a box ``width_pt`` wide, wrapping at spaces as PowerPoint does
    (a paragraph per line break; a word wider than the box breaks where it must), in the
    body face (the heading face with ``heading``) in force."""
    given = faces()
    return _lines(text, width_pt, size_pt, bold, given.heading if heading else given.body)


@functools.lru_cache(maxsize=100_000)  # fitting text asks again at each size, and pages
def _lines(text: str, width_pt: float, size_pt: float, bold: bool, face: str) -> int:  # recur
    space = _width(" ", size_pt, bold, face)
    total = 0
    for para in text.split("\n"):
        lines, used = 1, 0.0
        for word in para.split():
            w = _width(word, size_pt, bold, face)
            if used and used + space + w > width_pt:
                lines, used = lines + 1, 0.0
            if w > width_pt:
                extra = int(w // width_pt)
                lines += extra
                w -= extra * width_pt
            used += (space if used else 0.0) + w
        total += lines
    return total
