from __future__ import annotations

import os

# xlwings reads these when first imported: the Excel-function tests exercise the Office.js
# contract in-process (TOOLING.md), so set them before any test module imports xlwings.
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ.setdefault("XLWINGS_ENABLE_SOCKETIO", "false")

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from pumpxl.core.example import example_model
from pumpxl.workbook.template import write_pump_workbook


@pytest.fixture(scope="session")
def example_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workbook, built once per test session."""
    path = tmp_path_factory.mktemp("example") / "example.xlsx"
    write_pump_workbook(path, example_model())
    return path


@pytest.fixture
def digest() -> Callable[[Path], str]:
    def run(path: Path) -> str:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    return run
