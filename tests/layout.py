"""A layout checker for generated decks, measuring text with real font metrics.

For every slide: no shape leaves the slide; the text of every text box, shape and table cell
fits its box at the fonts the deck names (a run's own font, else the theme's heading face for
titles and body face for the rest: Calibri is measured with Carlito, its metric twin; Arial,
and any other face, with Liberation Sans), wrapped word by word as PowerPoint wraps it; a
table whose rows grow to hold their text still ends on the slide; and every chart's value-axis labels read back
as their tick values. The fonts come from Debian's fonts-crosextra-carlito and
fonts-liberation2 (.ci/run installs them).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import layout_eye as eye
from lxml import etree
from PIL import ImageFont
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

FONT_FILES = {
    ("calibri", False): "/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf",
    ("calibri", True): "/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf",
    ("arial", False): "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    ("arial", True): "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
}
LINE = 1.2  # PowerPoint's single line spacing, as a multiple of the font size
TOLERANCE = 0.02  # of the box height: rounding between measuring engines
DEFAULT_INSETS = (91440, 91440, 45720, 45720)  # left, right, top, bottom (0.1 in, 0.05 in)


@dataclass(frozen=True)
class Problem:
    deck: str
    slide: int
    shape: str
    what: str

    def __str__(self) -> str:
        return f"{self.deck} slide {self.slide} {self.shape!r}: {self.what}"


@functools.lru_cache(maxsize=256)
def _font(name: str, bold: bool, size_pt: float) -> Any:
    key = ("calibri" if name.lower().startswith(("calibri", "carlito")) else "arial", bold)
    # PIL sizes are in pixels: measure at 100 px per point for precision, scale back
    return ImageFont.truetype(
        FONT_FILES[key], max(1, round(size_pt * 100)), layout_engine=ImageFont.Layout.BASIC
    )


@functools.lru_cache(maxsize=200_000)
def width_pt(text: str, name: str, bold: bool, size_pt: float) -> float:
    """The advance width of ``text`` in points."""
    return float(_font(name, bold, size_pt).getlength(text)) / 100


def wrapped_lines(text: str, width: float, name: str, bold: bool, size: float) -> int:
    """Lines a paragraph takes in a box ``width`` points wide, breaking at spaces (a word
    longer than a line breaks where it must)."""
    if not text:
        return 1
    lines, current = 1, ""
    for word in text.split(" "):
        trial = f"{current} {word}" if current else word
        if width_pt(trial, name, bold, size) <= width or not current:
            current = trial
            if width_pt(current, name, bold, size) > width:  # one long word: hard breaks
                extra = math.ceil(width_pt(current, name, bold, size) / width) - 1
                lines += extra
                current = ""
        else:
            lines += 1
            current = word
    return lines


#: the faces of the deck being checked (its theme's): heading (titles) and body
FACES = {"heading": "Calibri", "body": "Calibri"}


def theme_faces(prs: Any) -> dict[str, str]:
    """A deck's heading and body faces, read from its first master's theme."""
    theme = prs.slide_masters[0].part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme")
    root = etree.fromstring(theme.blob)
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    out = {}
    for key, kind in (("heading", "majorFont"), ("body", "minorFont")):
        latin = root.find(f".//{a}{kind}/{a}latin")
        face = latin.get("typeface") if latin is not None else None
        out[key] = face or "Calibri"
    return out


def _runs_font(paragraph: Any, default: float, heading: bool = False) -> tuple[str, bool, float]:
    size, bold, name = None, False, FACES["heading" if heading else "body"]
    for run in paragraph.runs:
        f = run.font
        if f.size is not None:
            size = max(size or 0.0, f.size.pt)
        bold = bold or bool(f.bold)
        name = f.name or name
    return name, bold, size or default


def text_height(tf: Any, width_emu: int, default_size: float = 18.0, heading: bool = False
                ) -> float:  # fmt: skip
    """Points the text frame's paragraphs need at a box width (insets already taken off);
    ``heading``: a title's, in the heading face unless its runs name one."""
    width = Emu(width_emu).pt
    total = 0.0
    for p in tf.paragraphs:
        name, bold, size = _runs_font(p, default_size, heading)
        text = "".join(r.text for r in p.runs)
        lines = sum(wrapped_lines(part, width, name, bold, size) for part in text.split("\v"))
        total += lines * size * LINE
    return total


def _insets(tf: Any) -> tuple[int, int, int, int]:
    body = tf._txBody.find("{http://schemas.openxmlformats.org/drawingml/2006/main}bodyPr")
    vals = []
    for attr, default in zip(("lIns", "rIns", "tIns", "bIns"), DEFAULT_INSETS, strict=True):
        v = body.get(attr) if body is not None else None
        vals.append(int(v) if v is not None else default)
    return vals[0], vals[1], vals[2], vals[3]


