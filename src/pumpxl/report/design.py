"""Deck design: the default 16:9 look, corporate templates (.pptx/.potx), layouts found by
name, and text that fits its box."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from pumpxl.core.chart_plan import PALETTE
from pumpxl.core.interpret import Reading
from pumpxl.report.fonts import line_count
from pumpxl.report.marks import SHAPE_TAGS, is_title_element, mark_shape, mark_slide
from pumpxl.report.package import add_slide
from pumpxl.report.xmlbits import A as _A
from pumpxl.report.xmlbits import P as _P
from pumpxl.report.xmlbits import (
    body_properties,
    copied_shape,
    grid,
    place,
    row_heights,
    textbox,
    write_paragraphs,
)

__all__ = [
    "MEANING_COLOURS",
    "MEANING_SYMBOLS",
    "STATES",
    "Box",
    "Deck",
    "State",
    "fit_text",
    "panel",
    "state_of",
    "grid",
    "row_heights",
    "table_cell",
]

NAVY = RGBColor(0x1F, 0x38, 0x64)
INK = RGBColor(0x26, 0x26, 0x26)
GREY = RGBColor(0x6B, 0x6B, 0x6B)
LIGHT = RGBColor(0xF2, 0xF2, 0xF2)
RULE = RGBColor(0xBF, 0xBF, 0xBF)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
# Colour-blind-safe signal colours (as NHS Making Data Count): blue good, orange bad.
GOOD = RGBColor.from_string(PALETTE["improvement"])
BAD = RGBColor.from_string(PALETTE["concern"])
NEUTRAL = RGBColor.from_string(PALETTE["neutral"])
ROUTINE = RGBColor.from_string(PALETTE["routine"])
DRAFT = RGBColor(0x9C, 0x27, 0xB0)
LAYER_COLOURS = {  # PuMP's Results Map colours
    "purpose": RGBColor(0xF4, 0xC2, 0xD7),
    "strategic": RGBColor(0xC8, 0xE6, 0xC9),
    "process": RGBColor(0xBB, 0xDE, 0xFB),
    "team": RGBColor(0xFF, 0xE0, 0xB2),
}


@dataclass(frozen=True)
class State:
    """A measure's current state in words and a symbol (never colour alone)."""

    symbol: str
    word: str
    colour: RGBColor

    @property
    def label(self) -> str:
        return f"{self.symbol} {self.word}"


def state_of(reading: Reading) -> State:
    """The state of a measure now, as the latest value shows it (never colour alone)."""
    return STATES[reading.now]


STATES: dict[str, State] = {
    "no values": State("–", "No values yet", ROUTINE),
    "too few values": State("?", "Too few values", ROUTINE),
    "concern": State("▼", "Concern", BAD),
    "improvement": State("▲", "Improvement", GOOD),
    "neither": State("◆", "Signal", NEUTRAL),
    "common cause": State("●", "Routine variation", ROUTINE),
}
#: Colours by meaning (NHS Making Data Count): blue improvement, orange concern, purple for a
#: signal of a measure with no better direction.
MEANING_COLOURS = {"improvement": GOOD, "concern": BAD, "neutral": NEUTRAL}
MEANING_SYMBOLS = {"improvement": "▲", "concern": "▼", "neutral": "◆"}


ASSURANCE = {
    "consistently pass": State("✓", "Will consistently pass", GOOD),
    "consistently fail": State("✗", "Will consistently fail", BAD),
    "hit and miss": State("~", "Hit and miss", ROUTINE),  # grey, as Making Data Count
}


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        return self.top + self.height


