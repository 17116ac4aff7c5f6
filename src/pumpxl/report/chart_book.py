"""A native chart's data as python-pptx would write it, written directly: the chart part's
XML for a line chart with markers over dates, and the workbook embedded in the chart (what
PowerPoint's *Edit Data* opens: categories in column A from row 2, one column per series with
its name in row 1, number formats per column).

XlsxWriter builds a whole workbook package per chart (theme, document properties, shared
strings), about 6 ms each, which is a fifth of a measure page's cost; this writes the sheet and
its styles per chart and copies the parts that never change. python-pptx's chart XML is
pretty-printed text that repeats the categories' formatting for every series (about 1 ms, and
as long again to parse); this writes it once per chart, compact.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from pptx.chart.data import CategoryChartData

from pumpxl.workbook.cells import column_letter

__all__ = ["ChartDecor", "XmrChartData", "chart_workbook", "line_chart_xml"]

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PKG = "http://schemas.openxmlformats.org/package/2006"
_OFF = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STATIC = {
    "[Content_Types].xml": (
        f'{_HEAD}<Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_SML}.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'{_HEAD}<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{_OFF}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'{_HEAD}<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_OFF}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_OFF}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f"{_HEAD}<workbook {_NS} {_R}><sheets>"
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
}
_EPOCH = dt.date(1899, 12, 30)
_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _number(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return str((v - _EPOCH).days)
    f = float(v)
    return None if not math.isfinite(f) else repr(f)


def chart_workbook(data: CategoryChartData) -> bytes:
    """The .xlsx of a category chart's data, as python-pptx lays it out."""
    formats: list[str] = []

    def style(fmt: str) -> int:
        if fmt not in formats:
            formats.append(fmt)
        return formats.index(fmt) + 1

    cat_style = style(data.categories.number_format)
    series = list(data)
    col_styles = [style(s.number_format) for s in series]
    heads = (f'<c r="{column_letter(k + 1)}1" t="inlineStr"><is><t>{_text(s.name)}</t></is></c>'
             for k, s in enumerate(series))  # fmt: skip
    rows = ['<row r="1">' + "".join(heads) + "</row>"]
    labels = [c.label for c in data.categories]
    values = [list(s.values) for s in series]
    for i, label in enumerate(labels):
        r = i + 2
        cells = []
        v = _number(label)
        if v is not None:
            cells.append(f'<c r="A{r}" s="{cat_style}"><v>{v}</v></c>')
        elif label is not None:
            cells.append(f'<c r="A{r}" t="inlineStr"><is><t>{_text(str(label))}</t></is></c>')
        for k, col in enumerate(values):
            n = _number(col[i]) if i < len(col) else None
            ref = f"{column_letter(k + 1)}{r}"
            cells.append(f'<c r="{ref}" s="{col_styles[k]}"><v>{n}</v></c>' if n is not None
                         else f'<c r="{ref}" s="{col_styles[k]}"/>')  # fmt: skip
        rows.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    last = f"{column_letter(len(series))}{len(labels) + 1}"
    sheet = (
        f'{_HEAD}<worksheet {_NS} {_R}><dimension ref="A1:{last}"/>'
        '<cols><col min="1" max="1" width="10.7109375" customWidth="1"/></cols>'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
    fmts = "".join(f'<numFmt numFmtId="{164 + k}" formatCode="{_attr(f)}"/>'
                   for k, f in enumerate(formats))  # fmt: skip
    xfs = "".join(f'<xf numFmtId="{164 + k}" fontId="0" fillId="0" borderId="0" xfId="0" '
                  'applyNumberFormat="1"/>' for k in range(len(formats)))  # fmt: skip
    styles = (
        f'{_HEAD}<styleSheet {_NS}><numFmts count="{len(formats)}">{fmts}</numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
        '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
        '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
        'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(formats) + 1}"><xf numFmtId="0" fontId="0" fillId="0" '
        f'borderId="0" xfId="0"/>{xfs}</cellXfs><cellStyles count="1"><cellStyle '
        'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )
    return _zip([*_STATIC_ENTRIES, _entry("xl/worksheets/sheet1.xml", sheet),
                 _entry("xl/styles.xml", styles)])  # fmt: skip


#: A zip member: its name, CRC-32, size, and its bytes deflated.
_Entry = tuple[bytes, int, int, bytes]
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1 January 1980, the zip format's first day


def _entry(name: str, text: str) -> _Entry:
    data = text.encode("utf-8")
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return name.encode(), zlib.crc32(data), len(data), packer.compress(data) + packer.flush()


def _zip(entries: list[_Entry]) -> bytes:
    """A zip of deflated members (what :mod:`zipfile` writes, with a fixed date, so that the
    same data gives the same bytes); the parts that never change are deflated once."""
    out, central = bytearray(), bytearray()
    for name, crc, size, packed in entries:
        offset = len(out)
        out += _LOCAL.pack(0x04034B50, 20, 0, 8, 0, _DOS_DATE, crc, len(packed), size,
                           len(name), 0)  # fmt: skip
        out += name + packed
        central += _CENTRAL.pack(0x02014B50, 20, 20, 0, 8, 0, _DOS_DATE, crc, len(packed),
                                 size, len(name), 0, 0, 0, 0, 0, offset) + name  # fmt: skip
    end = _END.pack(0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


_STATIC_ENTRIES = [_entry(name, text) for name, text in _STATIC.items()]


@dataclass(frozen=True)
class ChartDecor:
    """How a chart is drawn, written into its part with its data (rather than set through
    python-pptx's objects once it is parsed: a deck holds hundreds of charts): each series'
    line and marker (``spPr`` and ``marker`` fragments), the text size, the plot area's and
    the legend's layouts (``c:layout`` fragments; no legend: None) and the entries it hides,
    the date axis's format and units, and the value axis's range, step, gridline colour,
    number format and unit (its title; none when empty)."""

    series: tuple[str, ...]
    size: int  # hundredths of a point
    plot_layout: str
    legend_layout: str | None
    hidden: tuple[int, ...]
    date_format: str
    time_units: str
    low: float
    high: float
    step: float
    grid: str  # RRGGBB
    value_format: str
    unit: str


#: characters XML 1.0 does not allow (dropped: a chart part must parse)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """Text content as lxml serialises it (so that the part is byte for byte what parsing
    and writing it again gives)."""
    return escape(_NOT_XML.sub("", value), {"\r": "&#13;"})


def _attr(value: str) -> str:
    """An attribute value as lxml serialises it."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                                            "\t": "&#9;"})  # fmt: skip


def line_chart_xml(data: CategoryChartData, decor: ChartDecor | None = None) -> bytes | None:
    """The chart part python-pptx writes for ``data`` as a line chart with markers, or None
    unless its categories are dates (one level): the same elements and values, without the
    indentation; drawn as ``decor`` says when given (the elements python-pptx's setters
    would write)."""
    categories = data.categories
    labels = [c.label for c in categories]
    if categories.depth != 1 or not labels or not all(isinstance(v, dt.date) for v in labels):
        return None
    series = list(data)
    cat_fmt = _text(categories.number_format)
    cat_pts = "".join(f'<c:pt idx="{i}"><c:v>{_serial(v):.1f}</c:v></c:pt>'
                      for i, v in enumerate(labels))  # fmt: skip
    styles = decor.series if decor is not None else ("",) * len(series)
    parts = []
    for s, style in zip(series, styles, strict=True):
        cat_ref = s.categories_ref  # the same range for every series
        values = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>'
                         for i, v in enumerate(s.values) if v is not None)  # fmt: skip
        parts.append(
            f'<c:ser><c:idx val="{s.index}"/><c:order val="{s.index}"/><c:tx><c:strRef>'
            f'<c:f>{s.name_ref}</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>'
            f"{_text(s.name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>{style}<c:cat><c:numRef>"
            f"<c:f>{cat_ref}</c:f><c:numCache><c:formatCode>{cat_fmt}</c:formatCode>"
            f'<c:ptCount val="{len(labels)}"/>{cat_pts}</c:numCache></c:numRef></c:cat>'
            f"<c:val><c:numRef><c:f>{s.values_ref}</c:f><c:numCache><c:formatCode>"
            f'{_text(s.number_format)}</c:formatCode><c:ptCount val="{len(s)}"/>{values}'
            '</c:numCache></c:numRef></c:val><c:smooth val="0"/></c:ser>'
        )
    if decor is None:
        return _chart_xml(
            "".join(parts), date_fmt=categories.number_format, linked="1", size=1800,
        )  # fmt: skip
    d = decor
    tick = f'<a:lstStyle/><a:p><a:pPr><a:defRPr sz="{d.size}"/></a:pPr></a:p></c:txPr>'
    legend = ""
    if d.legend_layout is not None:
        entries = "".join(f'<c:legendEntry><c:idx val="{i}"/><c:delete val="1"/></c:legendEntry>'
                          for i in d.hidden)  # fmt: skip
        legend = (f'<c:legend><c:legendPos val="b"/>{entries}{d.legend_layout}'
                  '<c:overlay val="0"/></c:legend>')  # fmt: skip
    return _chart_xml(
        "".join(parts), date_fmt=d.date_format, linked="0", size=d.size,
        plot_layout=d.plot_layout, legend=legend,
        date_text=f'<c:txPr><a:bodyPr rot="0" vert="horz"/>{tick}', time_units=d.time_units,
        scaling=f'<c:scaling><c:max val="{d.high}"/><c:min val="{d.low}"/></c:scaling>',
        gridlines=f'<c:majorGridlines><c:spPr><a:ln><a:solidFill><a:srgbClr val="{d.grid}"/>'
        "</a:solidFill></a:ln></c:spPr></c:majorGridlines>",
        title=(f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr sz="{d.size}"/>'
               f'<a:t>{_text(d.unit)}</a:t></a:r></a:p></c:rich></c:tx><c:layout/>'
               '<c:overlay val="0"/></c:title>') if d.unit else "",
        value_format=f'<c:numFmt formatCode="{_attr(d.value_format)}" sourceLinked="0"/>',
        value_text=f"<c:txPr><a:bodyPr/>{tick}", major_unit=f'<c:majorUnit val="{d.step}"/>',
        ending='<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData>'
        "</c:chartSpace>",
    )  # fmt: skip


def _chart_xml(
    series: str,
    *,
    date_fmt: str,
    linked: str,
    size: int,
    plot_layout: str = "",
    legend: str = '<c:legend><c:legendPos val="r"/><c:layout/><c:overlay val="0"/></c:legend>',
    date_text: str = "",
    time_units: str = '<c:baseTimeUnit val="days"/>',
    scaling: str = "<c:scaling/>",
    gridlines: str = "<c:majorGridlines/>",
    title: str = "",
    value_format: str = "",
    value_text: str = "",
    major_unit: str = "",
    ending: str = "</c:chartSpace>\n",
) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<c:chartSpace xmlns:c="{_CHART}" xmlns:a="{_DRAWING}" xmlns:r="{_OFF}">'
        f'<c:date1904 val="0"/><c:chart><c:autoTitleDeleted val="0"/><c:plotArea>{plot_layout}'
        f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{series}'
        '<c:marker val="1"/><c:smooth val="0"/><c:axId val="2118791784"/>'
        '<c:axId val="2140495176"/></c:lineChart><c:dateAx><c:axId val="2118791784"/>'
        '<c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="b"/><c:numFmt formatCode="{_attr(date_fmt)}" '
        f'sourceLinked="{linked}"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
        f'<c:tickLblPos val="nextTo"/>{date_text}<c:crossAx val="2140495176"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblOffset val="100"/>'
        f'{time_units}</c:dateAx><c:valAx><c:axId val="2140495176"/>{scaling}'
        f'<c:delete val="0"/><c:axPos val="l"/>{gridlines}{title}{value_format}'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{value_text}<c:crossAx val="2118791784"/><c:crosses val="autoZero"/>{major_unit}'
        f'</c:valAx></c:plotArea>{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/>'
        '<c:showDLblsOverMax val="0"/></c:chart><c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>'
        f'<a:defRPr sz="{size}"/></a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr>{ending}'
    ).encode()


def _serial(d: dt.date) -> int:
    """Excel's day number of a date's day (1900 system, with Excel's 29 February 1900), as
    python-pptx writes a date category."""
    n = (dt.date(d.year, d.month, d.day) - dt.date(1899, 12, 31)).days
    return n + 1 if n > 59 else n


class XmrChartData(CategoryChartData):
    """Category chart data whose chart XML (a line chart with markers over dates, drawn as
    ``decor`` says) and embedded workbook are written by :func:`line_chart_xml` and
    :func:`chart_workbook`."""

    decor: ChartDecor | None = None

    def xml_bytes(self, chart_type: Any) -> bytes:
        from pptx.enum.chart import XL_CHART_TYPE

        xml = line_chart_xml(self, self.decor) if chart_type == XL_CHART_TYPE.LINE_MARKERS else None
        if xml is None and self.decor is not None:
            raise ValueError("a drawn XmR chart needs dates for its categories")
        return xml if xml is not None else bytes(super().xml_bytes(chart_type))

    @property
    def xlsx_blob(self) -> bytes:
        return chart_workbook(self)
