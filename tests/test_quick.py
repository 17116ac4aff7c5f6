"""The Quick XmR sheet of the `pumpxl new` workbook as a user fills it: values typed into more
rows than its 12 samples, recalculated by LibreOffice (a real spreadsheet engine, TOOLING.md).
Every filled row gets its period number and its table row; nothing below the last value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import python_calamine as pc
from libre import recalculate

import pumpxl
from pumpxl.cli import main
from pumpxl.workbook.quick import QUICK_ROWS, QUICK_VALUES

FIRST = 4  # the sheet row (1-based) of the first value


def typed_workbook(tmp_path: Path, values: list[float | None]) -> Path:
    """`pumpxl new`'s workbook with ``values`` typed into column B from the first value row
    on (None: a cell left blank), as a user would, saved as a copy for the test."""
    new = tmp_path / "new.xlsx"
    assert main(["new", str(new)]) == 0
    book = openpyxl.load_workbook(new)
    ws = book["Quick XmR"]
    for i, v in enumerate(values):
        ws.cell(FIRST + i, 2).value = v
    typed = tmp_path / "typed.xlsx"
    book.save(typed)
    return typed


def sheet(path: Path) -> list[list[Any]]:
    rows: list[list[Any]] = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "Quick XmR"
    ).to_python()
    return rows


@pytest.mark.parametrize(
    "count",
    [pytest.param(30, id="30-values"),
     pytest.param(QUICK_ROWS, id="every-row", marks=pytest.mark.slow)],  # LibreOffice each
)
def test_every_filled_row_is_numbered(tmp_path: Path, count: int) -> None:
    rng = np.random.default_rng(count)
    values: list[float | None] = [float(v) for v in np.round(rng.normal(50, 3, count), 1)]
    values[len(QUICK_VALUES) + 3] = None  # a blank inside the data is a missing period
    rows = sheet(recalculate(typed_workbook(tmp_path, values), tmp_path))
    body = rows[FIRST - 1 : FIRST - 1 + QUICK_ROWS]
    assert [row[0] for row in body[:count]] == [float(i + 1) for i in range(count)]
    assert all(row[0] == "" for row in body[count:])
    x = np.array([np.nan if v is None else v for v in values])
    r = pumpxl.xmr(x)
    central = r.per_point["central_line"]
    assert all(abs(row[4] - cl) <= 1e-9 * abs(cl) for row, cl in zip(body[:count], central, strict=True))
    assert all(row[2:8] == [""] * 6 for row in body[count:])


@pytest.mark.slow  # a LibreOffice recalculation: CI's second step
def test_clearing_the_samples_leaves_no_numbers(tmp_path: Path) -> None:
    rows = sheet(recalculate(typed_workbook(tmp_path, [None] * len(QUICK_VALUES)), tmp_path))
    assert all(row[0] == "" for row in rows[FIRST - 1 : FIRST - 1 + QUICK_ROWS])
