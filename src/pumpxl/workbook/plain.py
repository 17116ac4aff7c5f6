"""Plain sheets: a CSV or a worksheet of periods and values, without pumpxl's template.

``wide``: one period column, then one column per measure (the header names the measure).
``long``: a measure column, a period column and a value column.
Both become a :class:`~pumpxl.model.PumpModel` whose measures are neutral, monthly or weekly as
the periods suggest, so every command works on them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from pumpxl.core.errors import Problem, ProblemList, WorkbookError
from pumpxl.core.model import Measure, PumpModel, Series, Settings, infer_frequency
from pumpxl.core.parsing import parse_date, parse_number
from pumpxl.workbook.cells import ExcelError, column_letter, error_problem, open_grids
from pumpxl.workbook.layout import normalise

__all__ = ["read_plain", "read_series"]

MAX_CSV_BYTES = 512 * 1024 * 1024


def _rows(path: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    """(sheet name for messages, rows of cell values) from a CSV or a workbook sheet."""
    if path.suffix.lower() in (".csv", ".txt"):
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise WorkbookError(
                [Problem(path.name, f"cannot be read: {exc.strerror}", "unreadable")]
            ) from None
        if size > MAX_CSV_BYTES:
            raise WorkbookError(
                [
                    Problem(
                        path.name,
                        f"is {size:,} bytes; pumpxl reads CSV files up to {MAX_CSV_BYTES:,}",
                        "too_large",
                    )
                ]
            )
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        if "\0" in text:
            raise WorkbookError(
                [
                    Problem(
                        path.name, "holds NUL bytes: it is a binary file, not CSV text", "not_text"
                    )
                ],
                source=path.name,
            )
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            lines = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
        except csv.Error as exc:
            raise WorkbookError(
                [Problem(path.name, f"cannot be read as CSV ({exc})", "bad_csv")], source=path.name
            ) from None
        return path.name, [[_csv_cell(c) for c in r] for r in lines]
    grids = list(open_grids(path))
    if sheet is not None:
        match = [g for g in grids if normalise(g.name) == normalise(sheet)]
        if not match:
            names = ", ".join(g.name for g in grids)
            raise WorkbookError(
                [
                    Problem(
                        path.name,
                        f"has no sheet {sheet!r}; its sheets are {names}",
                        "missing_sheet",
                    )
                ]
            )
        grid = match[0]
    else:
        found = next((g for g in grids if not g.hidden), None)
        if found is None:
            what = (
                (
                    "every sheet is hidden ("
                    + ", ".join(g.name for g in grids)
                    + "); name one with --sheet"
                )
                if grids
                else "has no sheets"
            )
            raise WorkbookError([Problem(path.name, what, "missing_sheet")], source=path.name)
        grid = found
    return grid.name, [list(r) for r in grid.rows]


def _csv_cell(text: str) -> Any:
    t = text.strip()
    if not t:
        return ""
    try:
        return (
            float(t.replace(",", ""))
            if any(ch.isdigit() for ch in t) and not ("-" in t[1:] or "/" in t)
            else t
        )
    except ValueError:
        return t


def read_plain(
    path: Path | str,
    *,
    layout: str = "wide",
    sheet: str | None = None,
    period: str | None = None,
    measure: str | None = None,
    value: str | None = None,
) -> PumpModel:
    """Read a plain sheet or CSV into a model; raises WorkbookError with every problem."""
    path = Path(path)
    where, rows = _rows(path, sheet)
    problems = ProblemList(path.name)
    rows = [r for r in rows if any(c not in ("", None) for c in r)]
    if len(rows) < 2:
        raise WorkbookError(
            [Problem(where, "needs a header row and at least one row of data", "empty")],
            source=path.name,
        )
    header = [str(h).strip() for h in rows[0]]
    norm = [normalise(h) for h in header]
    for r, row in enumerate(rows[1:], start=2):
        extra = [c for c in row[len(header) :] if c not in ("", None)]
        if extra:
            problems.add(
                Problem(
                    f"{where}!{column_letter(len(header))}{r}",
                    f"row has more cells than the header ({len(row)} for "
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
                        f"{where}!1",
                        f"no column {name!r}; columns are " + ", ".join(header),
                        "missing_column",
                    )
                ],
                source=path.name,
            )
        return norm.index(normalise(name))

    series: dict[str, list[tuple[dt.date, float, str]]] = defaultdict(list)
    if layout == "wide":
        pc = find(period, 0, "periods")
        value_cols = [i for i in range(len(header)) if i != pc and header[i]]
        if value is not None:
            value_cols = [find(value, None, "values")]
        for r, row in enumerate(rows[1:], start=2):
            d = _period(row, pc, where, r, problems)
            if d is None:
                continue
            for c in value_cols:
                v = _value(row, c, where, r, problems)
                series[header[c]].append((d, v, f"{where}!{column_letter(c)}{r}"))
    elif layout == "long":
        mc = find(measure, norm.index("measure") if "measure" in norm else None, "measures")
        pc = find(period, norm.index("period") if "period" in norm else None, "periods")
        vc = find(value, norm.index("value") if "value" in norm else None, "values")
        for r, row in enumerate(rows[1:], start=2):
            name = str(row[mc]).strip() if mc < len(row) else ""
            if not name:
                problems.add(
                    Problem(f"{where}!{column_letter(mc)}{r}", "no measure given", "blank")
                )
                continue
            d = _period(row, pc, where, r, problems)
            if d is None:
                continue
            series[name].append(
                (d, _value(row, vc, where, r, problems), f"{where}!{column_letter(vc)}{r}")
            )
    else:
        raise WorkbookError(
            [Problem(where, f"layout must be 'wide' or 'long', not {layout!r}", "bad_option")]
        )
    model = PumpModel(settings=Settings(title=f"XmR charts: {path.stem}"))
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
        mid = name
        model.measures[mid] = Measure(mid, name, "", frequency=infer_frequency(dates))
        model.series[mid] = Series(
            dates, np.array([i[1] for i in items]), np.zeros(len(items), dtype=bool)
        )
    if problems:
        raise problems.error()
    return model


def _period(row: list[Any], c: int, where: str, r: int, problems: ProblemList) -> dt.date | None:
    cell = row[c] if c < len(row) else ""
    if isinstance(cell, ExcelError):
        problems.add(error_problem(f"{where}!{column_letter(c)}{r}", cell))
        return None
    if isinstance(cell, float):
        cell = str(int(cell)) if cell.is_integer() else str(cell)
    d, why = parse_date(cell)
    if d is None:
        problems.add(
            Problem(
                f"{where}!{column_letter(c)}{r}",
                why or "no period given",
                "not_a_date" if why else "blank",
            )
        )
    return d


def _value(row: list[Any], c: int, where: str, r: int, problems: ProblemList) -> float:
    cell = row[c] if c < len(row) else ""
    if isinstance(cell, ExcelError):
        problems.add(error_problem(f"{where}!{column_letter(c)}{r}", cell))
        return np.nan
    v, why = parse_number(cell)
    if why:
        problems.add(Problem(f"{where}!{column_letter(c)}{r}", why, "not_a_number"))
    return np.nan if v is None else v


def read_series(path: Path, *, column: str | None = None) -> tuple[Measure, Series]:
    """One value column (the first, or ``column``) of a wide CSV or sheet: its measure and
    series."""
    model = read_plain(path, layout="wide", value=column)
    mid = next(iter(model.series))
    return model.measures[mid], model.series[mid]
