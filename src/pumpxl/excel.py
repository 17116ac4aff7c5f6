"""pumpxl's Excel functions, for desktop Excel (xlwings add-in) and Excel on the web and Mac
(xlwings Lite / Server, Office.js custom functions, namespace ``PUMP``).

The functions are thin: turn cells into numbers, call :func:`pumpxl.xmr`, turn the result back
into cells. This module imports only xlwings' decorators, numpy and pumpxl's pure core, so it
runs in xlwings Lite's browser Python.

How cells are read (every function):

* ``values`` is one row or one column. Blank cells and ``#N/A`` are missing periods. A text
  cell at the top (or left) is a header and is skipped. Blank cells after the last value are
  not periods (so a range may reach below the data); the answer still has a row per cell of
  the range, so it lines up with it.
* Any other text, a true/false value or another Excel error (``#DIV/0!``...) among the values
  gives a one-cell message naming the row, never a traceback.
* ``dates`` (optional) line up with ``values``: date cells, Excel date numbers, or text like
  2024-03-01. ``phases`` are the dates (or, without dates, the point numbers counted from 1)
  where limits restart. ``exclude`` lines up with ``values``: Yes, TRUE or 1 marks a known
  special cause.
* Options are text: ``rules`` pump, wheeler, nhs or anhoej; ``direction`` up / down / neutral
  (or "Higher is better", "Lower is better"); ``centre`` and ``dispersion`` mean or median.

Answers: numbers, blank where undefined (the first moving range of a phase), ``#N/A`` where a
limit cannot be computed (too few values), and short text for signals and messages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from xlwings import arg, func

from pumpxl.errors import PumpxlError
from pumpxl.narrative import XMR_TABLE_COLUMNS, signal_labels
from pumpxl.xmr import XmrResult, xmr

__xlwings_func_namespace__ = "PUMP"

__all__ = [
    "xmr_assurance",
    "xmr_describe",
    "xmr_limits",
    "xmr_moving_ranges",
    "xmr_signals",
    "xmr_status",
    "xmr_table",
]

LIMITS_HEADER = [
    "Central line",
    "Lower limit",
    "Upper limit",
    "Upper range limit",
    "Average moving range",
]
NA = "#N/A"  # xlwings turns this text into a real #N/A error cell
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
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


class CellError(PumpxlError):
    """A problem with the cells a function was given; its message goes into the cell."""


# ------------------------------------------------------------------------------ cells in


def _flatten(cells: Any, name: str) -> list[Any]:
    """A row or a column of cells as one list (a single cell is a list of one)."""
    if cells is None:
        return []
    if not isinstance(cells, (list, tuple)):
        return [cells]
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
    items = _flatten(cells, "values")
    header = (
        bool(items)
        and isinstance(items[0], str)
        and items[0].strip() != ""
        and (items[0].strip() not in ERROR_TEXTS)
        and _as_float(items[0]) is None
    )
    body = items[1:] if header else items
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
        kind = "a number stored as text" if _as_float(v) is not None else "text"
        raise CellError(f"values: cell {pos} is {kind} ({str(v)[:20]!r})")
    if not np.isfinite(out[~np.isnan(out)]).all():
        raise CellError("values: infinite numbers are not allowed")
    return out, len(items), header


def _as_float(v: Any) -> float | None:
    try:
        return float(str(v).replace(",", ""))
    except ValueError:
        return None


def _to_date(v: Any, where: str) -> dt.datetime:
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    if _is_number(v):
        serial = float(v)
        if not 1 <= serial < 2958466:
            raise CellError(f"{where} ({serial:g}) is not an Excel date")
        return EXCEL_EPOCH + dt.timedelta(days=serial)
    if isinstance(v, str):
        text = v.strip()
        for fmt in ("%Y-%m-%d", "%Y-%m", "%Y/%m/%d", "%b %Y", "%B %Y"):
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
    raise CellError(f"{where} ({str(v)[:20]!r}) is not a date")


def _dates(cells: Any, n: int, header: bool) -> list[dt.datetime] | None:
    items = _flatten(cells, "dates")
    if all(_is_blank(v) for v in items):  # an empty cell given for "no dates"
        return None
    if (header and len(items) == n + 1) or (
        len(items) == n + 1 and isinstance(items[0], str) and _as_float(items[0]) is None
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


def _phases(cells: Any, dates: list[dt.datetime] | None, n: int) -> list[Any] | None:
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


def _flags(cells: Any, n: int, header: bool, name: str) -> list[int] | None:
    items = _flatten(cells, name)
    if not items:
        return None
    if header and len(items) == n + 1:
        items = items[1:]
    yes = {"yes", "y", "true", "x", "1"}
    return [
        i
        for i, v in enumerate(items[:n])
        if v is True or (_is_number(v) and v == 1) or str(v).strip().lower() in yes
    ]


def _scalar(v: Any, name: str, default: Any) -> Any:
    if isinstance(v, (list, tuple)):
        flat = [x for x in _flatten(v, name) if not _is_blank(x)]
        if len(flat) > 1:
            raise CellError(f"{name} must be one value")
        v = flat[0] if flat else None
    return default if _is_blank(v) else v


def _number(v: Any, name: str) -> float | None:
    v = _scalar(v, name, None)
    if v is None:
        return None
    if not _is_number(v):
        raise CellError(f"{name} must be a number, not {str(v)[:20]!r}")
    return float(v)


def _target(v: Any, n: int, header: bool) -> Any:
    if isinstance(v, (list, tuple)):
        items = _flatten(v, "target")
        if len(items) > 1:
            if header and len(items) == n + 1:
                items = items[1:]
            if len(items) < n:
                raise CellError(f"target has {len(items)} cells for {n} values")
            return [float(x) if _is_number(x) else np.nan for x in items[:n]]
        v = items[0] if items else None
    return _number(v, "target")


def _analyse(
    values: Any,
    dates: Any = None,
    phases: Any = None,
    rules: Any = None,
    direction: Any = None,
    target: Any = None,
    exclude: Any = None,
    baseline: Any = None,
    lower_bound: Any = None,
    upper_bound: Any = None,
    centre: Any = None,
    dispersion: Any = None,
    firm_points: Any = None,
) -> tuple[XmrResult, int, bool, int]:
    """The engine's result, the number of cells in the values range, whether it had a
    header, and how many periods there are (trailing blank cells are not periods)."""
    x, cells, header = _values(values)
    observed = np.flatnonzero(~np.isnan(x))
    n = int(observed[-1]) + 1 if observed.shape[0] else 0
    x = x[:n]
    d = _dates(dates, n, header)
    base = _number(baseline, "baseline")
    firm = _number(firm_points, "firm_points")
    r = xmr(
        x,
        dates=d,
        phases=_phases(phases, d, n),
        rules=str(_scalar(rules, "rules", "pump")).strip().lower(),
        direction=str(_scalar(direction, "direction", "neutral")),
        target=_target(target, n, header),
        exclude=_flags(exclude, n, header, "exclude"),
        baseline=int(base) if base is not None else None,
        lower_bound=_number(lower_bound, "lower_bound"),
        upper_bound=_number(upper_bound, "upper_bound"),
        centre=str(_scalar(centre, "centre", "mean")).strip().lower(),  # type: ignore[arg-type]
        dispersion=str(_scalar(dispersion, "dispersion", "mean")).strip().lower(),  # type: ignore[arg-type]
        firm_points=int(firm) if firm is not None else 20,
    )
    return r, cells, header, n


# ----------------------------------------------------------------------------- cells out


def _cells(a: np.ndarray, blank: Any) -> list[Any]:
    """Floats as cells, with ``blank`` where NaN (one pass, no per-cell function calls)."""
    out: list[Any] = a.tolist()
    if np.isnan(a).any():
        for i in np.flatnonzero(np.isnan(a)).tolist():
            out[i] = blank
    return out


def _num(v: float, blank: Any = "") -> Any:
    return blank if math.isnan(v) else float(v)


def _pad(
    rows: list[list[Any]], cells: int, header: bool, width: int, head: list[str] | None
) -> list[list[Any]]:
    """Line answers up with the values range: a row for its header cell (the column names
    when asked for, else blank) and blank rows for the cells after the last value."""
    out = [list(head)] if head else []
    if header and not head:
        out.append([""] * width)
    out.extend(rows)
    body = cells - (1 if header else 0)
    out.extend([[""] * width for _ in range(body - len(rows))])
    return out


def _message(exc: Exception) -> list[list[Any]]:
    return [[f"pumpxl: {exc}"]]


DOC_VALUES = (
    "The measure's values: one row or column, oldest first. Blank or #N/A cells "
    "are missing periods; a text cell at the top is a header."
)
DOC_DATES = "Optional: the period of each value (date cells), lined up with values."
DOC_PHASES = (
    "Optional: dates (or point numbers from 1, without dates) where limits are "
    "recalculated after a sustained shift with a known cause."
)
DOC_RULES = "Optional: signal rules: pump (default), wheeler, nhs or anhoej."
DOC_DIRECTION = "Optional: up (higher is better), down (lower is better) or neutral."
DOC_TARGET = "Optional: the target, one value or one per period (a trajectory)."
DOC_EXCLUDE = "Optional: lined up with values; Yes marks a known special cause to leave out."
DOC_BASELINE = "Optional: compute limits from the first N values of each phase only."
DOC_LOWER = "Optional: natural lower bound (0 for counts); limits stop there."
DOC_UPPER = "Optional: natural upper bound (100 for percentages); limits stop there."
DOC_CENTRE = "Optional: central line from the mean (default) or the median."
DOC_DISPERSION = "Optional: limits from the average (default) or the median moving range."
DOC_HEADER = "Optional: TRUE to add a row of column names on top."


def _common(f: Any) -> Any:
    """The arguments every function shares, documented once."""
    f = arg("values", ndim=2, err_to_str=True, doc=DOC_VALUES)(f)
    f = arg("dates", ndim=2, err_to_str=True, doc=DOC_DATES)(f)
    f = arg("phases", ndim=2, err_to_str=True, doc=DOC_PHASES)(f)
    f = arg("rules", doc=DOC_RULES)(f)
    f = arg("direction", doc=DOC_DIRECTION)(f)
    f = arg("exclude", ndim=2, err_to_str=True, doc=DOC_EXCLUDE)(f)
    f = arg("baseline", doc=DOC_BASELINE)(f)
    f = arg("lower_bound", doc=DOC_LOWER)(f)
    f = arg("upper_bound", doc=DOC_UPPER)(f)
    f = arg("centre", doc=DOC_CENTRE)(f)
    return arg("dispersion", doc=DOC_DISPERSION)(f)


Cells = list[list[Any]]
ANALYSE_ARGS = frozenset(_analyse.__code__.co_varnames[: _analyse.__code__.co_argcount])
Builder = Callable[[XmrResult, int, bool, int], Cells]


def _run(args: dict[str, Any], build: Builder) -> Cells:
    """Analyse with the arguments a function was called with and build its answer; a
    problem with the cells becomes a one-cell message."""
    options = {k: v for k, v in args.items() if k in ANALYSE_ARGS}
    try:
        r, cells, had_header, n = _analyse(**options)
    except PumpxlError as exc:
        return _message(exc)
    return build(r, cells, had_header, n)


def _truthy(v: Any) -> bool:
    v = _scalar(v, "header", False)
    return v is True or (_is_number(v) and v != 0) or str(v).strip().lower() in ("true", "yes")


@func(category="pumpxl")
@_common
@arg("target", ndim=2, err_to_str=True, doc=DOC_TARGET)
@arg("header", doc=DOC_HEADER)
def xmr_table(
    values: Any,
    dates: Any = None,
    phases: Any = None,
    rules: Any = None,
    direction: Any = None,
    target: Any = None,
    exclude: Any = None,
    baseline: Any = None,
    lower_bound: Any = None,
    upper_bound: Any = None,
    centre: Any = None,
    dispersion: Any = None,
    header: Any = None,
) -> Cells:
    """XmR table, one row per value: moving range, phase, central line, upper limit, lower limit, upper range limit, signal. Spills next to the data."""

    def build(r: XmrResult, cells: int, had_header: bool, n: int) -> Cells:
        per = r.per_point
        columns = [
            _cells(r.moving_ranges, ""),
            (r.phase_index + 1).tolist(),
            *(_cells(per[k], NA) for k in ("central_line", "unpl", "lnpl", "url")),
            signal_labels(r),
        ]
        rows = [list(row) for row in zip(*columns, strict=True)][:n]
        head = list(XMR_TABLE_COLUMNS) if _truthy(header) else None
        return _pad(rows, cells, had_header, 7, head)

    return _run(locals(), build)


@func(category="pumpxl")
@_common
@arg("header", doc=DOC_HEADER)
def xmr_limits(
    values: Any,
    dates: Any = None,
    phases: Any = None,
    rules: Any = None,
    direction: Any = None,
    exclude: Any = None,
    baseline: Any = None,
    lower_bound: Any = None,
    upper_bound: Any = None,
    centre: Any = None,
    dispersion: Any = None,
    header: Any = None,
) -> Cells:
    """The latest phase's central line, lower limit, upper limit, upper range limit and average moving range, in one row."""

    def build(r: XmrResult, *_: Any) -> Cells:
        row = [_num(v, NA) for v in (r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar)]
        return [LIMITS_HEADER, row] if _truthy(header) else [row]

    return _run(locals(), build)


