"""Marks that say which slides and shapes pumpxl wrote, and what it wrote in them, so that a
later run can refresh a deck people have edited (``pumpxl refresh``) and bring owners' words
back to the workbook (``pumpxl collect``).

A mark lives in a shape's name (``cNvPr/@name``), which LibreOffice and python-pptx keep on a
round trip (tested; LibreOffice drops alt text and the package's properties, and renames title
placeholders) and PowerPoint shows and keeps in its Selection Pane (not run here). A name
reads, after the shape's own readable name (what PowerPoint's Selection Pane shows)::

    TextBox 12 pumpxl:s=measure%3AM03;r=why;h=1f2e3d4c5b6a

``s`` is the slide's key (stable across months: ``measure:M03``, never the title, which people
change), ``r`` the shape's role on that slide, ``h`` the digest of the text pumpxl wrote there
(:func:`digest`), so an edit shows as a text whose digest no longer matches. Values are
percent-encoded, so ids may hold any character.

Every slide pumpxl writes also gets one hidden, empty shape (:func:`mark_slide`, role
``slide``) carrying the slide's key, the digest of its title (a title placeholder's own name
does not survive LibreOffice) and facts such as the measure id (``m``) and the period the page
reports (``p``, ISO date).

A shape's mark also holds where it stands (``g``, its offset and size in EMU, or a line's
ends: marks of version 1 held their digest), for a chart the digest of its XML (``c``) and
for another shape that of its look (``f``, :func:`pumpxl.report.looks.element_look`), so
that a move or a person's formatting shows (and each page's record the digest of all its
shapes as written, ``b``: a page read back the same was touched by nobody); a shape a
refresh kept where a person moved it says so (``k=1``): its place is theirs from then on,
month after month.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote

from lxml import etree

from pumpxl.report.looks import cell_looks, element_look
from pumpxl.report.shapexml import (
    SHAPE_TAGS,
    cell_digest,
    digest,
    element_chart_digest,
    element_geometry,
    element_text,
    is_title_element,
    notes_text,
    shape_props,
    shape_text,
    table_cells,
    tree_digest,
)
from pumpxl.report.xmlbits import textbox

__all__ = [
    "Mark", "PREFIX", "SHAPE_TAGS", "deck_manifest", "digest", "element_chart_digest",
    "element_geometry", "element_text", "is_title_element", "mark_shape", "mark_slide",
    "marker_element", "marker_manifest", "marked_shapes", "notes_text", "read_mark",
    "readable_name", "remarked", "seal", "shape_props", "shape_text", "slide_manifest",
    "write_manifest", "slide_mark", "title_text", "title_element", "tree_marker",
    "tree_page_title", "tree_title",
]  # fmt: skip

#: The version of the marks: a later pumpxl reads every earlier version.
VERSION = 2  # 2: places (``g``) as numbers, 1: as their digest

PREFIX = "pumpxl:"
#: The role of the hidden shape that marks a slide.
SLIDE_ROLE = "slide"


@dataclass(frozen=True)
class Mark:
    """What a shape's name says: the slide key, the role, the digest of the text pumpxl wrote
    (empty for shapes without text) and any other fields."""

    slide: str
    role: str
    digest: str = ""
    fields: Mapping[str, str] | None = None

    def get(self, name: str, default: str = "") -> str:
        return (self.fields or {}).get(name, default)


_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")


@functools.lru_cache(maxsize=4096)  # a slide's key and the roles recur on every page
def _quoted(value: str) -> str:
    return value if _PLAIN.fullmatch(value) else quote(value, safe="")


def remarked(name: str, **fields: str) -> str:
    """A shape's name with its mark's ``fields`` set (an empty value: dropped); a name
    without pumpxl's mark is returned as it is."""
    mark = read_mark(name)
    if mark is None:
        return name
    values = {"s": mark.slide, "r": mark.role}
    if mark.digest:
        values["h"] = mark.digest
    values.update(mark.fields or {})
    values.update(fields)
    return _encode(_label(name), {k: v for k, v in values.items() if v})


def _encode(label: str, fields: Mapping[str, str]) -> str:
    mark = PREFIX + ";".join(f"{k}={_quoted(str(v))}" for k, v in fields.items())
    return f"{label} {mark}" if label else mark


def read_mark(name: str | None) -> Mark | None:
    """The mark in a shape's name, or None when the name is not pumpxl's."""
    at = name.rfind(PREFIX) if name else -1
    if name is None or at < 0 or (at and name[at - 1] != " "):
        return None
    return _read(name[at + len(PREFIX) :])


@functools.lru_cache(maxsize=65_536)  # a refresh asks again of pages' markers
def _read(mark: str) -> Mark | None:
    fields: dict[str, str] = {}
    for part in mark.split(";"):
        key, sep, value = part.partition("=")
        if not sep or not key.isalpha() or not key.islower():
            return None
        fields[key] = _unquoted(value) if "%" in value else value
    if "s" not in fields or "r" not in fields:
        return None
    slide, role, h = fields.pop("s"), fields.pop("r"), fields.pop("h", "")
    return Mark(slide, role, h, MappingProxyType(fields))


