"""Finding a workbook's Commentary sheet for ``pumpxl collect``: its package part, its Excel
Table, its columns (by header name, as :mod:`pumpxl.workbook.reader` finds them, so that
``pumpxl check`` reads what is written), its rows, where a new row goes, and the cell
formats (styles) a new row takes, dates in a date format."""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree as SafeET

from pumpxl.core.collect import FIELDS, Field, SheetRow, SheetRows, Value
from pumpxl.core.errors import Problem, WorkbookError
from pumpxl.workbook.cells import _sheet_parts, column_letter, open_grids, sheet_key
from pumpxl.workbook.layout import SHEET_BY_NAME, normalise
from pumpxl.workbook.sheet_xml import SheetXml, cell_position
from pumpxl.workbook.tables import TableReader

__all__ = ["PART_ERRORS", "CommentarySheet", "Styles", "find_commentary", "read_styles"]

SPEC = SHEET_BY_NAME["commentary"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
#: Excel's built-in number formats that show dates.
BUILTIN_DATES = frozenset([*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)])
#: What reading a damaged package part raises (zip, XML, a missing member, a bad address).
PART_ERRORS = (ValueError, SyntaxError, KeyError, zipfile.BadZipFile, zlib.error, EOFError)
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


@dataclass(frozen=True)
class Table:
    """The Excel Table on the sheet: its part, first and last row, and the formulas of its
    calculated columns (0-based sheet column -> formula)."""

    part: str
    top: int
    bottom: int
    left: int
    right: int
    totals: int
    calculated: Mapping[int, str] = field(default_factory=dict)


@dataclass
class CommentarySheet:
    """The Commentary sheet as found: its name, package part, header row (Excel number),
    each known column's 0-based index by layout key, its Table (if any), its rows for the
    plan, and why new rows cannot be added (``blocked``), if they cannot."""

    name: str
    part: str
    header: int
    columns: dict[str, int]
    table: Table | None
    rows: SheetRows
    xml: SheetXml
    blocked: str = ""


@dataclass(frozen=True)
class Styles:
    """What the workbook's styles part says about cell formats: which are dates."""

    dates: frozenset[int]
    count: int
    date1904: bool
    wraps: frozenset[int] = frozenset()  # formats that wrap text
    #: a format that only wraps text (top-aligned), for text in a column without a format
    plain_wrap: int | None = None


def is_date_format(code: str) -> bool:
    """A number format code shows a date (days, months with days or years)."""
    bare = _QUOTED.sub("", code).lower()
    return "d" in bare or "y" in bare


def read_styles(zf: zipfile.ZipFile) -> Styles:
    """Which cell formats (``cellXfs`` indexes) show dates, and the workbook's date system."""
    ns = {"m": MAIN}
    dates: set[int] = set()
    wraps: set[int] = set()
    plain_wrap: int | None = None
    count = 0
    if "xl/styles.xml" in zf.namelist():
        root = SafeET.fromstring(zf.read("xl/styles.xml"))
        codes = {
            int(f.get("numFmtId", "-1")): f.get("formatCode", "")
            for f in root.findall("m:numFmts/m:numFmt", ns)
        }
        xfs = root.findall("m:cellXfs/m:xf", ns)
        count = len(xfs)
        for i, xf in enumerate(xfs):
            fid = int(xf.get("numFmtId", "0"))
            if fid in BUILTIN_DATES or (fid in codes and is_date_format(codes[fid])):
                dates.add(i)
            align = xf.find("m:alignment", ns)
            if align is not None and align.get("wrapText") in ("1", "true"):
                wraps.add(i)
                plain = all(
                    xf.get(k, "0") == "0" for k in ("numFmtId", "fontId", "fillId", "borderId")
                )
                plain_wrap = i if plain and plain_wrap is None else plain_wrap
    book = zf.read("xl/workbook.xml")
    date1904 = re.search(rb'date1904="(1|true)"', book) is not None
    return Styles(frozenset(dates), count, date1904, frozenset(wraps), plain_wrap)


def _table(zf: zipfile.ZipFile, part: str, header: int, measure_col: int) -> Table | None:
    """The Excel Table whose header row holds the sheet's Measure header, if any."""
    folder, _, file = part.rpartition("/")
    rels = f"{folder}/_rels/{file}.rels"
    if rels not in zf.namelist():
        return None
    for rel in SafeET.fromstring(zf.read(rels)):
        if rel.get("Type") != _TABLE_REL:
            continue
        target = rel.get("Target", "")
        name = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        root = SafeET.fromstring(zf.read(name))
        first, _, last = root.get("ref", "").partition(":")
        try:
            top, left = cell_position(first)
            bottom, right = cell_position(last or first)
        except ValueError:
            continue
        if top != header or not left <= measure_col <= right:
            continue
        calculated = {}
        for k, col in enumerate(root.findall(f"{{{MAIN}}}tableColumns/{{{MAIN}}}tableColumn")):
            formula = col.find(f"{{{MAIN}}}calculatedColumnFormula")
            if formula is not None and formula.text:
                calculated[left + k] = formula.text
        totals = int(root.get("totalsRowCount", "0") or 0)
        return Table(name, top, bottom, left, right, totals, calculated)
    return None


def find_commentary(path: Path, lookup: Mapping[str, str]) -> CommentarySheet | None:
    """The workbook's Commentary sheet (None when it has none); ``lookup`` maps measure ids
    and names (normalised) to ids, as the reader does."""
    grids = list(open_grids(path, lambda name: sheet_key(name) == "commentary"))
    if not grids:
        return None
    grid = grids[0]
    rd = TableReader(path.name)
    found = rd.header(grid, SPEC)
    if found is None:  # the reader reports the missing headers: the workbook was refused
        raise rd.problems.error()
    header_at, columns = found
    try:
        with zipfile.ZipFile(path) as zf:
            part = _sheet_parts(zf)[grid.name]
            xml = SheetXml(zf.read(part))
            table = _table(zf, part, header_at + 1, columns["measure"])
    except PART_ERRORS as exc:
        problem = Problem(grid.name, f"its part of the package cannot be read ({exc})", "bad_xml")
        raise WorkbookError([problem], source=path.name) from None
    rows = []
    for row in rd.table(grid, SPEC):
        text = row.text("measure")
        measure = lookup.get(text) or lookup.get(normalise(text)) or text
        period = rd.date(row, "period")
        if period is None:
            continue
        cells: dict[Field, Value | None] = {f: row.text(f) for f in FIELDS if f != "due"}
        cells["due"] = rd.date(row, "due") if "due" in columns else None
        formulas = frozenset(
            f for f in FIELDS if f in columns and xml.has_formula(row.index + 1, columns[f])
        )
        rows.append(SheetRow(row.index + 1, measure, period, cells, formulas))
    left, right = min(columns.values()), max(columns.values())
    if table is not None:
        left, right = min(left, table.left), max(right, table.right)
    last = max(header_at + 1, xml.last_row_with_values(left, right))
    blocked = ""
    if table is not None and table.totals and last + 1 > table.bottom - table.totals:
        blocked = (
            f"its Excel Table ends in a Total Row ({column_letter(left)}{table.bottom}); "
            "new rows would go below it. Turn the Total Row off (Table Design), collect, "
            "then turn it on again"
        )
    letters = {f: column_letter(columns[f]) for f in FIELDS if f in columns}
    sheet_rows = SheetRows(grid.name, letters, tuple(rows), last + 1)
    return CommentarySheet(grid.name, part, header_at + 1, columns, table, sheet_rows, xml, blocked)
