"""An At a glance table in which a person changed the words of some cells, refreshed
(``pumpxl refresh``): this month's table, with each cell a person changed keeping their
words, found in this month's table on the same page by its row and column.

A page's record keeps the digest of what pumpxl wrote in each cell of its tables
(:func:`pumpxl.report.marks.seal`); a cell whose words no longer match is a person's. A row
is known by what pumpxl wrote in its first cell (the measure's name) and a column by its
header, so a person's cell follows its measure when this month's rows come in another order.
A row that moved to another page this month is not followed there (its words are said lost):
a table other pages' copies and edits feed too could put words where nobody wrote them. A
table is kept whole (as any text a person edited) where it cannot be told cell by cell: a
person added or removed rows or columns, merged cells, changed a measure's name in it or put
a link on it outside the cells they wrote in, or two rows or columns begin alike.

A cell a person **formatted** (a row highlighted, a cell's words made bold) is told the same
way, by the look the record keeps of each cell (:func:`pumpxl.report.looks.cell_looks`), and
this month's cell of its row and column wears that formatting (:func:`pumpxl.report.wear.
wear`): the fill and the words' features the person changed, the rest this month's."""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from pumpxl.report.looks import Look, changed_features, read_look
from pumpxl.report.shapexml import cell_digest, first_child, table_cells
from pumpxl.report.wear import Worn, wear

__all__ = ["Cell", "Styled", "persons_cells", "persons_looks", "put_cells", "put_looks",
           "recorded"]


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


def recorded(manifest: Mapping[str, Any], name: str) -> dict[str, Any]:
    """What a page's record keeps of its tables told cell by cell, by role: their cells'
    words (``cells``) or looks (``looks``); nothing for a record of another form."""
    value = manifest.get(name)
    return value if isinstance(value, dict) else {}


def _told(el: Any, now: list[list[str]], recorded: list[list[str]] | None) -> bool:
    """Whether the cells of a table (``now``: their words; ``recorded``: the digests of
    what pumpxl wrote) can be told one by one (see the module)."""
    if not isinstance(recorded, list) or not now or [
            len(r) if isinstance(r, list) and all(isinstance(t, str) for t in r) else -1
            for r in recorded] != [len(r) for r in now]:  # fmt: skip
        return False  # (no record, another table's, or a record of another form)
    rows, columns = [r[0] for r in recorded], recorded[0]
    if len(set(rows)) < len(rows) or len(set(columns)) < len(columns):
        return False
    return not any(_merged(tc) for tc in el.iter(_TC))


def persons_cells(el: Any, recorded: list[list[str]] | None) -> list[Cell] | None:
    """The cells of the table a shape element holds whose words a person changed since
    pumpxl wrote them (``recorded``: the digests of what it wrote, row by row); None where
    that cannot be told cell by cell (see the module)."""
    now = table_cells(el)
    if not _told(el, now, recorded):
        return None
    assert recorded is not None
    rows, columns = [r[0] for r in recorded], recorded[0]
    changed = [(i, j) for i, row in enumerate(now) for j, text in enumerate(row)
               if cell_digest(text) != recorded[i][j]]  # fmt: skip
    if any(j == 0 and i > 0 for i, j in changed):
        return None  # (a measure's name: the row's own key)
    grid = _grid(el)
    theirs = {id(grid[i][j]) for i, j in changed}
    for link in el.iter(*_LINKS):  # (pumpxl links nothing: a link elsewhere is a person's)
        cell = next(link.iterancestors(_TC), None)
        if cell is None or id(cell) not in theirs:
            return None
    return [Cell(rows[i], columns[j], first_child(grid[i][j], _CELL_BODY), now[i][j], now[i][0],
                 now[0][j]) for i, j in changed]  # fmt: skip


@dataclass(frozen=True)
class Styled:
    """A cell a person formatted: its row and column (as :class:`Cell`), last month's cell
    (its ``a:tc``) and the look pumpxl recorded of it, its row's and column's labels, the
    features the person changed (the cell's, its words') and whether it heads the table."""

    row: str
    column: str
    tc: Any
    recorded: str
    row_label: str
    column_label: str
    features: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    header: bool = False


