"""One page of a deck being refreshed (``pumpxl refresh``, :mod:`pumpxl.report.refresh`)
that people edited (:mod:`pumpxl.report.touched` says which): its title, each of pumpxl's
shapes on it refreshed from this month's page unless a person changed it
(:func:`pumpxl.report.refresh_shapes.refresh_shapes`), shapes pumpxl draws this month that it
lacked added (deleted ones left deleted), its speaker notes (a person's words kept, with this
month's draft of the answers whose words are theirs), and its record."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pptx.enum.shapes import PP_PLACEHOLDER

from pumpxl.report.links import person_links
from pumpxl.report.looks import look_changed
from pumpxl.report.marks import (
    Mark,
    digest,
    element_text,
    marker_element,
    marker_manifest,
    notes_text,
    read_mark,
    readable_name,
    remarked,
    shape_props,
    title_element,
    write_manifest,
)
from pumpxl.report.places import follow
from pumpxl.report.refresh_report import Kept, RefreshReport, Said, page_name, page_title
from pumpxl.report.refresh_shapes import (
    ON_CHART,
    chart_follow,
    copy_text,
    frame_chart,
    refresh_shapes,
    relinked,
    renamed_charts,
    shapes_by_role,
    what,
)
from pumpxl.report.shapexml import set_shape_name, shape_name
from pumpxl.report.table_merge import recorded
from pumpxl.report.touched import CALCULATION
from pumpxl.report.wear import wear

__all__ = ["Page", "refresh_page"]

@dataclass
class Page:
    slide: Any
    mark: Mark
    manifest: dict[str, Any]
    #: digests of its charts already read (:class:`pumpxl.report.old_deck.OldPage`)
    charts: Mapping[str, str | None] = field(default_factory=dict)
    #: whether a person put it on another layout (:class:`pumpxl.report.old_deck.OldPage`)
    relaid: bool = False


def _notes(slide: Any) -> str:
    """The slide's speaker notes as python-pptx reads and writes them (line breaks as
    vertical tabs), read from the XML."""
    return notes_text(slide, breaks="\v")


def refresh_page(old: Page, new: Page, number: int, report: RefreshReport,
                 drafts: Mapping[str, str] | None = None) -> None:  # fmt: skip
    """Refresh an edited page in place from this month's ``new`` page (see the module).
    ``drafts``: what pumpxl wrote this month, by role, in blocks whose words the person's
    are (this month's page was laid out around theirs)."""
    slide, fresh = old.slide, new.slide
    page = page_name(slide, old.mark)
    mine = shapes_by_role(slide, old.mark.slide)
    theirs = shapes_by_role(fresh, new.mark.slide)
    had = set(old.manifest.get("roles") or mine)
    # the title
    # (the page's own title: a title pasted from another page is a copy)
    title = mine["title"][0] if "title" in mine else title_element(slide.shapes._spTree)
    fresh_title = theirs["title"][0] if "title" in theirs else title_element(
        fresh.shapes._spTree)  # fmt: skip
    if title is not None and fresh_title is not None:
        text = element_text(title, "\v")
        if not old.mark.digest or digest(text) == old.mark.digest:
            links = person_links(title)
            look = (mine["title"][1] if "title" in mine else read_mark(shape_name(title))
                    or Mark("", "")).get("f")  # fmt: skip
            was = copy.deepcopy(title) if look_changed(title, look) else None
            copy_text(title, fresh_title)
            relinked(slide, title, links, "title", report, number, page)
            if was is not None:  # (formatted by a person: this month's words wear it)
                Said(report, number, page).worn("the title", wear(title, was, look))
            ours = read_mark(shape_name(fresh_title))  # (what pumpxl wrote this month: the
            if ours is not None and read_mark(shape_name(title)) is not None:  # record's)
                set_shape_name(title, remarked(shape_name(title), h=ours.digest,
                                               f=ours.get("f")))  # fmt: skip
        else:
            report.kept.append(Kept(number, page, f"your title {text!r}"))
    # pumpxl's chart under a name without its mark (a person renamed it, or copied it so)
    renamed = renamed_charts(slide, fresh, theirs["chart"][0], old.mark.slide) if (
        "chart" in theirs) else []  # fmt: skip
    if renamed and "chart" not in mine:
        mine["chart"] = renamed.pop(0)
        report.kept.append(Kept(number, page, f"your chart's name {_label(mine['chart'][0])!r} "
                                              "(pumpxl's mark put back after it)"))
    for el, mark in renamed:  # (its other copies: refreshed as copies are)
        if refresh_shapes(slide, fresh, {"chart": (el, mark)}, theirs, Said(report, number, page),
                          copy_of=page_title(fresh) or page).roles:  # fmt: skip
            report.kept.append(Kept(number, page, f"your copy of the chart, {_label(el)!r}: "
                                                  "this month's, where you put it"))
    layout = slide.slide_layout.name
    if old.relaid:
        report.kept.append(Kept(number, page, f"your layout {layout!r}"))
    # a chart a person moved, resized or grouped takes the shapes drawn over it along
    along = chart_follow(mine, theirs)
    glance = old.mark.slide.startswith("glance")  # (its tables told cell by cell)
    refreshed = refresh_shapes(
        slide, fresh, {r: v for r, v in mine.items() if r != "title"}, theirs,
        Said(report, number, page), charts=old.charts, drafts=drafts, along=along,
        tables=recorded(old.manifest, "cells") if glance else {},
        looks=recorded(old.manifest, "looks") if glance else {},
    )  # fmt: skip
    notes_drafts = refreshed.drafts
    for role, (src, _) in theirs.items():
        if role in mine or role == "title":
            continue
        if role in had:
            report.kept.append(Kept(number, page, f"{what(role)} stays deleted"))
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
    extra = "\n".join(["", DRAFTS, *notes_drafts]) if notes_drafts else ""
    # notes a person emptied stay empty (but for drafts said to be there), month after month
    # until they write in them (an empty part of theirs above pumpxl's, as a refresh left
    # emptied notes before it kept them so: emptied too)
    hushed = (edited_notes and not notes.strip()) or (
        bool(old.manifest.get("hush")) and not edited_notes) or (
        own is not None and not own.strip())  # fmt: skip
    if hushed:
        if edited_notes:
            report.kept.append(Kept(number, page, "your speaker notes, emptied: they stay empty"
                                    + ("" if not notes_drafts else
                                       " but for this month's drafts")))  # fmt: skip
        if notes_drafts or slide.has_notes_slide:
            _write_notes(slide, extra.lstrip("\n"))
    elif own is not None:
        report.kept.append(Kept(number, page, "your speaker notes (this month's calculation "
                                              "added below them)"))  # fmt: skip
        _write_notes(slide, own.rstrip() + CALCULATION + fresh_notes + extra)
    elif notes_drafts:
        _write_notes(slide, fresh_notes + extra)
    elif fresh.has_notes_slide:
        _write_notes(slide, fresh_notes)
    # the page's marker: what pumpxl wrote now
    marker, fresh_marker = _marker(slide), _marker(fresh)
    set_shape_name(marker, shape_name(fresh_marker))
    manifest = marker_manifest(fresh_marker)  # (its digest of the shapes, ``b``, is this
    # month's page's: a page refreshed around a person's edits never reads back as it, and its
    # shapes, whose marks are pumpxl's this month, are read one by one; never work it out
    # again over this page)
    if not old.relaid:  # (a layout renamed since: the page's, as it is now, is pumpxl's)
        manifest["l"] = layout
    for role in set(manifest.get("cells") or ()) & set(mine) - set(refreshed.roles):
        del manifest["cells"][role]  # (a table kept whole as a person's: not pumpxl's cells)
        (manifest.get("looks") or {}).pop(role, None)
    if slide.has_notes_slide or hushed:  # the notes as they stand now count as written,
        written = _notes(slide) if slide.has_notes_slide else ""
        manifest["notes"] = digest(written)
        if hushed:  # (and a person emptied them: what stands there is pumpxl's drafts)
            manifest["hush"] = "1"
            if written:
                manifest["ours"] = digest(written)
        elif own is not None:  # and pumpxl's part below the person's words is recorded
            manifest["ours"] = digest(written[written.rfind(CALCULATION) :])
    write_manifest(marker, manifest)
    report.refreshed += 1


def _label(el: Any) -> str:
    """A shape element's name as PowerPoint's Selection Pane shows it, without a mark."""
    return readable_name(shape_name(el))


def _own_notes(notes: str, ours: str | None) -> str | None:
    """A person's words in speaker notes below which a refresh wrote its calculation, or
    the drafts of the boxes whose words are theirs (that part's digest, ``ours``, the page's
    record holds): what stands above that part, however the person has changed it since
    (None: no refresh wrote below a person's words). When pumpxl's part is not found as it
    was written, all of the notes are theirs. A page a refresh wrote before it recorded
    ``ours``: what stands above its last calculation."""
    if not ours:
        at = notes.rfind(CALCULATION)
        return notes[:at] if at >= 0 else None
    for part in (CALCULATION, DRAFTS):
        at = notes.find(part)
        while at >= 0:
            if digest(notes[at:]) == ours:
                return notes[:at] if part == CALCULATION else notes[:at].rstrip()
            at = notes.find(part, at + 1)
    return notes


#: the head of the drafts a refresh writes in the notes of a page whose boxes hold a
#: person's words
DRAFTS = "pumpxl refresh: this month's drafts for the boxes you wrote:"


def _write_notes(slide: Any, text: str) -> None:
    """The slide's speaker notes as ``text`` (a notes page whose body placeholder a person
    deleted, in PowerPoint's Notes Page view, is given one: python-pptx has no text frame
    to write in without it)."""
    notes = slide.notes_slide
    if notes.notes_text_frame is None:
        master = slide.part.package.presentation_part.notes_master
        body = next((ph for ph in master.placeholders if ph.element.ph_type == PP_PLACEHOLDER.BODY),
                    None)  # fmt: skip
        if body is None:
            return  # (a notes master without a body placeholder: nowhere to write)
        notes.shapes.clone_placeholder(body)
    notes.notes_text_frame.text = text


def _marker(slide: Any) -> Any:
    """The hidden shape element that marks a page."""
    found = marker_element(slide)
    assert found is not None  # a page refresh_page is given carries its marker
    return found[0]
