"""pumpxl's Excel functions, for desktop Excel (xlwings add-in) and Excel on the web and Mac
(xlwings Lite / Server, Office.js custom functions, namespace ``PUMP``).

The functions are thin: :mod:`pumpxl.excel.cells` turns cells into engine arguments, the
engine (:func:`pumpxl.xmr`) computes, and the answer goes back as cells. This package imports
only xlwings' decorators, numpy and pumpxl's pure core, so it runs in xlwings Lite's browser
Python. How cells are read is described in :mod:`pumpxl.excel.cells`.

Answers: numbers, blank where undefined (the first moving range of a phase), ``#N/A`` where a
limit cannot be computed (too few values), and short text for signals and messages.

Each function spells out its parameters, because xlwings registers a function's arguments from
its signature; the signatures are written compactly, one group of shared options per line.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
from xlwings import arg, func, ret

from pumpxl.core.errors import PumpxlError
from pumpxl.core.interpret import read
from pumpxl.core.narrative import describe, status_line
from pumpxl.core.table import xmr_table as build_table
from pumpxl.core.vocabulary import LIMITS_COLUMNS, XMR_TABLE_COLUMNS
from pumpxl.excel.cells import (
    Analysed,
    Cells,
    XmrArgs,
    analyse_cells,
    column,
    message,
    number,
    pad,
    truthy,
)
from pumpxl.excel.convert import NA, CellsIn, CellsOut, Ready

__xlwings_func_namespace__ = "PUMP"

#: What a function answers: rows of cells (``Ready`` when known to hold no #N/A cell).
Answer = Cells | Ready

__all__ = [
    "xmr_assurance",
    "xmr_describe",
    "xmr_limits",
    "xmr_moving_ranges",
    "xmr_signals",
    "xmr_status",
    "xmr_table",
]

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
DOC_FIRM = "Optional: limits from fewer values than this are trial limits (default 20)."
DOC_TREND = (
    "Optional: trended limits for a measure that drifts steadily: half-averages or "
    "least-squares (flat, the default, otherwise); one word, or one per phase."
)


def _common(f: Any) -> Any:
    """The arguments every function shares, documented once."""
    f = arg("values", CellsIn, doc=DOC_VALUES)(f)
    f = arg("dates", CellsIn, doc=DOC_DATES)(f)
    f = arg("phases", CellsIn, doc=DOC_PHASES)(f)
    f = arg("rules", CellsIn, doc=DOC_RULES)(f)
    f = arg("direction", CellsIn, doc=DOC_DIRECTION)(f)
    f = arg("exclude", CellsIn, doc=DOC_EXCLUDE)(f)
    f = arg("baseline", CellsIn, doc=DOC_BASELINE)(f)
    f = arg("lower_bound", CellsIn, doc=DOC_LOWER)(f)
    f = arg("upper_bound", CellsIn, doc=DOC_UPPER)(f)
    f = arg("centre", CellsIn, doc=DOC_CENTRE)(f)
    f = arg("trend", CellsIn, doc=DOC_TREND)(f)
    return arg("dispersion", CellsIn, doc=DOC_DISPERSION)(f)


def _answer(args: XmrArgs, build: Callable[[Analysed], Answer]) -> Answer:
    """Analyse the cells and build the function's answer. A problem with the cells becomes a
    one-cell message; so does anything unforeseen, which would otherwise reach Excel as a
    server error that it retries and then shows as #VALUE!."""
    try:
        return build(analyse_cells(args))
    except PumpxlError as exc:
        return message(exc)
    except Exception as exc:  # a cell gets words, never a server error
        return [[f"pumpxl: could not compute this ({type(exc).__name__}: {exc})"]]


