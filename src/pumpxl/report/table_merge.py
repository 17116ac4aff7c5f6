"""A table of pumpxl's in which a person changed the words of some cells, refreshed
(``pumpxl refresh``): this month's table, with each cell a person changed keeping their words,
found in this month's table by its row and column.

A page's record keeps the digest of what pumpxl wrote in each cell of its tables
(:func:`pumpxl.report.marks.seal`); a cell whose words no longer match is a person's. A row
is known by what pumpxl wrote in its first cell (a measure's name, say) and a column by its
header, so a person's cell follows its measure when this month's rows come in another order.
A table whose rows or columns a person added or removed is not matched cell by cell (the
caller keeps it whole)."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pumpxl.report.shapexml import cell_digest, first_child, table_cells

__all__ = ["Cell", "persons_cells", "put_cells"]

#: a row or column: the digest of what pumpxl wrote in its first cell or header, and which
#: such it is (two rows may begin alike)
Key = tuple[str, int]


@dataclass(frozen=True)
class Cell:
    """A cell whose words a person changed: where it stands (row and column), its text body,
    its words, and its row's and column's labels as the table shows them."""

    row: Key
    column: Key
    body: Any
    text: str
    row_label: str
    column_label: str


def persons_cells(el: Any, recorded: list[list[str]] | None) -> list[Cell] | None:
    """The cells of the table a shape element holds whose words a person changed since
    pumpxl wrote them (``recorded``: the digests of what it wrote, row by row); None where
    that cannot be told (nothing recorded, or a person added or removed rows or columns)."""
    now = table_cells(el)
    if not recorded or not now or [len(r) for r in now] != [len(r) for r in recorded]:
        return None
    bodies = [[first_child(tc, _TXBODY) for tc in row] for row in _grid(el)]
    rows, columns = _keys([r[0] for r in recorded]), _keys(recorded[0])
    return [Cell(rows[i], columns[j], bodies[i][j], text, now[i][0], now[0][j])
            for i, row in enumerate(now) for j, text in enumerate(row)
            if cell_digest(text) != recorded[i][j]]  # fmt: skip


def put_cells(el: Any, cells: list[Cell]) -> list[Cell]:
    """The person's ``cells`` put in this month's table (a shape element holding one), each
    in the cell of its row and column there, with its words and their look; returns those
    whose row or column this month's table does not have."""
    now = table_cells(el)
    if not now:
        return list(cells)
    rows = _keys([cell_digest(r[0]) for r in now])
    columns = _keys([cell_digest(c) for c in now[0]])
    grid = _grid(el)
    lost = []
    for cell in cells:
        if cell.row not in rows or cell.column not in columns or cell.body is None:
            lost.append(cell)
            continue
        tc = grid[rows.index(cell.row)][columns.index(cell.column)]
        body, theirs = first_child(tc, _TXBODY), copy.deepcopy(cell.body)
        if body is not None:
            tc.replace(body, theirs)
        else:
            tc.insert(0, theirs)
    return lost


def _grid(el: Any) -> list[list[Any]]:
    return [list(tr.iterchildren(_TC)) for tr in el.iter(_TR)]


def _keys(digests: list[str]) -> list[Key]:
    seen: Counter[str] = Counter()
    out = []
    for d in digests:
        out.append((d, seen[d]))
        seen[d] += 1
    return out


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TR, _TC, _TXBODY = f"{_A}tr", f"{_A}tc", f"{_A}txBody"
