"""The workbook embedded in each native chart (what PowerPoint's *Edit Data* opens): the same
sheet python-pptx writes through XlsxWriter (categories in column A from row 2, one column per
series with its name in row 1, number formats per column), written directly.

XlsxWriter builds a whole workbook package per chart (theme, document properties, shared
strings), about 6 ms each, which is a fifth of a measure page's cost; this writes the sheet and
its styles per chart and copies the parts that never change.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from pptx.chart.data import CategoryChartData

from pumpxl.workbook.cells import column_letter

__all__ = ["XmrChartData", "chart_workbook"]

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
    heads = (f'<c r="{column_letter(k + 1)}1" t="inlineStr"><is><t>{escape(s.name)}</t></is></c>'
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
            cells.append(f'<c r="A{r}" t="inlineStr"><is><t>{escape(str(label))}</t></is></c>')
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
    fmts = "".join(f'<numFmt numFmtId="{164 + k}" formatCode="{escape(f, {chr(34): "&quot;"})}"/>'
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
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in _STATIC.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/styles.xml", styles)
    return out.getvalue()


class XmrChartData(CategoryChartData):
    """Category chart data whose embedded workbook is written by :func:`chart_workbook`."""

    @property
    def xlsx_blob(self) -> bytes:
        return chart_workbook(self)
