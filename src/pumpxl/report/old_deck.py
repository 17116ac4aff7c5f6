"""Last month's deck, opened for a refresh (``pumpxl refresh``) in two steps.

First every page is read from the file's XML: its mark and record, its title, and whether
anybody touched it since pumpxl wrote it (:func:`pumpxl.report.touched.page_state`, its
notes and charts read from their parts). Then the deck is opened with python-pptx without
the pages the refresh will replace by this month's (nobody touched them): those pages, their
notes, charts and charts' workbooks are never loaded. In a month's refresh that is most of
the deck, and loading it was most of the time opening it took.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml

from pumpxl.core.errors import InputError, Problem
from pumpxl.report.deckfile import unreadable
from pumpxl.report.deckzip import Members, presentation, read_members, rels_name
from pumpxl.report.marks import (
    Mark,
    marker_manifest,
    readable_name,
    tree_marker,
    tree_page_title,
)
from pumpxl.report.shapexml import (
    notes_page_text,
    shape_name,
    written_form,
    written_here,
    xml_digest,
)
from pumpxl.report.touched import (
    CHARTS,
    EDITED,
    UNTOUCHED,
    chart_frames,
    edited_words,
    page_shapes,
    page_state,
    persons_page,
)
from pumpxl.report.unparsed import PAGES, unparsed

__all__ = ["OldDeck", "OldPage", "read_old_deck"]

#: parts are parsed as python-pptx parses them (blank text dropped, no entities resolved)
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_OFFICE_DOCUMENT = "/officeDocument"
_NOTES = "/notesSlide"
_LAYOUT = "/slideLayout"
_PACKAGE = "/package"


@dataclass
class OldPage:
    """One page of last month's deck as its XML has it: its part, its mark (None: a page a
    person made), the record its marker holds, whether nobody touched it since pumpxl wrote
    it, its title, and whether the presentation names it elsewhere too (a custom show)."""

    partname: str
    mark: Mark | None
    manifest: dict[str, Any] = field(default_factory=dict)
    untouched: bool = False
    title: str = ""
    named_elsewhere: bool = False
    #: its id in the presentation's list of pages (what PowerPoint's sections name it by)
    slide_id: str = ""
    #: whether a person put it on another layout than pumpxl drew it on
    relaid: bool = False
    #: whether it holds copies a person made of pumpxl's shapes (pasted from another page,
    #: or duplicated): each takes this month's from the page it came from
    copies: bool = False
    #: on a page somebody edited, the words people wrote in a measure's blocks, by role
    words: dict[str, str] = field(default_factory=dict)
    #: the digests of the charts its verdict read, by relationship id (not read again)
    charts: dict[str, str | None] = field(default_factory=dict)
    #: on a page nobody touched but for its charts' XML (:data:`CHARTS`), the XML of pumpxl's
    #: charts (bytes, or the element the verdict parsed), by role: this month's page takes it,
    #: with this month's data (a chart related to parts besides its workbook, a person's
    #: picture fill say, is not taken: its page is opened and refreshed around it)
    chart_xml: dict[str, Any] = field(default_factory=dict)
    #: the names of the frames of those charts, as PowerPoint's Selection Pane shows them
    #: (a person may have renamed them), by role
    chart_names: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str | None:
        return self.mark.slide if self.mark is not None else None


def _relationships(xml: bytes | None, partname: str) -> list[tuple[str, str, str | None]]:
    """A part's relationships (its ``_rels`` member's XML): each one's id, type and target
    part (None for a target outside the package: a hyperlink, a linked workbook)."""
    if xml is None:
        return []
    base = posixpath.dirname(partname) or "/"
    return [(rel.get("Id", ""), rel.get("Type", ""),
             None if rel.get("TargetMode") == "External"
             else str(PackURI.from_rel_ref(base, rel.get("Target", ""))))
            for rel in etree.fromstring(xml, _PARSER).iter(_RELS)]  # fmt: skip


def _targets(xml: bytes | None, partname: str) -> dict[str, tuple[str, str]]:
    """A part's relationships to parts of the package: by id, (type, target part)."""
    return {rid: (kind, target) for rid, kind, target in _relationships(xml, partname)
            if target is not None}  # fmt: skip


