"""Building the shipped workbooks (template and example) from code."""

from __future__ import annotations

from pathlib import Path

from pumpxl.core.example import example_model
from pumpxl.workbook.template import write_pump_workbook

__all__ = ["EXAMPLE_NAME", "TEMPLATE_NAME", "build_all"]

TEMPLATE_NAME = "pumpxl-template.xlsx"
EXAMPLE_NAME = "pumpxl-example.xlsx"


def build_all(folder: Path, *, overwrite: bool = False) -> list[Path]:
    """Write the template and the example into ``folder``; returns their paths."""
    template, example = folder / TEMPLATE_NAME, folder / EXAMPLE_NAME
    write_pump_workbook(template, None, overwrite=overwrite, formulas=True)
    write_pump_workbook(example, example_model(), overwrite=overwrite, formulas=True)
    return [template, example]
