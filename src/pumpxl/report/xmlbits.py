"""Slide XML that decks write thousands of times, built directly with lxml: new text boxes,
tables and other shapes, their place, paragraphs of runs, a text frame's properties, table
cells and row heights. Each writes what python-pptx's own adders and setters write (checked
by the tests against python-pptx's writing and reading of it), without their per-shape
template parsing and per-property look-ups, which are most of a deck's build time
otherwise."""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable, Collection, Sequence
from typing import Any

from lxml import etree
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches

__all__ = [
    "A",
    "P",
    "add_table",
    "body_properties",
    "copied_shape",
    "column_widths",
    "grid",
    "insert_before",
    "place",
    "row_heights",
    "set_notes",
    "textbox",
    "write_words",
    "write_paragraphs",
]

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_ALIGN = {PP_ALIGN.LEFT: "l", PP_ALIGN.CENTER: "ctr", PP_ALIGN.RIGHT: "r",
          PP_ALIGN.JUSTIFY: "just"}  # fmt: skip
_ANCHOR = {MSO_ANCHOR.TOP: "t", MSO_ANCHOR.MIDDLE: "ctr", MSO_ANCHOR.BOTTOM: "b"}
_DEFAULT_INSET = (int(Inches(0.1)), int(Inches(0.05)))  # left/right, top/bottom


#: shapes python-pptx made once, by kind, copied for each new one (python-pptx parses its
#: template of a shape for every shape it adds)
_MADE: dict[str, Any] = {}


def copied_shape(slide: Any, kind: str, make: Callable[[], Any], label: str, left: int,
                 top: int, width: int, height: int) -> Any:  # fmt: skip
    """A new shape's element on ``slide``: a copy of the one ``make`` returns (made once per
    ``kind``), numbered, named ``label`` and its number, and placed as python-pptx's adders
    do."""
    made = _MADE.get(kind)
    if made is None:
        made = _MADE[kind] = make()
    sp = copy.deepcopy(made)
    shapes = slide.shapes
    shape_id = shapes._next_shape_id
    props = next(sp.iter(f"{P}cNvPr"))
    props.set("id", str(shape_id))
    props.set("name", f"{label} {shape_id - 1}")
    off, ext = next(sp.iter(f"{A}off")), next(sp.iter(f"{A}ext"))
    off.set("x", str(int(left)))
    off.set("y", str(int(top)))
    ext.set("cx", str(int(width)))
    ext.set("cy", str(int(height)))
    shapes._spTree.insert_element_before(sp, "p:extLst")
    return sp


def textbox(slide: Any, left: int, top: int, width: int, height: int) -> Any:
    """A new text box on ``slide``, as python-pptx's ``add_textbox`` adds it."""
    from pptx.oxml.shapes.autoshape import CT_Shape
    from pptx.shapes.autoshape import Shape

    sp = copied_shape(slide, "textbox", lambda: CT_Shape.new_textbox_sp(0, "", 0, 0, 0, 0),
                      "TextBox", left, top, width, height)  # fmt: skip
    return Shape(sp, slide.shapes)


_TABLE_NS = ('xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"')
_CELL = "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p/></a:txBody><a:tcPr/></a:tc>"


def add_table(
    slide: Any, rows: int, cols: int, left: int, top: int, width: int, height: int
) -> Any:
    """A new table on ``slide``, as python-pptx's ``add_table`` adds it (its default style,
    the width and height shared out, the last column and row taking what division leaves),
    written as one piece of XML rather than cell by cell."""
    from pptx.oxml import parse_xml

    shapes = slide.shapes
    shape_id = shapes._next_shape_id
    col_w, row_h = int(width) // cols, int(height) // rows
    widths = [col_w] * (cols - 1) + [int(width) - (cols - 1) * col_w]
    heights = [row_h] * (rows - 1) + [int(height) - (rows - 1) * row_h]
    grid_cols = "".join(f'<a:gridCol w="{w}"/>' for w in widths)
    trs = "".join(f'<a:tr h="{h}">{_CELL * cols}</a:tr>' for h in heights)
    frame = parse_xml(
        f'<p:graphicFrame {_TABLE_NS}><p:nvGraphicFramePr><p:cNvPr id="{shape_id}" '
        f'name="Table {shape_id - 1}"/><p:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/>'
        f'</p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x="{int(left)}" '
        f'y="{int(top)}"/><a:ext cx="{int(width)}" cy="{int(height)}"/></p:xfrm><a:graphic>'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl>'
        '<a:tblPr firstRow="1" bandRow="1"><a:tableStyleId>{5C22544A-7EE6-4342-B048-'
        f"85BDC9FD1C3A}}</a:tableStyleId></a:tblPr><a:tblGrid>{grid_cols}</a:tblGrid>{trs}"
        "</a:tbl></a:graphicData></a:graphic></p:graphicFrame>"
    )
    shapes._spTree.insert_element_before(frame, "p:extLst")
    return shapes._shape_factory(frame)


