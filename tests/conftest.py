from __future__ import annotations

import os

# xlwings reads these when first imported: the Excel-function tests exercise the Office.js
# contract in-process (TOOLING.md), so set them before any test module imports xlwings.
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ.setdefault("XLWINGS_ENABLE_SOCKETIO", "false")

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from pptx import Presentation

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


@pytest.fixture
def corporate_potx(tmp_path: Path) -> Path:
    """A corporate PowerPoint template (.potx, 16:9, a "Title Only" layout), as a brand team
    would hand it over: python-pptx's default deck with the template content type."""
    base = Presentation()
    base.slide_width, base.slide_height = 12192000, 6858000
    base.slide_layouts[5].name = "Title Only"
    buf = io.BytesIO()
    base.save(buf)
    potx = tmp_path / "brand.potx"
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(potx, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"presentation.main+xml", b"template.main+xml")
            out.writestr(item, data)
    return potx
