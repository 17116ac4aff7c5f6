"""Last month's deck, brought up to the workbook's latest data, keeping what people did to it
(``pumpxl refresh``).

This month's pages are built into the old deck's own package (so its template and masters
are theirs), then each old page is matched to its new page by its key (see
:mod:`pumpxl.report.marks`; never by title, which people change):

- a page **nobody touched** (every shape pumpxl wrote still there, where it was, with the
  text and chart pumpxl wrote, nothing added, the notes as written) is replaced by this
  month's page: the result equals a fresh build there;
- a measure's page nobody touched **but for its charts' XML** (a person formatted a chart,
  or another program saved the deck: PowerPoint and LibreOffice write every chart again) is
  this month's page holding last month's charts as people left them, with this month's data
  (:mod:`pumpxl.report.chart_merge`): what refreshing it around its charts makes, without
  opening it;
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
  are kept and marked, never dropped silently;
- **copies** a person made of pumpxl's shapes (a chart pasted onto a page of their own or
  beside another measure's, a chart duplicated) are each refreshed from this month's page
  they came from, where the person put them
  (:func:`pumpxl.report.refresh_shapes.refresh_copies`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from typing import Any

from pptx.util import Inches, Pt

from pumpxl.report.chart_merge import take_chart
from pumpxl.report.design import BAD, WHITE, fit_text
from pumpxl.report.marks import (
    marker_element,
    marker_manifest,
    readable_name,
    remarked,
)
from pumpxl.report.old_deck import OldPage
from pumpxl.report.page_list import follow_links, ids_and_sections, reorder, unlisted_apart
from pumpxl.report.refresh_page import Page, refresh_page
from pumpxl.report.refresh_report import Kept, RefreshReport, Said, page_name, page_title
from pumpxl.report.refresh_shapes import (
    UNKNOWN_CHART,
    frame_chart,
    refresh_copies,
    relabelled,
    shapes_by_role,
)
from pumpxl.report.shapexml import set_shape_name, shape_name
from pumpxl.report.xmlbits import textbox

__all__ = [
    "Kept",
    "RefreshReport",
    "refresh_slides",
    "replaced_pages",
    "reusable_pages",
    "take_charts",
]


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
    """This month's pages by key (a key's first page), each with its mark and record."""
    out = {}
    for slide in slides:
        found = marker_element(slide)
        if found is not None and found[1].slide not in out:
            out[found[1].slide] = Page(slide, found[1], marker_manifest(found[0]))
    return out


def _first(pages: list[OldPage]) -> dict[str, OldPage]:
    """Each page key's first page (a page people copied carries its mark twice)."""
    out: dict[str, OldPage] = {}
    for page in pages:
        if page.key is not None and page.key not in out:
            out[page.key] = page
    return out


def reusable_pages(pages: list[OldPage]) -> dict[str, str]:
    """Last month's pages that this month's build may keep as they stand (see
    :meth:`pumpxl.report.design.Deck.reuse`): those recording what drew them (``i``) that
    nobody touched, by key, with that digest."""
    return {key: page.mark.get("i") for key, page in _first(pages).items()
            if page.mark is not None and page.mark.get("i") and page.untouched}  # fmt: skip


def replaced_pages(pages: list[OldPage], still_measured: Callable[[str], bool]) -> set[str]:
    """The part names of last month's pages that this month's build replaces whatever it
    draws (nobody touched them, or nobody but for the XML of a measure page's charts, which
    this month's page takes; not pages it may keep as they stand, nor pages of a measure
    that left the audience, which are kept and marked, nor pages the presentation names
    elsewhere, as a custom show does): a refresh need not open them."""
    keys = Counter(p.key for p in pages)
    return {
        page.partname for page in pages
        if page.mark is not None and keys[page.key] == 1
        and (page.untouched or (page.chart_xml and page.key == f"measure:{page.mark.get('m')}"))
        and not page.mark.get("i") and not page.named_elsewhere
        and (not page.mark.get("m") or still_measured(page.mark.get("m")))
    }  # fmt: skip


