"""pumpxl's Excel functions outside the in-process Office.js contract: what installing pumpxl
into Pyodide (xlwings Lite) brings, what the Lite files register, and how the classic desktop
add-in's #N/A reaches Excel. A browser and Windows are not available here; what they would
add is said in the README."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from pumpxl.cli import main
from pumpxl.excel.convert import NA, XL_ERR_NA_SCODE, CellsOut, classic_na

REPO = Path(__file__).resolve().parents[1]
LOCK = json.loads((Path(__file__).parent / "pyodide" / "pyodide-lock.json").read_text())
#: What micropip evaluates markers against in Pyodide 314.0.8 (its lock file's "info").
PYODIDE_ENV = {
    "sys_platform": "emscripten",
    "platform_system": "Emscripten",
    "platform_machine": "wasm32",
    "os_name": "posix",
    "python_version": ".".join(LOCK["info"]["python"].split(".")[:2]),
    "python_full_version": LOCK["info"]["python"],
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}
FUNCTIONS_ONLY = {"numpy", "pandas", "xlwings"}
WHOLE_CLI = FUNCTIONS_ONLY | {
    "openpyxl", "python-calamine", "xlsxwriter", "defusedxml", "python-pptx", "lxml"
}
#: xlwings is not in Pyodide's distribution: xlwings Lite brings its own (xlwings publishes
#: pyemscripten wheels on the package index, TOOLING.md), so Lite needs nothing more for it.
PROVIDED_BY_LITE = {"xlwings"}
OFFICE_ENV = {
    "XLWINGS_ON_SERVER": "true",
    "XLWINGS_LICENSE_KEY": "noncommercial",
    "XLWINGS_ENABLE_SOCKETIO": "false",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pumpxl's wheel, built from this checkout as a user would build it for Lite."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (found,) = out.glob("pumpxl-*.whl")
    return found


def requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(meta).decode()
    return [Requirement(line.split(":", 1)[1].strip()) for line in text.splitlines()
            if line.startswith("Requires-Dist:")]  # fmt: skip


def installed_by(reqs: list[Requirement], env: dict[str, str]) -> set[str]:
    return {
        canonicalize_name(r.name)
        for r in reqs
        if r.marker is None or Marker(str(r.marker)).evaluate(env)
    }


def test_pyodide_installs_only_what_the_functions_need(wheel: Path) -> None:
    """As micropip reads the wheel's metadata in Pyodide: numpy, pandas and xlwings only;
    a desktop install still gets the whole command line."""
    assert wheel.name.endswith("-py3-none-any.whl")  # pure Python: micropip can install it
    reqs = requirements(wheel)
    assert installed_by(reqs, PYODIDE_ENV) == FUNCTIONS_ONLY
    linux = dict(PYODIDE_ENV, sys_platform="linux", platform_system="Linux", platform_machine="x86_64")
    assert installed_by(reqs, linux) == WHOLE_CLI
    windows = dict(linux, sys_platform="win32", platform_system="Windows", os_name="nt")
    assert installed_by(reqs, windows) == WHOLE_CLI
    ships = {canonicalize_name(n) for n in LOCK["packages"]}
    assert ships >= FUNCTIONS_ONLY - PROVIDED_BY_LITE


LOADED = r"""
import importlib.metadata, json, os, sys, sysconfig
before = set(sys.modules)
import pumpxl.excel
owner = {}
for dist in importlib.metadata.distributions():  # each installed file, from its RECORD
    root, dist_name = os.path.realpath(dist.locate_file("")), dist.metadata["Name"]
    for line in (dist.read_text("RECORD") or "").splitlines():
        path = line.rsplit(",", 2)[0].strip('"')
        owner[os.path.normpath(os.path.join(root, path))] = dist_name
stdlib = os.path.realpath(sysconfig.get_paths()["stdlib"])
out = {}
for name in sorted(set(sys.modules) - before):
    path = os.path.realpath(getattr(sys.modules[name], "__file__", None) or "")
    if not getattr(sys.modules[name], "__file__", None) or name.split(".")[0] in sys.stdlib_module_names:
        continue
    if path.startswith(stdlib) and "-packages" not in path:
        continue
    out[name] = owner.get(path, "pumpxl" if "/src/pumpxl/" in path else "?")
