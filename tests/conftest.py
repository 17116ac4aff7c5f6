from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from pumpxl.example import example_model
from pumpxl.workbook.writer import write_pump_workbook


@pytest.fixture(scope="session")
def example_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workbook, built once per test session."""
    path = tmp_path_factory.mktemp("example") / "example.xlsx"
    from pumpxl.workbook.build import formula_writer

    write_pump_workbook(path, example_model(), formulas=formula_writer())
    return path


@pytest.fixture
def digest() -> Callable[[Path], str]:
    def run(path: Path) -> str:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    return run
