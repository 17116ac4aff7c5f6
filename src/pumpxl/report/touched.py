"""Whether people touched a page of last month's deck since pumpxl wrote it, read from its
XML (``pumpxl refresh``): every page's verdict (:func:`page_state`) is read before the deck is
opened (:mod:`pumpxl.report.old_deck`); a page people edited is refreshed around their edits
(:mod:`pumpxl.report.refresh_page`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

from lxml import etree

from pumpxl.report.looks import look_changed
from pumpxl.report.marks import (
    SHAPE_TAGS,
    SLIDE_ROLE,
    Mark,
    digest,
    element_text,
    is_title_element,
    read_mark,
    shape_props,
    tree_title,
)
from pumpxl.report.shapexml import stands_at, tree_digest
from pumpxl.report.table_merge import persons_looks, recorded

__all__ = [
    "CALCULATION",
    "CHARTS",
    "EDITED",
    "UNTOUCHED",
    "chart_frames",
    "edited_words",
    "marked_elements",
    "moved",
    "page_shapes",
    "page_state",
    "persons_page",
    "text_edited",
]


def marked_elements(tree: Any) -> Iterator[tuple[Any, Mark]]:
    """The shape elements of a slide's shape tree that pumpxl marked, with their marks,
    those a person grouped too (in their groups, looked into)."""
    for el in tree.iterchildren(*SHAPE_TAGS):
        props = shape_props(el)
        mark = read_mark(props.get("name", "")) if props is not None else None
        if mark is not None:
            yield el, mark
        elif el.tag == _GROUP:
            yield from marked_elements(el)


def page_shapes(tree: Any, key: str | None
                ) -> tuple[dict[str, tuple[Any, Mark]], list[tuple[Any, Mark]]]:  # fmt: skip
    """A page's shapes pumpxl marked (its shape tree; ``key``: the page's, None for a page a
    person made), not its marker: its own, by role (the first of each), and the copies a
    person made of pumpxl's shapes on it (pasted from another page, whose key they carry,
    or a second shape of a role: duplicated), in order."""
    own: dict[str, tuple[Any, Mark]] = {}
    copies = []
    for el, mark in marked_elements(tree):
        if mark.role == SLIDE_ROLE:
            continue
        if mark.slide == key and mark.role not in own:
            own[mark.role] = (el, mark)
        else:
            copies.append((el, mark))
    return own, copies


def text_edited(el: Any, mark: Mark) -> bool:
    """Whether a person changed the text pumpxl wrote in the shape (read from its XML)."""
    text = element_text(el)
    return bool(text or mark.digest) and digest(text) != mark.digest


def moved(el: Any, mark: Mark) -> bool:
    """Whether the shape stands elsewhere than its mark says it was put."""
    return bool(mark.get("g")) and not stands_at(el, mark.get("g"))


#: :func:`page_state`'s verdicts
UNTOUCHED, CHARTS, EDITED = "untouched", "charts", "edited"


def page_state(tree: Any, mark: Mark, manifest: dict[str, Any], *,
               chart: Callable[[Any], str | None], notes: Callable[[], str],
               marker: Any = None) -> str:  # fmt: skip
    """What happened to a page since pumpxl wrote it, read from its shape tree (``p:spTree``)
    with its ``mark`` and record (``manifest``; ``chart(frame)`` is the digest of the chart
    a graphic frame holds, None for none; ``notes()`` the page's speaker notes; ``marker``
    its marker's element, whose record's digest of the shape tree spares reading each shape
    of a page read back as written):
    :data:`UNTOUCHED` (nothing moved, edited, formatted, added or deleted); :data:`CHARTS`,
    nothing but the XML of its charts (formatted by a person, or written again by another
    program's save: PowerPoint and LibreOffice rewrite every chart they save), every chart
    where pumpxl put it; or :data:`EDITED`. Asked of every page of a deck being refreshed,
    before the deck is opened; a chart is read last, only for a page nothing else says was
    edited."""
    roles = set()
    if any(el.tag not in _TREE_CHILDREN for el in tree.iterchildren(etree.Element)):
        return EDITED  # a person's content PowerPoint wraps (an equation, ink, a 3-D model)
    same = marker is not None and bool(manifest.get("b")) and (
        tree_digest(tree, marker) == manifest["b"])  # (all its shapes as written: read no further)
    frames = []
    cells, looks = recorded(manifest, "cells"), recorded(manifest, "looks")  # (At a glance's)
    for el in tree.iterchildren(*SHAPE_TAGS):
        props = shape_props(el)
        if props is None:
            continue
        shape_mark = read_mark(props.get("name", ""))
        if shape_mark is None:
            if not is_title_element(el):
                return EDITED  # a person's shape
            continue
        if shape_mark.role == SLIDE_ROLE:
            continue
        if shape_mark.slide != mark.slide or shape_mark.role in roles:
            return EDITED  # a person's copy of pumpxl's shape (pasted, or duplicated)
        roles.add(shape_mark.role)
        if shape_mark.get("k") or (not same and moved(el, shape_mark)):
            return EDITED  # moved, or where a person moved it months ago
        if not same and (text_edited(el, shape_mark) or look_changed(el, shape_mark.get("f"))
                         or (shape_mark.role in looks and persons_looks(
                             el, cells.get(shape_mark.role), looks[shape_mark.role]))):
            return EDITED  # its words edited, or it (or cells of its table) formatted by a person
        if shape_mark.get("c"):
            frames.append((el, shape_mark))
    listed = manifest.get("roles")
    if listed is not None and set(listed) - {"title"} != roles - {"title"}:
        return EDITED  # a shape deleted
    if manifest.get("ours") or manifest.get("hush"):
        return EDITED  # speaker notes with a person's words above pumpxl's, or emptied
    if mark.digest and digest(tree_title(tree)) != mark.digest:
        return EDITED
    if manifest.get("notes"):
        text = notes()  # (a refresh wrote its calculation below a person's words: theirs)
        if digest(text) != manifest["notes"] or CALCULATION in text:
            return EDITED
    differ = [chart(el) != m.get("c") for el, m in frames]  # (each chart read)
    return CHARTS if any(differ) else UNTOUCHED


def chart_frames(own: Mapping[str, tuple[Any, Mark]]) -> dict[str, tuple[str, str]]:
    """The charts pumpxl drew on a page (``own``: its own shapes, as :func:`page_shapes`
    gives them), by role: each one's relationship id and the digest of its XML as pumpxl
    wrote it."""
    out = {}
    for el, mark in own.values():
        ref = next(el.iter(_CHART), None) if mark.get("c") else None
        if ref is not None:
            out[mark.role] = (str(ref.get(_RID, "")), mark.get("c"))
    return out


def persons_page(slide: Any, relationships: Collection[str]) -> bool:
    """Whether a person changed a page as a whole since pumpxl wrote it, read from its
    ``p:sld`` and the types of its relationships (an external one's too): hid it (or the
    master's graphics on it), gave it a transition, animations, a background or colours of
    its own, or comments, a link (on a shape or on words) or another part pumpxl never
    relates a page to.
    (LibreOffice's save gives every page an empty transition: none.)"""
    if slide.get("show") in ("0", "false") or slide.get("showMasterSp") in ("0", "false"):
        return True  # hidden, or the master's graphics hidden on it
    page = next(slide.iterchildren(f"{_P}cSld"), None)
    if page is not None and next(page.iterchildren(f"{_P}bg"), None) is not None:
        return True
    for el in slide.iterchildren(etree.Element):
        if el.tag in (f"{_P}cSld", f"{_P}extLst"):
            continue
        if el.tag == f"{_P}clrMapOvr":
            if next(el.iterchildren(f"{_A}masterClrMapping"), None) is None:
                return True
            continue
        inner = [c for alt in el for c in alt.iterchildren(etree.Element)] if (
            el.tag == _ALTERNATE) else [el]  # fmt: skip
        if any(c.tag != f"{_P}transition" or len(c) or c.get("advTm") is not None
               or c.get("advClick") in ("0", "false") for c in inner):  # fmt: skip
            return True
    if next(slide.iter(*_LINKS), None) is not None:
        return True  # a link (pumpxl writes none), with or without a relationship ("next slide")
    return any(not kind.endswith(_PAGE_PARTS) for kind in relationships)


def edited_words(own: Mapping[str, tuple[Any, Mark]], roles: Collection[str]) -> dict[str, str]:
    """The texts a person changed in a page's own shapes (``own``, as :func:`page_shapes`
    gives them) of ``roles``, by role."""
    return {mark.role: text for el, mark in own.values()
            if mark.role in roles and text_edited(el, mark)
            and (text := element_text(el))}  # fmt: skip


_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_GROUP = f"{_P}grpSp"
_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
_LINKS = (f"{_A}hlinkClick", f"{_A}hlinkHover", f"{_A}hlinkMouseOver")
#: the parts pumpxl relates a page to (the ends of their relationships' types)
_PAGE_PARTS = ("/slideLayout", "/notesSlide", "/chart", "/image")
_CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart"
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
#: what a shape tree holds besides its shapes (anything else is a person's)
_TREE_CHILDREN = frozenset({*SHAPE_TAGS, f"{_P}nvGrpSpPr", f"{_P}grpSpPr", f"{_P}extLst"})


#: what divides a person's speaker notes from the calculation a refresh puts below them
CALCULATION = "\n\npumpxl refresh, this month's calculation:\n"
