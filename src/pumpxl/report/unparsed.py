"""XML parts kept as bytes until something reads their elements, and written back as those
bytes while nothing has: the charts pumpxl writes (a deck writes hundreds and reads none),
and the charts, pages and notes of last month's deck that a refresh keeps as they stand
(most of what it opens; it reads them from their bytes, :mod:`pumpxl.report.old_deck`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.oxml import serialize_part_xml
from pptx.opc.package import Part, PartFactory
from pptx.oxml import parse_xml
from pptx.parts.slide import NotesSlidePart, SlidePart

from pumpxl.core.errors import InputError

__all__ = ["Unparsed", "UnparsedNotesSlidePart", "UnparsedSlidePart", "unparsed"]


class Unparsed:
    """A mixin for python-pptx's XML parts (put first among the bases): the part's XML
    held as bytes, parsed the first time something reads its elements; its ``blob`` is
    those bytes while nothing has."""

    #: what the part is, for the message when its XML is damaged
    what = "part"
    _partname: Any

    def __init__(self, partname: Any, content_type: str, package: Any, xml: bytes) -> None:
        Part.__init__(self, partname, content_type, package)  # type: ignore[arg-type]
        self._written: bytes | None = xml
        self._parsed: Any = None

    @classmethod
    def load(cls, partname: Any, content_type: str, package: Any, blob: bytes) -> Any:
        """A part of a deck being opened, parsed only if something reads it."""
        return cls(partname, content_type, package, blob)

    @property
    def _element(self) -> Any:
        if self._parsed is None:
            assert self._written is not None
            try:
                self._parsed = parse_xml(self._written)
            except etree.XMLSyntaxError as exc:  # a deck's part, damaged
                raise InputError(f"the deck's {self.what} {self._partname} is damaged: {exc}",
                                 setting="deck") from None  # fmt: skip
            self._written = None
        return self._parsed

    @_element.setter
    def _element(self, element: Any) -> None:
        self._parsed, self._written = element, None

    @property
    def blob(self) -> bytes:
        if self._written is not None:
            return self._written
        return bytes(serialize_part_xml(self._parsed))


class UnparsedSlidePart(Unparsed, SlidePart):  # type: ignore[override]
    """A page of a deck being refreshed, read (and written again) as bytes unless a
    refresh edits it."""

    what = "slide"


class UnparsedNotesSlidePart(Unparsed, NotesSlidePart):  # type: ignore[override]
    """A page's speaker notes in a deck being refreshed (see :class:`UnparsedSlidePart`)."""

    what = "notes page"


@contextmanager
def unparsed(kinds: Mapping[str, type]) -> Iterator[None]:
    """Parts of these content types (``{content type: part class}``) are made by these
    classes in decks opened meanwhile."""
    made = PartFactory.part_type_for
    before = {ct: made.get(ct) for ct in kinds}
    made.update(kinds)
    try:
        yield
    finally:
        for ct, kind in before.items():
            if kind is None:
                made.pop(ct, None)
            else:
                made[ct] = kind


#: what a refresh opens unparsed (charts: :class:`pumpxl.report.chart_part.WrittenChartPart`)
PAGES: Mapping[str, type] = {
    CT.PML_SLIDE: UnparsedSlidePart,
    CT.PML_NOTES_SLIDE: UnparsedNotesSlidePart,
}
