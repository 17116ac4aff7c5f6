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
from faults import Corpus
from pptx import Presentation

from pumpxl.core.example import example_model
from pumpxl.workbook.template import write_pump_workbook


@pytest.fixture(scope="session")
def example_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workbook, built once per test session."""
    path = tmp_path_factory.mktemp("example") / "example.xlsx"
    write_pump_workbook(path, example_model())
    return path


# The outputs of the bundled example that several test modules read, each built once per
# test process (every pytest-xdist worker builds its own). Tests only read them: a test that
# changes or rebuilds an output makes its own in tmp_path.


@pytest.fixture(scope="session")
def example_decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's decks, one per audience: audience -> path."""
    from pumpxl.report import build_reports

    out = tmp_path_factory.mktemp("decks")
    return {r.audience: r.path for r in build_reports(example_model(), out)}


@pytest.fixture(scope="session")
def mdc_decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's decks with NHS Making Data Count icons (``--icons mdc``)."""
    from pumpxl.report import build_reports

    out = tmp_path_factory.mktemp("mdc")
    return {r.audience: r.path for r in build_reports(example_model(), out, icons="mdc")}


@pytest.fixture(scope="session")
def example_gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's Measure Gallery posters."""
    from pumpxl.report import build_gallery

    path = tmp_path_factory.mktemp("gallery") / "gallery.pptx"
    build_gallery(example_model(), path)
    return path


@pytest.fixture(scope="session")
def example_calc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pumpxl calc -o calc.xlsx``: the calc workbook of the bundled example."""
    from pumpxl.cli import main

    out = tmp_path_factory.mktemp("calc") / "calc.xlsx"
    assert main(["calc", "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def fault_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The malformed files of tests/faults.py, shared by the tests that read them (never
    written to: each test checks its file is unchanged), each written on first use."""
    return Corpus(tmp_path_factory.mktemp("faults"))


@pytest.fixture
def digest() -> Callable[[Path], str]:
    def run(path: Path) -> str:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    return run


@pytest.fixture(scope="session")
def corporate_potx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corporate PowerPoint template (.potx, 16:9, a "Title Only" layout), as a brand team
    would hand it over: python-pptx's default deck with the template content type."""
    return _potx(tmp_path_factory.mktemp("brand"))


@pytest.fixture(scope="session")
def arial_potx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corporate template set in Arial, the commonest corporate face: its theme's
    heading and body fonts (which every text pumpxl writes inherits) are Arial's, wider
    than Calibri's."""
    return _potx(tmp_path_factory.mktemp("arial"), face=b"Arial")


def _potx(tmp_path: Path, face: bytes = b"") -> Path:
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
            if face and item.filename.startswith("ppt/theme/"):
                latin = b'<a:latin typeface="Calibri"/>'
                assert data.count(latin) == 2  # the theme's major and minor fonts
                data = data.replace(latin, b'<a:latin typeface="' + face + b'"/>')
            out.writestr(item, data)
    return potx
