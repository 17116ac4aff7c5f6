"""One page of a deck being refreshed (``pumpxl refresh``, :mod:`pumpxl.report.refresh`)
that people edited (:mod:`pumpxl.report.touched` says which): each of pumpxl's shapes on it
refreshed from this month's page unless a person changed it (texts
rewritten, with a person's links on them following their words (:mod:`pumpxl.report.links`),
a person's words kept with this month's draft in the notes, charts given the new data in
place, a moved chart's labels following it, deleted shapes left deleted)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pumpxl.report.chart_merge import merge_chart
from pumpxl.report.links import Links, person_links, relink
from pumpxl.report.marks import (
    SLIDE_ROLE,
    Mark,
    digest,
    element_chart_digest,
    element_geometry,
    element_text,
    marker_element,
    marker_manifest,
    notes_text,
    remarked,
    shape_props,
    title_element,
    tree_page_title,
    write_manifest,
)
from pumpxl.report.places import Box, Move, box, copy_place, follow, page_box, space_scale
from pumpxl.report.shapexml import set_shape_name, shape_name
from pumpxl.report.touched import CALCULATION, marked_elements, moved, text_edited

__all__ = ["Kept", "Page", "RefreshReport", "frame_chart", "page_name", "page_title",
           "refresh_page", "shapes_by_role"]  # fmt: skip

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
    left deleted, people's own pages kept, and what of a person's could not be kept."""

    replaced: int = 0
    refreshed: int = 0
    kept: list[Kept] = field(default_factory=list)
    added: list[Kept] = field(default_factory=list)
    retired: list[Kept] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    own: list[Kept] = field(default_factory=list)
    charts: int = 0
    #: what a person did that could not be kept (a link on words this month's text lacks)
    lost: list[Kept] = field(default_factory=list)


@dataclass
class Page:
    slide: Any
    mark: Mark
    manifest: dict[str, Any]
    #: digests of its charts already read (:class:`pumpxl.report.old_deck.OldPage`)
    charts: Mapping[str, str | None] = field(default_factory=dict)
    #: whether a person put it on another layout (:class:`pumpxl.report.old_deck.OldPage`)
    relaid: bool = False


def page_title(slide: Any) -> str:
    """A slide's title; for a person's page without one, its first line of text."""
    return tree_page_title(slide.shapes._spTree)


def page_name(slide: Any, mark: Mark) -> str:
    """A page as a refresh's account names it: its title (else its key), with its measure
    where the title does not name it."""
    name, measure = page_title(slide) or mark.slide, mark.get("m")
    return f"{name}, measure {measure}" if measure and measure not in name else name


def shapes_by_role(slide: Any) -> dict[str, tuple[Any, Mark]]:
    """A slide's shape elements pumpxl marked, by role. A refresh works on the slide's XML:
    python-pptx's shape objects, whose every property is an XPath query, were most of the
    time refreshing an edited page took."""
    return {mark.role: (el, mark) for el, mark in marked_elements(slide.shapes._spTree)
            if mark.role != SLIDE_ROLE}  # fmt: skip


def _held(el: Any, mark: Mark) -> bool:
    """Whether the shape stands where a person put it: moved since pumpxl wrote it, or kept
    where a person had moved it by an earlier refresh (``k=1``)."""
    return mark.get("k") == "1" or moved(el, mark)


def _chart_edited(page: Page, el: Any, mark: Mark) -> bool:
    """Whether a person changed the chart since pumpxl wrote it (compared by its bytes while
    nothing has parsed it; by the digest the page's verdict read, where it read one)."""
    if not mark.get("c"):
        return False
    ref = next(el.iter(_CHART), None)
    rid = str(ref.get(_RID, "")) if ref is not None else ""
    digest = page.charts[rid] if rid in page.charts else element_chart_digest(page.slide, el)
    return digest != mark.get("c")


def frame_chart(slide: Any, el: Any) -> Any | None:
    """The chart part behind a graphic frame element (None: the frame holds no chart)."""
    ref = next(el.iter(_CHART), None) if el.tag == _FRAME else None
    return slide.part.related_part(ref.get(_RID)) if ref is not None else None