def persons_looks(el: Any, recorded: list[list[str]] | None,
                  looks: list[list[str]] | None) -> list[Styled]:  # fmt: skip
    """The cells of the table a shape element holds that a person formatted since pumpxl
    wrote them (``looks``: the looks it recorded of each, row by row, :func:`pumpxl.report.
    looks.cell_looks`; ``recorded``: the digests of their words, which know rows and
    columns); none where cells cannot be told one by one. A table that no longer names its
    style had it written into every cell by another program's save (LibreOffice's): there
    a cell's fill is compared only where pumpxl wrote one."""
    now = table_cells(el)
    if not isinstance(looks, list) or not _told(el, now, recorded) or [
            len(r) if isinstance(r, list) else -1 for r in looks] != [len(r) for r in now]:
        return []  # (a record of another form: nothing to tell)  # fmt: skip
    assert recorded is not None
    rows, columns = [r[0] for r in recorded], recorded[0]
    baked = next(el.iter(_STYLE_ID), None) is None
    out = []
    for i, row in enumerate(_grid(el)):
        for j, tc in enumerate(row):
            was = looks[i][j] if isinstance(looks[i][j], str) else ""
            shape, words = changed_features(read_look(tc), was)
            if baked and not _filled(was):
                shape = [k for k in shape if k != "fill"]
            if shape or words:
                out.append(Styled(rows[i], columns[j], tc, was, now[i][0], now[0][j],
                                  (tuple(shape), tuple(words)), header=i == 0))  # fmt: skip
    return out


def _filled(recorded: str) -> bool:
    """Whether a cell's recorded look has a fill of pumpxl's (not the table style's)."""
    return recorded[4:8] != _NO_FILL


def put_looks(el: Any, cells: list[Styled], skip: Collection[tuple[str, str]] = ()
              ) -> tuple[list[tuple[Styled, Worn]], list[Styled]]:  # fmt: skip
    """The formatting of a person's ``cells`` worn by this month's table (a shape element
    holding one, on the same page), each cell found by its row and column (:func:`wear`,
    the features the person changed; ``skip``: cells, by row and column, that hold the
    person's words, which came with their words' formatting: those wear the cell's fill
    alone); returns what each cell wore, and the cells this month's table has no row or
    column for."""
    now, grid = table_cells(el), _grid(el)
    rows = [cell_digest(r[0]) for r in now]
    columns = [cell_digest(c) for c in now[0]] if now else []
    worn, lost = [], []
    for cell in cells:
        shape, words = cell.features
        if (cell.row, cell.column) in skip:
            if not shape:
                continue
            words = ()
        if cell.row not in rows or cell.column not in columns:
            lost.append(cell)
            continue
        tc = grid[rows.index(cell.row)][columns.index(cell.column)]
        worn.append((cell, wear(tc, cell.tc, cell.recorded, (list(shape), list(words)))))
    return worn, lost


def put_cells(el: Any, cells: list[Cell]) -> list[Cell]:
    """The person's ``cells`` put in this month's table (a shape element holding one, on the
    same page), each in the cell of its row and column there, with its words and their
    look; returns those this month's table has no row or column for."""
    now, grid = table_cells(el), _grid(el)
    if not now:
        return list(cells)
    rows = [cell_digest(r[0]) for r in now]
    columns = [cell_digest(c) for c in now[0]]
    lost = []
    for cell in cells:
        if cell.row not in rows or cell.column not in columns:
            lost.append(cell)
            continue
        tc = grid[rows.index(cell.row)][columns.index(cell.column)]
        body = first_child(tc, _CELL_BODY)
        if cell.body is None:  # (a cell without text: so this month)
            if body is not None:
                tc.remove(body)
        elif body is not None:
            tc.replace(body, copy.deepcopy(cell.body))
        else:
            tc.insert(0, copy.deepcopy(cell.body))
    return lost


def _merged(tc: Any) -> bool:
    """Whether a table cell spans others or is covered by one (pumpxl merges none)."""
    return any(tc.get(a, "1") not in ("0", "1", "false") for a in ("gridSpan", "rowSpan")) or (
        any(tc.get(a) in ("1", "true") for a in ("hMerge", "vMerge")))  # fmt: skip


def _grid(el: Any) -> list[list[Any]]:
    return [list(tr.iterchildren(_TC)) for tr in el.iter(_TR)]


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TR, _TC, _CELL_BODY = f"{_A}tr", f"{_A}tc", f"{_A}txBody"
_STYLE_ID = f"{_A}tableStyleId"
#: a recorded look's digest of no fill (a cell the table's style fills)
_NO_FILL = Look((("fill", ""),), ()).digests()[0][4:8]
_LINKS = (f"{_A}hlinkClick", f"{_A}hlinkHover", f"{_A}hlinkMouseOver")
