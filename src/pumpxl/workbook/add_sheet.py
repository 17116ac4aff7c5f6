"""A Commentary sheet for a workbook that has none (``pumpxl collect --add-sheet``): a new
worksheet part with the layout's header row, listed in the workbook part, its relationships
and the package's content types. Those three parts change by one line each; every other part
stays as it was. The sheet is a plain range (no Excel Table): columns are found by header name,
so the reader and ``pumpxl check`` read it like the template's."""

from __future__ import annotations

import re
import zipfile
from xml.sax.saxutils import quoteattr

from pumpxl.core.collect import FIELDS, SheetRows
from pumpxl.workbook.cells import column_letter
from pumpxl.workbook.commentary_sheet import SPEC, CommentarySheet
from pumpxl.workbook.sheet_xml import SheetXml

__all__ = ["commentary_parts"]

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_REL = REL_NS + "/worksheet"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_RELS = "xl/_rels/workbook.xml.rels"


def _empty_sheet() -> bytes:
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{c.width + 0.7109375}" customWidth="1"/>'
        for i, c in enumerate(SPEC.columns, start=1)
    )
    heads = "".join(
        f'<c r="{column_letter(i)}1" t="inlineStr"><is><t>{c.header}</t></is></c>'
        for i, c in enumerate(SPEC.columns)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{REL_NS}"><dimension ref="A1:{column_letter(len(SPEC.columns) - 1)}1"/>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
        f'<sheetData><row r="1">{heads}</row></sheetData>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>'
    ).encode()


def _insert_before(data: bytes, closing: str, line: str) -> bytes:
    """``data`` with ``line`` inserted before its last ``</...closing>`` tag (any prefix)."""
    found = list(re.finditer(rb"</(\w+:)?" + closing.encode() + rb">", data))
    if not found:
        raise ValueError(f"no </{closing}> in the part")
    m = found[-1]
    prefix = (m.group(1) or b"").decode()
    text = line.replace("<", f"<{prefix}", 1) if prefix else line
    return data[: m.start()] + text.encode() + data[m.start() :]


def commentary_parts(zf: zipfile.ZipFile) -> tuple[CommentarySheet, dict[str, bytes]]:
    """A new, empty Commentary sheet for the workbook in ``zf``, and the parts to write for
    it (the sheet, and the workbook part, its relationships and the content types with one
    more entry each)."""
    names = set(zf.namelist())
    k = 1
    while f"xl/worksheets/sheet{k}.xml" in names:
        k += 1
    part = f"xl/worksheets/sheet{k}.xml"
    book = zf.read("xl/workbook.xml")
    rels = zf.read(BOOK_RELS)
    ids = set(re.findall(rb'\bId="([^"]+)"', rels))
    n = 1
    while f"rId{n}".encode() in ids:
        n += 1
    rid = f"rId{n}"
    sheet_ids = [int(x) for x in re.findall(rb'<(?:\w+:)?sheet\b[^>]*?\bsheetId="(\d+)"', book)]
    name = SPEC.name
    sheet_line = (  # the relationships prefix declared here: writers declare it in either place
        f'<sheet xmlns:r="{REL_NS}" name={quoteattr(name)} '
        f'sheetId="{max(sheet_ids, default=0) + 1}" r:id="{rid}"/>'
    )
    parts = {
        part: _empty_sheet(),
        "xl/workbook.xml": _insert_before(book, "sheets", sheet_line),
        BOOK_RELS: _insert_before(
            rels,
            "Relationships",
            f'<Relationship Id="{rid}" Type="{WORKSHEET_REL}" Target="worksheets/sheet{k}.xml"/>',
        ),
        "[Content_Types].xml": _insert_before(
            zf.read("[Content_Types].xml"),
            "Types",
            f'<Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>',
        ),
    }
    columns = {c.key: i for i, c in enumerate(SPEC.columns)}
    letters = {f: column_letter(columns[f]) for f in FIELDS}
    rows = SheetRows(name, letters, (), 2)
    sheet = CommentarySheet(name, part, 1, columns, None, rows, SheetXml(parts[part]))
    return sheet, parts
