"""Building the shipped workbooks (template and example) from code."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from pumpxl.example import example_model
from pumpxl.workbook.writer import write_pump_workbook

__all__ = ["EXAMPLE_NAME", "TEMPLATE_NAME", "build_all", "formula_writer"]

TEMPLATE_NAME = "pumpxl-template.xlsx"
EXAMPLE_NAME = "pumpxl-example.xlsx"


def formula_writer() -> Any:
    """The Excel-function writer for XmR blocks, when the Excel functions are available."""
    try:
        module = importlib.import_module("pumpxl.workbook.formulas")
    except ImportError:
        return None
    return module.write_block_formulas


def build_all(folder: Path, *, overwrite: bool = False) -> list[Path]:
    """Write the template and the example into ``folder``; returns their paths."""
    template, example = folder / TEMPLATE_NAME, folder / EXAMPLE_NAME
    write_pump_workbook(template, None, overwrite=overwrite, formulas=formula_writer())
    write_pump_workbook(example, example_model(), overwrite=overwrite, formulas=formula_writer())
    return [template, example]
