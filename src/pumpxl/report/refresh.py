"""Last month's deck, brought up to the workbook's latest data, keeping what people did to it
(``pumpxl refresh``).

This month's pages are built into the old deck's own package (so its template and masters
are theirs), then each old page is matched to its new page by its key (see
:mod:`pumpxl.report.marks`; never by title, which people change):

- a page **nobody touched** (every shape pumpxl wrote still there, where it was, with the
  text and chart pumpxl wrote, nothing added, the notes as written) is replaced by this
  month's page: the result equals a fresh build there;
- a page **people edited** stays, and each of pumpxl's shapes on it is refreshed unless a
  person changed it: texts pumpxl wrote get this month's words; a text a person edited is
  kept (and, for the three answers, this month's draft goes to the speaker notes); charts get
  this month's data in place (:mod:`pumpxl.report.chart_merge`), keeping a person's
  formatting, position and size; a shape a person moved keeps its place; a shape a person
  deleted stays deleted; shapes people added stay;
- pages people **added** stay where they are; pages people **deleted** stay deleted (the
  deck's record of its pages says which were there); pages **new** this month (a measure new
  to the audience, a longer At a glance) go where a fresh build puts them, after the page
  that precedes them there; pages of a measure that **no longer belongs** to the audience
  are kept and marked, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from pptx.util import Inches, Pt

from pumpxl.report.design import BAD, WHITE, fit_text
from pumpxl.report.marks import Mark, slide_manifest, slide_mark
from pumpxl.report.refresh_page import (
    Kept,
    Page,
    RefreshReport,
    page_title,
    refresh_page,
    untouched,
)
from pumpxl.report.xmlbits import textbox

__all__ = ["Kept", "RefreshReport", "refresh_slides", "reusable_pages"]


def retire(slide: Any, audience: str, when: str) -> None:
    """Mark a page whose measure no longer belongs to the audience: a tag in its corner."""
    width = int(Inches(4.2))
    tag = textbox(
        slide,
        slide.part.package.presentation_part.presentation.slide_width - width - int(Inches(0.3)),
        int(Inches(0.1)), width, int(Inches(0.45)),
    )  # fmt: skip
    tag.fill.solid()
    tag.fill.fore_color.rgb = BAD
    fit_text(tag, f"Not in {audience}'s report any more (refresh of {when})", size=12,
             min_size=12, bold=True, colour=WHITE)  # fmt: skip
    tag.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    tag.name = "pumpxl refresh: no longer in this report"


def _pages(slides: list[Any]) -> dict[str, Page]:
    out = {}
    for slide in slides:
        mark = slide_mark(slide)
        if mark is not None and mark.slide not in out:
            out[mark.slide] = Page(slide, mark, slide_manifest(slide))
    return out


def reusable_pages(slides: list[Any]) -> dict[str, str]:
    """Last month's pages that this month's build may keep as they stand (see
    :meth:`pumpxl.report.design.Deck.reuse`): those recording what drew them (``i``) that
    nobody touched, by key, with that digest."""
    out = {}
    for page in _pages(slides).values():
        inputs = page.mark.get("i")
        if inputs and untouched(page):
            out[page.mark.slide] = inputs
    return out


def refresh_slides(
    prs: Any,
    old_count: int,
    *,
    recorded: list[str],
    still_measured: Callable[[str], bool],
    audience: str,
    when: str,
    order: list[str] | None = None,
    reused: Collection[str] = (),
) -> RefreshReport:
    """Merge the deck's first ``old_count`` slides (last month's, as people left them) with
    the slides built after them (this month's), in place: ``prs`` ends up holding the
    refreshed deck. ``recorded`` are the keys the old deck's record lists (pages pumpxl
    wrote then); ``still_measured(measure_id)`` says whether a measure still belongs to the
    audience; ``order`` is this month's page keys in order, and ``reused`` those of last
    month's pages the build kept as they stand instead of making them again."""
    report = RefreshReport()
    slides = list(prs.slides)
    marks = {id(s): slide_mark(s) for s in slides}

    def mark_of(slide: Any) -> Mark | None:
        return marks[id(slide)]

    old_slides, new_slides = slides[:old_count], slides[old_count:]
    old, new = _pages(old_slides), _pages(new_slides)
    new_keys = order if order is not None else [
        m.slide for m in map(mark_of, new_slides) if m is not None
    ]  # fmt: skip
    result: list[Any] = []  # the slides in their final order
    dropped: list[Any] = []
    for slide in old_slides:
        mark = mark_of(slide)
        if mark is None:
            result.append(slide)  # a person's own page, where they put it
            continue
        if mark.slide in reused:  # as pumpxl draws it this month: kept as it stands
            result.append(slide)
            report.replaced += 1
            continue
        page = old[mark.slide]
        fresh = new.get(mark.slide)
        if fresh is not None:
            if untouched(page):
                result.append(fresh.slide)
                dropped.append(slide)
                report.replaced += 1
            else:
                result.append(slide)
                dropped.append(fresh.slide)
                refresh_page(page, fresh, len(result), report)
            continue
        measure = mark.get("m")
        if measure and not still_measured(measure):  # kept and marked, never dropped
            result.append(slide)
            retire(slide, audience, when)
            gone = f"measure {measure} no longer in {audience}'s report"
            report.retired.append(Kept(len(result), page_title(slide) or mark.slide, gone))
        elif untouched(page):  # a page this month does not need (a shorter table)
            dropped.append(slide)
            report.removed.append(page_title(slide) or mark.slide)
        else:
            result.append(slide)
            why = "kept as you left it (pumpxl no longer makes this page)"
            report.kept.append(Kept(len(result), page_title(slide) or mark.slide, why))
    placed = {m.slide for m in map(mark_of, result) if m is not None}
    for key in new_keys:
        if key in placed:
            continue
        fresh = new[key]
        if key in recorded:  # pumpxl wrote it last time and a person deleted it
            dropped.append(fresh.slide)
            report.deleted.append(page_title(fresh.slide) or key)
            continue
        at = _insert_at([mark_of(s) for s in result], new_keys, key)
        result.insert(at, fresh.slide)
        placed.add(key)
        report.added.append(Kept(at + 1, page_title(fresh.slide) or key, "new this month"))
    _reorder(prs, result, dropped)
    for n, slide in enumerate(result, start=1):
        if mark_of(slide) is None:
            report.own.append(Kept(n, page_title(slide) or "untitled", "your own page, kept"))
    return report


def _insert_at(marks: list[Mark | None], new_keys: list[str], key: str) -> int:
    """Where a page new this month goes (``marks``: the result's pages so far): after the
    page that precedes it in a fresh build (and after any pages people put right after that
    one), else first."""
    keys = [m.slide if m is not None else None for m in marks]
    before = new_keys[: new_keys.index(key)]
    for prev in reversed(before):
        if prev in keys:
            at = keys.index(prev) + 1
            while at < len(keys) and keys[at] is None:
                at += 1  # a person's pages after it stay with it
            return at
    return 0


def _reorder(prs: Any, result: list[Any], dropped: list[Any]) -> None:
    """The presentation's slide list as ``result``; ``dropped`` slides removed."""
    ids = prs.slides._sldIdLst
    by_part = {}
    for sld in list(ids):
        by_part[prs.part.related_part(sld.rId)] = sld
        ids.remove(sld)
    for slide in dropped:
        sld = by_part.pop(slide.part, None)
        if sld is not None:
            prs.part.drop_rel(sld.rId)
    for slide in result:
        ids.append(by_part[slide.part])
