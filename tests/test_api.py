"""The public API and the architecture: what users import, and which way imports point."""

from __future__ import annotations

import ast
from pathlib import Path

import pumpxl

SRC = Path(pumpxl.__file__).parent

# The pure core must not import anything that touches Excel, PowerPoint or a terminal.
CORE = ["errors.py", "xmr.py", "rules.py", "narrative.py", "model.py", "analysis.py"]
ADAPTER_LIBS = {
    "openpyxl",
    "xlsxwriter",
    "python_calamine",
    "pptx",
    "xlwings",
    "argparse",
    "defusedxml",
    "zipfile",
}
ADAPTER_MODULES = {"pumpxl.cli", "pumpxl.excel", "pumpxl.workbook", "pumpxl.report"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_all_is_sorted_and_complete() -> None:
    assert pumpxl.__all__ == sorted(pumpxl.__all__)
    public = {n for n in dir(pumpxl) if not n.startswith("_")} - {
        "errors",
        "rules",
        "xmr",
        "narrative",
        "model",
        "analysis",
        "workbook",
        "excel",
        "report",
        "cli",
    }
    assert public - {"__version__"} <= set(pumpxl.__all__)
    for name in pumpxl.__all__:
        assert hasattr(pumpxl, name)


def test_core_modules_import_no_adapter() -> None:
    for name in CORE:
        path = SRC / name
        if not path.exists():
            continue
        found = imports_of(path)
        roots = {n.split(".")[0] for n in found}
        assert not roots & ADAPTER_LIBS, f"{name} imports {roots & ADAPTER_LIBS}"
        assert not {n for n in found if any(n.startswith(m) for m in ADAPTER_MODULES)}, name


def test_py_typed_is_shipped() -> None:
    assert (SRC / "py.typed").exists()