class OldDeck:
    """Last month's deck as read from its XML (:func:`read_old_deck`): its pages in order
    and its record; :meth:`open` opens it with python-pptx, without the pages the refresh
    replaces."""

    def __init__(self, path: Path, members: Members, main: str, root: Any,
                 pages: list[OldPage], rids: list[str]) -> None:  # fmt: skip
        self.path = path
        self.pages = pages
        self._members = members
        self._main = main
        self._root = root  # the presentation part's XML
        self._rids = rids

    @property
    def manifest(self) -> dict[str, Any]:
        """The deck's record (:func:`pumpxl.report.marks.deck_manifest`), {} without one."""
        return next((p.manifest for p in self.pages if "slides" in p.manifest), {})

    def open(self, left_out: Collection[str]) -> tuple[Any, list[tuple[OldPage, Any]]]:
        """The deck as a python-pptx Presentation without the pages whose part names are
        ``left_out``, and its pages in order, each with its slide's part (None: left out).
        Its pages, notes and charts stay unparsed until something reads them (a page kept
        as it stands is written as it was read). A deck python-pptx cannot read is an
        InputError."""
        members = self._members
        gone = {rid for rid, page in zip(self._rids, self.pages, strict=True)
                if page.partname in left_out}  # fmt: skip
        if gone:
            main = self._root
            main_rels = rels_name(self._main)
            rels = etree.fromstring(members[main_rels], _PARSER)
            for rel in list(rels.iter(_RELS)):
                if rel.get("Id") in gone:
                    rels.remove(rel)
            listed = main.find(f"{_P}sldIdLst")
            for sld in list(listed if listed is not None else ()):
                if sld.get(_R_ID) in gone:
                    listed.remove(sld)
            members.override[main_rels] = _xml(rels)
            members.override[self._main] = _xml(main)
        try:
            with unparsed(PAGES):
                prs = presentation(members)
            # (python-pptx numbers the slides' parts in order as it lists them)
            slides = {sld.rId: prs.part.related_part(sld.rId) for sld in prs.slides._sldIdLst}
        except InputError:
            raise
        except Exception as exc:  # python-pptx raises many kinds on a damaged package
            raise InputError(f"{self.path.name}: {unreadable(self.path, exc).message}",
                             setting="deck") from None  # fmt: skip
        return prs, [
            (page, None if rid in gone else slides[rid])
            for rid, page in zip(self._rids, self.pages, strict=True)
            if rid in gone or rid in slides
        ]