def _shapes(container: Any) -> list[Any]:
    out = []
    for s in container.shapes if hasattr(container, "shapes") else container:
        if s.shape_type == 6:  # group
            out.extend(_shapes(s.shapes))
        else:
            out.append(s)
    return out


def check_text(deck: str, n: int, s: Any) -> list[Problem]:
    tf = s.text_frame
    if not tf.text.strip():
        return []
    left, right, top, bottom = _insets(tf)
    title = s.is_placeholder and s.placeholder_format.type in (PP_PLACEHOLDER.TITLE,
                                                               PP_PLACEHOLDER.CENTER_TITLE)
    need = text_height(tf, int(s.width) - left - right, heading=title)
    room = Emu(int(s.height) - top - bottom).pt
    if need > room * (1 + TOLERANCE) + 1:
        return [Problem(deck, n, s.name, f"text needs {need:.0f} pt, the box has {room:.0f} pt")]
    return []


def check_table(deck: str, n: int, s: Any, slide_h: int) -> list[Problem]:
    table = s.table
    cols = [c.width for c in table.columns]
    total = 0
    for row in table.rows:
        need = int(row.height)
        for cell, w in zip(row.cells, cols, strict=False):
            if not cell.text.strip():
                continue
            ml, mr = cell.margin_left or 91440, cell.margin_right or 91440
            mt, mb = cell.margin_top or 45720, cell.margin_bottom or 45720
            h = text_height(cell.text_frame, int(w) - ml - mr)
            need = max(need, int(Pt(h)) + mt + mb)
        total += need
    if s.top + total > slide_h + 12700:
        return [Problem(deck, n, s.name, "table rows, grown to hold their text, run off the slide")]
    return []


def _decimals(fmt: str) -> int:
    m = re.search(r"\.(0+)", fmt or "")
    return len(m.group(1)) if m else 0


def _manual(el: Any) -> tuple[float, ...] | None:
    m = el.find(f".//{qn('c:manualLayout')}") if el is not None else None
    if m is None:
        return None
    return tuple(float(m.find(qn(f"c:{k}")).get("val")) for k in ("x", "y", "w", "h"))