class Deck:
    """A presentation being built, with its layouts found by name."""

    def __init__(self, prs: Any, *, branded: bool) -> None:
        self.prs = prs
        self.branded = branded
        self.width = int(prs.slide_width)
        self.height = int(prs.slide_height)
        self.margin = int(Inches(0.45))
        self._section: str | None = None
        self._pages = 0
        self._layout: Any = None
        self._title_boxes: dict[int, Box] = {}
        self.last_key = ""  # the key of the slide :meth:`slide` made last (marks)
        #: page keys in order; pages a refresh may keep (key: what drew them); those kept
        self.keys: list[str] = []
        self.reusable: dict[str, str] = {}
        self.reused: list[str] = []

    def section(self, name: str) -> None:
        """The slides made from now on belong to ``name``: their keys are ``name``,
        ``name:2``, ``name:3``..., stable from one month's deck to the next."""
        self._section, self._pages = name, 0

    def _next_key(self) -> str:
        n = self._pages + 1
        return f"{self._section}" if n == 1 else f"{self._section}:{n}"

    def reuse(self, inputs: str) -> bool:
        """Whether the section's next page is one the deck holds as pumpxl drew it from the
        same ``inputs`` (a digest of all it shows, recorded on it as ``i``), untouched: it
        then stands for the page, and none is made (``pumpxl refresh``)."""
        key = self._next_key()
        if not inputs or self.reusable.get(key) != inputs:
            return False
        self._pages += 1
        self.keys.append(key)
        self.reused.append(key)
        return True

    def layout(self, *names: str) -> Any:
        """The first layout whose name matches one of ``names`` (case-insensitive), else the
        first layout with a title placeholder, else the first layout."""
        layouts = list(self.prs.slide_layouts)
        by_name = {layout.name.strip().lower(): layout for layout in layouts}
        for name in names:
            if name.lower() in by_name:
                return by_name[name.lower()]
        for layout in layouts:
            if any(ph.placeholder_format.type == 1 for ph in layout.placeholders):
                return layout
        return layouts[0]

    def _content_layout(self) -> Any:
        if self._layout is None:  # found once: a deck makes hundreds of content slides
            self._layout = self.layout("Title Only", "Title and Content", "Only Title")
        return self._layout

    def _title_box(self, layout: Any) -> Box:
        """Where a content slide's title goes: the template's title placeholder when branded,
        else a band across the top."""
        box = self._title_boxes.get(id(layout))
        if box is None:
            box = self._title_boxes[id(layout)] = self._find_title_box(layout)
        return box

    def _find_title_box(self, layout: Any) -> Box:
        if self.branded:
            for ph in layout.placeholders:
                if ph.placeholder_format.idx == 0 and ph.width is not None:
                    return Box(int(ph.left), int(ph.top), int(ph.width), int(ph.height))
        m = self.margin
        return Box(m, int(Inches(0.3)), self.width - 2 * m, int(Inches(0.75)))

    def content_area(self, *, subtitle: bool) -> Box:
        """The free area below a content slide's title (and subtitle), as ``slide`` gives."""
        t = self._title_box(self._content_layout())
        top = t.top + t.height + int(Inches(0.08)) + (int(Inches(0.45)) if subtitle else 0)
        return Box(t.left, top + int(Inches(0.15)), t.width,
                   self.height - top - int(Inches(0.15)) - self.margin)  # fmt: skip

    def slide(
        self, title: str, *, subtitle: str | None = None, **fields: str
    ) -> tuple[Any, Box]:
        """A content slide with its title set; returns it and the free area below. In a
        :meth:`section`, the slide is marked as pumpxl's with its key and ``fields``."""
        layout = self._content_layout()
        slide = add_slide(self.prs, layout, title_only=True)
        if self._section is not None:
            key = self._next_key()
            self._pages += 1
            mark_slide(slide, key, title=title, **fields)
            self.last_key = key
            self.keys.append(key)
        tree = slide.shapes._spTree
        title_el = None
        for el in tree.iterchildren(*SHAPE_TAGS):  # every placeholder but the title goes
            if is_title_element(el):
                title_el = el
            elif next(el.iter(f"{_P}ph"), None) is not None:
                tree.remove(el)
        t = self._title_box(layout)
        if title_el is None:
            title_shape = textbox(slide, t.left, t.top, t.width, t.height)
        else:
            title_shape = slide.shapes._shape_factory(title_el)
            if not self.branded:  # the band across the top (branded: where the layout says)
                place(title_el, t)
        fit_text(title_shape, title, size=28, min_size=18, bold=True, heading=True,
                 colour=NAVY, anchor=MSO_ANCHOR.BOTTOM)  # fmt: skip
        if self.branded and title_el is not None:  # inherited from the layout: asked once
            t = Box(int(title_shape.left), int(title_shape.top), int(title_shape.width),
                    int(title_shape.height))  # fmt: skip
        top = t.top + t.height + int(Inches(0.08))
        if subtitle:
            sub = textbox(slide, t.left, top, t.width, Inches(0.4))
            fit_text(sub, subtitle, size=13, min_size=12, colour=GREY)
            if self._section is not None:
                mark_shape(sub, self.last_key, "subtitle")
            top += int(Inches(0.45))
        left, width = t.left, t.width
        copied_shape(slide, "rule", _rule, "Connector", left, top, width, 0)
        area = Box(left, top + int(Inches(0.15)), width,
                   self.height - top - int(Inches(0.15)) - self.margin)  # fmt: skip
        return slide, area