print(json.dumps(out))
"""

def test_the_excel_module_loads_nothing_pyodide_lacks() -> None:
    """Every module ``import pumpxl.excel`` loads is pumpxl's own (pure Python), in Pyodide's
    distribution (pyodide-lock.json of the pyodide npm package 314.0.8), or xlwings, which
    Lite provides."""
    done = subprocess.run(
        [sys.executable, "-c", LOADED], env={**os.environ, **OFFICE_ENV},
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    loaded: dict[str, str] = json.loads(done.stdout)
    dists = {canonicalize_name(d) for d in loaded.values()}
    ships = {canonicalize_name(n) for n in LOCK["packages"]}
    assert "?" not in dists, [m for m, d in loaded.items() if d == "?"]
    assert dists - ships - PROVIDED_BY_LITE == {"pumpxl"}
    assert {"numpy", "pandas", "pumpxl", "xlwings"} <= dists
    for heavy in ("openpyxl", "pptx", "xlsxwriter", "python_calamine", "defusedxml", "lxml"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in loaded), heavy


LITE_CALL = r"""
import asyncio, importlib.util, json, sys
import xlwings, xlwings.server
spec = importlib.util.spec_from_file_location("main", sys.argv[1])
main = importlib.util.module_from_spec(spec)
spec.loader.exec_module(main)
meta = xlwings.server.custom_functions_meta(main)
body = {"client": "Office.js", "func_name": "xmr_limits",
        "args": [[[120], [140], [100], [150], [260], [150], [100], [120], [300]]],
        "caller_address": "[Book1.xlsx]Sheet1!B2", "culture_info_name": "en-US",
        "date_format": "M/d/yyyy", "version": xlwings.__version__, "runtime": "1.4"}
answer = asyncio.run(xlwings.server.custom_functions_call(body, main))
print(json.dumps({"names": sorted(f["name"] for f in meta["functions"]), "answer": answer}))
"""


def test_the_wheel_lite_files_register_every_function(tmp_path: Path, capsys: Any) -> None:
    """``pumpxl lite --wheel-url`` (the option for a team that hosts pumpxl's wheel) writes a
    main.py that imports the installed pumpxl: loaded as Lite loads it (xlwings' own
    registration and call code, which Lite runs in the browser), it offers the seven PUMP
    functions and answers like the engine. Without the option, main.py carries pumpxl
    itself (tests/test_lite.py)."""
    folder = tmp_path / "lite"
    url = "https://example.org/wheels/pumpxl-0.1.0-py3-none-any.whl"
    assert main(["lite", str(folder), "--wheel-url", url]) == 0
    said = capsys.readouterr().out
    assert "=PUMP.XMR_TABLE" in said and url in said
    lines = [ln for ln in (folder / "requirements.txt").read_text().splitlines() if ln.strip()]
    assert [ln for ln in lines if not ln.startswith("#")] == [url]
    done = subprocess.run(
        [sys.executable, "-c", LITE_CALL, str(folder / "main.py")],
        env={**os.environ, **OFFICE_ENV}, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    got = json.loads(done.stdout)
    assert got["names"] == sorted(
        f"PUMP.{n}" for n in ("XMR_ASSURANCE", "XMR_DESCRIBE", "XMR_LIMITS", "XMR_MOVING_RANGES",
                              "XMR_SIGNALS", "XMR_STATUS", "XMR_TABLE")
    )  # fmt: skip
    import pumpxl

    r = pumpxl.xmr([120, 140, 100, 150, 260, 150, 100, 120, 300])
    assert got["answer"] == [[r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar]]


def test_lite_folder_rules(tmp_path: Path, capsys: Any) -> None:
    folder = tmp_path / "lite"
    assert main(["lite", str(folder)]) == 0
    said = capsys.readouterr().out
    assert re.search(r"main\.py \(\d+ KB\)", said) and "PUMP.XMR_TABLE" in said
    assert "http" not in (folder / "requirements.txt").read_text()  # nothing to host
    assert main(["lite", str(folder)]) == 1  # a folder with files in it is not overwritten
    assert "not empty" in capsys.readouterr().err
    assert main(["lite", str(folder), "--force"]) == 0
    assert main(["lite", str(tmp_path / "x"), "--wheel-url", "ftp://host/p.zip"]) == 1
    assert "--wheel-url must be an http(s) address of a .whl file" in capsys.readouterr().err


# ------------------------------------------------------------------ classic desktop add-in


def test_classic_na_without_pywin32_is_the_text() -> None:
    """Where pywin32 is missing there is no classic runtime, and the #N/A is the text. The
    classic path itself (xlwings' CallUDF, call_udf and conversion, with pywin32's VARIANT)
    is tests/test_classic.py."""
    assert "pythoncom" not in sys.modules
    assert classic_na() == "#N/A"
    na = classic_na(lambda vt, value: (vt, value), vt_error=10)  # pythoncom.VT_ERROR == 10
    assert na == (10, XL_ERR_NA_SCODE) == (10, -2146826246)


def test_answers_carry_na_in_each_runtimes_form() -> None:
    answer = [[1.0, NA, "x"], [2.0, 3.0, ""]]
    office = CellsOut.write_value([list(r) for r in answer], {"runtime": "1.4"})
    assert office[0][1] == {"type": "Error", "errorType": "NotAvailable"}
    assert office[1] == [2.0, 3.0, ""] and office[0][2] == "x"
    assert CellsOut.write_value([list(r) for r in answer], {"runtime": "1.3"})[0][1] == "#N/A"
