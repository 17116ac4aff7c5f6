"""A chart on a slide as pumpxl writes it: its part holding the chart's XML as written (see
:mod:`pumpxl.report.chart_book`), parsed only when something reads it, and its workbook
embedded. A deck writes hundreds of charts and reads none; a refresh opens last month's deck
with its charts unparsed and compares most of them by their bytes."""

from __future__ import annotations

from typing import Any

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.oxml import serialize_part_xml
from pptx.opc.package import Part
from pptx.oxml import parse_xml
from pptx.parts.chart import ChartPart
from pptx.parts.embeddedpackage import EmbeddedXlsxPart

from pumpxl.core.errors import InputError
from pumpxl.report.chart_book import XmrChartData, line_chart_xml

__all__ = ["WrittenChartPart", "add_chart"]

#: the declaration python-pptx writes at the head of a part
_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def add_chart(slide: Any, data: XmrChartData, left: int, top: int, width: int, height: int
              ) -> Any:  # fmt: skip
    """A native line chart of ``data`` (drawn as its ``decor`` says) on ``slide``, as
    python-pptx's ``add_chart`` adds it, its part holding the XML as written (parsed only
    if something reads it) and its workbook embedded; returns the graphic frame."""
    if data.decor is None:
        raise ValueError("a chart written directly is drawn as its decor says")
    xml = line_chart_xml(data, data.decor)
    if xml is None:
        raise ValueError("a drawn XmR chart needs dates for its categories")
    package = slide.part.package
    part = WrittenChartPart(package.next_partname(ChartPart.partname_template), CT.DML_CHART,
                            package, xml)  # fmt: skip
    part.relate_to(EmbeddedXlsxPart.new(data.xlsx_blob, package), RT.PACKAGE)  # rId1
    rid = slide.part.relate_to(part, RT.CHART)
    shapes = slide.shapes
    frame = shapes._add_chart_graphicFrame(rid, int(left), int(top), int(width), int(height))
    return shapes._shape_factory(frame)


class WrittenChartPart(ChartPart):
    """A chart part holding the chart's XML as pumpxl wrote it (lxml's own form, so that the
    bytes are what parsing and writing it again gives), parsed only when something reads
    its elements (a refresh, a test): a deck writes hundreds of charts and reads none."""

    def __init__(self, partname: Any, content_type: str, package: Any, xml: bytes) -> None:
        Part.__init__(self, partname, content_type, package)
        self._written: bytes | None = xml
        self._parsed: Any = None

    @classmethod
    def load(cls, partname: Any, content_type: str, package: Any, blob: bytes) -> Any:
        """A chart part of a deck being opened, parsed only if something reads it."""
        return cls(partname, content_type, package, blob)

    @property
    def _element(self) -> Any:
        if self._parsed is None:
            assert self._written is not None
            try:
                self._parsed = parse_xml(self._written)
            except etree.XMLSyntaxError as exc:  # a deck's chart, damaged
                raise InputError(f"the deck's chart {self.partname} is damaged: {exc}",
                                 setting="deck") from None  # fmt: skip
            self._written = None
        return self._parsed

    @_element.setter
    def _element(self, element: Any) -> None:
        self._parsed, self._written = element, None

    @property  # type: ignore[misc]
    def blob(self) -> bytes:
        if self._written is not None:
            return self._written
        return bytes(serialize_part_xml(self._parsed))

    def written_xml(self) -> bytes | None:
        """The chart's XML as written (without its declaration) while nothing has parsed it:
        what ``etree.tostring`` gives of it once parsed (characters beyond ASCII as numbered
        references, as it writes them)."""
        if self._written is None or not self._written.startswith(_DECLARATION):
            return None  # parsed, or written by another program: read it
        xml = self._written[len(_DECLARATION) :]
        return xml if xml.isascii() else xml.decode().encode("ascii", "xmlcharrefreplace")