def fit_text(
    shape: Any,
    text: str,
    *,
    size: float = 14,
    min_size: float = 12,
    bold: bool = False,
    italic: bool = False,
    heading: bool = False,
    colour: RGBColor = INK,
    align: Any = PP_ALIGN.LEFT,
    anchor: Any = MSO_ANCHOR.TOP,
    inset: int | None = None,
) -> bool:
    """Put ``text`` in ``shape``, in the deck's body face (``heading``: its heading face), at
    the largest size from ``size`` down to ``min_size`` at which it fits; if it never fits,
    cut it with an ellipsis (returns False). ``inset``: left and right margin (default 0.1 in)."""
    body, width, height = _text_frame(shape)
    inset = int(Inches(0.1)) if inset is None else inset
    body_properties(body, inset, anchor)
    room = Emu(width - 2 * inset).pt
    height -= int(Inches(0.1))
    chosen, fits, s = min_size, False, size
    while s >= min_size:
        if line_count(text, room, s, bold, heading=heading) * Emu(Pt(s * 1.2)) <= height:
            chosen, fits = s, True
            break
        s -= 1
    shown = text
    if not fits:
        most = max(1, int(height / Emu(Pt(min_size * 1.2))))
        # cut words from the end, keeping the line breaks of what remains
        words = text.replace("\n", " \n ").split()

        def joined(ws: list[str]) -> str:
            return " ".join(ws).replace(" \n ", "\n").replace("\n ", "\n").strip() + " …"

        while words and line_count(joined(words), room, min_size, bold, heading=heading) > most:
            words = words[: max(0, len(words) - max(1, len(words) // 20))]
            while words and words[-1] == "\n":
                words.pop()
        shown = joined(words)
    runs = [(line, chosen, bold, italic, colour) for line in shown.split("\n")]
    write_paragraphs(body, runs, align)
    return fits


def _text_frame(shape: Any) -> tuple[Any, int, int]:
    """A shape's text body element, width and height: read from its XML where it holds them
    (python-pptx's properties look each up anew), else through python-pptx (a placeholder
    takes its size from the layout)."""
    sp = shape._element
    ext = sp.find(f"{_P}spPr/{_A}xfrm/{_A}ext")
    body = sp.find(f"{_P}txBody")
    if ext is None or body is None:
        return shape.text_frame._txBody, int(shape.width), int(shape.height)
    return body, int(ext.get("cx")), int(ext.get("cy"))


def table_cell(
    cell: Any,
    text: str,
    *,
    size: int = 12,
    bold: bool = False,
    colour: Any = INK,
    fill: Any = None,
    align: Any = PP_ALIGN.LEFT,
    then: tuple[tuple[str, Any], ...] = (),
) -> None:
    """Fill a table cell with a run of text in the deck's style, and ``then`` a paragraph
    each of (text, colour) below it."""
    tc = getattr(cell, "_tc", cell)  # a python-pptx cell, or its XML element (grid())
    lines = ((text, colour), *then)
    if not then and _fresh(tc):  # as a new table's cell: a copy of one filled alike
        key = (size, bold, str(colour), str(fill), align)
        proto = _CELLS.get(key)
        if proto is None:
            proto = _CELLS[key] = copy.deepcopy(tc)
            _fill_cell(proto, lines, size, bold, fill, align)
        filled = copy.deepcopy(proto)
        next(filled.iter(f"{_A}t")).text = text
        tc[:] = filled[:]
    else:
        _fill_cell(tc, lines, size, bold, fill, align)


def _fill_cell(tc: Any, lines: tuple[tuple[str, Any], ...], size: int, bold: bool, fill: Any,
               align: Any) -> None:  # fmt: skip
    body = tc.find(f"{_A}txBody")
    body.find(f"{_A}bodyPr").set("wrap", "square")
    runs = [(line, size if not k else max(12, size - 1), bold and not k, None, tint)
            for k, (line, tint) in enumerate(lines)]  # fmt: skip
    write_paragraphs(body, runs, align)
    props = tc.find(f"{_A}tcPr")
    if props is None:
        props = etree.SubElement(tc, f"{_A}tcPr")
    h, v = str(int(Inches(0.06))), str(int(Inches(0.03)))
    for name, value in (("marL", h), ("marR", h), ("marT", v), ("marB", v), ("anchor", "ctr")):
        props.set(name, value)
    if fill is not None:
        for old in props.findall(f"{_A}solidFill"):
            props.remove(old)
        solid = etree.Element(f"{_A}solidFill")
        etree.SubElement(solid, f"{_A}srgbClr", val=str(fill))
        props.insert(0, solid)


#: a filled cell of each look (size, bold, colour, fill, alignment), copied for the next
_CELLS: dict[tuple[Any, ...], Any] = {}


def _fresh(tc: Any) -> bool:
    """Whether a table cell is as a new table has it: empty properties and text frame."""
    props, body = tc.find(f"{_A}tcPr"), tc.find(f"{_A}txBody")
    if props is None or body is None or len(props) or props.attrib or len(tc) != 2:
        return False
    head = body.find(f"{_A}bodyPr")
    return head is not None and not head.attrib and not len(head)


def panel(slide: Any, box: Box) -> Any:
    """A light grey box with a thin rule: the ground of text blocks and cards."""
    from pptx.shapes.autoshape import Shape

    sp = copied_shape(slide, "panel", _panel, "Rectangle", box.left, box.top, box.width,
                      box.height)  # fmt: skip
    return Shape(sp, slide.shapes)


def _panel() -> Any:
    """A rectangle as python-pptx's ``add_shape`` adds it, with the fill, rule and no
    shadow its setters write."""
    from pptx.oxml.shapes.autoshape import CT_Shape

    sp = CT_Shape.new_autoshape_sp(0, "", "rect", 0, 0, 0, 0)
    geometry = sp.spPr.find(f"{_A}prstGeom")
    fill = etree.Element(f"{_A}solidFill")
    etree.SubElement(fill, f"{_A}srgbClr", val=str(LIGHT))
    line = etree.Element(f"{_A}ln")
    etree.SubElement(etree.SubElement(line, f"{_A}solidFill"), f"{_A}srgbClr", val=str(RULE))
    geometry.addnext(fill)
    fill.addnext(line)
    line.addnext(etree.Element(f"{_A}effectLst"))
    return sp


def _rule() -> Any:
    """A straight line as python-pptx's ``add_connector`` adds it from left to right, in the
    rule's colour and weight as its line setters write them."""
    from pptx.oxml.shapes.connector import CT_Connector

    cxn = CT_Connector.new_cxnSp(0, "", "line", 0, 0, 0, 0, False, False)
    ln = etree.SubElement(cxn.spPr, f"{_A}ln", w=str(int(Pt(1))))
    etree.SubElement(etree.SubElement(ln, f"{_A}solidFill"), f"{_A}srgbClr", val=str(RULE))
    return cxn
