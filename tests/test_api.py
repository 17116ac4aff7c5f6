"""The public API and the architecture: what users import, and which way imports point."""

from __future__ import annotations

import ast
from pathlib import Path

import pumpxl

SRC = Path(pumpxl.__file__).parent

# The pure core must not import anything that touches Excel, PowerPoint or a terminal.
CORE = [
    "errors.py",
    "xmr.py",
    "rules.py",
    "narrative.py",
    "model.py",
    "analysis.py",
    "example.py",
    "__init__.py",
]
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
    import inspect

    assert pumpxl.__all__ == sorted(pumpxl.__all__)
    public = {
        n for n, v in vars(pumpxl).items() if not n.startswith("_") and not inspect.ismodule(v)
    } - {"Any"}
    assert public <= set(pumpxl.__all__)
    for name in pumpxl.__all__:
        assert getattr(pumpxl, name) is not None


def test_importing_pumpxl_stays_light() -> None:
    """xlwings Lite runs the Excel functions in the browser: no file-format libraries."""
    import subprocess
    import sys

    code = (
        "import sys, pumpxl; heavy = {'openpyxl', 'xlsxwriter', 'pptx', 'python_calamine'}"
        " & set(sys.modules); print(sorted(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


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


def test_every_command_is_documented_in_the_readme() -> None:
    from pumpxl.cli import build_parser

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"pumpxl {name}" in readme, name
