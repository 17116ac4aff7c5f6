"""Cells in and out for pumpxl's Excel functions: ranges as xlwings passes them (lists of rows,
with Excel errors as text) into engine arguments, and engine results back into cells.

How cells are read (every function):

* ``values`` is one row or one column. Blank cells and ``#N/A`` are missing periods. A text
  cell at the top (or left) is a header and is skipped. Blank cells after the last value are
  not periods (so a range may reach below the data); the answer still has a row per cell of
  the range, so it lines up with it.
* Any other text, a true/false value or another Excel error (``#DIV/0!``...) among the values
  gives a one-cell message naming the row, never a traceback.
* ``dates`` (optional) line up with ``values``: date cells, Excel date numbers, or date text as
  :mod:`pumpxl.core.parsing` reads it. ``phases`` are the dates (or, without dates, the point
  numbers counted from 1) where limits restart. ``exclude`` lines up with ``values``: Yes, TRUE
  or 1 marks a known special cause.
* Options are text: ``rules`` pump, wheeler, nhs or anhoej; ``direction`` up / down / neutral
  (or "Higher is better", "Lower is better"); ``centre`` and ``dispersion`` mean or median.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from pumpxl.core.errors import CellError, PumpxlError
from pumpxl.core.inputs import DEFAULT_FIRM_POINTS
from pumpxl.core.parsing import date_from_serial, number_from_text, parse_date
from pumpxl.core.result import XmrResult
from pumpxl.core.vocabulary import YES_WORDS
from pumpxl.core.xmr import xmr
from pumpxl.excel.convert import COM_ERRORS, NA, clean

__all__ = [
    "NA",
    "Analysed",
    "Cells",
    "XmrArgs",
    "analyse_cells",
    "column",
    "message",
    "number",
    "pad",
    "truthy",
]

Cells = list[list[Any]]
MISSING_ERRORS = {"#N/A"}
ERROR_TEXTS = {
    "#DIV/0!",
    "#N/A",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#REF!",
    "#VALUE!",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BUSY!",
    "#BLOCKED!",
    "#CONNECT!",
    "#UNKNOWN!",
}
YES = set(YES_WORDS)
NUMBERS_OR_BLANKS = {float, int, type(None)}


@dataclass(frozen=True)
class XmrArgs:
    """The arguments of a pumpxl Excel function, as the cells gave them (None: not given)."""

    values: Any
    dates: Any = None
    phases: Any = None
    rules: Any = None
    direction: Any = None
    target: Any = None
    exclude: Any = None
    baseline: Any = None
    lower_bound: Any = None
    upper_bound: Any = None
    centre: Any = None
    dispersion: Any = None
    firm_points: Any = None
    trend: Any = None


@dataclass(frozen=True)
class Analysed:
    """The engine's result with the shape of the values range: how many cells it had, whether
    the first was a header, and how many periods there are (trailing blanks are not)."""

    result: XmrResult
    cells: int
    header: bool
    periods: int


# ------------------------------------------------------------------------------ cells in


def _flatten(cells: Any, name: str) -> list[Any]:
    """A row or a column of cells as one list (a single cell is a list of one), each cell
    cleaned (:func:`~pumpxl.excel.convert.clean`: blanks None, errors as their text)."""
    return [clean(v) for v in _raw(cells, name)]


def _raw(cells: Any, name: str) -> list[Any]:
    """:func:`_flatten` without the cleaning, as the runtime sent the cells."""
    if cells is None:
        return []
    if not isinstance(cells, (list, tuple)):
        return [cells]
    try:  # a column of one-cell rows, as ranges usually are
        return [v for (v,) in cells]
    except (TypeError, ValueError):  # rows of other lengths, or cells that are not rows
        pass
    rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in cells]
    if not rows:
        return []
    if len(rows) == 1:
        return rows[0]
    if all(len(r) == 1 for r in rows):
        return [r[0] for r in rows]
    raise CellError(f"{name} must be one row or one column, not {len(rows)} x {len(rows[0])}")


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _values(cells: Any) -> tuple[np.ndarray, int, bool]:
    """(values with NaN for missing, cells in the range, whether the first cell is a header)."""
    items = _raw(cells, "values")
    if items:
        items[0] = clean(items[0])
    header = (
        bool(items)
        and isinstance(items[0], str)
        and items[0].strip() != ""
        and (items[0].strip() not in ERROR_TEXTS)
        and number_from_text(items[0]) is None
    )
    body = items[1:] if header else items
    kinds = set(map(type, body))
    if kinds <= NUMBERS_OR_BLANKS and not (int in kinds and COM_ERRORS.keys() & set(body)):
        out = np.array(body, dtype=np.float64)  # numbers and blanks only: at once
    else:
        out = _each_value([clean(v) for v in body], header)
    if np.isinf(out).any():
        raise CellError("values: infinite numbers are not allowed")
    return out, len(items), header


def _each_value(body: list[Any], header: bool) -> np.ndarray:
    """Values cell by cell, naming the first cell that is not a number or a blank."""
    out = np.full(len(body), np.nan)
    for i, v in enumerate(body):
        if _is_blank(v):
            continue
        if _is_number(v):
            out[i] = float(v)
            continue
        pos = i + (2 if header else 1)
        if isinstance(v, str) and v.strip() in MISSING_ERRORS:
            continue
        if isinstance(v, str) and v.strip() in ERROR_TEXTS:
            raise CellError(f"values: cell {pos} holds {v.strip()}")
        if isinstance(v, bool):
            raise CellError(f"values: cell {pos} is {str(v).upper()}, not a number")
        if isinstance(v, (dt.date, dt.datetime)):
            raise CellError(f"values: cell {pos} is a date, not a number")
        kind = "a number stored as text" if number_from_text(str(v)) is not None else "text"
        raise CellError(f"values: cell {pos} is {kind} ({str(v)[:20]!r})")
    return out


def _to_date(v: Any, where: str) -> dt.date:
    if _is_number(v):  # Office.js passes date cells as Excel date numbers
        when = date_from_serial(float(v))
        if when is None:
            raise CellError(f"{where} ({float(v):g}) is not an Excel date")
        return when
    d, _ = parse_date(v) if not isinstance(v, bool) else (None, None)
    if d is None:
        raise CellError(f"{where} ({str(v)[:20]!r}) is not a date")
    return d


def _lined_up(items: list[Any], n: int, header: bool, size: int) -> list[Any]:
    """A range lined up with the values (dates, exclude, a target per period) without its
    header cell: the values had one and the range covers it too (as long as the values range,
    blanks below the data included, or one cell longer than the values)."""
    return items[1:] if header and len(items) in (n + 1, size) else items


def _dates(cells: Any, n: int, header: bool, size: int) -> list[dt.date] | None:
    items = _flatten(cells, "dates")
    if all(_is_blank(v) for v in items):  # an empty cell given for "no dates"
        return None
    items = _lined_up(items, n, header, size)
    if (
        not header
        and len(items) == n + 1
        and isinstance(items[0], str)
        and number_from_text(items[0]) is None
    ):
        items = items[1:]
    if len(items) < n:
        raise CellError(f"dates has {len(items)} cells for {n} values")
    out = []
    for i, v in enumerate(items[:n]):
        if _is_blank(v):
            raise CellError(f"dates: cell {i + 1} is blank; every value needs a date")
        out.append(_to_date(v, f"dates: cell {i + 1}"))
    return out


def _phases(cells: Any, dates: list[dt.date] | None, n: int) -> list[Any] | None:
    items = [v for v in _flatten(cells, "phases") if not _is_blank(v)]
    if not items:
        return None
    out: list[Any] = []
    for v in items:
        if dates is not None:
            out.append(_to_date(v, "phases"))
        elif _is_number(v) and float(v).is_integer() and 1 <= v <= n:
            out.append(int(v) - 1)
        else:
            raise CellError(
                f"phases: {v!r} is not a point number from 1 to {n} (give dates "
                "to name phases by date)"
            )
    return out


def _flags(cells: Any, n: int, header: bool, size: int) -> list[int] | None:
    items = _flatten(cells, "exclude")
    if not items:
        return None
    items = _lined_up(items, n, header, size)
    return [
        i
        for i, v in enumerate(items[:n])
        if v is True or (_is_number(v) and v == 1) or str(v).strip().lower() in YES
    ]


def _scalar(v: Any, name: str, default: Any) -> Any:
    v = clean(v) if not isinstance(v, (list, tuple)) else v
    if isinstance(v, (list, tuple)):
        flat = [x for x in _flatten(v, name) if not _is_blank(x)]
        if len(flat) > 1:
            raise CellError(f"{name} must be one value")
        v = flat[0] if flat else None
    return default if _is_blank(v) else v


def _word(v: Any, name: str, default: str) -> str:
    return str(_scalar(v, name, default)).strip().lower()


def _number(v: Any, name: str) -> float | None:
    v = _scalar(v, name, None)
    if v is None:
        return None
    if not _is_number(v):
        raise CellError(f"{name} must be a number, not {str(v)[:20]!r}")
    return float(v)


def _whole(v: Any, name: str) -> int | None:
    number = _number(v, name)
    return None if number is None else int(number)


def _target(v: Any, n: int, header: bool, size: int) -> Any:
    if isinstance(v, (list, tuple)):
        items = _flatten(v, "target")
        if len(items) > 1:
            items = _lined_up(items, n, header, size)
            if len(items) < n:
                raise CellError(f"target has {len(items)} cells for {n} values")
            return [float(x) if _is_number(x) else np.nan for x in items[:n]]
        v = items[0] if items else None
    return _number(v, "target")


def truthy(v: Any) -> bool:
    """Whether an optional yes/no argument (TRUE, 1, "yes") is set."""
    v = _scalar(v, "header", False)
    return v is True or (_is_number(v) and v != 0) or str(v).strip().lower() in ("true", "yes")


def analyse_cells(args: XmrArgs) -> Analysed:
    """Run the engine on a function's cells; a problem with them raises CellError (or the
    engine's InputError)."""
    x, cells, header = _values(args.values)
    observed = np.flatnonzero(~np.isnan(x))
    n = int(observed[-1]) + 1 if observed.shape[0] else 0
    dates = _dates(args.dates, n, header, cells)
    firm = _whole(args.firm_points, "firm_points")
    result = xmr(
        x[:n],
        dates=dates,
        phases=_phases(args.phases, dates, n),
        rules=_word(args.rules, "rules", "pump"),
        direction=str(_scalar(args.direction, "direction", "neutral")),
        target=_target(args.target, n, header, cells),
        exclude=_flags(args.exclude, n, header, cells),
        baseline=_whole(args.baseline, "baseline"),
        lower_bound=_number(args.lower_bound, "lower_bound"),
        upper_bound=_number(args.upper_bound, "upper_bound"),
        centre=_word(args.centre, "centre", "mean"),  # type: ignore[arg-type]
        dispersion=_word(args.dispersion, "dispersion", "mean"),  # type: ignore[arg-type]
        firm_points=DEFAULT_FIRM_POINTS if firm is None else firm,
        trend=_trend(args.trend),
    )
    return Analysed(result, cells, header, n)


