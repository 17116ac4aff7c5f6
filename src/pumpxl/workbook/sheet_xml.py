"""Changing cells of one worksheet part in place (``pumpxl collect``): the part is parsed with
lxml and only the cells written, their rows and the sheet's dimension change; everything else
in it (column formats, validations, conditional formats, extensions pumpxl does not know) is
kept as it was.

Text is written as inline strings (``t="inlineStr"``), so the shared-strings part is left
alone and text that looks like a formula (``=``, ``+``, ``-``, ``@``) stays text.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from pumpxl.workbook.cells import column_letter

__all__ = ["SheetXml", "UnsafeXml", "cell_position"]

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
#: Characters XML 1.0 cannot hold (a cell's text never needs them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


class UnsafeXml(ValueError):
    """A part declares a DTD or entities (refused: entity-expansion bombs)."""


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def cell_position(ref: str) -> tuple[int, int]:
    """(row number, 0-based column) of an address like "C14"."""
    m = _REF.match(ref)
    if m is None:
        raise ValueError(f"not a cell address: {ref!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col - 1


def parse_part(data: bytes) -> Any:
    """A package part's XML root, parsed without DTDs, entities or network access."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeXml("the part declares a DTD or entities")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def _filled(c: Any) -> bool:
    """A cell element holds a value or a formula (not only a format)."""
    return any(c.find(q(t)) is not None for t in ("v", "is", "f"))