@func(category="pumpxl")
@ret(CellsOut)
@_common
@arg("target", CellsIn, doc=DOC_TARGET)
@arg("header", CellsIn, doc=DOC_HEADER)
def xmr_table(
    values: Any, dates: Any = None, phases: Any = None, rules: Any = None,
    direction: Any = None, target: Any = None, exclude: Any = None, baseline: Any = None,
    lower_bound: Any = None, upper_bound: Any = None, centre: Any = None,
    dispersion: Any = None, header: Any = None, trend: Any = None,
) -> Answer:  # fmt: skip
    """XmR table, one row per value: moving range, phase, central line, upper limit, lower limit, upper range limit, signal. Spills next to the data."""

    def build(a: Analysed) -> Answer:
        table = build_table(a.result)
        grid = np.column_stack(table.numbers())[: a.periods]
        rows: Cells = grid.tolist()  # one C call for every number of the table
        for row, label in zip(rows, table.signal, strict=False):
            row.append(label)
        na = False
        for i, j in np.argwhere(np.isnan(grid)).tolist():
            rows[i][j] = "" if j == 0 else NA  # a phase's first moving range spans nothing
            na = na or j > 0
        head = list(XMR_TABLE_COLUMNS) if truthy(header) else None
        answer = pad(rows, a, len(XMR_TABLE_COLUMNS), head)
        return answer if na else Ready(answer)

    args = XmrArgs(
        values, dates, phases, rules, direction, target, exclude, baseline,
        lower_bound, upper_bound, centre, dispersion, trend=trend,
    )  # fmt: skip
    return _answer(args, build)


@func(category="pumpxl")
@ret(CellsOut)
@_common
@arg("header", CellsIn, doc=DOC_HEADER)
def xmr_limits(
    values: Any, dates: Any = None, phases: Any = None, rules: Any = None,
    direction: Any = None, exclude: Any = None, baseline: Any = None,
    lower_bound: Any = None, upper_bound: Any = None, centre: Any = None,
    dispersion: Any = None, header: Any = None, trend: Any = None,
) -> Answer:  # fmt: skip
    """The latest phase's central line, lower limit, upper limit, upper range limit and average moving range, in one row."""

    def build(a: Analysed) -> Cells:
        r = a.result
        row = [number(v, NA) for v in (r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar)]
        return [list(LIMITS_COLUMNS), row] if truthy(header) else [row]

    args = XmrArgs(
        values, dates, phases, rules, direction, None, exclude, baseline,
        lower_bound, upper_bound, centre, dispersion, trend=trend,
    )  # fmt: skip
    return _answer(args, build)


@func(category="pumpxl")
@ret(CellsOut)
@_common
def xmr_signals(
    values: Any, dates: Any = None, phases: Any = None, rules: Any = None,
    direction: Any = None, exclude: Any = None, baseline: Any = None,
    lower_bound: Any = None, upper_bound: Any = None, centre: Any = None,
    dispersion: Any = None, trend: Any = None,
) -> Answer:  # fmt: skip
    """The signal each value belongs to (outlier, long run, short run...), blank when it is routine variation. Spills next to the data."""

    def build(a: Analysed) -> Cells:
        labels = build_table(a.result).signal[: a.periods]
        return pad([[label] for label in labels], a, 1, None)

    args = XmrArgs(
        values, dates, phases, rules, direction, None, exclude, baseline,
        lower_bound, upper_bound, centre, dispersion, trend=trend,
    )  # fmt: skip
    return _answer(args, build)


@func(category="pumpxl")
@ret(CellsOut)
@_common
def xmr_moving_ranges(
    values: Any, dates: Any = None, phases: Any = None, rules: Any = None,
    direction: Any = None, exclude: Any = None, baseline: Any = None,
    lower_bound: Any = None, upper_bound: Any = None, centre: Any = None,
    dispersion: Any = None, trend: Any = None,
) -> Answer:  # fmt: skip
    """The moving ranges (blank for the first value of each phase). Spills next to the data."""

    def build(a: Analysed) -> Cells:
        ranges = column(a.result.moving_ranges, "")[: a.periods]
        return pad([[v] for v in ranges], a, 1, None)

    args = XmrArgs(
        values, dates, phases, rules, direction, None, exclude, baseline,
        lower_bound, upper_bound, centre, dispersion, trend=trend,
    )  # fmt: skip
    return _answer(args, build)