@func(category="pumpxl")
@_common
def xmr_signals(
    values: Any,
    dates: Any = None,
    phases: Any = None,
    rules: Any = None,
    direction: Any = None,
    exclude: Any = None,
    baseline: Any = None,
    lower_bound: Any = None,
    upper_bound: Any = None,
    centre: Any = None,
    dispersion: Any = None,
) -> Cells:
    """The signal each value belongs to (outlier, long run, short run...), blank when it is routine variation. Spills next to the data."""
    return _run(
        locals(),
        lambda r, cells, had_header, _: _pad(
            [[label] for label in signal_labels(r)], cells, had_header, 1, None
        ),
    )


@func(category="pumpxl")
@_common
def xmr_moving_ranges(
    values: Any,
    dates: Any = None,
    phases: Any = None,
    rules: Any = None,
    direction: Any = None,
    exclude: Any = None,
    baseline: Any = None,
    lower_bound: Any = None,
    upper_bound: Any = None,
    centre: Any = None,
    dispersion: Any = None,
) -> Cells:
    """The moving ranges (blank for the first value of each phase). Spills next to the data."""
    return _run(
        locals(),
        lambda r, cells, had_header, _: _pad(
            [[v] for v in _cells(r.moving_ranges, "")], cells, had_header, 1, None
        ),
    )


