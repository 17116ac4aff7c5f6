"""A deck's package made to grow linearly: python-pptx finds the next free part name
(chart7.xml, ...) by walking every part, and looks for an existing relationship to each new
slide among every slide's, so a deck's build time would grow with the square of its size.
These replace both, on one presentation only."""

from __future__ import annotations

import copy
import functools
import gc
import weakref
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any
from xml.sax.saxutils import escape

__all__ = ["add_slide", "collected", "counted_partnames", "save"]

#: the slide id element add_slide gave each presentation last, and its id
_last_added: weakref.WeakKeyDictionary[Any, tuple[Any, int]] = weakref.WeakKeyDictionary()
#: the placeholders a new slide of each layout gets (all, or the title only), as python-pptx
#: copied them to the first
_placeholders: weakref.WeakKeyDictionary[Any, dict[bool, list[Any]]] = weakref.WeakKeyDictionary()
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def counted_partnames(prs: Any) -> Any:
    """Give this presentation's package a part-name counter. python-pptx finds the next free
    name (chart7.xml, ...) by walking every part of the package for each new chart, which
    makes a deck's build time grow with the square of its size; this gives the same names
    from a set of the names in use, kept up to date as parts are added."""
    from pptx.opc.packuri import PackURI

    package = prs.part.package
    used = {str(p.partname) for p in package.iter_parts()}
    counters: dict[str, int] = {}

    def next_partname(tmpl: str) -> PackURI:
        n = counters.get(tmpl, 1)
        while tmpl % n in used:
            n += 1
        counters[tmpl] = n + 1
        used.add(tmpl % n)
        return PackURI(tmpl % n)

    package.next_partname = next_partname
    _new_slides_related_directly(prs)
    return prs


def _new_slides_related_directly(prs: Any) -> None:
    """Relate each new slide to the presentation without python-pptx's search for an
    existing relationship to it (a scan of every slide's: the square of a deck's size). A
    slide part nothing relates to yet cannot have one. Its id is python-pptx's first choice
    (``rId`` and the number after the relationships' count) when that is free, as it always
    is in a deck built from nothing; in a deck with gaps in its ids (last month's, without
    the pages a refresh leaves out) python-pptx would count down through every id in use,
    and the lowest free id is taken instead."""
    from pptx.opc.constants import RELATIONSHIP_TARGET_MODE as RTM
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import _Relationship

    rels = prs.part.rels
    taken = rels._rels
    related = {id(rel.target_part) for rel in rels.values() if not rel.is_external}
    original = rels.get_or_add
    lowest = 1  # no free id below it

    def next_rid() -> str:
        nonlocal lowest
        first = f"rId{len(taken) + 1}"
        if first not in taken:
            return first
        while f"rId{lowest}" in taken:
            lowest += 1
        return f"rId{lowest}"

    def get_or_add(reltype: str, target_part: Any) -> str:
        if reltype == RT.SLIDE and id(target_part) not in related:
            related.add(id(target_part))
            rid = next_rid()
            taken[rid] = _Relationship(rels._base_uri, rid, reltype, target_mode=RTM.INTERNAL,
                                       target=target_part)  # fmt: skip
            return rid
        return str(original(reltype, target_part))

    rels.get_or_add = get_or_add


