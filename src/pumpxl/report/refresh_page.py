"""One page of a deck being refreshed (``pumpxl refresh``, :mod:`pumpxl.report.refresh`):
whether nobody touched it since pumpxl wrote it, and, for a page people edited, each of
pumpxl's shapes on it refreshed from this month's page unless a person changed it (texts
rewritten, a person's words kept with this month's draft in the notes, charts given the new
data in place, a moved chart's labels following it, deleted shapes left deleted)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pptx.shapes.shapetree import BaseShapeFactory

from pumpxl.report.chart_merge import merge_chart
from pumpxl.report.marks import (
    SHAPE_TAGS,
    SLIDE_ROLE,
    Mark,
    digest,
    element_chart_digest,
    element_geometry,
    element_text,
    geometry_digest,
    is_title_element,
    marker_element,
    notes_text,
    read_mark,
    shape_text,
    title_element,
    tree_page_title,
    tree_title,
)

__all__ = ["Kept", "Page", "RefreshReport", "page_title", "refresh_page", "untouched"]

ANSWERS = {"happening": "What is happening", "why": "Why", "action": "What we are doing"}


@dataclass(frozen=True)
class Kept:
    """One thing a person did that the refresh kept (or a page it added, marked...): the
    slide number in the result, the page's title, and what."""

    slide: int
    page: str
    what: str

    def __str__(self) -> str:
        return f"slide {self.slide} ({self.page}): {self.what}"


@dataclass
class RefreshReport:
    """What the refresh did, for the person: pages replaced as pumpxl builds them, pages
    refreshed around people's edits (with each edit kept), pages added, kept and marked,
    left deleted, and people's own pages kept."""

    replaced: int = 0
    refreshed: int = 0
    kept: list[Kept] = field(default_factory=list)
    added: list[Kept] = field(default_factory=list)
    retired: list[Kept] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    own: list[Kept] = field(default_factory=list)
    charts: int = 0


@dataclass
class Page:
    slide: Any
    mark: Mark
    manifest: dict[str, Any]


def _title_shape(slide: Any) -> Any | None:
    """The slide's title placeholder, else the shape pumpxl marked as its title (found in
    the slide's XML: a shape object is made for it only)."""
    element = title_element(slide.shapes._spTree)
    return _shape(slide, element) if element is not None else None


def page_title(slide: Any) -> str:
    """A slide's title; for a person's page without one, its first line of text."""
    return tree_page_title(slide.shapes._spTree)


def _marked_elements(tree: Any) -> Iterator[tuple[Any, Mark]]:
    """The shape elements of a slide's shape tree that pumpxl marked, with their marks."""
    for el in tree.iterchildren(*SHAPE_TAGS):
        props = next(el.iter(_CNVPR), None)
        mark = read_mark(props.get("name", "")) if props is not None else None
        if mark is not None:
            yield el, mark


def _shapes(slide: Any) -> dict[str, tuple[Any, Mark]]:
    """A slide's shapes pumpxl marked, by role (found in the slide's XML: shape objects are
    made for those only)."""
    return {mark.role: (_shape(slide, el), mark)
            for el, mark in _marked_elements(slide.shapes._spTree)
            if mark.role != SLIDE_ROLE}  # fmt: skip


def _shape(slide: Any, el: Any) -> Any:
    """python-pptx's shape object for one of the slide's shape elements. Its factory asks by
    XPath whether the shape is a placeholder (its first child's ``p:nvPr/p:ph``), the most
    costly step of reading an edited page; asked here of the elements directly."""
    first = el[0] if len(el) else None
    props = first.find(f"{_P}nvPr") if first is not None else None
    if props is not None and props.find(f"{_P}ph") is not None:
        return slide.shapes._shape_factory(el)
    return BaseShapeFactory(el, slide.shapes)


def _text_edited(shape: Any, mark: Mark) -> bool:
    """Whether a person changed the text pumpxl wrote in the shape (read from its XML)."""
    text = element_text(shape._element)
    return bool(text or mark.digest) and digest(text) != mark.digest


def _moved(shape: Any, mark: Mark) -> bool:
    return bool(mark.get("g")) and geometry_digest(shape) != mark.get("g")


def _chart_edited(slide: Any, shape: Any, mark: Mark) -> bool:
    """Whether a person changed the chart since pumpxl wrote it (compared by its bytes while
    nothing has parsed it)."""
    return bool(mark.get("c")) and element_chart_digest(slide, shape._element) != mark.get("c")


def _notes(slide: Any) -> str:
    """The slide's speaker notes as python-pptx reads and writes them (line breaks as
    vertical tabs), read from the XML."""
    return notes_text(slide, breaks="\v")