@func(category="pumpxl")
@_common
@arg("target", ndim=2, err_to_str=True, doc=DOC_TARGET)
def xmr_status(
    values: Any,
    dates: Any = None,
    phases: Any = None,
    rules: Any = None,
    direction: Any = None,
    target: Any = None,
    exclude: Any = None,
    baseline: Any = None,
    lower_bound: Any = None,
    upper_bound: Any = None,
    centre: Any = None,
    dispersion: Any = None,
) -> Cells:
    """One line about the latest value: its signal, or that it is routine variation."""
    return _run(locals(), lambda r, *_: [[r.status]])


@func(category="pumpxl")
@_common
@arg("target", ndim=2, err_to_str=True, doc=DOC_TARGET)
@arg(
    "firm_points", doc="Optional: limits from fewer values than this are trial limits (default 20)."
)
def xmr_describe(
    values: Any,
    dates: Any = None,
    phases: Any = None,
    rules: Any = None,
    direction: Any = None,
    target: Any = None,
    exclude: Any = None,
    baseline: Any = None,
    lower_bound: Any = None,
    upper_bound: Any = None,
    centre: Any = None,
    dispersion: Any = None,
    firm_points: Any = None,
) -> Cells:
    """A few sentences on the chart: level and limits, signals, recalculations, and whether the target will be met."""
    return _run(locals(), lambda r, *_: [[r.description]])


@func(category="pumpxl")
@arg("values", ndim=2, err_to_str=True, doc=DOC_VALUES)
@arg("target", ndim=2, err_to_str=True, doc="The target: one value or one per period.")
@arg("direction", doc=DOC_DIRECTION)
@arg("dates", ndim=2, err_to_str=True, doc=DOC_DATES)
@arg("phases", ndim=2, err_to_str=True, doc=DOC_PHASES)
@arg("exclude", ndim=2, err_to_str=True, doc=DOC_EXCLUDE)
@arg("lower_bound", doc=DOC_LOWER)
@arg("upper_bound", doc=DOC_UPPER)
def xmr_assurance(
    values: Any,
    target: Any,
    direction: Any = None,
    dates: Any = None,
    phases: Any = None,
    exclude: Any = None,
    lower_bound: Any = None,
    upper_bound: Any = None,
) -> Cells:
    """Whether the latest phase will meet the target: consistently pass, consistently fail, or hit and miss (inside the limits)."""

    def build(r: XmrResult, *_: Any) -> Cells:
        if r.latest_target is None:
            return [["pumpxl: no target for the latest value"]]
        return [[r.assurance or NA]]

    return _run(locals(), build)
