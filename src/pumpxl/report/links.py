"""A person's links on pumpxl's texts, carried to this month's words (``pumpxl refresh``).

A person may make a shape of pumpxl's a link (PowerPoint's *Link* on the shape) or link some
of its words (a measure's title to its dashboard, say) without changing the words. A refresh
rewrites such a text with this month's words (:mod:`pumpxl.report.refresh_page`); the links
go with it: a shape's link to the shape drawn this month, a link on words to the same words
in this month's text (the run holding them split so that the link covers those words alone).
Words no longer in this month's text cannot take their link: :func:`relink` says which, for
the refresh to tell the person. The links' relationships are the page's own, which stays.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from pumpxl.report.shapexml import shape_props
from pumpxl.report.xmlbits import insert_before

__all__ = ["Links", "person_links", "relink"]

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_LINKS = (f"{_A}hlinkClick", f"{_A}hlinkHover", f"{_A}hlinkMouseOver")
_RUN, _RPR, _TEXT, _PARA = f"{_A}r", f"{_A}rPr", f"{_A}t", f"{_A}p"
#: what follows the links in a shape's ``p:cNvPr`` and in a run's ``a:rPr``, in schema order
_AFTER_LINKS = frozenset({f"{_A}rtl", f"{_A}extLst"})


@dataclass
class Links:
    """A shape's links: its own (``p:cNvPr``'s) and, for each linked phrase of its text
    (consecutive runs under the same link), the words and the link elements."""

    shape: list[Any] = field(default_factory=list)
    words: list[tuple[str, list[Any]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.shape or self.words)


def person_links(el: Any) -> Links:
    """The links on a shape element (see :class:`Links`)."""
    props = shape_props(el)
    out = Links([c for c in props.iterchildren(*_LINKS)] if props is not None else [])
    for para in el.iter(_PARA):
        phrase: list[str] = []
        held: list[Any] = []
        for run in para.iterchildren(_RUN):
            links = _run_links(run)
            if links and _same(links, held):
                phrase.append(_text(run))
                continue
            if held:
                out.words.append(("".join(phrase), held))
            phrase, held = ([_text(run)], links) if links else ([], [])
        if held:
            out.words.append(("".join(phrase), held))
    return out


def relink(el: Any, links: Links) -> list[tuple[str, list[Any]]]:
    """``links`` (a person's, read from last month's shape) on ``el``, this month's: the
    shape's own, and each phrase's on the first run of this month's text that holds those
    words and no link yet. Returns the phrases whose words this month's text does not hold."""
    props = shape_props(el)
    if links.shape and props is not None:
        for old in list(props.iterchildren(*_LINKS)):
            props.remove(old)
        insert_before(props, [copy.deepcopy(c) for c in links.shape], _AFTER_LINKS)
    lost = []
    for words, elements in links.words:
        if not words or not _link_words(el, words, elements):
            lost.append((words, elements))
    return lost


def _link_words(el: Any, words: str, elements: list[Any]) -> bool:
    for run in el.iter(_RUN):
        text = _text(run)
        at = text.find(words)
        if at < 0 or _run_links(run):
            continue
        before, after = text[:at], text[at + len(words):]
        if before:
            run.addprevious(_run_with(run, before))
        if after:
            run.addnext(_run_with(run, after))
        _set_text(run, words)
        props = next(run.iterchildren(_RPR), None)
        if props is None:
            props = etree.Element(_RPR)
            run.insert(0, props)
        insert_before(props, [copy.deepcopy(c) for c in elements], _AFTER_LINKS)
        return True
    return False


def _run_links(run: Any) -> list[Any]:
    props = next(run.iterchildren(_RPR), None)
    return [] if props is None else list(props.iterchildren(*_LINKS))


def _same(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(etree.tostring(x) == etree.tostring(y)
                                    for x, y in zip(a, b, strict=True))  # fmt: skip


def _text(run: Any) -> str:
    return "".join(t.text or "" for t in run.iterchildren(_TEXT))


def _set_text(run: Any, text: str) -> None:
    texts = list(run.iterchildren(_TEXT))
    if not texts:
        etree.SubElement(run, _TEXT).text = text
        return
    texts[0].text = text
    for extra in texts[1:]:
        run.remove(extra)


def _run_with(run: Any, text: str) -> Any:
    """A copy of ``run`` (its look) holding ``text``."""
    twin = copy.deepcopy(run)
    _set_text(twin, text)
    return twin
