"""Reading the Data sheet, the big one: column by column in one pass, with the checks per
measure (order, duplicates, natural bounds) done in numpy."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np

from pumpxl.core.model import PumpModel, Series
from pumpxl.core.parsing import date_rules, parse_date, parse_number
from pumpxl.core.periods import first_irregular, irregular_message
from pumpxl.core.vocabulary import YES_WORDS
from pumpxl.workbook.cells import ExcelError, Grid, column_letter, error_problem, is_blank
from pumpxl.workbook.layout import SHEET_BY_NAME, normalise
from pumpxl.workbook.tables import TableReader, report_unknown

__all__ = ["read_data_sheet"]

YES = set(YES_WORDS)


def read_data_sheet(rd: TableReader, model: PumpModel, grid: Grid, lookup: dict[str, str]) -> None:
    """The Data sheet, column by column: one pass per column, checks per measure in numpy."""
    spec = SHEET_BY_NAME["data"]
    found = rd.header(grid, spec)
    if found is None:
        return
    header_at, keys = found
    rd.skip_totals(grid, header_at)
    body = grid.rows[header_at + 1 :]
    first = header_at + 1  # 0-based row of body[0]

    def column(key: str) -> list[Any]:
        i = keys.get(key)
        if i is None:
            return [""] * len(body)
        return [row[i] if i < len(row) else "" for row in body]

    meas, per_, vals = column("measure"), column("period"), column("value")
    excl, notes = column("exclude"), column("note")
    letter = {k: column_letter(i) for k, i in keys.items()}

    def where(key: str, j: int) -> str:
        return f"{grid.name}!{letter.get(key, 'A')}{first + j + 1}"

    rules = date_rules(
        per_, header="Period", order=rd.date_order, where=lambda j: where("period", j)
    )
    told: set[str] = set()
    totals = grid.totals
    unknown: dict[str, list[str]] = defaultdict(list)
    rows_of: dict[str, list[int]] = defaultdict(list)
    dates: list[dt.date | None] = [None] * len(body)
    days = np.zeros(len(body), dtype=np.int64)  # days since 1970-01-01
    values = np.full(len(body), np.nan)
    epoch = dt.date(1970, 1, 1).toordinal()
    for j, (m, p, v) in enumerate(zip(meas, per_, vals, strict=True)):
        if m == "" and p == "" and v == "" and not excl[j] and not notes[j]:
            continue  # the common blank row, without function calls
        if (isinstance(m, str) and not m.strip() and is_blank(p) and is_blank(v)) and (
            is_blank(excl[j]) and is_blank(notes[j])
        ):
            continue  # a row of spaces
        if totals and first + j in totals:
            continue
        mid = lookup.get(m) if isinstance(m, str) else None
        if mid is None:
            if isinstance(m, ExcelError):
                rd.problems.add(error_problem(where("measure", j), m))
                continue
            text = str(m).strip() if m is not None else ""
            if isinstance(m, float) and m.is_integer():
                text = str(int(m))
            if not text:
                rd.add(where("measure", j), "no measure given", "blank")
                continue
            mid = lookup.get(normalise(text))
            if mid is None:
                unknown[text].append(where("measure", j))
                continue
        label = model.measures[mid].name
        if type(p) is dt.date:
            dates[j] = p
        elif type(p) is dt.datetime:
            dates[j] = p.date()
        elif isinstance(p, ExcelError):
            rd.problems.add(error_problem(where("period", j), p, label))
            continue
        else:
            d, why = parse_date(p, rules)
            if d is None and why and rules.problem and why in told:
                continue  # the column's problem, reported at its first cell
            if d is None:
                told.add(why or "")
                rd.add(
                    where("period", j),
                    why or "no period given",
                    "not_a_date" if why else "blank",
                    label,
                )
                continue
            dates[j] = d
        days[j] = dates[j].toordinal() - epoch  # type: ignore[union-attr]
        if type(v) is float:
            values[j] = v
        elif isinstance(v, ExcelError):
            rd.problems.add(error_problem(where("value", j), v, label))
        elif v != "" and v is not None:
            number, why = parse_number(v)
            if why:
                rd.add(where("value", j), why, "not_a_number", label)
            elif number is not None:
                values[j] = number
        rows_of[mid].append(j)
    report_unknown(rd, unknown)
    for mid, idx in rows_of.items():
        m = model.measures[mid]
        ix = np.array(idx)
        stamps = days[ix].astype("datetime64[D]")
        v = values[ix]
        if stamps.shape[0] > 1:
            step = np.diff(stamps).astype(np.int64)
            irregular = first_irregular(stamps, m.frequency) if (step > 0).all() else None
            if irregular is not None:
                rd.add(
                    where("period", idx[irregular.index]),
                    irregular_message(stamps, m.frequency, irregular),
                    "irregular_period",
                    m.name,
                )
            for pos in np.flatnonzero(step <= 0).tolist():
                j = idx[pos + 1]
                earlier = stamps[: pos + 1]
                same = np.flatnonzero(earlier == stamps[pos + 1])
                if same.shape[0]:
                    rd.add(
                        where("period", j),
                        f"period {dates[j]} appears twice for this "
                        f"measure (first at {where('period', idx[int(same[0])])})",
                        "duplicate_period",
                        m.name,
                    )
                else:
                    rd.add(
                        where("period", j),
                        f"period {dates[j]} comes after "
                        f"{earlier.max()}; keep each measure's rows in time order",
                        "unordered_period",
                        m.name,
                    )
        for bound, name, bad in (
            (m.lower_bound, "below the measure's natural lower bound", v < (m.lower_bound or 0)),
            (m.upper_bound, "above the measure's natural upper bound", v > (m.upper_bound or 0)),
        ):
            if bound is None:
                continue
            for pos in np.flatnonzero(bad).tolist():
                rd.add(
                    where("value", idx[pos]),
                    f"{v[pos]:g} is {name} {bound:g}",
                    "beyond_bound",
                    m.name,
                )
        model.series[mid] = Series(
            stamps.astype("datetime64[ns]"),
            v,
            np.array([str(excl[j]).strip().lower() in YES for j in idx], dtype=bool),
            tuple(str(notes[j]).strip() if notes[j] not in ("", None) else "" for j in idx),
        )
