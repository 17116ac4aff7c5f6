"""At a glance tables in which a person changed the words of some cells, refreshed
(``pumpxl refresh``): this month's tables, with each cell a person changed keeping their
words, found in this month's tables by its row and column, on whichever At a glance page
holds its row this month.

A page's record keeps the digest of what pumpxl wrote in each cell of its tables
(:func:`pumpxl.report.marks.seal`); a cell whose words no longer match is a person's. A row
is known by what pumpxl wrote in its first cell (the measure's name) and a column by its
header, so a person's cell follows its measure when this month's rows come in another order
or on another page. A table is kept whole (as any text a person edited) where that cannot be
told cell by cell: a person added or removed rows or columns, merged cells, or changed a
measure's name in it, or two rows or columns begin alike."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pumpxl.report.shapexml import cell_digest, first_child, table_cells

__all__ = ["Cell", "carry_cells", "persons_cells", "tables_of"]


@dataclass(frozen=True)
class Cell:
    """A cell whose words a person changed: its row and column (the digests of what pumpxl
    wrote in the row's first cell and the column's header), its text body, its words, and
    its row's and column's labels as the table shows them."""

    row: str
    column: str
    body: Any
    text: str
    row_label: str
    column_label: str


def persons_cells(el: Any, recorded: list[list[str]] | None) -> list[Cell] | None:
    """The cells of the table a shape element holds whose words a person changed since
    pumpxl wrote them (``recorded``: the digests of what it wrote, row by row); None where
    that cannot be told cell by cell (see the module)."""
    now = table_cells(el)
    if not recorded or not now or [len(r) for r in now] != [len(r) for r in recorded]:
        return None
    rows, columns = [r[0] for r in recorded], recorded[0]
    if len(set(rows)) < len(rows) or len(set(columns)) < len(columns):
        return None
    if any(_merged(tc) for tc in el.iter(_TC)):
        return None
    changed = [(i, j) for i, row in enumerate(now) for j, text in enumerate(row)
               if cell_digest(text) != recorded[i][j]]  # fmt: skip
    if any(j == 0 and i > 0 for i, j in changed):
        return None  # (a measure's name: the row's own key)
    grid = _grid(el)
    return [Cell(rows[i], columns[j], first_child(grid[i][j], _TXBODY), now[i][j], now[i][0],
                 now[0][j]) for i, j in changed]  # fmt: skip


def carry_cells(cells: Iterable[Cell], tables: Iterable[tuple[str, Any]], key: str
                ) -> tuple[list[Cell], list[Cell]]:  # fmt: skip
    """The person's ``cells`` (from the page whose key is ``key``) put in this month's
    ``tables`` (each a page's key and a shape element holding a table): each in the cell of
    its row and column, in whichever table has that row, with its words and their look.
    Returns the cells no table has a row and column for, and those that went to another
    page without the links on their words (a link names its page's relationship)."""
    places: dict[tuple[str, str], tuple[str, Any]] = {}
    for page, el in tables:
        now, grid = table_cells(el), _grid(el)
        if not now:
            continue
        heads = [cell_digest(t) for t in now[0]]
        for i, row in enumerate(now):
            for j, head in enumerate(heads):
                places.setdefault((cell_digest(row[0]), head), (page, grid[i][j]))
    lost, unlinked = [], []
    for cell in cells:
        place = places.get((cell.row, cell.column))
        if place is None or cell.body is None:
            lost.append(cell)
            continue
        page, tc = place
        body, theirs = first_child(tc, _TXBODY), copy.deepcopy(cell.body)
        links = [el for el in theirs.iter(*_LINKS) if el.get(_RID)] if page != key else []
        for link in links:
            link.getparent().remove(link)
        if links:
            unlinked.append(cell)
        if body is not None:
            tc.replace(body, theirs)
        else:
            tc.insert(0, theirs)
    return lost, unlinked


def tables_of(shapes: Iterable[Any]) -> list[Any]:
    """Those of a page's shape elements that hold a table."""
    return [el for el in shapes if el.tag == _FRAME and next(el.iter(_TC), None) is not None]


def _merged(tc: Any) -> bool:
    """Whether a table cell spans others or is covered by one (pumpxl merges none)."""
    return any(tc.get(a, "1") not in ("0", "1", "false") for a in ("gridSpan", "rowSpan")) or (
        any(tc.get(a) in ("1", "true") for a in ("hMerge", "vMerge")))  # fmt: skip


def _grid(el: Any) -> list[list[Any]]:
    return [list(tr.iterchildren(_TC)) for tr in el.iter(_TR)]


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TR, _TC, _TXBODY = f"{_A}tr", f"{_A}tc", f"{_A}txBody"
_LINKS = (f"{_A}hlinkClick", f"{_A}hlinkHover", f"{_A}hlinkMouseOver")
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FRAME = "{http://schemas.openxmlformats.org/presentationml/2006/main}graphicFrame"