def _notes(slide: Any) -> str:
    """The slide's speaker notes as python-pptx reads and writes them (line breaks as
    vertical tabs), read from the XML."""
    return notes_text(slide, breaks="\v")


_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_FRAME = f"{_P}graphicFrame"
_CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_RID = f"{_R}id"
_LINE, _GROUP = f"{_P}cxnSp", f"{_P}grpSp"


def _replace_element(old: Any, new: Any) -> Any:
    """``new``'s XML in ``old``'s place on its slide (no relationships: text, tables, lines)."""
    element = copy.deepcopy(new)
    props, old_props = shape_props(element), shape_props(old)
    if props is not None and old_props is not None:
        props.set("id", old_props.get("id", ""))
    old.getparent().replace(old, element)
    return element


def refresh_page(old: Page, new: Page, number: int, report: RefreshReport,
                 drafts: Mapping[str, str] | None = None) -> None:  # fmt: skip
    """Refresh an edited page in place from this month's ``new`` page (see the module).
    ``drafts``: what pumpxl wrote this month, by role, in blocks whose words the person's
    are (this month's page was laid out around theirs)."""
    slide, fresh = old.slide, new.slide
    page = page_name(slide, old.mark)
    mine = shapes_by_role(slide)
    theirs = shapes_by_role(fresh)
    had = set(old.manifest.get("roles") or mine)
    # the title
    title, fresh_title = title_element(slide.shapes._spTree), title_element(fresh.shapes._spTree)
    if title is not None and fresh_title is not None:
        text = element_text(title, "\v")
        if not old.mark.digest or digest(text) == old.mark.digest:
            links = person_links(title)
            _copy_text(title, fresh_title)
            _relinked(slide, title, links, "title", report, number, page)
        else:
            report.kept.append(Kept(number, page, f"your title {text!r}"))
    layout = slide.slide_layout.name
    if old.relaid:
        report.kept.append(Kept(number, page, f"your layout {layout!r}"))
    notes_drafts: list[str] = []
    # a chart a person moved, resized or grouped takes the shapes drawn over it along
    along = _chart_follow(mine, theirs)
    for role, (shape, mark) in mine.items():
        if role == "title":
            continue
        pair = theirs.get(role)
        if pair is None:  # pumpxl no longer draws it
            if _held(shape, mark) or text_edited(shape, mark) or person_links(shape):
                report.kept.append(Kept(number, page, f"your {_what(role)} (pumpxl no longer "
                                                      "draws it)"))  # fmt: skip
            else:
                shape.getparent().remove(shape)
            continue
        src = pair[0]
        chart = frame_chart(slide, shape)
        if chart is not None:
            src_chart = frame_chart(fresh, src)
            if src_chart is not None:
                held = _held(shape, mark) or _grouped(shape)
                for note in merge_chart(chart, src_chart,
                                        as_written=not _chart_edited(old, shape, mark)):
                    report.kept.append(Kept(number, page, f"your chart: {note}"))
                report.charts += 1
                if not held:
                    copy_place(slide, shape, src)
                set_shape_name(shape, _renamed(src, shape, held=held))
            continue
        if text_edited(shape, mark):
            report.kept.append(Kept(number, page, f"your words in {_what(role)}"
                                    + ("; this month's draft is in the speaker notes"
                                       if role in ANSWERS else "")))  # fmt: skip
            if role in ANSWERS:
                draft = (drafts or {}).get(role, element_text(src, "\v"))
                notes_drafts.append(f"{ANSWERS[role]}: {draft}")
            if role in (drafts or {}) and not (_held(shape, mark) or _grouped(shape)):
                copy_place(slide, shape, src)  # (laid out around them)
                set_shape_name(shape, remarked(shape_name(shape), g=element_geometry(shape)))
            continue
        held = _held(shape, mark) and shape.tag != _LINE  # (a line: where pumpxl draws it)
        move = along(shape) if not held and role.startswith(ON_CHART) else None
        held = held or (move is None and _grouped(shape))  # a person's group: where it is
        links = person_links(shape)
        element = _replace_element(shape, src)
        _relinked(slide, element, links, role, report, number, page)
        if move is not None:
            follow(element, *move)
        if held:  # the person's place (a line's ends), this month's content
            copy_place(slide, element, shape)
            set_shape_name(element, _renamed(src, element, held=True))
    for role, (src, _) in theirs.items():
        if role in mine or role == "title":
            continue
        if role in had:
            report.kept.append(Kept(number, page, f"{_what(role)} stays deleted"))
            continue
        if frame_chart(fresh, src) is not None:
            continue  # a chart pumpxl did not draw before: not grafted onto a person's page
        element = copy.deepcopy(src)
        props = shape_props(element)
        if props is not None:  # an id of its own on this slide (this month's may be taken)
            props.set("id", str(slide.shapes._next_shape_id))
        slide.shapes._spTree.append(element)
        move = along(element) if role.startswith(ON_CHART) else None
        if move is not None:
            follow(element, *move)
    # the speaker notes: this month's, below a person's words when they wrote some
    notes, fresh_notes = _notes(slide), _notes(fresh)
    edited_notes = bool(old.manifest.get("notes")) and digest(notes) != old.manifest["notes"]
    own = _own_notes(notes, old.manifest.get("ours"))
    if own is None and edited_notes:
        own = notes
    extra = "\n".join(["", "pumpxl refresh: this month's drafts for the boxes you wrote:",
                       *notes_drafts]) if notes_drafts else ""  # fmt: skip
    if own is not None:
        report.kept.append(Kept(number, page, "your speaker notes (this month's calculation "
                                              "added below them)"))  # fmt: skip
        slide.notes_slide.notes_text_frame.text = own + CALCULATION + fresh_notes + extra
    elif notes_drafts:
        slide.notes_slide.notes_text_frame.text = fresh_notes + extra
    elif fresh.has_notes_slide:
        slide.notes_slide.notes_text_frame.text = fresh_notes
    # the page's marker: what pumpxl wrote now
    marker, fresh_marker = _marker(slide), _marker(fresh)
    set_shape_name(marker, shape_name(fresh_marker))
    manifest = marker_manifest(fresh_marker)
    if not old.relaid:  # (a layout renamed since: the page's, as it is now, is pumpxl's)
        manifest["l"] = layout
    if slide.has_notes_slide:  # the notes as they stand now count as written,
        written = _notes(slide)
        manifest["notes"] = digest(written)
        if own is not None:  # and pumpxl's part below the person's words is recorded
            manifest["ours"] = digest(written[written.rfind(CALCULATION) :])
    write_manifest(marker, manifest)
    report.refreshed += 1


