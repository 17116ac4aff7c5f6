"""Writing a collect plan (:class:`pumpxl.core.collect.Plan`) into a copy of the user's
workbook, touching nothing else.

The workbook is never loaded and re-saved by a library: the new package is the old one with
every member copied byte for byte, except the Commentary sheet's part (only the cells written,
their rows' heights and the sheet's dimension change), its Excel Table's part when new rows
extend the table (its ``ref``), and, only in a workbook that has no date format at all,
``xl/styles.xml`` gains one. Text goes in as inline strings, so the shared strings are not
touched and text that looks like a formula stays text; dates go in as date numbers in the
format the column already uses.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pumpxl.core.collect import Plan
from pumpxl.core.parsing import excel_serial
from pumpxl.workbook.cells import column_letter
from pumpxl.workbook.commentary_sheet import CommentarySheet, Styles, read_styles

__all__ = ["Written", "write_commentary"]

LINE_HEIGHT = 15  # points per line of 11 pt text, as the template sizes its rows
MAX_ROW_HEIGHT = 409  # Excel's tallest row
DAYS_1900_TO_1904 = 1462


@dataclass
class Written:
    """What the new package changed: the parts rewritten and anything worth saying."""

    parts: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (where, what)


class _Formats:
    """The cell formats new cells take: the row above's, else the column's; dates always in
    a date format (the column's, else any the workbook has, else one added)."""

    def __init__(self, sheet: CommentarySheet, styles: Styles) -> None:
        self.sheet, self.styles = sheet, styles
        above = sheet.rows.next_row - 1
        self.above = above if above > sheet.header else None
        self.added: int | None = None

    def style(self, col: int) -> int | None:
        xml = self.sheet.xml
        found = xml.style(self.above, col) if self.above is not None else None
        return found if found is not None else xml.column(col)[1]

    def text(self, col: int) -> int | None:
        """A text cell's format: as :meth:`style`, else a plain wrapping one, if the
        workbook has one (an empty table's first row has no row above to follow)."""
        found = self.style(col)
        return found if found is not None else self.styles.plain_wrap

    def span(self) -> range:
        """The columns of the sheet's table (its Excel Table's, else the known columns')."""
        table, cols = self.sheet.table, self.sheet.columns.values()
        if table is not None:
            return range(table.left, table.right + 1)
        return range(min(cols), max(cols) + 1)

    def date(self, col: int, current: int | None) -> int:
        xml, dates = self.sheet.xml, self.styles.dates
        above = xml.style(self.above, col) if self.above is not None else None
        for s in (current, above, xml.column(col)[1], *xml.styles_in_column(col)):
            if s is not None and s in dates:
                return s
        if dates:
            return min(dates)
        if self.added is None:
            self.added = self.styles.count
        return self.added


def _serial(day: date, styles: Styles) -> float:
    serial = excel_serial(day)
    return serial - DAYS_1900_TO_1904 if styles.date1904 else serial


def _lines(text: str, width: float) -> int:
    chars = max(width - 2, 4)
    return sum(max(1, math.ceil(len(p) / chars)) for p in text.split("\n"))


def _apply(sheet: CommentarySheet, plan: Plan, formats: _Formats) -> list[int]:
    """Write the plan's cells into the sheet's XML; returns the new rows' numbers."""
    xml, cols, styles = sheet.xml, sheet.columns, formats.styles
    new_rows: list[int] = []
    for rp in plan.rows:
        if not rp.writes:
            continue
        r = rp.row
        if rp.new:
            new_rows.append(r)
            xml.set_text(r, cols["measure"], rp.measure, formats.text(cols["measure"]))
            period = cols["period"]
            xml.set_number(r, period, _serial(rp.period, styles), formats.date(period, None))
            for col, formula in (sheet.table.calculated if sheet.table else {}).items():
                if col not in cols.values():  # the Table's own calculated columns
                    xml.set_formula(r, col, formula, formats.style(col))
            for col in formats.span():  # blank cells formatted as the row above's
                style = formats.style(col)
                if style is not None and xml.get(r, col) is None:
                    xml.cell(r, col).set("s", str(style))
        lines = 1
        for c in rp.writes:
            col = cols[c.field]
            current = xml.style(r, col)
            if isinstance(c.value, date):
                xml.set_number(r, col, _serial(c.value, styles), formats.date(col, current))
                continue
            style = current if current is not None else formats.text(col)
            xml.set_text(r, col, c.value, style)
            width = xml.column(col)[0]
            if width is not None and style in styles.wraps:
                lines = max(lines, _lines(c.value, width))
        wanted = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines)
        if lines > 1 and wanted > (xml.height(r) or LINE_HEIGHT):
            xml.set_height(r, wanted)  # LibreOffice does not grow rows of wrapped text itself
    xml.fit_dimension()
    return new_rows