def _trend(cells: Any) -> str | list[str | None] | None:
    """The trend argument: one word for every phase, or a range of one word per phase
    ("flat" or blank for a flat phase)."""
    items = [v for v in _flatten(cells, "trend") if not _is_blank(v)]
    if not items:
        return None
    words = [w.strip().lower() for v in items for w in re.split(r"[,;]", str(clean(v)))]
    out: list[str | None] = [None if w in ("flat", "none") else w for w in words]
    return out[0] if len(out) == 1 else out


def message(exc: PumpxlError) -> Cells:
    """A problem as the one cell a function answers with."""
    return [[f"pumpxl: {exc}"]]


# ----------------------------------------------------------------------------- cells out


def column(a: np.ndarray, blank: Any) -> list[Any]:
    """Floats as cells, with ``blank`` where NaN (one pass, no per-cell function calls)."""
    out: list[Any] = a.tolist()
    if np.isnan(a).any():
        for i in np.flatnonzero(np.isnan(a)).tolist():
            out[i] = blank
    return out


def number(v: float, blank: Any = "") -> Any:
    return blank if math.isnan(v) else float(v)


def pad(rows: Cells, shape: Analysed, width: int, head: list[str] | None) -> Cells:
    """Line answers up with the values range: a row for its header cell (the column names
    when asked for, else blank) and blank rows for the cells after the last value."""
    out = [list(head)] if head else []
    if shape.header and not head:
        out.append([""] * width)
    out.extend(rows)
    body = shape.cells - (1 if shape.header else 0)
    out.extend([[""] * width for _ in range(body - len(rows))])
    return out