def _relinked(slide: Any, el: Any, links: Links, role: str, report: RefreshReport,
              number: int, page: str) -> None:  # fmt: skip
    """A person's ``links`` (read from the shape ``el`` replaces) on ``el``; those whose
    words this month's text does not hold are reported (slide ``number``, ``page``)."""
    if not links:
        return
    gone: set[str] = set()
    for words, elements in relink(el, links):
        rids = [str(e.get(_RID)) for e in elements if e.get(_RID)]
        rel = slide.part.rels.get(rids[0]) if rids else None
        to = f" (to {rel.target_ref})" if rel is not None and rel.is_external else ""
        gone.update(rids)
        report.lost.append(Kept(number, page, f"your link on {words!r} in {_what(role)}{to}: "
                                              "those words are not in this month's text"))
    named = {v for e in slide._element.iter() for k, v in e.attrib.items()
             if k.startswith(_R)} if gone else set()  # fmt: skip
    for rid in gone - named:  # (its relationship goes too, where nothing else names it)
        if rid in slide.part.rels:
            slide.part.rels.pop(rid)


def _own_notes(notes: str, ours: str | None) -> str | None:
    """A person's words in speaker notes below which a refresh wrote its calculation (whose
    digest, ``ours``, the page's record holds): what stands above that part, however the
    person has changed it since (None: no refresh wrote below a person's words). When
    pumpxl's part is not found as it was written, all of the notes are theirs. A page a
    refresh wrote before it recorded ``ours``: what stands above its last calculation."""
    if not ours:
        at = notes.rfind(CALCULATION)
        return notes[:at] if at >= 0 else None
    at = notes.find(CALCULATION)
    while at >= 0:
        if digest(notes[at:]) == ours:
            return notes[:at]
        at = notes.find(CALCULATION, at + 1)
    return notes


