"""Plain sheets: a CSV or a worksheet of periods and values, without pumpxl's template.

``wide``: one period column, then one column per measure (the header names the measure).
``long``: a measure column, a period column and a value column.
Both become a :class:`~pumpxl.model.PumpModel` whose measures are neutral, monthly or weekly as
the periods suggest, so every command works on them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from pumpxl.core.errors import Problem, ProblemList, WorkbookError
from pumpxl.core.model import Measure, PumpModel, Series, Settings
from pumpxl.core.parsing import DateOrder, DateRules, date_rules, parse_date, parse_number
from pumpxl.core.periods import first_irregular, infer_frequency, irregular_message
from pumpxl.workbook.cells import (
    ExcelError,
    column_letter,
    error_problem,
    is_blank,
    near_miss,
    open_grids,
    sheet_key,
)
from pumpxl.workbook.csvfile import CsvOptions, Line, read_csv
from pumpxl.workbook.layout import normalise

__all__ = ["PLAIN_SUFFIXES", "PlainOptions", "read_plain", "read_series"]

#: Files read as CSV text (Excel's "Unicode Text" export is a .txt).
PLAIN_SUFFIXES = (".csv", ".txt", ".tsv")

def _lines(path: Path, sheet: str | None, options: CsvOptions | None) -> tuple[str, list[Line]]:
    """(name for messages, non-blank rows with their own row numbers) of a CSV or a sheet."""
    if path.suffix.lower() in PLAIN_SUFFIXES:
        return path.name, read_csv(path, options)
    seen: list[str] = []

    def wanted(name: str) -> bool:
        seen.append(name)
        if sheet is not None:
            return sheet_key(name) == sheet_key(sheet)
        return True

    grids = list(open_grids(path, wanted))
    if sheet is not None and not grids:
        hint = near_miss(sheet, seen)
        also = f"; did you mean {hint!r}?" if hint else f"; its sheets are {', '.join(seen)}"
        raise WorkbookError(
            [Problem(path.name, f"has no sheet {sheet!r}{also}", "missing_sheet")],
            source=path.name,
        )
    grid = grids[0] if sheet is not None else next((g for g in grids if not g.hidden), None)
    if grid is None:
        what = (
            f"every sheet is hidden ({', '.join(g.name for g in grids)}); name one with --sheet"
            if grids
            else "has no sheets"
        )
        raise WorkbookError([Problem(path.name, what, "missing_sheet")], source=path.name)
    lines = [
        Line(r + 1, list(row))
        for r, row in enumerate(grid.rows)
        if r not in grid.totals and not all(is_blank(c) for c in row)
    ]
    return grid.name, lines


@dataclass(frozen=True)
class PlainOptions:
    """How to read a plain sheet or CSV: ``layout`` "wide" (a period column, then a column per
    measure) or "long" (measure, period and value columns); the sheet and the columns' headers
    when they are not the defaults; how to read the CSV text and numeric dates."""

    layout: str = "wide"
    sheet: str | None = None
    period: str | None = None
    measure: str | None = None
    value: str | None = None
    csv: CsvOptions | None = None
    date_order: DateOrder | None = None


def read_plain(
    path: Path | str, options: PlainOptions | None = None, **given: Any
) -> PumpModel:
    """Read a plain sheet or CSV into a model, as ``options`` (or the same fields given as
    keywords: ``read_plain(path, layout="long")``) say; raises WorkbookError with every
    problem. Row numbers in messages are the file's own (blank rows counted)."""
    o = replace(options or PlainOptions(), **given)
    layout, sheet, period, measure, value = o.layout, o.sheet, o.period, o.measure, o.value
    csv, date_order = o.csv, o.date_order
    path = Path(path)
    where, rows = _lines(path, sheet, csv)
    problems = ProblemList(path.name)
    # title rows above the table (one filled cell) are not its header
    start = next((k for k, ln in enumerate(rows) if sum(not is_blank(c) for c in ln.cells) > 1), 0)
    rows = rows[start:]
    if len(rows) < 2:
        raise WorkbookError(
            [Problem(where, "needs a header row and at least one row of data", "empty")],
            source=path.name,
        )
    header = [str(h).strip() for h in rows[0].cells]
    norm = [normalise(h) for h in header]
    head_row = rows[0].number
    body = rows[1:]
    for line in body:
        extra = [c for c in line.cells[len(header) :] if not is_blank(c)]
        if extra:
            problems.add(
                Problem(
                    f"{where}!{column_letter(len(header))}{line.number}",
                    f"row has more cells than the header ({len(line.cells)} for "
                    f"{len(header)} columns); name every column",
                    "ragged_row",
                )
            )

    def find(name: str | None, default: int | None, what: str) -> int:
        if name is None:
            if default is None:
                raise WorkbookError(
                    [Problem(where, f"say which column holds the {what}", "missing_column")],
                    source=path.name,
                )
            return default
        if normalise(name) not in norm:
            raise WorkbookError(
                [
                    Problem(
                        f"{where}!{head_row}",
                        f"no column {name!r}; columns are " + ", ".join(header),
                        "missing_column",
                    )
                ],
                source=path.name,
            )
        return norm.index(normalise(name))

    def rules_for(c: int) -> DateRules:
        cells = [line.cells[c] if c < len(line.cells) else "" for line in body]
        letter = column_letter(c)
        return date_rules(
            cells,
            header=header[c],
            order=date_order,
            where=lambda i: f"{where}!{letter}{body[i].number}",
        )

    series: dict[str, list[tuple[dt.date, float, str]]] = defaultdict(list)
    if layout == "wide":
        pc = find(period, 0, "periods")
        value_cols = [i for i in range(len(header)) if i != pc and header[i]]
        if value is not None:
            value_cols = [find(value, None, "values")]
        rules, told = rules_for(pc), set[str]()
        for line in body:
            d = _period(line, pc, where, rules, problems, told)
            if d is None:
                continue
            for c in value_cols:
                v = _value(line, c, where, problems)
                series[header[c]].append((d, v, f"{where}!{column_letter(c)}{line.number}"))
    elif layout == "long":
        mc = find(measure, norm.index("measure") if "measure" in norm else None, "measures")
        pc = find(period, norm.index("period") if "period" in norm else None, "periods")
        vc = find(value, norm.index("value") if "value" in norm else None, "values")
        rules, told = rules_for(pc), set[str]()
        for line in body:
            name = str(line.cells[mc]).strip() if mc < len(line.cells) else ""
            if not name:
                spot = f"{where}!{column_letter(mc)}{line.number}"
                problems.add(Problem(spot, "no measure given", "blank"))
                continue
            d = _period(line, pc, where, rules, problems, told)
            if d is None:
                continue
            cell = f"{where}!{column_letter(vc)}{line.number}"
            series[name].append((d, _value(line, vc, where, problems), cell))
    else:
        raise WorkbookError(
            [Problem(where, f"layout must be 'wide' or 'long', not {layout!r}", "bad_option")]
        )
    model = PumpModel(settings=Settings(title=f"XmR charts of {path.name}"))
    for name, items in series.items():
        seen: dict[dt.date, str] = {}
        last = None
        for d, _, cell in items:
            if d in seen:
                problems.add(
                    Problem(
                        cell,
                        f"period {d} appears twice for {name!r} (first at {seen[d]})",
                        "duplicate_period",
                        name,
                    )
                )
            elif last is not None and d < last:
                problems.add(
                    Problem(
                        cell,
                        f"period {d} comes after {last}; keep rows in time order",
                        "unordered_period",
                        name,
                    )
                )
            seen.setdefault(d, cell)
            last = d if last is None or d > last else last
        dates = np.array([np.datetime64(i[0], "D") for i in items]).astype("datetime64[ns]")
        frequency = infer_frequency(dates)
        in_order = all(a[0] < b[0] for a, b in itertools.pairwise(items))
        irregular = first_irregular(dates, frequency) if in_order else None
        if irregular is not None:
            problems.add(
                Problem(
                    items[irregular.index][2],
                    irregular_message(dates, frequency, irregular),
                    "irregular_period",
                    name,
                )
            )
        mid = name
        model.measures[mid] = Measure(mid, name, "", frequency=frequency)
        model.series[mid] = Series(
            dates, np.array([i[1] for i in items]), np.zeros(len(items), dtype=bool)
        )
    if problems:
        raise problems.error()
    return model