def refresh_slides(
    prs: Any,
    old_pages: list[tuple[OldPage, Any]],
    *,
    recorded: list[str],
    still_measured: Callable[[str], bool],
    audience: str,
    when: str,
    order: list[str] | None = None,
    reused: Collection[str] = (),
    drafts: Mapping[str, Mapping[str, str]] | None = None,
) -> RefreshReport:
    """Merge last month's pages (``old_pages``, in order, as people left them: each as read
    from its XML with its slide's part, None for a page not opened because this month's
    replaces it; the opened ones are the deck's first slides) with the slides built after
    them (this month's), in place: ``prs`` ends up holding the refreshed deck. ``recorded``
    are the keys the old deck's record lists (pages pumpxl wrote then);
    ``still_measured(measure_id)`` says whether a measure still belongs to the audience;
    ``order`` is this month's page keys in order, and ``reused`` those of last month's
    pages the build kept as they stand instead of making them again; ``drafts``, by
    measure, what pumpxl wrote this month in blocks whose words are a person's. Pages kept
    as they stand, or as people made them, are never parsed."""
    report = RefreshReport()
    ids = list(prs.slides._sldIdLst)
    opened = sum(part is not None for _, part in old_pages)
    new_slides = [prs.part.related_part(sld.rId).slide for sld in ids[opened:]]
    new = _pages(new_slides)
    firsts = _first([p for p, _ in old_pages])  # (a page's later copies are a person's)
    taken: set[Any] = set()  # this month's pages standing for one of last month's
    new_keys = order if order is not None else list(new)
    # copies people made of pumpxl's shapes, from this month's pages before anything takes
    # their charts (said once the pages' numbers are known)
    sources = {k: p.slide for k, p in new.items()}
    titles = {page.key: page.title for page, _ in old_pages if page.key is not None}
    copies = {}
    for page, part in old_pages:
        if part is not None and page.copies:
            copies[part] = account = RefreshReport()
            refresh_copies(part.slide, page.key, sources, Said(account, 0, ""), drafts=drafts,
                           titles=titles, standing=reused)  # fmt: skip
    result: list[tuple[str | None, Any]] = []  # (key, slide part) in the final order
    dropped: list[Any] = []  # slide parts
    instead: dict[Any, Any] = {}  # a dropped page's part: the part of the page replacing it
    replacing: dict[str, Any] = {}  # the same for pages never opened, by the part's name
    inherited: dict[Any, str] = {}  # a page replacing one of last month's: that page's id
    for page, part in old_pages:
        key = page.key
        if part is None:  # nobody touched it (but for its charts): this month's page, or none
            fresh = new.get(key) if key is not None else None
            if fresh is not None:
                result.append((key, fresh.slide.part))
                taken.add(fresh.slide.part)
                replacing[page.partname] = fresh.slide.part
                inherited.setdefault(fresh.slide.part, page.slide_id)
                if take_charts(page.chart_xml, fresh, len(result), report, page.chart_names):
                    report.refreshed += 1
                else:
                    report.replaced += 1
            else:
                report.removed.append(page.title or str(key))
            continue
        if key is None or page.mark is None:
            result.append((None, part))  # a person's own page, where they put it
            continue
        if key in reused:  # as pumpxl draws it this month: kept as it stands
            result.append((key, part))
            report.replaced += 1
            continue
        fresh = new.get(key)
        untouched = page.untouched and firsts.get(key) is page
        if fresh is not None:
            if untouched and fresh.slide.part not in taken:
                result.append((key, fresh.slide.part))
                taken.add(fresh.slide.part)
                dropped.append(part)
                instead[part] = fresh.slide.part
                inherited.setdefault(fresh.slide.part, page.slide_id)
                report.replaced += 1
            else:
                result.append((key, part))
                if fresh.slide.part not in taken:  # (a copy's page stands for the first)
                    dropped.append(fresh.slide.part)
                slide = part.slide
                first = key == f"measure:{page.mark.get('m')}" and firsts.get(key) is page
                words = (drafts or {}).get(page.mark.get("m"), {}) if first else {}
                refresh_page(Page(slide, page.mark, page.manifest, page.charts, page.relaid),
                             fresh, len(result), report, words)  # fmt: skip
            continue
        measure = page.mark.get("m")
        if measure and not still_measured(measure):  # kept and marked, never dropped
            result.append((key, part))
            retire(part.slide, audience, when)
            gone = f"measure {measure} no longer in {audience}'s report"
            report.retired.append(Kept(len(result), page.title or key, gone))
        elif untouched:  # a page this month does not need (a shorter table)
            dropped.append(part)
            report.removed.append(page.title or key)
        else:
            result.append((key, part))
            why = "kept as you left it (pumpxl no longer makes this page)"
            report.kept.append(Kept(len(result), page.title or key, why))
    placed = {key for key, _ in result if key is not None}
    for key in new_keys:
        if key in placed:
            continue
        fresh = new[key]
        if key in recorded:  # pumpxl wrote it last time and a person deleted it
            dropped.append(fresh.slide.part)
            report.deleted.append(page_title(fresh.slide) or key)
            continue
        at = _insert_at([k for k, _ in result], new_keys, key)
        result.insert(at, (key, fresh.slide.part))
        placed.add(key)
        report.added.append(Kept(at + 1, page_title(fresh.slide) or key, "new this month"))
    reorder(prs, [part for _, part in result], dropped, instead)
    ids_and_sections(prs, inherited, {page.slide_id for page, _ in old_pages},
                     {part for _, part in old_pages if part is not None})  # fmt: skip
    opened_parts = {part for _, part in old_pages if part is not None}
    follow_links([part for _, part in result], lambda part: instead.get(part) if (
        part in opened_parts) else replacing.get(str(part.partname)), report)  # fmt: skip
    unlisted_apart(prs)
    numbers = {part: n for n, (_, part) in enumerate(result, start=1)}
    for page, part in old_pages:
        copied = copies.get(part)
        if copied is not None and part in numbers:
            name = page_name(part.slide, page.mark) if page.mark is not None else (
                page_title(part.slide) or "untitled")  # fmt: skip
            report.kept += [Kept(numbers[part], name, k.what) for k in copied.kept]
            report.lost += [Kept(numbers[part], name, k.what) for k in copied.lost]
            report.charts += copied.charts
    own_titles = {id(part): page.title for page, part in old_pages}
    for n, (key, part) in enumerate(result, start=1):
        if key is None:
            title = own_titles.get(id(part)) or "untitled"
            report.own.append(Kept(n, title, "your own page, kept"))
    return report


