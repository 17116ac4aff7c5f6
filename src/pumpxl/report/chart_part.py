"""A chart on a slide as pumpxl writes it: its part holding the chart's XML as written (see
:mod:`pumpxl.report.chart_book`), parsed only when something reads it, and its workbook
embedded. A deck writes hundreds of charts and reads none; a refresh opens last month's deck
with its charts unparsed and compares most of them by their bytes."""

from __future__ import annotations

from typing import Any

from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.parts.chart import ChartPart
from pptx.parts.embeddedpackage import EmbeddedXlsxPart

from pumpxl.report.chart_book import XmrChartData, line_chart_xml
from pumpxl.report.shapexml import written_form
from pumpxl.report.unparsed import Unparsed

__all__ = ["WrittenChartPart", "add_chart"]


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


class WrittenChartPart(Unparsed, ChartPart):  # type: ignore[override]
    """A chart part holding the chart's XML as pumpxl wrote it (lxml's own form, so that the
    bytes are what parsing and writing it again gives), parsed only when something reads
    its elements (a refresh, a test): a deck writes hundreds of charts and reads none."""

    what = "chart"

    def take_written(self, other: WrittenChartPart) -> None:
        """``other``'s chart as written (unparsed) in place of this one's."""
        assert other._written is not None
        self._parsed, self._written = None, other._written

    def written_xml(self) -> bytes | None:
        """The chart's XML as written (without its declaration) while nothing has parsed it:
        what ``etree.tostring`` gives of it once parsed (characters beyond ASCII as numbered
        references, as it writes them)."""
        return None if self._written is None else written_form(self._written)