def _xml(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def read_old_deck(path: Path, *, why_closed: str = "") -> tuple[OldDeck | None, Problem | None]:
    """Last month's deck read from its XML (see the module), or None and the problem with
    the file (as :func:`pumpxl.report.deckzip.open_deck` says it)."""
    members, problem = read_members(path, why_closed=why_closed)
    if members is None:
        return None, problem
    try:
        root = _targets(members.read("/_rels/.rels"), "/")
        main = next((t for kind, t in root.values() if kind.endswith(_OFFICE_DOCUMENT)),
                    "/ppt/presentation.xml")  # fmt: skip
        related = _targets(members.rels_xml_for(PackURI(main)), main)
        root = etree.fromstring(members[main], _PARSER)
        listed = root.find(f"{_P}sldIdLst")
        rids = [sld.get(_R_ID, "") for sld in (listed if listed is not None else ())]
        slide_ids = [sld.get("id", "") for sld in (listed if listed is not None else ())]
        named = Counter(v for el in root.iter() if (v := el.get(_R_ID)))
    except (etree.XMLSyntaxError, KeyError, OSError, zipfile.BadZipFile, ValueError) as exc:
        return None, unreadable(path, exc)
    pages = []
    layouts = _Layouts(members)
    for number, rid in enumerate(rids, start=1):
        partname = related[rid][1] if rid in related else ""
        try:
            page = _page(members, partname, layouts) if partname else OldPage("", None)
        except (etree.XMLSyntaxError, OSError, zipfile.BadZipFile, ValueError) as exc:
            message = f"its slide {number} ({partname.lstrip('/')}) is damaged: {exc}"
            return None, Problem(path.name, message, "bad_deck")
        page.named_elsewhere = named[rid] > 1
        page.slide_id = slide_ids[number - 1]
        pages.append(page)
    return OldDeck(path, members, main, root, pages, rids), None


def _page(members: Members, partname: str, layouts: _Layouts) -> OldPage:
    """A page read from its part (and, for the verdict, its notes, charts and the name of
    its layout)."""
    blob = members.read(partname)
    if blob is None:
        return OldPage(partname, None)  # python-pptx says what is wrong when it opens
    slide = etree.fromstring(blob, _PARSER)
    tree = slide.find(f"{_P}cSld/{_P}spTree")
    if tree is None:
        return OldPage(partname, None)
    title = tree_page_title(tree)
    found = tree_marker(tree)
    if found is None:
        return OldPage(partname, None, title=title, copies=bool(page_shapes(tree, None)[1]))
    marker, mark = found
    manifest = marker_manifest(marker)
    relationships = _relationships(members.rels_xml_for(PackURI(partname)), partname)
    related = {rid: (kind, target) for rid, kind, target in relationships if target is not None}
    charts: dict[str, str | None] = {}
    chart_xml: dict[str, Any] = {}

    def chart(frame: Any) -> str | None:
        ref = next(frame.iter(f"{_C}chart"), None)
        if ref is None:
            return None
        rid = ref.get(_R_ID, "")
        if rid not in charts:
            charts[rid] = _chart_digest(rid)
        return charts[rid]

    def _chart_digest(rid: str) -> str | None:
        target = related.get(rid, ("", ""))[1]
        xml = members.read(target) if target else None
        if xml is None:
            return ""  # no chart behind the frame: not as written
        written, parsed = written_form(xml), None
        if written is None:  # another program wrote it (so not as pumpxl wrote it: its own
            try:  # bytes' digest says so), parsed for the refresh to merge
                parsed = parse_xml(xml)
            except etree.XMLSyntaxError as exc:
                raise InputError(f"the deck's chart {target} is damaged: {exc}",
                                 setting="deck") from None  # fmt: skip
            written = xml
        if all(kind.endswith(_PACKAGE) and part is not None  # (related to its workbook alone)
               for _, kind, part in _relationships(members.rels_xml_for(PackURI(target)),
                                                   target)):  # fmt: skip
            chart_xml[rid] = xml if parsed is None else parsed
        return xml_digest(written)

    def notes() -> str:
        target = next((t for kind, t in related.values() if kind.endswith(_NOTES)), None)
        xml = members.read(target) if target is not None else None
        if xml is None:
            return ""
        try:
            return notes_page_text(etree.fromstring(xml, _PARSER))
        except etree.XMLSyntaxError as exc:
            raise InputError(f"the deck's notes page {target} is damaged: {exc}",
                             setting="deck") from None  # fmt: skip

    kinds = [kind for _, kind, _ in relationships]
    layout = next((t for kind, t in related.values() if kind.endswith(_LAYOUT)), None)
    relaid = bool(manifest.get("l")) and layout is not None and layouts.name(
        layout) != manifest["l"] and manifest["l"] in layouts.names()  # (renamed: cannot tell)
    # (a page another program saved cannot read back as pumpxl wrote it: its shape tree's
    # digest, written out for nothing, is not asked)
    state = EDITED if relaid or persons_page(slide, kinds) else page_state(
        tree, mark, manifest, chart=chart, notes=notes,
        marker=marker if written_here(blob) else None)  # fmt: skip
    own, copied = page_shapes(tree, mark.slide) if state != UNTOUCHED else ({}, [])
    words = edited_words(own, _BLOCKS) if state == EDITED and mark.get("m") else {}
    taken, names = {}, {}
    if state == CHARTS:  # the charts that differ, when a page can take each of them
        changed = {role: rid for role, (rid, written) in chart_frames(own).items()
                   if charts.get(rid) != written}  # fmt: skip
        if all(rid in chart_xml for rid in changed.values()):
            taken = {role: chart_xml[rid] for role, rid in changed.items()}
            names = {role: readable_name(shape_name(own[role][0])) for role in taken}
    copies = state == EDITED and bool(copied)
    return OldPage(partname, mark, manifest, state == UNTOUCHED, title, words=words,
                   charts=charts, chart_xml=taken, chart_names=names, relaid=relaid,
                   copies=copies)  # fmt: skip


class _Layouts:
    """The names of a deck's layouts (their ``p:cSld``'s), each read once: a page on
    another layout than the one its record names, which the deck still has, is on a
    layout a person chose (a layout renamed since, by a person or another program's save,
    as LibreOffice's renames most, tells nothing)."""

    def __init__(self, members: Members) -> None:
        self._members = members
        self._names: dict[str, str] = {}
        self._all: set[str] | None = None

    def name(self, partname: str) -> str:
        if partname not in self._names:
            try:
                xml = self._members.read(partname)
                page = etree.fromstring(xml, _PARSER).find(f"{_P}cSld") if xml else None
            except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError):
                page = None  # (python-pptx says what is wrong with it if a page uses it)
            self._names[partname] = page.get("name", "") if page is not None else ""
        return self._names[partname]

    def names(self) -> set[str]:
        if self._all is None:
            self._all = {self.name(n) for n in self._members.names()
                         if n.startswith("/ppt/slideLayouts/") and n.endswith(".xml")}  # fmt: skip
        return self._all


#: a measure page's blocks (:data:`pumpxl.report.measure.BLOCK_ROLES`), whose words people
#: write; a refresh lays this month's page out around them
_BLOCKS = ("happening", "why", "action", "decisions")