def take_charts(charts: Mapping[str, Any], new: Page, number: int, report: RefreshReport,
                names: Mapping[str, str] | None = None) -> int:  # fmt: skip
    """This month's page ``new`` (slide ``number`` of the result) taking the charts of last
    month's page that nobody touched but for its charts' XML (``charts``: that XML, by role,
    as :attr:`OldPage.chart_xml`): each chart keeps its XML (a person's formatting) and takes
    this month's data, in this month's frame (a chart pumpxl no longer draws is not taken),
    named as its frame was (``names``, by role: a name a person gave it stays). How many it
    took."""
    theirs = shapes_by_role(new.slide, new.mark.slide) if charts else {}
    taken = 0
    for role, xml in charts.items():
        part = frame_chart(new.slide, theirs[role][0]) if role in theirs else None
        if part is None:
            continue
        name = shape_name(theirs[role][0])
        label = (names or {}).get(role)
        if label and label != readable_name(name):  # a name a person gave it: theirs, and
            set_shape_name(theirs[role][0], remarked(  # so the chart, month after month
                relabelled(name, label), c=UNKNOWN_CHART))
        for note in take_chart(part, xml):
            report.kept.append(Kept(number, page_name(new.slide, new.mark), f"your chart: {note}"))
        taken += 1
    report.charts += taken
    return taken


def _insert_at(keys: list[str | None], new_keys: list[str], key: str) -> int:
    """Where a page new this month goes (``keys``: the result's pages so far, None for a
    person's): after the page that precedes it in a fresh build (and after any pages people
    put right after that one), else first."""
    before = new_keys[: new_keys.index(key)]
    for prev in reversed(before):
        if prev in keys:
            at = keys.index(prev) + 1
            while at < len(keys) and keys[at] is None:
                at += 1  # a person's pages after it stay with it
            return at
    return 0