def untouched(tree: Any, mark: Mark, manifest: dict[str, Any], *,
              chart: Callable[[Any], str | None], notes: Callable[[], str]) -> bool:  # fmt: skip
    """Whether nobody changed a page since pumpxl wrote it, read from its shape tree
    (``p:spTree``) with its ``mark`` and record (``manifest``): ``chart(frame)`` is the
    digest of the chart a graphic frame holds (None: none), ``notes()`` the page's speaker
    notes. Asked of every page of a deck being refreshed, before the deck is opened."""
    roles = set()
    for el in tree.iterchildren(*SHAPE_TAGS):
        props = next(el.iter(_CNVPR), None)
        if props is None:
            continue
        shape_mark = read_mark(props.get("name", ""))
        if shape_mark is None:
            if not is_title_element(el):
                return False  # a person's shape
            continue
        if shape_mark.role == SLIDE_ROLE:
            continue
        roles.add(shape_mark.role)
        if shape_mark.get("g") and element_geometry(el) != shape_mark.get("g"):
            return False
        text = element_text(el)
        if (text or shape_mark.digest) and digest(text) != shape_mark.digest:
            return False
        if shape_mark.get("c") and chart(el) != shape_mark.get("c"):
            return False
    listed = manifest.get("roles")
    if listed is not None and set(listed) - {"title"} != roles - {"title"}:
        return False  # a shape deleted
    if mark.digest and digest(tree_title(tree)) != mark.digest:
        return False
    return not (manifest.get("notes") and digest(notes()) != manifest["notes"])


_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_CNVPR = f"{_P}cNvPr"


def _geometry(dst: Any, src: Any) -> None:
    """``src``'s place and size on ``dst`` (same kind of shape)."""
    if hasattr(src, "begin_x"):
        dst.begin_x, dst.begin_y, dst.end_x, dst.end_y = (
            src.begin_x, src.begin_y, src.end_x, src.end_y
        )  # fmt: skip
    else:
        dst.left, dst.top, dst.width, dst.height = src.left, src.top, src.width, src.height


def _replace_element(old: Any, new: Any) -> Any:
    """``new``'s XML in ``old``'s place on its slide (no relationships: text, tables, lines)."""
    element = copy.deepcopy(new._element)
    element.find(".//" + "{*}cNvPr").set("id", old._element.find(".//{*}cNvPr").get("id"))
    old._element.getparent().replace(old._element, element)
    return element


def _set_name(shape_element: Any, name: str) -> None:
    shape_element.find(".//{*}cNvPr").set("name", name)


def refresh_page(old: Page, new: Page, number: int, report: RefreshReport) -> None:
    """Refresh an edited page in place from this month's ``new`` page (see the module)."""
    slide, fresh = old.slide, new.slide
    page = page_title(slide) or old.mark.slide
    if old.mark.get("m") and old.mark.get("m") not in page:
        page += f", measure {old.mark.get('m')}"
    mine = _shapes(slide)
    theirs = _shapes(fresh)
    had = set(old.manifest.get("roles") or mine)
    # the title
    title, fresh_title = _title_shape(slide), _title_shape(fresh)
    if title is not None and fresh_title is not None:
        if not old.mark.digest or digest(shape_text(title)) == old.mark.digest:
            _copy_text(title, fresh_title)
        else:
            report.kept.append(Kept(number, page, f"your title {shape_text(title)!r}"))
    drafts: list[str] = []
    # a chart a person moved or resized takes the shapes drawn over it along
    move = _chart_move(mine, theirs)
    for role, (shape, mark) in mine.items():
        if role == "title":
            continue
        pair = theirs.get(role)
        if pair is None:  # pumpxl no longer draws it
            if _moved(shape, mark) or _text_edited(shape, mark):
                report.kept.append(Kept(number, page, f"your {_what(role)} (pumpxl no longer "
                                                      "draws it)"))  # fmt: skip
            else:
                shape._element.getparent().remove(shape._element)
            continue
        src = pair[0]
        if getattr(shape, "has_chart", False) and shape.has_chart:
            if src.has_chart:
                merge_chart(shape.chart_part, src.chart_part,
                            as_written=not _chart_edited(slide, shape, mark))  # fmt: skip
                report.charts += 1
                if not _moved(shape, mark):
                    _geometry(shape, src)
                _set_name(shape._element, _renamed(src, shape, moved=_moved(shape, mark)))
            continue
        if _text_edited(shape, mark):
            report.kept.append(Kept(number, page, f"your words in {_what(role)}"
                                    + ("; this month's draft is in the speaker notes"
                                       if role in ANSWERS else "")))  # fmt: skip
            if role in ANSWERS:
                drafts.append(f"{ANSWERS[role]}: {shape_text(src)}")
            continue
        moved = _moved(shape, mark)
        if moved:  # the person's place, this month's content
            left, top, width, height = shape.left, shape.top, shape.width, shape.height
        element = _replace_element(shape, src)
        if not moved and move is not None and role.startswith(ON_CHART):
            _follow(_shape(slide, element), move)
        if moved:
            replaced = _shape(slide, element)
            if hasattr(replaced, "begin_x"):
                pass  # a line a person moved: this month's line, where pumpxl draws it
            else:
                replaced.left, replaced.top, replaced.width, replaced.height = (
                    left, top, width, height
                )  # fmt: skip
            _set_name(element, _renamed(src, replaced, moved=True))
    for role, (src, _) in theirs.items():
        if role in mine or role == "title":
            continue
        if role in had:
            report.kept.append(Kept(number, page, f"{_what(role)} stays deleted"))
            continue
        if getattr(src, "has_chart", False) and src.has_chart:
            continue  # a chart pumpxl did not draw before: not grafted onto a person's page
        element = copy.deepcopy(src._element)
        slide.shapes._spTree.append(element)
        if move is not None and role.startswith(ON_CHART):
            _follow(_shape(slide, element), move)
    # the speaker notes: this month's, unless a person wrote in them
    notes, fresh_notes = _notes(slide), _notes(fresh)
    edited_notes = bool(old.manifest.get("notes")) and digest(notes) != old.manifest["notes"]
    if drafts or edited_notes:
        extra = "\n".join(["", "pumpxl refresh: this month's drafts for the boxes you wrote:",
                           *drafts]) if drafts else ""  # fmt: skip
        base = notes if edited_notes else fresh_notes
        if edited_notes:
            report.kept.append(Kept(number, page, "your speaker notes (this month's calculation "
                                                  "added below them)"))  # fmt: skip
            extra = "\n\n" + "pumpxl refresh, this month's calculation:\n" + fresh_notes + extra
        slide.notes_slide.notes_text_frame.text = base + extra
    elif fresh.has_notes_slide:
        slide.notes_slide.notes_text_frame.text = fresh_notes
    # the page's marker: what pumpxl wrote now
    marker, fresh_marker = _marker(slide), _marker(fresh)
    marker.name = fresh_marker.name
    marker.text_frame.text = fresh_marker.text_frame.text
    if slide.has_notes_slide:  # the notes as they stand now count as written
        _note_digest(marker, digest(_notes(slide)))
    report.refreshed += 1


