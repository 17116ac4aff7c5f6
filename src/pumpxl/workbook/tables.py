"""Reading the tables of a PuMP workbook: a table's header row is found by its column names
(case, spacing and punctuation ignored), then each cell is read by kind (text, number, date,
choice), and every problem is collected with its cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from pumpxl.core.errors import Problem, ProblemList
from pumpxl.core.parsing import DateOrder, DateRules, date_rules, parse_date, parse_number
from pumpxl.core.present import plural
from pumpxl.workbook.cells import ExcelError, Grid, column_letter, error_problem, is_blank
from pumpxl.workbook.layout import SHEETS, Sheet, normalise

__all__ = ["LIST_SEPARATORS", "Row", "TableReader", "place", "report_unknown", "unique_rows"]

T = TypeVar("T", bound=str)
#: What separates the items of a list cell (IDs, names).
LIST_SEPARATORS = r"[,;\r\n]"

HEADER_SEARCH_ROWS = 10


@dataclass
class Row:
    """One table row: its Excel row number and a getter by column key."""

    grid: Grid
    index: int
    cells: dict[str, Any]
    cols: dict[str, int]

    def where(self, key: str) -> str:
        if key not in self.cols:
            return f"{self.grid.name}!{self.index + 1}"
        return self.grid.where(self.index, self.cols[key])

    def text(self, key: str) -> str:
        v = self.cells.get(key)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()


class TableReader:
    """Reads tables found by their column names and their cells by kind, collecting every
    problem (with its cell) instead of stopping at the first."""

    def __init__(self, source: str, *, date_order: DateOrder | None = None) -> None:
        self.problems = ProblemList(source)
        self.notices: list[Problem] = []
        self.date_order = date_order
        self._rules: dict[tuple[str, str], DateRules] = {}
        self._told: set[tuple[str, str, str]] = set()  # column problems already reported

    def add(self, where: str, message: str, code: str, measure: str | None = None) -> None:
        self.problems.add(Problem(where, message, code, measure))

    def notice(self, where: str, message: str, code: str) -> None:
        """Something read in a way the user should know about (not a problem)."""
        self.notices.append(Problem(where, message, code, severity="warning"))

    def skip_totals(self, grid: Grid, header_at: int) -> None:
        """Mention the Total Rows of the sheet's Excel Tables, which are not read."""
        for r in sorted(grid.totals):
            if r > header_at:
                self.notice(
                    f"{grid.name}!{r + 1}:{r + 1}",
                    "is the Excel Table's Total Row (totals, not data): not read",
                    "total_row",
                )

    def date_rules(self, grid: Grid, header_at: int, spec: Sheet, keys: dict[str, int]) -> None:
        """Decide each date column's rules (day/month order, Excel date numbers) from the
        whole column, as :func:`pumpxl.core.parsing.date_rules` describes."""
        for column in spec.columns:
            if column.kind != "date" or column.key not in keys:
                continue
            c = keys[column.key]
            body = range(header_at + 1, len(grid.rows))
            cells = [grid.rows[r][c] if c < len(grid.rows[r]) else "" for r in body]
            self._rules[(grid.name, column.key)] = date_rules(
                cells,
                header=column.header,
                order=self.date_order,
                where=partial(_spot, grid, header_at + 1, c),
            )

    def rules(self, grid: Grid, key: str) -> DateRules:
        return self._rules.get((grid.name, key), DateRules(self.date_order, serials=True))

    def finish(self) -> list[Problem]:
        """Every problem, sorted into workbook order."""
        return self.problems.finish(key=place)

    # -------------------------------------------------------------------------- tables
    def header(self, grid: Grid, spec: Sheet) -> tuple[int, dict[str, int]] | None:
        """The header row and each known column's index, found by column names."""
        wanted = {normalise(c.header): c for c in spec.columns}
        required = {normalise(c.header) for c in spec.columns if c.required}
        header_at, cols = -1, dict[str, int]()
        for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
            found = {normalise(v): i for i, v in enumerate(row) if normalise(v) in wanted}
            if required <= set(found) or (len(found) > len(cols) and len(found) >= 2):
                header_at, cols = r, found
                if required <= set(found):
                    break
        if header_at < 0:
            heads = ", ".join(c.header for c in spec.columns if c.required)
            self.add(f"{grid.name}!1", f"no header row with the columns {heads}", "missing_headers")
            return None
        missing = [wanted[h].header for h in required - set(cols)]
        if missing:
            self.add(
                f"{grid.name}!{header_at + 1}",
                f"missing column(s) {', '.join(sorted(missing))}",
                "missing_column",
            )
            return None
        for i in cols.values():
            if grid.where(header_at, i).split("!")[1] in grid.errors:
                self.add(grid.where(header_at, i), "header is an Excel error", "error_value")
        used = set(cols.values())
        for r1, c1, r2, c2 in grid.merged:
            if r2 >= header_at and any(c1 <= c <= c2 for c in used):
                span = f"{grid.where(r1, c1)}:{column_letter(c2)}{r2 + 1}"
                self.add(
                    span,
                    "is a merged range; unmerge it so that every row has its own value",
                    "merged_cells",
                )
        return header_at, {wanted[h].key: i for h, i in cols.items()}

    def table(self, grid: Grid, spec: Sheet) -> list[Row]:
        """Rows of a table whose header row is found by its column names."""
        found = self.header(grid, spec)
        if found is None:
            return []
        header_at, keys = found
        self.skip_totals(grid, header_at)
        self.date_rules(grid, header_at, spec, keys)
        out = []
        for r in range(header_at + 1, len(grid.rows)):
            if r in grid.totals:
                continue
            row = grid.rows[r]
            width = len(row)
            cells = {k: (row[i] if i < width else "") for k, i in keys.items()}
            if not all(is_blank(v) for v in cells.values()):
                out.append(Row(grid, r, cells, keys))
        return out

    def error_cell(self, row: Row, key: str, measure: str | None = None) -> bool:
        """Report the cell if it holds an Excel error; True when it did."""
        v = row.cells.get(key)
        if isinstance(v, ExcelError):
            self.problems.add(error_problem(row.where(key), v, measure))
            return True
        return False

    def choice(
        self,
        row: Row,
        key: str,
        allowed: Mapping[str, T] | tuple[T, ...],
        default: T,
        measure: str | None = None,
        shown: str | None = None,
    ) -> T:
        """The cell's word from ``allowed`` (case ignored; a mapping maps words to values),
        or ``default`` for a blank or (reported) unknown word; ``shown`` says the choices in
        the message (else every word allowed)."""
        if self.error_cell(row, key, measure):
            return default
        text = row.text(key).lower()
        if not text:
            return default
        options: Mapping[str, T] = (
            allowed if isinstance(allowed, Mapping) else {str(a): a for a in allowed}
        )
        if text not in options:
            shown = shown or ", ".join(o.capitalize() for o in options)
            self.add(
                row.where(key), f"{row.text(key)!r} is not one of {shown}", "bad_choice", measure
            )
            return default
        return options[text]

    def number(self, row: Row, key: str, measure: str | None = None) -> float | None:
        if key not in row.cells or self.error_cell(row, key, measure):
            return None
        value, why = parse_number(row.cells[key])
        if why:
            self.add(row.where(key), why, "not_a_number", measure)
        return value

    def date(self, row: Row, key: str, measure: str | None = None) -> dt.date | None:
        if key not in row.cells or self.error_cell(row, key, measure):
            return None
        rules = self.rules(row.grid, key)
        value, why = parse_date(row.cells[key], rules)
        if why and not (rules.problem and (row.grid.name, key, why) in self._told):
            self._told.add((row.grid.name, key, why))
            self.add(row.where(key), why, "not_a_date", measure)
        return value


