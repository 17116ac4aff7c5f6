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
  are kept and marked, never dropped silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from typing import Any

from lxml import etree
from pptx.opc.packuri import PackURI
from pptx.util import Inches, Pt

from pumpxl.report.chart_merge import take_chart
from pumpxl.report.design import BAD, WHITE, fit_text
from pumpxl.report.marks import marker_element, marker_manifest
from pumpxl.report.old_deck import OldPage
from pumpxl.report.refresh_page import (
    Kept,
    Page,
    RefreshReport,
    frame_chart,
    page_name,
    page_title,
    refresh_page,
    shapes_by_role,
)
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
                if take_charts(page.chart_xml, fresh, len(result), report):
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
    _reorder(prs, [part for _, part in result], dropped, instead)
    _ids_and_sections(prs, inherited, {page.slide_id for page, _ in old_pages},
                      {part for _, part in old_pages if part is not None})  # fmt: skip
    opened_parts = {part for _, part in old_pages if part is not None}
    _follow_links([part for _, part in result], lambda part: instead.get(part) if (
        part in opened_parts) else replacing.get(str(part.partname)), report)  # fmt: skip
    _unlisted_apart(prs)
    titles = {id(part): page.title for page, part in old_pages}
    for n, (key, part) in enumerate(result, start=1):
        if key is None:
            title = titles.get(id(part)) or "untitled"
            report.own.append(Kept(n, title, "your own page, kept"))
    return report


def take_charts(charts: Mapping[str, Any], new: Page, number: int,
                report: RefreshReport) -> int:  # fmt: skip
    """This month's page ``new`` (slide ``number`` of the result) taking the charts of last
    month's page that nobody touched but for its charts' XML (``charts``: that XML, by role,
    as :attr:`OldPage.chart_xml`): each chart keeps its XML (a person's formatting) and takes
    this month's data, in this month's frame (a chart pumpxl no longer draws is not taken).
    How many it took."""
    theirs = shapes_by_role(new.slide) if charts else {}
    taken = 0
    for role, xml in charts.items():
        part = frame_chart(new.slide, theirs[role][0]) if role in theirs else None
        if part is None:
            continue
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


def _reorder(prs: Any, result: list[Any], dropped: list[Any], instead: dict[Any, Any]) -> None:
    """The presentation's slide list as ``result`` (slide parts); ``dropped`` removed, and
    what else names a dropped page (a custom show) naming the page ``instead`` of it, or,
    without one, the dropped page still (never a relationship that is gone)."""
    ids = prs.slides._sldIdLst
    by_part = {}
    for sld in list(ids):
        by_part[prs.part.related_part(sld.rId)] = sld
        ids.remove(sld)
    elsewhere = [el for el in prs.part._element.iter() if el.get(_R_ID)]
    for part in dropped:
        sld = by_part.pop(part, None)
        if sld is None:
            continue
        named = [el for el in elsewhere if el.get(_R_ID) == sld.rId]
        new = by_part.get(instead.get(part))
        if new is not None:
            for el in named:
                el.set(_R_ID, new.rId)
            prs.part.drop_rel(sld.rId)
        elif not named:
            prs.part.drop_rel(sld.rId)
    for part in result:
        ids.append(by_part[part])


def _ids_and_sections(prs: Any, ids: Mapping[Any, str], old: Collection[str],
                      kept: Collection[Any]) -> None:  # fmt: skip
    """Each page replacing one of last month's takes its id (``ids``: by the new page's
    part), so that PowerPoint's sections (and anything else naming pages by id) find it;
    other new pages get ids no page of last month's had (``old``; ``kept``: last month's
    pages the result holds, with their ids). Sections then list the result's pages: a page
    gone is left out, a page new this month joins the section of the page before it."""
    slides = list(prs.slides._sldIdLst)
    parts = [prs.part.related_part(sld.rId) for sld in slides]
    taken = set(ids.values()) | {sld.get("id") for sld, part in zip(slides, parts, strict=True)
                                 if part in kept}  # fmt: skip
    every = [*old, *taken, *(sld.get("id", "") for sld in slides)]
    top = max((int(i) for i in every if i.isdigit()), default=255)
    for sld, part in zip(slides, parts, strict=True):
        if ids.get(part):
            sld.set("id", ids[part])
        elif part not in kept and (sld.get("id") in taken or sld.get("id") in old):
            top += 1
            sld.set("id", str(top))
    sections = next(prs.part._element.iter(f"{_P14}sectionLst"), None)
    if sections is None:
        return
    order = [sld.get("id") for sld in slides]
    listed: dict[str, Any] = {}
    for entry in list(sections.iter(f"{_P14}sldId")):
        if entry.get("id") in order and entry.get("id") not in listed:
            listed[entry.get("id")] = entry
        else:
            entry.getparent().remove(entry)
    first = next(sections.iter(f"{_P14}section"), None)
    for k, sid in enumerate(order):
        if sid in listed or first is None:
            continue
        entry = etree.Element(f"{_P14}sldId", id=sid)
        if k and order[k - 1] in listed:
            listed[order[k - 1]].addnext(entry)
        else:
            held = next(first.iterchildren(f"{_P14}sldIdLst"), None)
            if held is None:
                held = etree.SubElement(first, f"{_P14}sldIdLst")
            held.insert(0, entry)
        listed[sid] = entry


_P14 = "{http://schemas.microsoft.com/office/powerpoint/2010/main}"


def _follow_links(parts: list[Any], replacing: Callable[[Any], Any | None],
                  report: RefreshReport) -> None:  # fmt: skip
    """Links on the result's pages (``parts``) to a page of last month's that this month's
    replaced (``replacing(part)``: the new page's part, None for none) lead to the new page;
    a link to a page no longer in the deck is reported (a person's page linking to measure
    pages, an At a glance row linked to its measure's page). (Pages opened are known by
    their parts, which python-pptx renamed as it opened them; pages never opened, loaded
    as a link's target, by the names they had in the file.)"""
    shown = set(parts)
    for number, part in enumerate(parts, start=1):
        for rid, rel in list(part.rels.items()):
            if rel.is_external or not rel.reltype.endswith(_SLIDE) or rel.target_part in shown:
                continue
            new = replacing(rel.target_part)
            if new is None:
                gone = page_title(rel.target_part.slide) or "a page"
                report.lost.append(Kept(number, page_title(part.slide) or "untitled",
                                        f"your link to {gone!r}: that page is not in this "
                                        "month's deck"))  # fmt: skip
                continue
            new_rid = part.relate_to(new, rel.reltype)
            for el in part._element.iter():
                if el.get(_R_ID) == rid:
                    el.set(_R_ID, new_rid)
            part.drop_rel(rid)


def _unlisted_apart(prs: Any) -> None:
    """Pages the result holds but does not show (a page a custom show or a person's link
    names that this month's deck no longer has) named apart from the pages it shows:
    python-pptx names a new page after the count of pages shown, and two members of one
    name would make the file unreadable."""
    shown = {prs.part.related_part(sld.rId) for sld in prs.slides._sldIdLst}
    unlisted = [part for part in prs.part.package.iter_parts()
                if part.partname.startswith(_SLIDES) and part not in shown]  # fmt: skip
    names = {str(part.partname) for part in shown}
    n = _UNLISTED
    for part in unlisted:
        while f"{_SLIDES}{n}.xml" in names:
            n += 1
        part.partname = PackURI(f"{_SLIDES}{n}.xml")
        names.add(str(part.partname))


#: unlisted pages are named from ``slide10000.xml`` on
_SLIDES, _UNLISTED = "/ppt/slides/slide", 10_000
_SLIDE = "/slide"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