_REF_ATTR = re.compile(
    rb'(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\bref=")([A-Z]+\d+):([A-Z]+)(\d+)(")'
)


def _extend_table(data: bytes, bottom: int) -> bytes:
    """The Table part with its range (and its filter's) reaching down to row ``bottom``."""

    def grow(m: re.Match[bytes]) -> bytes:
        end = max(int(m.group(4)), bottom)
        return m.group(1) + m.group(2) + b":" + m.group(3) + str(end).encode() + m.group(5)

    return _REF_ATTR.sub(grow, data, count=2)


_CELL_XFS = re.compile(
    rb"(<(\w+:)?cellXfs\b[^>]*?\bcount=\")(\d+)(\"[^>]*>)(.*?)(</(?:\w+:)?cellXfs>)", re.S
)


def _add_date_format(data: bytes) -> bytes:
    """styles.xml with one more cell format: Excel's built-in short date (number format 14)."""

    def add(m: re.Match[bytes]) -> bytes:
        prefix = m.group(2) or b""
        xf = (
            b"<" + prefix + b'xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" '
            b'applyNumberFormat="1"/>'
        )
        count = str(int(m.group(3)) + 1).encode()
        return m.group(1) + count + m.group(4) + m.group(5) + xf + m.group(6)

    return _CELL_XFS.sub(add, data, count=1)


def write_commentary(
    source: Path,
    target: Path,
    sheet: CommentarySheet,
    plan: Plan,
    *,
    added: dict[str, bytes] | None = None,
) -> Written:
    """Write ``plan`` into ``target``: a copy of ``source`` whose members are all copied byte
    for byte but the Commentary sheet's part (and, when needed, its Table's range and one
    date format). ``added`` holds parts new to the package and the workbook parts changed to
    list them (:func:`pumpxl.workbook.add_sheet.commentary_parts`), when the sheet is new."""
    written = Written()
    changed: dict[str, bytes] = dict(added or {})
    with zipfile.ZipFile(source) as zin:
        styles = read_styles(zin)
        formats = _Formats(sheet, styles)
        new_rows = _apply(sheet, plan, formats)
        changed[sheet.part] = sheet.xml.tobytes()
        table = sheet.table
        if table is not None and new_rows:
            if min(new_rows) <= table.bottom + 1:
                changed[table.part] = _extend_table(zin.read(table.part), max(new_rows))
            else:
                written.notes.append(
                    (
                        f"{sheet.name}!{column_letter(table.left)}{min(new_rows)}",
                        "the new rows are below rows outside the Excel Table, so the Table was not "
                        "extended",
                    )
                )
        if formats.added is not None:
            changed["xl/styles.xml"] = _add_date_format(zin.read("xl/styles.xml"))
            written.notes.append(
                (
                    "xl/styles.xml",
                    "the workbook had no date format: Excel's "
                    "short date was added to its cell formats",
                )
            )
        names = set(zin.namelist())
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = changed.get(info.filename)
                if data is None:
                    data = zin.read(info.filename)
                else:
                    written.parts.append(info.filename)
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                copy.create_system = info.create_system
                zout.writestr(copy, data)
            for name, data in changed.items():
                if name not in names:
                    zout.writestr(name, data)
                    written.parts.append(name)
    return written