def _period(
    line: Line, c: int, where: str, rules: DateRules, problems: ProblemList, told: set[str]
) -> dt.date | None:
    """The line's period; a problem of the whole column is reported once (``told``)."""
    cell = line.cells[c] if c < len(line.cells) else ""
    spot = f"{where}!{column_letter(c)}{line.number}"
    if isinstance(cell, ExcelError):
        problems.add(error_problem(spot, cell))
        return None
    d, why = parse_date(cell, rules)
    if d is None and not (why and rules.problem and why in told):
        problems.add(Problem(spot, why or "no period given", "not_a_date" if why else "blank"))
        told.add(why or "")
    return d


def _value(line: Line, c: int, where: str, problems: ProblemList) -> float:
    cell = line.cells[c] if c < len(line.cells) else ""
    if isinstance(cell, ExcelError):
        problems.add(error_problem(f"{where}!{column_letter(c)}{line.number}", cell))
        return np.nan
    v, why = parse_number(cell)
    if why:
        problems.add(Problem(f"{where}!{column_letter(c)}{line.number}", why, "not_a_number"))
    return np.nan if v is None else v


def read_series(
    path: Path,
    *,
    column: str | None = None,
    csv: CsvOptions | None = None,
    date_order: DateOrder | None = None,
) -> tuple[Measure, Series, bool]:
    """One value column (the first, or ``column``) of a wide CSV or sheet: its measure, its
    series, and whether the periods are only numbered: a file of a single column of numbers
    has no periods, so its values are numbered 1..n (the series' dates then only keep their
    order, one day apart from 1 Jan 1970, and must not be shown)."""
    path = Path(path)
    where, rows = _lines(path, None, csv)
    single = all(sum(not is_blank(c) for c in ln.cells) <= 1 for ln in rows)
    if column is None and rows and single:
        return _numbered(path, where, rows)
    model = read_plain(path, PlainOptions(value=column, csv=csv, date_order=date_order))
    mid = next(iter(model.series))
    return model.measures[mid], model.series[mid], False


def _numbered(path: Path, where: str, rows: list[Line]) -> tuple[Measure, Series, bool]:
    """A single column: a header (if its first cell is text) and one number per line."""
    head = rows[0].cells[0] if rows[0].cells else ""
    name = head if isinstance(head, str) and head else path.stem
    body = rows[1:] if isinstance(head, str) else rows
    problems = ProblemList(path.name)
    values = np.array([_value(line, 0, where, problems) for line in body])
    if problems:
        raise problems.error()
    if values.shape[0] == 0:
        raise WorkbookError([Problem(where, "holds no values", "empty")], source=path.name)
    dates = np.arange(values.shape[0]).astype("datetime64[D]").astype("datetime64[ns]")
    measure = Measure(name, name, "", frequency="daily")
    return measure, Series(dates, values, np.zeros(values.shape[0], dtype=bool)), True