def place(shape_element: Any, box: Any) -> None:
    """A shape's position and size (``box``: left, top, width, height), as python-pptx's
    ``left``, ``top``, ``width`` and ``height`` setters write them: ``a:xfrm`` first in its
    ``spPr``, holding ``a:off`` then ``a:ext``."""
    sp_pr = shape_element.find(f"{P}spPr")
    xfrm = sp_pr.find(f"{A}xfrm")
    if xfrm is None:
        xfrm = etree.Element(f"{A}xfrm")
        sp_pr.insert(0, xfrm)
    off = xfrm.find(f"{A}off")
    if off is None:
        off = etree.Element(f"{A}off")
        xfrm.insert(0, off)
    ext = xfrm.find(f"{A}ext")
    if ext is None:
        ext = etree.Element(f"{A}ext")
        off.addnext(ext)
    off.set("x", str(int(box.left)))
    off.set("y", str(int(box.top)))
    ext.set("cx", str(int(box.width)))
    ext.set("cy", str(int(box.height)))


def write_paragraphs(
    body: Any, runs: Sequence[tuple[str, float, bool, bool | None, Any]], align: Any
) -> None:
    """Replace a text body's paragraphs with one paragraph per (text, size in pt, bold,
    italic or None to leave it unset, colour), aligned ``align``: the XML python-pptx
    writes, built directly (a deck holds tens of thousands of runs)."""
    for old in body.findall(f"{A}p"):
        body.remove(old)
    algn = _ALIGN.get(align, "l")
    for text, size, bold, italic, colour in runs:
        look = (algn, round(size * 100), bold, italic, str(colour))
        p = _PARAGRAPHS.get(look)
        if p is None:
            p = _PARAGRAPHS[look] = _paragraph(*look)
        p = copy.deepcopy(p)
        p[1][1].text = text
        body.append(p)


#: a paragraph of each look (alignment, size, bold, italic, colour), copied for the next
_PARAGRAPHS: dict[tuple[Any, ...], Any] = {}


def _paragraph(algn: str, size: int, bold: bool, italic: bool | None, colour: str) -> Any:
    p = etree.Element(f"{A}p")
    etree.SubElement(p, f"{A}pPr", algn=algn)
    r = etree.SubElement(p, f"{A}r")
    attrs = {"sz": str(size), "b": "1" if bold else "0"}
    if italic is not None:
        attrs["i"] = "1" if italic else "0"
    props = etree.SubElement(r, f"{A}rPr", attrs)
    solid = etree.SubElement(props, f"{A}solidFill")
    etree.SubElement(solid, f"{A}srgbClr", val=colour)
    etree.SubElement(r, f"{A}t")
    return p


def insert_before(parent: Any, elements: Sequence[Any], followers: Collection[str]) -> None:
    """``elements`` into ``parent`` where the schema puts them: before its first child named
    in ``followers`` (what comes after them), else last."""
    anchor = next((c for c in parent if c.tag in followers), None)
    for el in elements:
        if anchor is None:
            parent.append(el)
        else:
            anchor.addprevious(el)


def body_properties(body: Any, inset: int, anchor: Any) -> None:
    """Wrap at the box, no autofit, ``inset`` left and right (0.05 in top and bottom),
    anchored ``anchor``: as python-pptx's text frame setters write them."""
    pr = body.find(f"{A}bodyPr")
    pr.set("wrap", "square")
    for child in list(pr):
        if child.tag in (f"{A}noAutofit", f"{A}normAutofit", f"{A}spAutoFit"):
            pr.remove(child)
    for name, value, default in (("lIns", inset, _DEFAULT_INSET[0]),
                                 ("rIns", inset, _DEFAULT_INSET[0]),
                                 ("tIns", _DEFAULT_INSET[1], _DEFAULT_INSET[1]),
                                 ("bIns", _DEFAULT_INSET[1], _DEFAULT_INSET[1])):  # fmt: skip
        if value == default:
            pr.attrib.pop(name, None)
        else:
            pr.set(name, str(value))
    pr.set("anchor", _ANCHOR.get(anchor, "t"))


