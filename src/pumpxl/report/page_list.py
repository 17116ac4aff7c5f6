"""The refreshed deck's list of pages (``pumpxl refresh``, :mod:`pumpxl.report.refresh`),
once the pages are merged: their order, pages dropped (what else names them naming the pages
instead of them), the ids PowerPoint's sections name pages by, links between pages leading to
this month's pages, and pages held but not shown named apart."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from lxml import etree
from pptx.opc.packuri import PackURI

from pumpxl.report.refresh_report import Kept, RefreshReport, page_title

__all__ = ["follow_links", "ids_and_sections", "reorder", "unlisted_apart"]


def reorder(prs: Any, result: list[Any], dropped: list[Any], instead: dict[Any, Any]) -> None:
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


def ids_and_sections(prs: Any, ids: Mapping[Any, str], old: Collection[str],
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


def follow_links(parts: list[Any], replacing: Callable[[Any], Any | None],
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


def unlisted_apart(prs: Any) -> None:
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