_SHEET_RANK = {normalise(s.name): i for i, s in enumerate(SHEETS)}


def place(p: Problem) -> tuple[int, int, int, str]:
    """Sort key: sheets in workbook order, then row, then column (file-level first)."""
    sheet, _, cell = p.where.partition("!")
    rank = _SHEET_RANK.get(normalise(sheet), -1 if not cell else len(_SHEET_RANK))
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return rank, int(digits) if digits else 0, col, p.message


def _spot(grid: Grid, first: int, col: int, i: int) -> str:
    return grid.where(first + i, col)


def report_unknown(rd: TableReader, unknown: dict[str, list[str]]) -> None:
    """One problem per unknown measure reference, at its first cell, counting the others."""
    for text, cells in unknown.items():
        more = f" and {plural(len(cells) - 1, 'more row')}" if len(cells) > 1 else ""
        rd.add(
            cells[0],
            f"{text!r} is not a measure ID or name on the Measures sheet{more}",
            "unknown_measure",
        )


def unique_rows(
    rd: TableReader, rows: list[Row], key: str, blank: str, twice: Callable[[str, str], str],
    code: str,
) -> Iterator[tuple[Row, str]]:
    """Each row with its ``key`` cell's text, skipping (and reporting) blank and repeated
    keys; ``twice`` words a repeat from the key and where it first was."""
    seen: dict[str, str] = {}
    for row in rows:
        text = row.text(key)
        if not text:
            rd.add(row.where(key), blank, "blank")
        elif text.lower() in seen:
            rd.add(row.where(key), twice(text, seen[text.lower()]), code)
        else:
            seen[text.lower()] = row.where(key)
            yield row, text