class SheetXml:
    """A worksheet part's cells, addressed by row number (from 1) and 0-based column."""

    def __init__(self, data: bytes) -> None:
        self.root = parse_part(data)
        found = self.root.find(q("sheetData"))
        if found is None:
            raise ValueError("the worksheet part has no sheetData")
        self.data: Any = found
        self.rows: dict[int, Any] = {}
        implicit = any(row.get("r") is None for row in self.data.iterchildren(q("row")))
        n = 0
        for row in self.data.iterchildren(q("row")):
            n = int(row.get("r")) if row.get("r") else n + 1
            if implicit:  # rows will be inserted: their numbers must not depend on position
                row.set("r", str(n))
            self.rows[n] = row

    # ----------------------------------------------------------------------------- reading
    def _cells(self, row: Any) -> dict[int, Any]:
        out: dict[int, Any] = {}
        col = -1
        for c in row.iterchildren(q("c")):
            ref = c.get("r")
            col = cell_position(ref)[1] if ref else col + 1
            out[col] = c
        return out

    def get(self, row: int, col: int) -> Any | None:
        r = self.rows.get(row)
        return None if r is None else self._cells(r).get(col)

    def style(self, row: int, col: int) -> int | None:
        c = self.get(row, col)
        s = c.get("s") if c is not None else None
        return int(s) if s is not None and s.isdigit() else None

    def has_formula(self, row: int, col: int) -> bool:
        c = self.get(row, col)
        return c is not None and c.find(q("f")) is not None

    def has_value(self, row: int, col: int) -> bool:
        c = self.get(row, col)
        return c is not None and _filled(c)

    def last_row_with_values(self, first_col: int, last_col: int) -> int:
        """The last row with a value or formula in the columns given (0 when none)."""
        for n in sorted(self.rows, reverse=True):
            cells = self._cells(self.rows[n])
            if any(first_col <= k <= last_col and _filled(c) for k, c in cells.items()):
                return n
        return 0

    def column(self, col: int) -> tuple[float | None, int | None]:
        """(width in characters, style) that the sheet's ``<cols>`` give column ``col``."""
        cols = self.root.find(q("cols"))
        for c in cols.iterchildren(q("col")) if cols is not None else ():
            if int(c.get("min", "0")) <= col + 1 <= int(c.get("max", "0")):
                width, style = c.get("width"), c.get("style")
                return (float(width) if width else None, int(style) if style else None)
        return None, None

    def styles_in_column(self, col: int) -> list[int]:
        """The styles of the column's cells, top to bottom."""
        out = []
        for n in sorted(self.rows):
            s = self.style(n, col)
            if s is not None:
                out.append(s)
        return out

    # ----------------------------------------------------------------------------- writing
    def _row(self, row: int) -> Any:
        found = self.rows.get(row)
        if found is not None:
            return found
        new = etree.Element(q("row"))
        new.set("r", str(row))
        after = [n for n in self.rows if n < row]
        if after:
            self.rows[max(after)].addnext(new)
        else:
            self.data.insert(0, new)
        self.rows[row] = new
        return new

    def cell(self, row: int, col: int) -> Any:
        """The cell element at (row, col), created in column order when missing."""
        r = self._row(row)
        cells = self._cells(r)
        if col in cells:
            return cells[col]
        for k, c in cells.items():  # a cell is inserted: the others' places must not shift
            if c.get("r") is None:
                c.set("r", f"{column_letter(k)}{row}")
        new = etree.Element(q("c"))
        new.set("r", f"{column_letter(col)}{row}")
        before = [k for k in cells if k < col]
        if before:
            cells[max(before)].addnext(new)
        else:
            r.insert(0, new)
        self._spans(r)
        return new

    def _spans(self, row: Any) -> None:
        if row.get("spans") is None:
            return
        cols = list(self._cells(row))
        row.set("spans", f"{min(cols) + 1}:{max(cols) + 1}")

    @staticmethod
    def _clear(c: Any, style: int | None) -> None:
        for child in list(c):
            if child.tag in (q("f"), q("v"), q("is")):
                c.remove(child)
        for attr in ("t", "cm", "vm"):
            c.attrib.pop(attr, None)
        if style is not None:
            c.set("s", str(style))

    def set_text(self, row: int, col: int, text: str, style: int | None = None) -> None:
        """Write ``text`` as an inline string (never a formula)."""
        c = self.cell(row, col)
        self._clear(c, style)
        c.set("t", "inlineStr")
        inline = etree.Element(q("is"))
        t = etree.SubElement(inline, q("t"))
        t.text = _NOT_XML.sub("", text)
        if t.text != t.text.strip() or "\n" in t.text:
            t.set(XML_SPACE, "preserve")
        self._before_ext(c, inline)

    def set_number(self, row: int, col: int, value: float, style: int | None = None) -> None:
        c = self.cell(row, col)
        self._clear(c, style)
        v = etree.Element(q("v"))
        v.text = repr(int(value)) if float(value).is_integer() else repr(float(value))
        self._before_ext(c, v)

    def set_formula(self, row: int, col: int, formula: str, style: int | None = None) -> None:
        """A formula with no saved result (Excel computes it on load)."""
        c = self.cell(row, col)
        self._clear(c, style)
        f = etree.Element(q("f"))
        f.text = formula
        self._before_ext(c, f)

    @staticmethod
    def _before_ext(c: Any, child: Any) -> None:
        ext = c.find(q("extLst"))
        if ext is not None:
            ext.addprevious(child)
        else:
            c.append(child)

    def height(self, row: int) -> float | None:
        r = self.rows.get(row)
        ht = r.get("ht") if r is not None else None
        return float(ht) if ht else None

    def set_height(self, row: int, points: float) -> None:
        r = self._row(row)
        r.set("ht", f"{points:g}")
        r.set("customHeight", "1")

    def fit_dimension(self) -> None:
        """Make the sheet's ``<dimension>`` cover every row that has cells."""
        dim = self.root.find(q("dimension"))
        used = [n for n, r in self.rows.items() if len(r)]
        if dim is None or not used:
            return
        first, _, last = dim.get("ref", "A1").partition(":")
        last = last or first
        try:
            top, left = cell_position(first)
            bottom, right = cell_position(last)
        except ValueError:
            return
        right = max([right, *(max(self._cells(self.rows[n])) for n in used)])
        bottom = max(bottom, *used)
        dim.set("ref", f"{column_letter(left)}{min(top, *used)}:{column_letter(right)}{bottom}")

    def tobytes(self) -> bytes:
        body: bytes = etree.tostring(self.root, encoding="UTF-8")
        return DECLARATION + body