@functools.lru_cache(maxsize=4096)  # slide keys and roles recur on every shape
def _unquoted(value: str) -> str:
    return unquote(value)


def mark_shape(shape: Any, slide: str, role: str, *, text: str | None = None,
               **fields: str) -> None:  # fmt: skip
    """Name ``shape`` as pumpxl's, with the digest of ``text`` (its own text when not given
    and it has a text frame). Its readable name stays in front."""
    props = _props(shape._element)
    label = _label(props.get("name", ""))
    if text is None:
        text = element_text(shape._element)
    values = {"s": slide, "r": role}
    if text:
        values["h"] = digest(text)
    values.update({k: v for k, v in fields.items() if v})
    props.set("name", _encode(label, values))


def _props(el: Any) -> Any:
    """The ``p:cNvPr`` of a shape pumpxl made (every shape has one)."""
    props = shape_props(el)
    assert props is not None
    return props


def _label(name: str) -> str:
    """A shape's readable name, without any mark it already holds."""
    at = name.rfind(PREFIX)
    return (name[:at] if at >= 0 else name).strip()


def mark_slide(slide: Any, key: str, *, title: str = "", **fields: str) -> Any:
    """Add the hidden shape that marks ``slide`` as pumpxl's page ``key``, with the digest of
    its ``title`` and ``fields`` (``m`` measure id, ``p`` period...). Returns the shape."""
    shape = textbox(slide, 0, 0, 1, 1)
    values = {"s": key, "r": SLIDE_ROLE}
    if title:
        values["h"] = digest(title)
    values.update({k: v for k, v in fields.items() if v})
    props = _props(shape._element)
    props.set("name", _encode("pumpxl page", values))
    props.set("hidden", "1")
    return shape


def marked_shapes(slide: Any) -> Iterator[tuple[Any, Mark]]:
    """Each of a slide's shapes that pumpxl marked, with its mark (groups looked into)."""
    stack = list(slide.shapes)
    while stack:
        shape = stack.pop(0)
        mark = read_mark(shape.name)
        if mark is not None:
            yield shape, mark
        if getattr(shape, "shape_type", None) == 6:  # a group: its shapes too
            stack[:0] = list(shape.shapes)


_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_MARKER = f"r={SLIDE_ROLE}"


def marker_element(slide: Any) -> tuple[Any, Mark] | None:
    """The hidden marker's XML element and mark, read from the slide's XML directly (no
    shape objects: this is asked of every slide, often)."""
    return tree_marker(slide.shapes._spTree)


def tree_marker(tree: Any) -> tuple[Any, Mark] | None:
    """:func:`marker_element` of a slide's shape tree (``p:spTree``) as parsed from its part."""
    for el in tree.iterchildren(f"{_P}sp"):
        props = shape_props(el)
        name = props.get("name", "") if props is not None else ""
        if _MARKER in name:
            mark = read_mark(name)
            if mark is not None and mark.role == SLIDE_ROLE:
                return el, mark
    return None


def slide_mark(slide: Any) -> Mark | None:
    """The mark of a slide pumpxl wrote (from its hidden marker shape), or None."""
    found = marker_element(slide)
    return found[1] if found is not None else None


def slide_manifest(slide: Any) -> dict[str, Any]:
    """What pumpxl recorded on a slide when it wrote it (its marker's hidden text): the
    roles of its shapes, the digest of its notes and, on the title slide, the deck's keys."""
    found = marker_element(slide)
    return marker_manifest(found[0]) if found is not None else {}


def marker_manifest(marker: Any) -> dict[str, Any]:
    """:func:`slide_manifest` from the slide's marker element."""
    text = "".join(t.text or "" for t in marker.iter("{*}t"))
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def deck_manifest(prs: Any) -> dict[str, Any]:
    """The deck's record, from its title slide (or any page that carries it): its slide
    keys in order, audience, template and icons; {} when no slide carries it."""
    for slide in prs.slides:
        data = slide_manifest(slide)
        if "slides" in data:
            return data
    return {}


def readable_name(name: str) -> str:
    """A shape's name without pumpxl's mark: what PowerPoint's Selection Pane shows first."""
    return _label(name)


def title_text(slide: Any) -> str:
    """The text of the slide's title placeholder, or of the shape pumpxl marked as the
    title ("" without either). Read from the XML."""
    return tree_title(slide.shapes._spTree)


def tree_title(tree: Any) -> str:
    """:func:`title_text` of a slide's shape tree (``p:spTree``)."""
    el = title_element(tree)
    return element_text(el) if el is not None else ""


def title_element(tree: Any) -> Any | None:
    """A slide's title placeholder in its shape tree, else the shape pumpxl marked as its
    title (None without either)."""
    shapes = list(tree.iterchildren(*SHAPE_TAGS))
    found = next((el for el in shapes if is_title_element(el)), None)
    if found is not None:
        return found
    for el in shapes:
        props = shape_props(el)
        mark = read_mark(props.get("name", "")) if props is not None else None
        if mark is not None and mark.role == "title":
            return el
    return None


