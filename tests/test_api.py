"""The public API and the architecture: what users import, and which way imports point."""

from __future__ import annotations

import ast
from pathlib import Path

import pumpxl

SRC = Path(pumpxl.__file__).parent

CORE = SRC / "core"
# The core's modules, listed so that a test fails when one goes missing or appears unlisted.
CORE_MODULES = {
    "__init__.py",
    "analysis.py",
    "chart_plan.py",
    "chart_series.py",
    "audit.py",
    "collect.py",
    "detect.py",
    "drafts.py",
    "errors.py",
    "evidence.py",
    "example.py",
    "inputs.py",
    "interpret.py",
    "kernels.py",
    "limits.py",
    "mdc.py",
    "present.py",
    "model.py",
    "narrative.py",
    "parsing.py",
    "periods.py",
    "result.py",
    "rules.py",
    "steps.py",
    "table.py",
    "vocabulary.py",
    "xmr.py",
}
# The pure core must not import anything that touches Excel, PowerPoint or a terminal.
ADAPTER_LIBS = {
    "openpyxl",
    "xlsxwriter",
    "python_calamine",
    "pptx",
    "xlwings",
    "argparse",
    "defusedxml",
    "zipfile",
    "lxml",
}
ADAPTERS = ("pumpxl.cli", "pumpxl.excel", "pumpxl.workbook", "pumpxl.report", "pumpxl.files")
MAX_LINES = 400


def runtime_imports(path: Path, *, annotations: bool = False) -> set[str]:
    """Modules a file imports when it runs; imports under ``if TYPE_CHECKING:`` are for
    annotations only and are left out unless ``annotations``."""
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        if annotations:
            break
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for child in node.body for n in ast.walk(child)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


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
    assert {p.name for p in CORE.glob("*.py")} == CORE_MODULES
    for path in [*CORE.glob("*.py"), SRC / "__init__.py"]:
        found = runtime_imports(path, annotations=True)
        roots = {n.split(".")[0] for n in found}
        assert not roots & ADAPTER_LIBS, f"{path.name} imports {roots & ADAPTER_LIBS}"
        assert not {n for n in found if n.startswith(ADAPTERS)}, path.name


def test_the_import_graph_has_no_loop() -> None:
    from pumpxl.core.model import find_cycle

    modules = {module_name(p): p for p in SRC.rglob("*.py")}
    # each file parsed once (parsing it again for every other module took 20 s)
    imported = {name: runtime_imports(path) for name, path in modules.items()}
    graph = {
        name: sorted({m for m in modules if m != name and m in imported[name]})
        for name in modules
    }
    # a package's __init__ importing its own modules is not a loop through them
    for name in graph:
        graph[name] = [m for m in graph[name] if not name.startswith(m + ".")]
    assert find_cycle(graph) is None, find_cycle(graph)


def test_modules_stay_small_or_say_why() -> None:
    for path in SRC.rglob("*.py"):
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            opening = ast.get_docstring(ast.parse(path.read_text())) or ""
            assert "lines" in opening, f"{path.relative_to(SRC)} has {lines} lines"


def test_each_vocabulary_word_list_is_defined_once() -> None:
    """One home per idea: the direction words, rule names and table columns are written in
    the vocabulary module only."""
    needles = ['"higher is better"', '"lower is better"', '"Moving range"', '"outlier",\n']
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        for needle in needles:
            if needle in text:
                assert path.name == "vocabulary.py", (needle, path.relative_to(SRC))


def test_py_typed_is_shipped() -> None:
    assert (SRC / "py.typed").exists()


def test_every_command_is_documented_in_the_readme() -> None:
    from pumpxl.cli import build_parser

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"pumpxl {name}" in readme, name