def add_slide(prs: Any, layout: Any, *, title_only: bool = False) -> Any:
    """A new slide from ``layout`` at the end of the deck, as python-pptx's ``add_slide``
    makes it, with its shape ids counted instead of searched for (python-pptx's "turbo" add:
    the slide's shapes are all added through python-pptx). ``title_only``: of the layout's
    placeholders, only the title is copied (the deck's content slides draw their own)."""
    from pptx.oxml.ns import qn

    r_id, slide = prs.part.add_slide(layout)
    tree = slide.shapes._spTree
    made = _placeholders.setdefault(layout.part, {}).get(title_only)
    if made is None:  # python-pptx copies the layout's placeholders (XPath at every step)
        for ph in layout.iter_cloneable_placeholders():
            if not title_only or ph.placeholder_format.idx == 0:
                slide.shapes.clone_placeholder(ph)
        made = [copy.deepcopy(el) for el in tree.iterchildren(f"{_P}sp")]
        _placeholders[layout.part][title_only] = made
    else:  # what it made for this layout's first new slide: the same shapes and ids
        for el in made:
            tree.append(copy.deepcopy(el))
    ids = prs.slides._sldIdLst
    last = _last_added.get(prs.part)
    if last is not None and len(ids) and ids[-1] is last[0]:
        n = last[1] + 1  # nothing added since this function's last slide: no need to look
    else:
        used = (int(v) for s in ids.iterchildren(qn("p:sldId")) if (v := s.get("id", "")).isdigit())
        n = max(used, default=255) + 1
    added = ids._add_sldId(id=n if n <= 2147483647 else ids._next_id, rId=r_id)
    _last_added[prs.part] = (added, int(added.get("id")))
    slide.shapes.turbo_add_enabled = True
    return slide


@contextmanager
def collected() -> Iterator[None]:
    """Build a deck with the cyclic collector paused, and collect the deck once it is done.

    A deck is hundreds of thousands of lxml/python-pptx objects, all alive until it is saved:
    the collector would rescan them again and again for nothing. They hold cycles, so once
    the deck is written and let go they are collected (left to the collector, a program
    building decks in turn would hold them all); the program's older objects are frozen
    meanwhile, so that this collection looks at the deck's only (unless the program froze
    objects itself: then it is a full collection, its frozen objects left as they are)."""
    collecting = gc.isenabled()
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        gc.collect()
        if freeze:
            gc.unfreeze()


_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ATTR = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def save(prs: Any, file: str | IO[bytes]) -> None:
    """Write the deck as python-pptx's ``save`` does (the same members, in the same order,
    with the same bytes), its parts' relationships written as text: python-pptx builds an
    XML tree for each part's relationships and works out each target's relative name anew,
    a tenth of a deck's build."""
    from pptx.opc.oxml import serialize_part_xml
    from pptx.opc.serialized import _ContentTypesItem

    package = prs.part.package
    parts = tuple(package.iter_parts())
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED,
                         strict_timestamps=False) as z:  # fmt: skip
        z.writestr("[Content_Types].xml", serialize_part_xml(_ContentTypesItem.xml_for(parts)))
        z.writestr("_rels/.rels", _rels_xml(package._rels, "/"))
        for part in parts:
            z.writestr(part.partname.membername, part.blob)
            if part._rels:
                rels = _rels_xml(part._rels, part.partname.baseURI)
                z.writestr(part.partname.rels_uri.membername, rels)


def _rels_xml(rels: Any, base: str) -> bytes:
    """A part's relationships as python-pptx writes them: in the order of their numbers."""
    items = []
    numbered = sorted((int(k[3:]) if k.startswith("rId") and k[3:].isdigit() else 0, k)
                      for k in rels)  # fmt: skip
    for _, rid in numbered:
        rel = rels[rid]
        if rel.is_external:
            target, mode = rel.target_ref, ' TargetMode="External"'
        else:
            target, mode = _relative(str(rel.target_part.partname), base), ""
        items.append(f'<Relationship Id="{escape(rid, _ATTR)}" Type="{escape(rel.reltype, _ATTR)}"'
                     f' Target="{escape(target, _ATTR)}"{mode}/>')  # fmt: skip
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    if not items:
        return f'{head}<Relationships xmlns="{_RELS_NS}"/>'.encode()
    return f'{head}<Relationships xmlns="{_RELS_NS}">{"".join(items)}</Relationships>'.encode()


@functools.lru_cache(maxsize=65_536)
def _relative(partname: str, base: str) -> str:
    from pptx.opc.packuri import PackURI

    return str(PackURI(partname).relative_ref(base))