def tree_page_title(tree: Any) -> str:
    """A page's title as a person reads it (line breaks as python-pptx gives them, vertical
    tabs); for a page without one (a person's), its first line of text."""
    el = title_element(tree)
    if el is not None:
        return element_text(el, "\v")
    texts = (element_text(el, "\v") for el in tree.iterchildren(*SHAPE_TAGS)
             if el.tag != _GROUP)  # fmt: skip
    return next((t for t in texts if t.strip()), "").strip().split("\n")[0][:60]


_GROUP, _FRAME = f"{_P}grpSp", f"{_P}graphicFrame"
_LOOKED = (f"{_P}sp", f"{_P}cxnSp")  # (shapes whose look a mark records)


def seal(prs: Any, *, slides: list[Any] | None = None, order: list[str] | None = None,
         **deck: str) -> None:  # fmt: skip
    """Finish a deck's marks: every shape on a marked slide gets a role (its readable name
    and its place among shapes of that name, where the builder gave none), the digest of
    where it stands (and, for a chart, of its XML, for another shape of its look); each
    marker records its slide's roles, notes and the digest of its shapes as written (At a
    glance's, also what each cell of its table says and how it looks); the title slide's
    (and the first pages') the deck's keys in order and ``deck`` (audience, template...).
    Only ``slides`` when given (the rest of a deck being refreshed is as people left it);
    ``order``, when given, is the deck's page keys in order (with pages a refresh kept as
    they stand, which are not sealed again). Works on the slides' XML: every shape of every
    slide passes here."""
    keys = []
    carriers = []
    for slide in prs.slides if slides is None else slides:
        found = marker_element(slide)
        if found is None:
            continue
        marker, smark = found
        keys.append(smark.slide)
        seen: Counter[str] = Counter()
        roles = []
        cells: dict[str, list[list[str]]] = {}  # what pumpxl wrote in each cell of its tables
        looks: dict[str, list[list[str]]] = {}
        for el in slide.shapes._spTree.iterchildren(*SHAPE_TAGS):
            if el is marker:
                continue
            props = shape_props(el)
            if props is None:
                continue
            name = props.get("name", "")
            mark = read_mark(name)
            if mark is None:
                label = re.sub(r"\s+\d+$", "", _label(name)) or "shape"
                seen[label] += 1
                role = "title" if is_title_element(el) else f"{label}#{seen[label]}"
                fields = {"s": smark.slide, "r": role}
                text = element_text(el)
                if text:
                    fields["h"] = digest(text)
            else:
                fields = {"s": mark.slide, "r": mark.role}
                if mark.digest:
                    fields["h"] = mark.digest
                fields.update(dict(mark.fields or {}))
            fields["g"] = element_geometry(el)
            chart = element_chart_digest(slide, el)
            if chart is not None:
                fields["c"] = chart
            elif el.tag in _LOOKED:
                fields["f"] = element_look(el)
            elif el.tag == _FRAME and smark.slide.startswith("glance") and (
                    table := table_cells(el)):  # (At a glance's, told cell by cell)
                cells[fields["r"]] = [[cell_digest(t) for t in row] for row in table]
                looks[fields["r"]] = cell_looks(el)  # (and how each looks)
            props.set("name", _encode(_label(name), fields))
            roles.append(fields["r"])
        title = title_text(slide)  # as it stands now: a page retitled after it was marked
        if title and digest(title) != smark.digest:  # ("At a glance (1 of 3)") says so
            props = _props(marker)
            values = {"s": smark.slide, "r": SLIDE_ROLE, "h": digest(title),
                      **dict(smark.fields or {})}  # fmt: skip
            props.set("name", _encode(_label(props.get("name", "")), values))
        manifest: dict[str, Any] = {"v": VERSION, "roles": roles,
                                    "notes": digest(notes_text(slide)),
                                    "l": slide.slide_layout.name,
                                    "b": tree_digest(slide.shapes._spTree, marker)}  # fmt: skip
        if cells:
            manifest["cells"], manifest["looks"] = cells, looks
        write_manifest(marker, manifest)
        if smark.slide in ("title", "attention", "glance"):
            carriers.append((marker, manifest))
    for marker, manifest in carriers:  # the deck's record, on the first pages
        write_manifest(marker, {**manifest, "slides": keys if order is None else order, **deck})


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def write_manifest(marker: Any, manifest: dict[str, Any]) -> None:
    """The marker's text as the manifest's JSON: one paragraph of one run (what python-pptx's
    ``text_frame.text`` writes; JSON holds no line breaks or control characters)."""
    body = marker.find(f"{_P}txBody")
    for p in body.findall(f"{_A}p"):
        body.remove(p)
    run = etree.SubElement(etree.SubElement(body, f"{_A}p"), f"{_A}r")
    etree.SubElement(run, f"{_A}t").text = json.dumps(manifest, separators=(",", ":"))