@func(category="pumpxl")
@ret(CellsOut)
@_common
@arg("target", CellsIn, doc=DOC_TARGET)
def xmr_status(
    values: Any, dates: Any = None, phases: Any = None, rules: Any = None,
    direction: Any = None, target: Any = None, exclude: Any = None, baseline: Any = None,
    lower_bound: Any = None, upper_bound: Any = None, centre: Any = None,
    dispersion: Any = None, trend: Any = None,
) -> Answer:  # fmt: skip
    """One line about the latest value: its signal, or that it is routine variation."""
    args = XmrArgs(
        values, dates, phases, rules, direction, target, exclude, baseline,
        lower_bound, upper_bound, centre, dispersion, trend=trend,
    )  # fmt: skip
    return _answer(args, lambda a: [[status_line(read(a.result))]])


@func(category="pumpxl")
@ret(CellsOut)
@_common
@arg("target", CellsIn, doc=DOC_TARGET)
@arg("firm_points", CellsIn, doc=DOC_FIRM)
def xmr_describe(
    values: Any, dates: Any = None, phases: Any = None, rules: Any = None,
    direction: Any = None, target: Any = None, exclude: Any = None, baseline: Any = None,
    lower_bound: Any = None, upper_bound: Any = None, centre: Any = None,
    dispersion: Any = None, firm_points: Any = None, trend: Any = None,
) -> Answer:  # fmt: skip
    """A few sentences on the chart: level and limits, signals, recalculations, and whether the target will be met."""
    args = XmrArgs(
        values, dates, phases, rules, direction, target, exclude, baseline,
        lower_bound, upper_bound, centre, dispersion, firm_points, trend=trend,
    )  # fmt: skip
    return _answer(args, lambda a: [[describe(read(a.result))]])


@func(category="pumpxl")
@ret(CellsOut)
@arg("values", CellsIn, doc=DOC_VALUES)
@arg("target", CellsIn, doc="The target: one value or one per period.")
@arg("direction", CellsIn, doc=DOC_DIRECTION)
@arg("dates", CellsIn, doc=DOC_DATES)
@arg("phases", CellsIn, doc=DOC_PHASES)
@arg("exclude", CellsIn, doc=DOC_EXCLUDE)
@arg("lower_bound", CellsIn, doc=DOC_LOWER)
@arg("upper_bound", CellsIn, doc=DOC_UPPER)
def xmr_assurance(
    values: Any, target: Any, direction: Any = None, dates: Any = None, phases: Any = None,
    exclude: Any = None, lower_bound: Any = None, upper_bound: Any = None,
) -> Answer:  # fmt: skip
    """Whether the latest phase will meet the target: consistently pass, consistently fail, or hit and miss (inside the limits)."""

    def build(a: Analysed) -> Cells:
        if a.result.latest_target is None:
            return [["pumpxl: no target for the latest value"]]
        if a.result.direction == "neutral":
            return [["pumpxl: assurance needs a better direction: up or down"]]
        return [[read(a.result).assurance or NA]]

    args = XmrArgs(
        values, dates, phases, None, direction, target, exclude,
        lower_bound=lower_bound, upper_bound=upper_bound,
    )  # fmt: skip
    return _answer(args, build)


# xlwings reads each function's type hints and signature on every Office.js call
# (typing.get_type_hints and inspect.signature: about 60 us for these signatures, a tenth of
# an XMR_TABLE call). The hints say only Any, which tells xlwings nothing, so the functions
# carry none at run time (mypy reads the source); the signature is worked out once and kept
# where inspect.signature looks first.
for _function in (
    xmr_assurance, xmr_describe, xmr_limits, xmr_moving_ranges, xmr_signals, xmr_status,
    xmr_table,
):  # fmt: skip
    _function.__annotations__ = {}
    _function.__signature__ = inspect.signature(_function)  # type: ignore[union-attr]
del _function  # not a function of its own for xlwings to register