def _marker(slide: Any) -> Any:
    """The hidden shape that marks a page (found from the XML, not through every shape)."""
    found = marker_element(slide)
    assert found is not None  # a page refresh_page is given carries its marker
    return _shape(slide, found[0])


#: Shapes drawn over a measure's chart (their readable names): they follow the chart.
ON_CHART = ("Line label", "Recalculation", "Step", "Initiative", "MDC icon")

Move = tuple[float, float, float, float, float, float]  # from (x, y, w, h) to (x, y, w, h)


def _chart_move(
    mine: dict[str, tuple[Any, Mark]], theirs: dict[str, tuple[Any, Mark]]
) -> Move | None:
    """How a person moved or resized the chart: pumpxl's frame this month and theirs."""
    if "chart" not in mine or "chart" not in theirs:
        return None
    shape, mark = mine["chart"]
    src = theirs["chart"][0]
    if not _moved(shape, mark) or not src.width or not src.height:
        return None
    return (src.left, src.top, shape.left, shape.top, shape.width / src.width,
            shape.height / src.height)  # fmt: skip


def _follow(shape: Any, move: Move) -> None:
    """Put a shape drawn over pumpxl's chart at the same place over the person's chart (and
    record that place as pumpxl's, so that next month it is not taken for a person's move)."""
    x0, y0, x1, y1, sx, sy = move
    if hasattr(shape, "begin_x"):
        shape.begin_x = int(x1 + (shape.begin_x - x0) * sx)
        shape.end_x = int(x1 + (shape.end_x - x0) * sx)
        shape.begin_y = int(y1 + (shape.begin_y - y0) * sy)
        shape.end_y = int(y1 + (shape.end_y - y0) * sy)
    else:
        # its centre goes where it was over pumpxl's chart; its size stays (text keeps fitting)
        cx = x1 + (shape.left + shape.width / 2 - x0) * sx
        cy = y1 + (shape.top + shape.height / 2 - y0) * sy
        shape.left, shape.top = int(cx - shape.width / 2), int(cy - shape.height / 2)
    shape.name = _renamed(shape, shape, moved=True)


def _note_digest(marker: Any, notes: str) -> None:
    data = json.loads(marker.text_frame.text or "{}")
    data["notes"] = notes
    marker.text_frame.text = json.dumps(data, separators=(",", ":"))


def _renamed(src: Any, shape: Any, *, moved: bool) -> str:
    """``src``'s mark for the refreshed ``shape``: a shape a person moved keeps that as
    its place (its geometry digest is where it stands now)."""
    name = str(src.name)
    mark = read_mark(name)
    if not moved or mark is None:
        return name
    return name.replace(f"g={mark.get('g')}", f"g={geometry_digest(shape)}")


def _copy_text(dst: Any, src: Any) -> None:
    """``src``'s text body into ``dst`` (runs and their look), ``dst``'s frame kept."""
    body, fresh = dst._element.find("{*}txBody"), src._element.find("{*}txBody")
    if body is not None and fresh is not None:
        body.getparent().replace(body, copy.deepcopy(fresh))


def _what(role: str) -> str:
    names = {
        "happening": "What is happening", "why": "Why", "action": "What we are doing",
        "decisions": "Decisions it informs", "status": "the state line", "chart": "the chart",
        "draft": "the DRAFT label", "subtitle": "the subtitle",
    }  # fmt: skip
    if role in names:
        return names[role]
    return role.split("#")[0].replace("heading:", "the heading of ")
