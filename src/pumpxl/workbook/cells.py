"""Reading cells safely and fast: the zip package checked before anything parses it, values
through python-calamine, Excel error cells found in the sheet XML (calamine reports them as
blanks, which would turn #DIV/0! into a silently missing value) and put into the grid as
:class:`ExcelError` cells. Text in cells is parsed by :mod:`pumpxl.core.parsing`."""

from __future__ import annotations

import difflib
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import python_calamine as pc
from defusedxml import DefusedXmlException

from pumpxl.core.errors import Problem, WorkbookError
from pumpxl.core.present import count

__all__ = [
    "MAX_UNCOMPRESSED",
    "NO_RESULT",
    "ExcelError",
    "Grid",
    "column_letter",
    "error_problem",
    "is_blank",
    "near_miss",
    "open_grids",
    "sheet_key",
]

#: Workbooks that unpack to more than this are refused (zip bombs; 2 GB of XML is far beyond
#: any performance-measure workbook).
MAX_UNCOMPRESSED = 1_500_000_000
MAX_RATIO = 400  # compressed-to-uncompressed ratio beyond which a member is refused

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


#: The code of an ExcelError cell that holds a formula with no saved result.
NO_RESULT = "#NO-RESULT"


@dataclass(frozen=True)
class ExcelError:
    """A cell holding an Excel error value (``#DIV/0!``...) or, with code :data:`NO_RESULT`,
    a formula whose result was never saved."""

    code: str

    def __str__(self) -> str:
        return self.code


def error_problem(where: str, error: ExcelError, measure: str | None = None) -> Problem:
    """The problem an error cell is, in words that say how to fix it."""
    if error.code == NO_RESULT:
        return Problem(
            where,
            "holds a formula with no saved result; open and save the workbook in Excel, or "
            "enter the value itself",
            "formula_no_result",
            measure,
        )
    return Problem(
        where,
        f"holds the Excel error {error.code}; fix the formula or enter a value",
        "error_value",
        measure,
    )


@dataclass
class Grid:
    """One sheet's cells as rows of Python values (row 0 is Excel row 1); Excel error cells
    are :class:`ExcelError` values, also listed by address in ``errors``."""

    name: str
    rows: list[list[Any]]
    errors: dict[str, str]
    hidden: bool = False
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (row1, col1, row2, col2), 0-based
    #: 0-based rows that are an Excel Table's Total Row (formulas over the table, not data)
    totals: frozenset[int] = frozenset()

    def where(self, row: int, col: int) -> str:
        return f"{self.name}!{column_letter(col)}{row + 1}"


