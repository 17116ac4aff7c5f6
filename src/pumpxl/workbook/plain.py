"""Plain series: a CSV or sheet of periods and values, without pumpxl's template."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pumpxl.errors import Problem, WorkbookError

__all__ = ["PlainSeries", "read_series"]


@dataclass(frozen=True)
class PlainSeries:
    """One measure's values in time order, with period labels and (when they parse) dates."""

    name: str
    labels: list[str]
    values: np.ndarray
    dates: pd.DatetimeIndex | None


def read_series(path: Path, *, column: str | None = None) -> PlainSeries:
    """Read one value column from a CSV whose first column holds periods."""
    name = Path(path).name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise WorkbookError(
            [Problem(name, f"cannot be read as CSV: {exc}", "unreadable")]
        ) from None
    if frame.shape[1] < 2:
        raise WorkbookError(
            [Problem(name, "needs a period column and at least one value column", "no_columns")]
        )
    period_col = frame.columns[0]
    value_col = column if column is not None else frame.columns[1]
    if value_col not in frame.columns:
        known = ", ".join(map(str, frame.columns[1:]))
        raise WorkbookError(
            [Problem(name, f"no column {value_col!r}; value columns are {known}", "no_column")]
        )
    col_letter = _column_letter(list(frame.columns).index(value_col))
    problems = []
    values = np.full(len(frame), np.nan)
    for i, text in enumerate(frame[value_col].tolist()):
        text = text.strip()
        if not text:
            continue
        try:
            values[i] = float(text.replace(",", ""))
        except ValueError:
            problems.append(
                Problem(f"{name}!{col_letter}{i + 2}", f"{text!r} is not a number", "not_a_number")
            )
            continue
        if not np.isfinite(values[i]):
            problems.append(
                Problem(f"{name}!{col_letter}{i + 2}", f"{text!r} is not finite", "not_a_number")
            )
    if problems:
        raise WorkbookError(problems, source=name)
    labels = [str(p) for p in frame[period_col].tolist()]
    dates: pd.DatetimeIndex | None
    try:
        dates = pd.DatetimeIndex(pd.to_datetime(labels, format="mixed"))
        if not dates.is_monotonic_increasing or not dates.is_unique:
            dates = None
    except (ValueError, TypeError):
        dates = None
    return PlainSeries(str(value_col), labels, values, dates)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