def _marker(slide: Any) -> Any:
    """The hidden shape element that marks a page."""
    found = marker_element(slide)
    assert found is not None  # a page refresh_page is given carries its marker
    return found[0]


#: Shapes drawn over a measure's chart (their readable names): they follow the chart.
ON_CHART = ("Line label", "Recalculation", "Step", "Initiative", "MDC icon")


def _chart_follow(
    mine: dict[str, tuple[Any, Mark]], theirs: dict[str, tuple[Any, Mark]]
) -> Callable[[Any], tuple[Move, tuple[float, float]] | None]:
    """How the shapes pumpxl draws over a chart follow a chart a person moved, resized or
    put in a group of theirs: for a shape element, the move from pumpxl's frame this month
    to the person's, in the shape's own space (a group's, when the chart and the shape
    share it; the page's, for a shape on the page), and how much a group's space is scaled
    on the page (a shape in it keeps its size on the page: its text keeps fitting); None:
    no move (the chart stands where pumpxl draws it, or the shape is in a group the chart
    is not in; or on the page, the chart being in a rotated or flipped group)."""
    if "chart" not in mine or "chart" not in theirs:
        return lambda el: None
    shape, mark = mine["chart"]
    src = box(theirs["chart"][0])
    if not (_held(shape, mark) or _grouped(shape)) or src is None or not src[2] or not src[3]:
        return lambda el: None

    def move(at: Box | None) -> Move | None:
        return None if at is None else (src[0], src[1], at[0], at[1], at[2] / src[2],
                                        at[3] / src[3])  # fmt: skip

    own, page_move = move(box(shape)), move(page_box(shape))
    group, scale = shape.getparent(), space_scale(shape)

    def follows(el: Any) -> tuple[Move, tuple[float, float]] | None:
        if el.getparent() is group:
            return None if own is None else (own, scale)
        if _grouped(el) or page_move is None:
            return None
        return page_move, (1.0, 1.0)

    return follows


def _grouped(el: Any) -> bool:
    """Whether a shape element stands in a group (a person's: pumpxl draws none)."""
    parent = el.getparent()
    return parent is not None and parent.tag == _GROUP


def _renamed(src: Any, el: Any, *, held: bool) -> str:
    """``src``'s mark for the refreshed shape element ``el``; for a shape ``held`` where a
    person put it, its place as it stands and that it is theirs (``k=1``): it stays there
    month after month, and its page is refreshed around it."""
    name = shape_name(src)
    return remarked(name, g=element_geometry(el), k="1") if held else name


def _copy_text(dst: Any, src: Any) -> None:
    """``src``'s text body into ``dst`` (shape elements: runs and their look), ``dst``'s
    frame kept."""
    body, fresh = next(dst.iterchildren(_TXBODY), None), next(src.iterchildren(_TXBODY), None)
    if body is not None and fresh is not None:
        body.getparent().replace(body, copy.deepcopy(fresh))


_TXBODY = f"{_P}txBody"


def _what(role: str) -> str:
    names = {
        "happening": "What is happening", "why": "Why", "action": "What we are doing",
        "decisions": "Decisions it informs", "status": "the state line", "chart": "the chart",
        "draft": "the DRAFT label", "subtitle": "the subtitle", "title": "the title",
    }  # fmt: skip
    if role in names:
        return names[role]
    return role.split("#")[0].replace("heading:", "the heading of ")