def check_chart_room(deck: str, n: int, s: Any) -> list[Problem]:
    """An XmR chart's date labels fit side by side at their size, and its legend lies below
    them, tall enough for its entries in equal columns (as LibreOffice lays them out)."""
    space = s.chart._chartSpace
    ax = space.find(f".//{qn('c:dateAx')}")
    if ax is None:
        return []
    out = []
    size = s.chart.font.size.pt if s.chart.font.size else 10.0
    width, height = Emu(s.width).pt, Emu(s.height).pt
    plot = _manual(space.find(f".//{qn('c:plotArea')}"))
    legend_el = space.find(f".//{qn('c:legend')}")
    legend = _manual(legend_el)
    if plot is None or (legend_el is not None and legend is None):
        return [Problem(deck, n, s.name, "chart without a laid-out plot and legend")]
    cats = s.chart.plots[0].categories
    unit = int(ax.find(qn("c:majorUnit")).get("val"))
    weekly = ax.find(qn("c:majorTimeUnit")).get("val") == "days"
    periods = unit // 7 if weekly else unit
    labels = -(-len(cats) // periods)
    sample = "30 Sep 25" if weekly else "Sep 25"
    if labels * (width_pt(sample, FACES["body"], False, size) + 4) > width * plot[2]:
        out.append(Problem(deck, n, s.name, f"{labels} date labels do not fit side by side"))
    if legend is None:
        return out
    if legend[1] < plot[1] + plot[3] + size * 1.2 / height:
        out.append(Problem(deck, n, s.name, "legend over the date labels"))
    hidden = {int(e.find(qn("c:idx")).get("val")) for e in legend_el.findall(qn("c:legendEntry"))}
    names = [ser.name for i, ser in enumerate(s.chart.plots[0].series) if i not in hidden]
    entry = max(width_pt(x, FACES["body"], False, size) for x in names) + 2.5 * size
    cols = max(1, int(width * legend[2] // entry))
    rows = -(-len(names) // cols)
    if legend[3] * height < rows * size * 1.2:
        out.append(Problem(deck, n, s.name, f"legend too short for {rows} rows"))
    if legend[1] + legend[3] > 1.0001:
        out.append(Problem(deck, n, s.name, "legend leaves the chart"))
    return out


def check_chart(deck: str, n: int, s: Any) -> list[Problem]:
    out = check_chart_room(deck, n, s)
    axis = s.chart.value_axis
    lo, hi, step = axis.minimum_scale, axis.maximum_scale, axis.major_unit
    if lo is None or hi is None or not step:
        return out
    fmt = axis.tick_labels.number_format
    d = _decimals(fmt)
    k = 0
    while lo + k * step <= hi + 1e-9 * abs(step):
        tick = lo + k * step
        shown = f"{tick:.{d}E}" if "E+" in fmt else f"{tick:,.{d}f}"
        if abs(float(shown.replace(",", "")) - tick) > 1e-9 * max(1.0, abs(tick)):
            out.append(Problem(deck, n, s.name, f"tick {tick!r} is labelled {shown}"))
            break
        k += 1
    return out


def broken_numbers(tf: Any, width_emu: int) -> list[str]:
    """Numbers in a text frame wider than its line: PowerPoint would break them inside."""
    width = Emu(width_emu).pt
    out = []
    for p in tf.paragraphs:
        name, bold, size = _runs_font(p, 18.0)
        text = "".join(r.text for r in p.runs)
        for token in NUMBER_TOKEN.findall(text):
            if width_pt(token, name, bold, size) > width:
                out.append(token)
    return out


NUMBER_TOKEN = re.compile(r"-?\d[\d,.]*\d(?:E[+-]\d+)?")


def _eye(deck: str, n: int, s: Any, slide_texts: list[str]) -> list[Problem]:
    """The checks of tests/layout_eye.py on one shape (pumpxl's own record of a page, an
    invisible shape holding its marks, is not something a person reads)."""
    if eye._readable(s.name).startswith("pumpxl page"):
        return []
    out = [Problem(deck, n, s.name, what) for what in eye.small_text(s)]
    texts = []
    if s.has_text_frame:
        texts.append(s.text_frame.text)
        left, right, _, _ = _insets(s.text_frame)
        for token in broken_numbers(s.text_frame, int(s.width) - left - right):
            out.append(Problem(deck, n, s.name, f"the number {token} breaks across lines"))
    if getattr(s, "has_table", False) and s.has_table:
        cols = [c.width for c in s.table.columns]
        for row in s.table.rows:
            for cell, w in zip(row.cells, cols, strict=False):
                texts.append(cell.text)
                for token in broken_numbers(cell.text_frame, int(w) - 2 * 91440):
                    out.append(Problem(deck, n, s.name, f"the number {token} breaks in a cell"))
    if getattr(s, "has_chart", False) and s.has_chart:
        for a, b in eye.coincident(s):
            out.append(Problem(deck, n, s.name, f"{a} and {b} lie on each other, drawn alike"))
        for name in eye.swatchless(s):
            out.append(Problem(deck, n, s.name, f"legend entry {name!r} shows no swatch"))
    for text in texts:
        slide_texts.append(text)
        for what in eye.style_problems(text):
            out.append(Problem(deck, n, s.name, f"{what} in {text[:60]!r}"))
    return out


def _near_empty(deck: str, n: int, slide: Any, h: int) -> list[Problem]:
    """A continuation slide with less than a fifth of a page of text and nothing else."""
    shapes = [s for s in _shapes(slide) if s.width and s.height]
    texts = sorted((s for s in shapes if s.has_text_frame and s.text_frame.text.strip()),
                   key=lambda s: s.top)  # fmt: skip
    if not texts or "(continued)" not in texts[0].text_frame.text:
        return []
    if any(getattr(s, "has_chart", False) and s.has_chart for s in shapes) or any(
        getattr(s, "has_table", False) and s.has_table for s in shapes
    ):
        return []
    body = texts[2:]  # past the title and subtitle
    need = sum(text_height(s.text_frame, int(s.width) - 2 * 91440) for s in body)
    if need < Emu(h).pt * 0.2:
        return [Problem(deck, n, texts[0].name, f"near-empty page ({need:.0f} pt of text)")]
    return []


def check_deck(path: Path) -> list[Problem]:
    prs = Presentation(str(path))
    FACES.update(theme_faces(prs))
    w, h = prs.slide_width, prs.slide_height
    problems: list[Problem] = []
    for n, slide in enumerate(prs.slides, start=1):
        slide_texts: list[str] = []
        for s in _shapes(slide):
            if s.shape_type == 9 or not s.width or not s.height:  # lines, connectors
                continue
            if s.left < -12700 or s.top < -12700 or s.left + s.width > w + 12700 or (
                s.top + s.height > h + 12700
            ):
                problems.append(Problem(path.name, n, s.name, "leaves the slide"))
            if s.has_text_frame:
                problems += check_text(path.name, n, s)
            if getattr(s, "has_table", False) and s.has_table:
                problems += check_table(path.name, n, s, h)
            if getattr(s, "has_chart", False) and s.has_chart:
                problems += check_chart(path.name, n, s)
            problems += _eye(path.name, n, s, slide_texts)
        for label, line in eye.crossed_labels(
            slide, lambda s: text_height(s.text_frame, int(s.width) - sum(_insets(s.text_frame)[:2]))
        ):
            problems.append(Problem(path.name, n, label, f"crossed by {line}"))
        problems += _near_empty(path.name, n, slide, h)
    return problems
