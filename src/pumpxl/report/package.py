"""A deck's package made to grow linearly: python-pptx finds the next free part name
(chart7.xml, ...) by walking every part, and looks for an existing relationship to each new
slide among every slide's, so a deck's build time would grow with the square of its size.
These replace both, on one presentation only."""

from __future__ import annotations

from typing import Any

__all__ = ["counted_partnames"]


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
    slide part nothing relates to yet cannot have one."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    rels = prs.part.rels
    related = {id(rel.target_part) for rel in rels.values() if not rel.is_external}
    original = rels.get_or_add

    def get_or_add(reltype: str, target_part: Any) -> str:
        if reltype == RT.SLIDE and id(target_part) not in related:
            related.add(id(target_part))
            return str(rels._add_relationship(reltype, target_part))
        return str(original(reltype, target_part))

    rels.get_or_add = get_or_add
