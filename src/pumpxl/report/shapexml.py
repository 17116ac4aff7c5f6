"""Reading what a slide's shapes hold, from their XML (marks and refresh ask it of every shape
of every slide): text as paragraphs, where a shape stands, a chart's XML, the title
placeholder, the speaker notes; and the digest pumpxl compares texts by."""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from lxml import etree

__all__ = [
    "SHAPE_TAGS",
    "PLACE_TOLERANCE",
    "cell_digest",
    "cell_text",
    "digest",
    "element_chart_digest",
    "element_geometry",
    "element_text",
    "first_child",
    "is_title_element",
    "notes_page_text",
    "notes_text",
    "placeholder",
    "set_shape_name",
    "shape_name",
    "shape_props",
    "shape_xfrm",
    "stands_at",
    "shape_text",
    "table_cells",
    "tree_digest",
    "written_form",
    "written_here",
    "xml_digest",
]

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _normal(text: str) -> str:
    """Text as compared: line endings and vertical tabs (PowerPoint's soft line break in
    exported text) as newlines, trailing spaces of each line and surrounding blank lines
    dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def digest(text: str) -> str:
    """A short digest of ``text`` as pumpxl compares it (line endings and trailing spaces do
    not count; anything a person would see does)."""
    return hashlib.sha256(_normal(text).encode("utf-8")).hexdigest()[:12]


def cell_digest(text: str) -> str:
    """The digest a page's record keeps of what pumpxl wrote in a table's cell (shorter than
    a shape's: a table has many cells)."""
    return digest(text)[:8]


def shape_text(shape: Any) -> str:
    """A shape's text, paragraphs joined by newlines; a table's cells by tabs and rows by
    newlines ("" for a shape without text)."""
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        return "\n".join(p.text for p in shape.text_frame.paragraphs)
    if getattr(shape, "has_table", False) and shape.has_table:
        return "\n".join("\t".join(c.text for c in row.cells) for row in shape.table.rows)
    return ""


def element_geometry(el: Any) -> str:
    """Where a shape element stands, as its mark records it (``g``): its offset and size in
    EMU, ``x.y.cx.cy`` (a line: its two ends, as its flips place them)."""
    return ".".join(map(str, _place(el)))


def stands_at(el: Any, recorded: str) -> bool:
    """Whether a shape element stands where a mark's ``g`` recorded it: each number within
    a tenth of a millimetre (LibreOffice's save moves every shape by up to about 500 EMU, a
    hundredth of that; a person's nudge is a pixel, 9,525 EMU, or more). A mark written
    before places were recorded as numbers holds their digest, compared exactly."""
    place = _place(el)
    if "." not in recorded:  # the digest of the numbers (marks of version 1)
        return _digest_of_place(place) == recorded
    try:
        numbers = tuple(int(n) for n in recorded.split("."))
    except ValueError:
        return False
    return len(numbers) == len(place) and all(
        abs(a - b) <= PLACE_TOLERANCE for a, b in zip(numbers, place, strict=True))


#: EMU: how far another program's save may move a shape without the move counting as a
#: person's (a tenth of a millimetre)
PLACE_TOLERANCE = 3600


def _place(el: Any) -> tuple[int, int, int, int]:
    xfrm = shape_xfrm(el)
    off = ext = None
    if xfrm is not None:
        for child in xfrm.iterchildren(f"{_A}off", f"{_A}ext"):
            if child.tag == f"{_A}off":
                off = off if off is not None else child
            else:
                ext = ext if ext is not None else child
    flips = None
    if el.tag == f"{_P}cxnSp" and xfrm is not None:
        flips = (xfrm.get("flipH") in ("1", "true"), xfrm.get("flipV") in ("1", "true"))
    return _numbers(off.get("x", "0") if off is not None else "0",
                    off.get("y", "0") if off is not None else "0",
                    ext.get("cx", "0") if ext is not None else "0",
                    ext.get("cy", "0") if ext is not None else "0", flips)  # fmt: skip


@functools.lru_cache(maxsize=65_536)  # pages of a deck put their shapes at the same places
def _numbers(x_: str, y_: str, cx_: str, cy_: str, flips: tuple[bool, bool] | None
             ) -> tuple[int, int, int, int]:  # fmt: skip
    x, y, cx, cy = int(x_), int(y_), int(cx_), int(cy_)
    if flips is not None:  # a line: its two ends, as its flips place them
        flip_h, flip_v = flips
        return (x + (cx if flip_h else 0), y + (cy if flip_v else 0),
                x + (0 if flip_h else cx), y + (0 if flip_v else cy))  # fmt: skip
    return (x, y, cx, cy)


def _digest_of_place(place: tuple[int, int, int, int]) -> str:
    """What marks of version 1 recorded as ``g``: :func:`digest` of the numbers."""
    return hashlib.sha256(",".join(map(str, place)).encode()).hexdigest()[:8]


def shape_xfrm(el: Any) -> Any | None:
    """A shape element's transform (where it stands): a graphic frame's own ``p:xfrm``, a
    group's in its ``p:grpSpPr``, any other shape's in its ``p:spPr``; for a kind of shape
    DrawingML does not place so, the first transform inside it."""
    tag = el.tag
    if tag == _FRAME:
        return first_child(el, _PXFRM)
    if tag in _PLACED_BY_PROPERTIES:
        props = first_child(el, _GROUP_PROPS if tag == _GROUP else _SHAPE_PROPS)
        return first_child(props, _AXFRM) if props is not None else None
    return next(el.iter(_AXFRM, _PXFRM), None)


def first_child(el: Any, tag: str) -> Any | None:
    """``el``'s first child element named ``tag`` (lxml's ``find`` goes through ElementPath,
    several times slower; this is asked of every shape of every page)."""
    return next(el.iterchildren(tag), None)


def shape_props(el: Any) -> Any | None:
    """A shape element's ``p:cNvPr`` (its id and name, where pumpxl's mark lives): the first
    child of its first child, as DrawingML places it (else the first one inside it)."""
    if len(el):
        first = el[0]
        if len(first):
            props = first[0]
            if props.tag == _CNVPR:
                return props
    return next(el.iter(_CNVPR), None)


def shape_name(el: Any) -> str:
    """A shape element's name (where pumpxl's mark lives; "" without a ``p:cNvPr``)."""
    props = shape_props(el)
    return str(props.get("name", "")) if props is not None else ""


def set_shape_name(el: Any, name: str) -> None:
    props = shape_props(el)
    if props is not None:
        props.set("name", name)


_FRAME, _GROUP, _CNVPR = f"{_P}graphicFrame", f"{_P}grpSp", f"{_P}cNvPr"
_PLACED_BY_PROPERTIES = frozenset(f"{_P}{t}" for t in ("sp", "pic", "cxnSp", "grpSp"))
_SHAPE_PROPS, _GROUP_PROPS = f"{_P}spPr", f"{_P}grpSpPr"
_AXFRM, _PXFRM = f"{_A}xfrm", f"{_P}xfrm"


def element_text(el: Any, breaks: str = "\n") -> str:
    """:func:`shape_text` of a shape's XML element: paragraphs by newlines (line breaks as
    ``breaks``: newlines, or python-pptx's vertical tabs); a table's cells by tabs and rows
    by newlines."""
    if el.tag != _SHAPE and next(el.iter(_ROW), None) is not None:  # a table
        return "\n".join("\t".join(row) for row in table_cells(el, breaks))
    return _body_text(next(el.iter(f"{_P}txBody"), None), breaks)


def cell_text(tc: Any) -> str:
    """A table cell's words (``a:tc``), paragraphs by newlines."""
    return _body_text(first_child(tc, _CELL_BODY))


def table_cells(el: Any, breaks: str = "\n") -> list[list[str]]:
    """The text of each cell of the table a shape element holds, row by row (paragraphs by
    newlines, line breaks as ``breaks``), in one pass; [] for a shape without a table."""
    rows: list[list[list[list[str]]]] = []
    for node in el.iter(_ROW, _CELL, _PARA, _TEXT, _BREAK):
        tag = node.tag
        if tag == _ROW:
            rows.append([])
        elif tag == _CELL:
            if rows:
                rows[-1].append([])
        elif tag == _PARA:
            if rows and rows[-1]:
                rows[-1][-1].append([])
        elif rows and rows[-1] and rows[-1][-1]:
            rows[-1][-1][-1].append(breaks if tag == _BREAK else node.text or "")
    return [["\n".join("".join(p) for p in cell) for cell in row] for row in rows]


_PARA, _TEXT, _BREAK = f"{_A}p", f"{_A}t", f"{_A}br"
_SHAPE, _ROW, _CELL = f"{_P}sp", f"{_A}tr", f"{_A}tc"
_CELL_BODY = f"{_A}txBody"


def _body_text(body: Any, breaks: str = "\n") -> str:
    """A text body's paragraphs by newlines: each its runs' and fields' text (``a:t``, which
    DrawingML holds in those only) and line breaks, in one pass over the body."""
    if body is None:
        return ""
    paras: list[list[str]] = []
    for el in body.iter(_PARA, _TEXT, _BREAK):
        if el.tag == _PARA:
            paras.append([])
        elif paras:
            paras[-1].append(breaks if el.tag == _BREAK else el.text or "")
    return "\n".join("".join(parts) for parts in paras)


_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: The elements of a slide's shape tree that are shapes (its first two are its own).
SHAPE_TAGS = tuple(f"{_P}{t}" for t in ("sp", "pic", "graphicFrame", "grpSp", "cxnSp",
                                         "contentPart"))  # fmt: skip


_NOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide"


def notes_text(slide: Any, breaks: str = "\n") -> str:
    """The slide's speaker notes (the notes page's body placeholder), as python-pptx's
    ``notes_text_frame.text`` gives them (its line breaks as ``breaks``: python-pptx gives
    vertical tabs); "" without notes. Read from the XML."""
    for rel in slide.part.rels.values():
        if rel.reltype == _NOTES:
            return notes_page_text(rel.target_part._element, breaks)
    return ""


def notes_page_text(notes: Any, breaks: str = "\n") -> str:
    """:func:`notes_text` from the notes page's XML (its ``p:notes`` element)."""
    for el in notes.iter(f"{_P}sp"):
        ph = placeholder(el)
        if ph is not None and ph.get("type") == "body":
            return element_text(el, breaks)
    return ""


def element_chart_digest(slide: Any, el: Any) -> str | None:
    """:func:`xml_digest` of the chart a graphic frame element holds (None: no chart)."""
    chart = next(el.iter(f"{_C}chart"), None)
    if chart is None:
        return None
    part = slide.part.related_part(chart.get(f"{_R}id"))
    written = getattr(part, "written_xml", None)  # a chart pumpxl wrote, not yet parsed
    xml = written() if written is not None else None
    if xml is None:
        xml = etree.tostring(part._element)
    return xml_digest(xml)


#: the declaration python-pptx (and pumpxl) write at the head of a part
_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def written_here(blob: bytes) -> bool:
    """Whether a part's bytes are as python-pptx (and pumpxl) write them, by their
    declaration: another program's save (PowerPoint's, LibreOffice's) writes its own."""
    return blob.startswith(_DECLARATION)


def written_form(blob: bytes) -> bytes | None:
    """A part's XML as ``etree.tostring`` gives it once parsed (without its declaration,
    characters beyond ASCII as numbered references), read from the bytes python-pptx or
    pumpxl wrote; None for a part another program wrote (it must be parsed)."""
    if not written_here(blob):
        return None
    xml = blob[len(_DECLARATION) :]
    return xml if xml.isascii() else xml.decode().encode("ascii", "xmlcharrefreplace")


def tree_digest(tree: Any, marker: Any) -> str:
    """The digest of a page's shape tree (``p:spTree``) as lxml writes it, but for the page's
    marker (``marker``: its record holds the digest): a page nobody touched, read back from
    a deck pumpxl or python-pptx saved, gives it again (one another program saved does not,
    nor one a refresh changed after recording it: those are read shape by shape)."""
    at = tree.index(marker)
    tree.remove(marker)
    try:
        return hashlib.sha256(etree.tostring(tree)).hexdigest()[:12]
    finally:
        tree.insert(at, marker)


def xml_digest(xml: bytes) -> str:
    """A digest of a chart's XML: in its :func:`written_form` where python-pptx or pumpxl
    wrote it (a person's formatting changes it), else of the bytes another program wrote
    (never as pumpxl wrote it: that program's save rewrote the chart)."""
    return hashlib.sha256(xml).hexdigest()[:12]


def is_title_element(el: Any) -> bool:
    """Whether a shape element is the slide's title placeholder (placeholder index 0): its
    ``p:ph``, where python-pptx looks for it (its first child's ``p:nvPr``)."""
    ph = placeholder(el)
    return ph is not None and ph.get("idx", "0") == "0"


def placeholder(el: Any) -> Any | None:
    """A shape element's ``p:ph`` (None: not a placeholder), where python-pptx reads it
    (``./*[1]/p:nvPr/p:ph``)."""
    if not len(el):
        return None
    props = first_child(el[0], _NVPR)
    return first_child(props, _PH) if props is not None else None


_NVPR, _PH = f"{_P}nvPr", f"{_P}ph"
