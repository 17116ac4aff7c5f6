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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pumpxl.errors import Problem, WorkbookError
from pumpxl.model import Measure, PumpModel, Series
from pumpxl.workbook.cells import NO_RESULT, column_letter, open_grids, parse_date, parse_number
from pumpxl.workbook.layout import normalise

__all__ = ["PlainSeries", "read_plain", "read_series"]

MAX_CSV_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class PlainSeries:
    """One measure's values in time order, with period labels and dates."""

    name: str
    labels: list[str]
    values: np.ndarray
    dates: pd.DatetimeIndex | None


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
    rows: list[list[Any]] = [list(r) for r in grid.rows]
    for ref, code in grid.errors.items():
        col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(ref.rstrip("0123456789"))))
        r = int(ref[len(ref.rstrip("0123456789")) :]) - 1
        if r < len(rows) and col - 1 < len(rows[r]):
            rows[r][col - 1] = _ErrorCell(code)
    return grid.name, rows


@dataclass(frozen=True)
class _ErrorCell:
    code: str


def _error_problem(where: str, code: str) -> Problem:
    if code == NO_RESULT:
        return Problem(
            where,
            "holds a formula with no saved result; open and save the "
            "workbook in Excel, or enter the value itself",
            "formula_no_result",
        )
    return Problem(
        where, f"holds the Excel error {code}; fix the formula or enter a value", "error_value"
    )


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
    problems: list[Problem] = _Capped()
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
            problems.append(
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
                problems.append(
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
    model = PumpModel(title=f"XmR charts: {path.stem}")
    for name, items in series.items():
        seen: dict[dt.date, str] = {}
        last = None
        for d, _, cell in items:
            if d in seen:
                problems.append(
                    Problem(
                        cell,
                        f"period {d} appears twice for {name!r} (first at {seen[d]})",
                        "duplicate_period",
                        name,
                    )
                )
            elif last is not None and d < last:
                problems.append(
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
        gaps = np.diff(dates).astype("timedelta64[D]").astype(int)
        freq = "weekly" if len(gaps) and np.median(gaps) <= 8 else "monthly"
        mid = name
        model.measures[mid] = Measure(mid, name, "", frequency=freq, owner="")
        model.series[mid] = Series(
            dates, np.array([i[1] for i in items]), np.zeros(len(items), dtype=bool)
        )
    if problems:
        raise WorkbookError(problems.finish(), source=path.name)  # type: ignore[attr-defined]
    return model


class _Capped(list):  # type: ignore[type-arg]
    """A list of problems that keeps the first MAX and counts the rest by kind."""

    MAX = 2000

    def __init__(self) -> None:
        super().__init__()
        self.more: dict[str, int] = {}

    def append(self, p: Problem) -> None:
        if len(self) < self.MAX:
            super().append(p)
        else:
            self.more[p.code] = self.more.get(p.code, 0) + 1

    def finish(self) -> list[Problem]:
        out = list(self)
        if self.more:
            kinds = ", ".join(f"{n:,} {code}" for code, n in sorted(self.more.items()))
            out.append(
                Problem(
                    out[0].where.split("!")[0],
                    f"... and {sum(self.more.values()):,} more problems ({kinds})",
                    "more",
                )
            )
        return out


def _period(row: list[Any], c: int, where: str, r: int, problems: list[Problem]) -> dt.date | None:
    cell = row[c] if c < len(row) else ""
    if isinstance(cell, _ErrorCell):
        problems.append(_error_problem(f"{where}!{column_letter(c)}{r}", cell.code))
        return None
    if isinstance(cell, float):
        cell = str(int(cell)) if cell.is_integer() else str(cell)
    d, why = parse_date(cell)
    if d is None:
        problems.append(
            Problem(
                f"{where}!{column_letter(c)}{r}",
                why or "no period given",
                "not_a_date" if why else "blank",
            )
        )
    return d


def _value(row: list[Any], c: int, where: str, r: int, problems: list[Problem]) -> float:
    cell = row[c] if c < len(row) else ""
    if isinstance(cell, _ErrorCell):
        problems.append(_error_problem(f"{where}!{column_letter(c)}{r}", cell.code))
        return np.nan
    v, why = parse_number(cell)
    if why:
        problems.append(Problem(f"{where}!{column_letter(c)}{r}", why, "not_a_number"))
    return np.nan if v is None else v


def read_series(path: Path, *, column: str | None = None) -> PlainSeries:
    """One value column (the first, or ``column``) of a wide CSV or sheet."""
    model = read_plain(path, layout="wide", value=column)
    mid = next(iter(model.series))
    s = model.series[mid]
    dates = pd.DatetimeIndex(s.dates)
    fmt = "%Y-%m-%d" if model.measures[mid].frequency == "weekly" else "%Y-%m"
    return PlainSeries(mid, list(dates.strftime(fmt)), s.values, dates)
