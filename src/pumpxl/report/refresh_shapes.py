"""pumpxl's shapes on a page of a deck being refreshed (``pumpxl refresh``), each refreshed
from this month's unless a person changed it: texts rewritten, with a person's links on them
following their words (:mod:`pumpxl.report.links`), a person's words kept, charts given the
new data in place, a moved chart's labels following it. A page's own shapes
(:func:`pumpxl.report.refresh_page.refresh_page`), and the copies a person made of pumpxl's
shapes, pasted onto a page of theirs or another of pumpxl's, or duplicated
(:func:`refresh_copies`): each copy is refreshed from this month's page it came from, where the
person put it; said in the refresh's account (:mod:`pumpxl.report.refresh_report`)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from pumpxl.report.chart_merge import merge_chart, same_values
from pumpxl.report.links import Links, person_links, relink
from pumpxl.report.looks import element_look, look_changed
from pumpxl.report.marks import (
    PREFIX,
    Mark,
    digest,
    element_chart_digest,
    element_geometry,
    element_text,
    read_mark,
    readable_name,
    remarked,
    shape_props,
)
from pumpxl.report.places import Box, Move, box, copy_place, follow, page_box, space_scale
from pumpxl.report.refresh_report import Kept, RefreshReport, Said, page_title
from pumpxl.report.shapexml import set_shape_name, shape_name, table_cells
from pumpxl.report.table_merge import persons_cells, persons_looks, put_cells, put_looks
from pumpxl.report.touched import moved, page_shapes, text_edited
from pumpxl.report.wear import wear
from pumpxl.report.xmlbits import write_words

__all__ = ["ON_CHART", "UNKNOWN_CHART", "Refreshed", "chart_follow", "copy_text", "frame_chart",
           "refresh_copies", "refresh_shapes", "relabelled", "relinked", "renamed_charts",
           "shapes_by_role", "what"]  # fmt: skip

ANSWERS = {"happening": "What is happening", "why": "Why", "action": "What we are doing"}


def shapes_by_role(slide: Any, key: str) -> dict[str, tuple[Any, Mark]]:
    """A slide's own shape elements pumpxl marked (the page's ``key``), by role, without
    copies a person made of pumpxl's shapes on it (:func:`pumpxl.report.touched.page_shapes`).
    A refresh works on the slide's XML: python-pptx's shape objects, whose every property is
    an XPath query, were most of the time refreshing an edited page took."""
    return page_shapes(slide.shapes._spTree, key)[0]


def _held(el: Any, mark: Mark) -> bool:
    """Whether the shape stands where a person put it: moved since pumpxl wrote it, or kept
    where a person had moved it by an earlier refresh (``k=1``)."""
    return mark.get("k") == "1" or moved(el, mark)


def _chart_edited(slide: Any, charts: Mapping[str, str | None], el: Any, mark: Mark) -> bool:
    """Whether a person changed the chart since pumpxl wrote it (compared by its bytes while
    nothing has parsed it; by the digest the page's verdict read, where it read one:
    ``charts``, by relationship id)."""
    if not mark.get("c"):
        return False
    ref = next(el.iter(_CHART), None)
    rid = str(ref.get(_RID, "")) if ref is not None else ""
    digest = charts[rid] if rid in charts else element_chart_digest(slide, el)
    return digest != mark.get("c")


def frame_chart(slide: Any, el: Any) -> Any | None:
    """The chart part behind a graphic frame element (None: the frame holds no chart)."""
    ref = next(el.iter(_CHART), None) if el.tag == _FRAME else None
    return slide.part.related_part(ref.get(_RID)) if ref is not None else None


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


class Refreshed(NamedTuple):
    """What :func:`refresh_shapes` did: the roles it gave this month's content, and this
    month's drafts of the answers whose words are a person's (for the page's notes)."""

    roles: list[str]
    drafts: list[str]


def refresh_shapes(
    slide: Any,
    fresh: Any,
    mine: Mapping[str, tuple[Any, Mark]],
    theirs: Mapping[str, tuple[Any, Mark]],
    said: Said,
    *,
    charts: Mapping[str, str | None] = MappingProxyType({}),
    drafts: Mapping[str, str] | None = None,
    along: Callable[[Any], tuple[Move, tuple[float, float]] | None] | None = None,
    copy_of: str = "",
    tables: Mapping[str, list[list[str]]] = MappingProxyType({}),
    looks: Mapping[str, list[list[str]]] = MappingProxyType({}),
) -> Refreshed:
    """Each of pumpxl's shapes on ``slide`` (``mine``, by role) refreshed from this month's
    (``theirs``, on ``fresh``) unless a person changed it (see the module); said to
    ``said``. ``charts``: the digests of the slide's charts its verdict read; ``drafts``:
    what pumpxl wrote this month, by role, in blocks of ``fresh`` that hold a person's words
    (see :func:`pumpxl.report.refresh_page.refresh_page`); ``along``: how shapes over a
    moved chart follow it (:func:`chart_follow`); ``copy_of``: for copies a person made of
    another page's shapes, that page's name: a copy's words are said as its, a copy stands
    where the person put it (a line too) and stays when pumpxl no longer draws it, a copy of
    a block that holds a person's words on ``fresh`` takes the draft, and no drafts go to
    the notes; ``tables``: the digests of what pumpxl wrote in each cell of the page's
    tables that are told cell by cell (At a glance's), by role: a table whose words a person
    changed in some cells is this month's but for those (:mod:`pumpxl.report.table_merge`);
    ``looks``: how each of those cells looked, by role: cells a person formatted lend this
    month's the formatting (:func:`pumpxl.report.table_merge.put_looks`)."""
    done: list[str] = []
    notes_drafts: list[str] = []
    drafts = drafts or {}
    along = along if along is not None else chart_follow(mine, theirs)
    for role, (shape, mark) in mine.items():
        named = f"your copy of {what(role)} from {copy_of!r}" if copy_of else (
            f"your {what(role).removeprefix('the ')}")  # fmt: skip
        pair = theirs.get(role)
        if pair is None:  # pumpxl no longer draws it
            if copy_of or _held(shape, mark) or text_edited(shape, mark) or person_links(
                    shape) or look_changed(shape, mark.get("f")):  # fmt: skip
                said.kept(f"{named} (pumpxl no longer draws it)")
            else:
                shape.getparent().remove(shape)
            continue
        src = pair[0]
        chart = frame_chart(slide, shape)
        if chart is not None:
            src_chart = frame_chart(fresh, src)
            if src_chart is not None:
                held = _held(shape, mark) or _grouped(shape)
                edited = _chart_edited(slide, charts, shape, mark)
                notes = merge_chart(chart, src_chart, as_written=not edited)
                for note in notes:
                    said.kept(f"{'your chart' if not copy_of else named}: {note}")
                if not notes:
                    said.report.charts += 1
                    done.append(role)
                if not held:
                    copy_place(slide, shape, src)
                name = _renamed(src, shape, held=held)
                if mark.get("c") == UNKNOWN_CHART:  # (found under a person's name: theirs,
                    name = remarked(name, c=UNKNOWN_CHART)  # month after month)
                set_shape_name(shape, name)
            continue
        edited = text_edited(shape, mark)
        cells = persons_cells(shape, tables.get(role)) if (
            edited and role in tables and not copy_of) else None  # fmt: skip
        if edited and cells is None:
            draft = drafts.get(role, element_text(src, "\v")) if (
                role in ANSWERS and not copy_of) else None  # fmt: skip
            if draft is not None and digest(draft) == digest(element_text(shape, "\v")):
                draft = None  # (this month's words are theirs: collected into the workbook)
            said.kept(f"your words in {named if copy_of else what(role)}" + (
                "; this month's draft is in the speaker notes" if draft is not None else ""))
            if draft is not None:
                notes_drafts.append(f"{ANSWERS[role]}: {draft}")
            if role in drafts and not copy_of and not (
                    _held(shape, mark) or _grouped(shape)):  # fmt: skip
                copy_place(slide, shape, src)  # (laid out around them)
                set_shape_name(shape, remarked(shape_name(shape), g=element_geometry(shape)))
            continue
        done.append(role)
        held = _held(shape, mark) and (shape.tag != _LINE or bool(copy_of))  # (a page's line:
        move = along(shape) if not held and role.startswith(ON_CHART) else None  # pumpxl's)
        held = held or (move is None and _grouped(shape))  # a person's group: where it is
        links = person_links(shape)
        formatted = look_changed(shape, mark.get("f"))  # (by a person: theirs, worn below)
        if role == "title":  # (a copy of a page's title: this month's words in its box)
            was = copy.deepcopy(shape) if formatted else None
            copy_text(shape, src)
            relinked(slide, shape, links, role, said.report, said.number, said.page)
            set_shape_name(shape, _renamed(src, shape, held=True))
            if was is not None:
                said.worn(what(role), wear(shape, was, mark.get("f")))
            continue
        styled = persons_looks(shape, tables.get(role), looks.get(role)) if (
            role in looks and not copy_of) else []  # fmt: skip
        element = _replace_element(shape, src)
        if copy_of and role in drafts:  # (this month's page holds a person's words)
            draft = drafts[role]
            write_words(element, draft)
            set_shape_name(element, remarked(shape_name(element), h=digest(draft),
                                             f=element_look(element)))  # fmt: skip
        # (cells a person formatted first, found by this month's rows and headers before a
        # person's words go in: a header they renamed; cells holding their words wear the
        # fill alone, their words coming with their own look)
        worn_cells = put_looks(element, styled, {(c.row, c.column) for c in cells or ()}) if (
            styled) else ([], [])  # fmt: skip
        if cells is not None:  # (a person's words in some cells: theirs there, links and all)
            said.cells(what(role), cells, put_cells(element, cells))
        else:
            relinked(slide, element, links, role, said.report, said.number, said.page)
        if formatted:
            said.worn(named if copy_of else what(role), wear(element, shape, mark.get("f")))
        if styled:
            said.styled(what(role), *worn_cells, columns=max(map(len, table_cells(element)),
                                                              default=0))  # fmt: skip
        if move is not None:
            follow(element, *move)
        if held:  # the person's place (a line's ends), this month's content
            copy_place(slide, element, shape)
            set_shape_name(element, _renamed(element, element, held=True))
    return Refreshed(done, notes_drafts)


def refresh_copies(slide: Any, key: str | None, pages: Mapping[str, Any], said: Said, *,
                   drafts: Mapping[str, Mapping[str, str]] | None = None,
                   titles: Mapping[str, str] | None = None,
                   standing: Collection[str] = ()) -> None:  # fmt: skip
    """The copies a person made of pumpxl's shapes on ``slide`` (a page whose key is ``key``,
    None for a page a person made; see :func:`pumpxl.report.touched.page_shapes`), each
    refreshed from this month's page it came from (``pages``: this month's slides by key)
    as that page's own shapes are, where the person put it; said to ``said``. The copies
    of one page are taken together (a chart's labels follow it), each role once: a
    second copy of a shape goes with the next. ``drafts``: by measure, what pumpxl wrote
    this month in blocks of the measure's page that hold a person's words (a copy of such a
    block takes the draft); ``standing``: the keys of last month's pages this month's
    build keeps as they stand (copies of those are this month's as they are). A copy of a
    page this month's deck does not have (``titles``: last month's pages' titles, by key)
    is kept as it was, and said."""
    sets: list[tuple[str, dict[str, tuple[Any, Mark]]]] = []
    for el, mark in page_shapes(slide.shapes._spTree, key)[1]:
        into = next((s for k, s in sets if k == mark.slide and mark.role not in s), None)
        if into is None:
            into = {}
            sets.append((mark.slide, into))
        into[mark.role] = (el, mark)
    for source, mine in sets:
        fresh = pages.get(source)
        if fresh is None:
            if source not in standing:
                gone = (titles or {}).get(source) or source
                said.kept(f"your copy of {_listed(list(mine))} from {gone!r}: pumpxl no longer "
                          "makes that page; kept as it was, without this month's data")
            continue
        name, theirs = page_title(fresh) or source, shapes_by_role(fresh, source)
        measure = source.removeprefix("measure:") if source.startswith("measure:") else ""
        done = refresh_shapes(slide, fresh, mine, theirs, said, copy_of=name,
                              drafts=(drafts or {}).get(measure, {})).roles  # fmt: skip
        if done:
            said.kept(f"your copy of {_listed(done)} from {name!r}: this month's, where you "
                      "put it")  # fmt: skip


def _listed(roles: list[str]) -> str:
    """Shapes by role as a refresh names them: "the chart and the state line"."""
    names = [what(role) for role in roles]
    if len(names) > 3:
        return f"{names[0]} and {len(names) - 1} more of its shapes"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

def relinked(slide: Any, el: Any, links: Links, role: str, report: RefreshReport,
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
        report.lost.append(Kept(number, page, f"your link on {words!r} in {what(role)}{to}: "
                                              "those words are not in this month's text"))
    named = {v for e in slide._element.iter() for k, v in e.attrib.items()
             if k.startswith(_R)} if gone else set()  # fmt: skip
    for rid in gone - named:  # (its relationship goes too, where nothing else names it)
        if rid in slide.part.rels:
            slide.part.rels.pop(rid)


ON_CHART = ("Line label", "Recalculation", "Step", "Initiative", "MDC icon")


def chart_follow(
    mine: Mapping[str, tuple[Any, Mark]], theirs: Mapping[str, tuple[Any, Mark]]
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
    name, label = shape_name(src), readable_name(shape_name(el))
    if label:  # (the shape's own name in front: a person's, for a chart frame they renamed)
        name = relabelled(name, label)
    return remarked(name, g=element_geometry(el), k="1") if held else name


def relabelled(name: str, label: str) -> str:
    """A shape's ``name`` (with pumpxl's mark) under another readable ``label``, the mark
    after it."""
    return f"{label} {name[name.rfind(PREFIX) :]}" if PREFIX in name else name


def renamed_charts(slide: Any, fresh: Any, frame: Any, key: str) -> list[tuple[Any, Mark]]:
    """pumpxl's chart of a page (whose key is ``key``) under names that lost pumpxl's mark (a
    person renamed it, in PowerPoint's Selection Pane say; or a copy of it): the graphic
    frames without a mark holding a chart that shows this month's chart's measure (``frame``,
    this month's chart's frame on the slide ``fresh``: the same values at the same periods,
    :func:`pumpxl.report.chart_merge.same_values`), each with a mark saying where pumpxl
    draws it and that its XML is not pumpxl's (a person's chart, or a copy of another
    measure's, shows other values: it is not taken)."""
    frames = [(el, part) for el in slide.shapes._spTree.iter(_FRAME)
              if read_mark(shape_name(el)) is None
              and (part := frame_chart(slide, el)) is not None]  # fmt: skip
    if not frames:
        return []
    src = frame_chart(fresh, frame)
    if src is None:
        return []
    return [(el, Mark(key, "chart", fields={"g": element_geometry(frame), "c": UNKNOWN_CHART}))
            for el, part in frames if same_values(part._element, src._element)]  # fmt: skip


#: the digest a chart's mark holds when the chart's XML as pumpxl wrote it is not known
UNKNOWN_CHART = "-"


def copy_text(dst: Any, src: Any) -> None:
    """``src``'s text body into ``dst`` (shape elements: runs and their look), ``dst``'s
    frame kept."""
    body, fresh = next(dst.iterchildren(_TXBODY), None), next(src.iterchildren(_TXBODY), None)
    if body is not None and fresh is not None:
        body.getparent().replace(body, copy.deepcopy(fresh))


_TXBODY = f"{_P}txBody"


def what(role: str) -> str:
    names = {
        **ANSWERS, "decisions": "Decisions it informs", "status": "the state line",
        "chart": "the chart", "draft": "the DRAFT label", "subtitle": "the subtitle",
        "title": "the title",
    }  # fmt: skip
    if role in names:
        return names[role]
    label = role.split("#")[0]
    return "the table" if label == "Table" else label.replace("heading:", "the heading of ")
