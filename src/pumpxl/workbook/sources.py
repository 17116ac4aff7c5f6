"""One entry point for every input the commands accept: a PuMP workbook, a plain sheet or CSV,
or the bundled example, read into a model with every problem found and, when there are none,
every measure analysed once."""

from __future__ import annotations

from pathlib import Path

from pumpxl.core.analysis import analyse, analyse_each
from pumpxl.core.errors import Problem, WorkbookError
from pumpxl.core.example import example_model
from pumpxl.core.model import PumpModel
from pumpxl.core.parsing import DateOrder
from pumpxl.workbook.plain import PLAIN_SUFFIXES, PlainOptions, read_plain
from pumpxl.workbook.reader import ReadResult, read_workbook

__all__ = ["read_example", "read_source"]


def read_example() -> ReadResult:
    """The bundled example, analysed."""
    model = example_model()
    return ReadResult(model, [], analyse(model))


def read_source(
    path: Path | str, *, plain: PlainOptions | None = None, date_order: DateOrder | None = None
) -> ReadResult:
    """Read a PuMP workbook, or with ``plain`` (the default for CSV files) a plain sheet or
    CSV; never raises for problems in the file: they are in ``problems``."""
    path = Path(path)
    if plain is None and path.suffix.lower() not in PLAIN_SUFFIXES:
        return read_workbook(path, date_order=date_order)
    try:
        model = read_plain(path, plain or PlainOptions(date_order=date_order))
    except WorkbookError as exc:
        return ReadResult(PumpModel(), list(exc.problems))
    analysed, failures = analyse_each(model)
    problems = [
        Problem(path.name, exc.reason, "engine", exc.measure[1] if exc.measure else None)
        for exc in failures
    ]
    return ReadResult(model, problems, analysed if not problems else {})