def grid(table: Any) -> list[list[Any]]:
    """A table's cells as their XML elements, row by row, for :func:`table_cell` (looking a
    cell up through python-pptx walks the table each time)."""
    return [list(tr.iterchildren(f"{A}tc")) for tr in table._tbl.iterchildren(f"{A}tr")]


def column_widths(table: Any, widths: Sequence[int]) -> None:
    """Set the columns' widths, and the table's frame to their sum, at once (python-pptx
    adds up every column's width after each one set)."""
    cols = list(table._tbl.find(f"{A}tblGrid").iterchildren(f"{A}gridCol"))
    for col, w in zip(cols, widths, strict=False):
        col.set("w", str(int(w)))
    table._graphic_frame.width = sum(int(col.get("w", "0")) for col in cols)


def row_heights(table: Any, heights: Sequence[int]) -> None:
    """Set the rows' heights, and the table's frame to their sum, at once (python-pptx
    re-adds every row's height after each one set)."""
    rows = list(table._tbl.iterchildren(f"{A}tr"))
    for tr, h in zip(rows, heights, strict=False):
        tr.set("h", str(int(h)))
    table._graphic_frame.height = sum(int(tr.get("h", "0")) for tr in rows)




_NOTES_TEMPLATES: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_NOTES_PART = "/ppt/notesSlides/notesSlide%d.xml"


def set_notes(slide: Any, text: str) -> None:
    """The slide's speaker notes, as ``slide.notes_slide.notes_text_frame.text = text``
    leaves them. The first notes page of a deck is made by python-pptx (from the notes
    master); the rest are copies of it (python-pptx clones the master's placeholders again
    for every page, a tenth of a deck's build time)."""
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.parts.slide import NotesSlidePart

    part = slide.part
    presentation = part.package.presentation_part
    cached = _NOTES_TEMPLATES.get(presentation)
    has_notes = any(rel.reltype == RT.NOTES_SLIDE for rel in part.rels.values())
    if has_notes or cached is None:
        notes = slide.notes_slide
        if cached is None and not has_notes:  # the master found once (a scan of every slide)
            master = weakref.ref(presentation.notes_master_part)  # weakly: not keep the deck
            _NOTES_TEMPLATES[presentation] = (copy.deepcopy(notes._element), master)
        notes.notes_text_frame.text = text
        return
    template, master_ref = cached
    master = master_ref()
    element = copy.deepcopy(template)
    notes_part = NotesSlidePart(
        part.package.next_partname(_NOTES_PART), CT.PML_NOTES_SLIDE, part.package, element
    )
    notes_part.relate_to(master, RT.NOTES_MASTER)
    notes_part.relate_to(part, RT.SLIDE)
    part.relate_to(notes_part, RT.NOTES_SLIDE)
    for sp in element.iter(f"{P}sp"):
        ph = next(sp.iter(f"{P}ph"), None)
        if ph is not None and ph.get("type") == "body":
            body = sp.find(f"{P}txBody")
            for old in body.findall(f"{A}p"):
                body.remove(old)
            for line in text.split("\n"):
                p = etree.SubElement(body, f"{A}p")
                if line:
                    etree.SubElement(etree.SubElement(p, f"{A}r"), f"{A}t").text = line
            return


def write_words(el: Any, text: str) -> None:
    """``text`` in a shape element's text body, a paragraph a line, each in the look of its
    first paragraph and run."""
    body = next(el.iter(f"{P}txBody"), None)
    paras = body.findall(_W_PARA) if body is not None else []
    if body is None or not paras:
        return
    first = paras[0]
    for p in paras:
        body.remove(p)
    for line in text.split("\n"):
        p = copy.deepcopy(first)
        runs = [c for c in p if c.tag in _W_RUNS]
        look = next((c for c in runs if c.tag == _W_RUN), None)
        for c in runs:
            p.remove(c)
        run = copy.deepcopy(look) if look is not None else etree.Element(_W_RUN)
        t = next(run.iterchildren(_W_T), None)
        if t is None:
            t = etree.SubElement(run, _W_T)
        t.text = line
        end = next(p.iterchildren(_W_END), None)
        if end is not None:
            end.addprevious(run)
        else:
            p.append(run)
        body.append(p)


_W_PARA, _W_RUN, _W_T, _W_END = (f"{A}p", f"{A}r", f"{A}t", f"{A}endParaRPr")
_W_RUNS = frozenset({_W_RUN, f"{A}br", f"{A}fld"})