def is_blank(value: Any) -> bool:
    """An empty cell, or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def sheet_key(name: str) -> str:
    """How sheet names are matched: exactly, but for case and surrounding spaces."""
    return name.strip().casefold()


def near_miss(wanted: str, names: Iterable[str]) -> str | None:
    """The sheet a user probably meant by ``wanted`` ("Data_" for "Data"), if any."""
    names = list(names)
    loose = [n for n in names if _loose(n) == _loose(wanted)]
    if loose:
        return loose[0]
    close = difflib.get_close_matches(sheet_key(wanted), [sheet_key(n) for n in names], 1, 0.75)
    return next((n for n in names if close and sheet_key(n) == close[0]), None)


def _loose(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _cell_position(ref: str) -> tuple[int, int]:
    """0-based (row, column) of an address like "C14"."""
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters) :]) - 1, col - 1


def _mark_errors(rows: list[list[Any]], errors: dict[str, str]) -> None:
    """Put an ExcelError into every error cell (calamine reads them as blanks)."""
    for ref, code in errors.items():
        r, c = _cell_position(ref)
        if r < len(rows):
            row = rows[r]
            if c >= len(row):
                row.extend([""] * (c + 1 - len(row)))
            row[c] = ExcelError(code)


#: What zipfile raises on a damaged package: bad headers, offsets, CRCs, compression.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    struct.error,
    ValueError,
    KeyError,
)


class _Damaged(Exception):
    """A zip member could not be read (turned into a WorkbookError by open_grids)."""


def _read(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except ZIP_ERRORS as exc:
        raise _Damaged(f"{name}: {exc}") from None


def _fail(path: Path, message: str, code: str) -> WorkbookError:
    return WorkbookError([Problem(path.name, message, code)], source=path.name)


def _check_package(path: Path) -> zipfile.ZipFile:
    """The file as a zip of bounded size, or a WorkbookError that says what it is instead."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise _fail(path, "no such file", "missing_file") from None
    except IsADirectoryError:
        raise _fail(path, "is a folder, not a workbook", "not_a_file") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read: {exc.strerror}", "unreadable") from None
    if head.startswith(_OLE_MAGIC):
        raise _fail(
            path,
            "is an encrypted (password-protected) workbook or an old .xls file; save it "
            "unprotected as .xlsx",
            "encrypted_or_xls",
        )
    if not head.startswith(b"PK"):
        raise _fail(path, "is not an .xlsx workbook (not a zip package)", "not_xlsx")
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except ZIP_ERRORS as exc:
        raise _fail(path, f"is damaged or truncated ({exc})", "bad_zip") from None
    names = {i.filename for i in infos}
    if "mimetype" in names and "[Content_Types].xml" not in names:
        raise _fail(path, "is an OpenDocument (.ods) file; save it as .xlsx", "ods")
    if "xl/workbook.xml" not in names:
        raise _fail(path, "is a zip file but not an Excel workbook", "not_xlsx")
    links = sorted(n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml"))
    if links:
        targets = _link_targets(zf, links)
        raise _fail(
            path,
            f"links to other workbooks ({', '.join(targets) or len(links)}); pumpxl reads only "
            "what is saved in this file, so linked values could be stale: break the links "
            "(Data > Edit Links > Break Link) and save",
            "external_links",
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (info.file_size > 50_000_000 and ratio > MAX_RATIO):
            zf.close()
            raise _fail(
                path,
                f"unpacks to more than it plausibly could ({info.filename}: "
                f"{count(info.file_size)} bytes from {count(info.compress_size)}); refused as a "
                "possible zip bomb",
                "zip_bomb",
            )
    return zf


def _link_targets(zf: zipfile.ZipFile, links: list[str]) -> list[str]:
    """The file names external-link parts point at, from their relationships."""
    out = []
    for link in links:
        rels = link.replace("externalLinks/", "externalLinks/_rels/") + ".rels"
        try:
            text = zf.read(rels).decode("utf-8", "replace")
        except ZIP_ERRORS:
            continue
        out += re.findall(r'Target="([^"]+)"', text)[:1]
    return out[:5]


_ERR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_VAL = re.compile(rb"<v>([^<]*)</v>")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from workbook.xml and its relationships (parsed with
    defusedxml: entity-expansion bombs are refused)."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    book = SafeET.fromstring(_read(zf, "xl/workbook.xml"))
    rels = SafeET.fromstring(_read(zf, "xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", ns)}
    out = {}
    for sheet in book.findall("m:sheets/m:sheet", ns):
        rid = sheet.get(f"{{{ns['r']}}}id")
        part = target.get(rid, "")
        part = part.lstrip("/")
        if not part.startswith("xl/"):
            part = "xl/" + part
        out[sheet.get("name", "")] = part
    return out


_FORMULA_CELL = re.compile(rb"<c\b([^>]*)>(?:(?!</c>).)*?<f\b[^>]*(?:/>|>[^<]*</f>)(.*?)</c>", re.S)


def _error_cells(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Cells holding an Excel error value, and formula cells with no saved result (which
    calamine would read as blanks), by address."""
    if part not in zf.namelist():
        return {}
    data = _read(zf, part)
    out: dict[str, str] = {}
    if b't="e"' in data:
        for m in _ERR_CELL.finditer(data):
            ref = _REF.search(m.group(1))
            val = _VAL.search(m.group(2))
            if ref:
                out[ref.group(1).decode()] = val.group(1).decode() if val else "#ERROR"
    if b"<f>" in data or b"<f " in data:  # cell formulas (not <formula1> of validations)
        for m in _FORMULA_CELL.finditer(data):
            ref = _REF.search(m.group(1))
            val = _VAL.search(m.group(2))
            if ref and (val is None or not val.group(1)) and b't="str"' not in m.group(1):
                out.setdefault(ref.group(1).decode(), NO_RESULT)
    return out


_TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"


def _totals_rows(zf: zipfile.ZipFile, part: str) -> frozenset[int]:
    """0-based rows of the sheet that are its Excel Tables' Total Rows."""
    folder, _, file = part.rpartition("/")
    rels = f"{folder}/_rels/{file}.rels"
    if not part or rels not in zf.namelist():
        return frozenset()
    out: set[int] = set()
    try:
        for rel in SafeET.fromstring(_read(zf, rels)):
            if rel.get("Type") != _TABLE_REL:
                continue
            target = rel.get("Target", "")
            table = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target)
            )
            root = SafeET.fromstring(_read(zf, table))
            count = int(root.get("totalsRowCount", "0") or 0)
            last = int(re.sub(r"\D", "", root.get("ref", "").rpartition(":")[2]) or 0)
            out.update(last - 1 - k for k in range(count) if last - 1 - k >= 0)
    except (_Damaged, SafeET.ParseError, DefusedXmlException, ValueError):
        return frozenset()  # a damaged table part: its rows are read as they are
    return frozenset(out)


def open_grids(path: Path, wanted: Callable[[str], bool] | None = None) -> Iterator[Grid]:
    """Each sheet (or each whose name ``wanted`` accepts) as a :class:`Grid`."""
    path = Path(path)
    zf = _check_package(path)
    try:
        try:
            parts = _sheet_parts(zf)
        except DefusedXmlException as exc:  # entity declarations: billion laughs and kin
            raise _fail(
                path,
                f"contains unsafe XML ({type(exc).__name__}: entity declarations are refused)",
                "unsafe_xml",
            ) from None
        except (_Damaged, SafeET.ParseError, *ZIP_ERRORS) as exc:
            raise _fail(path, f"has a damaged workbook part ({exc})", "bad_xml") from None
        try:
            book = pc.CalamineWorkbook.from_path(str(path))
        except pc.PasswordError:
            raise _fail(path, "is password-protected; save it unprotected", "encrypted") from None
        except Exception as exc:  # calamine raises several error types for damaged files
            raise _fail(path, f"cannot be read as a workbook ({exc})", "unreadable") from None
        hidden = {m.name for m in book.sheets_metadata if m.visible != pc.SheetVisibleEnum.Visible}
        for name in book.sheet_names:
            if wanted is not None and not wanted(name):
                continue
            try:
                sheet = book.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = tuple(
                    (a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])
                )
            except Exception as exc:
                raise _fail(path, f'sheet "{name}" cannot be read ({exc})', "bad_sheet") from None
            try:
                errors = _error_cells(zf, parts.get(name, ""))
            except _Damaged as exc:
                raise _fail(path, f"has a damaged sheet ({exc})", "bad_zip") from None
            if errors:
                _mark_errors(rows, errors)
            totals = _totals_rows(zf, parts.get(name, ""))
            yield Grid(name, rows, errors, name in hidden, merged, totals)
    finally:
        zf.close()
