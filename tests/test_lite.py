"""xlwings Lite with nothing to host: the main.py `pumpxl lite` writes carries pumpxl inside it.

The generated main.py runs here in a fresh virtual environment that holds only what its
requirements.txt names (numpy and pandas in the versions Pyodide 314.0.8 ships, as far as
this machine's package index has them, and xlwings, which Lite brings), pumpxl NOT installed,
and every function it registers is called through xlwings' own Office.js code and checked
against the engine. What cannot run here is a browser with Pyodide (README, Excel section).

The environment is built once per test session, offline when the machine has a local package
index; xlwings (not on that index) is installed from the distribution this test runs with.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import pumpxl
from pumpxl.cli import main
from pumpxl.core.narrative import signal_labels
from pumpxl.core.parsing import EXCEL_EPOCH
from pumpxl.runtimes.lite import LITE_REQUIREMENTS, bundle_sources

#: a fresh virtual environment installed from the package index: CI's second step
pytestmark = pytest.mark.slow

LOCK = json.loads((Path(__file__).parent / "pyodide" / "pyodide-lock.json").read_text())
SHIPPED = {canonicalize_name(k): v["version"] for k, v in LOCK["packages"].items()}
#: Pyodide 314.0.8 ships numpy 2.4.6 and pandas 3.0.2; this machine's index has numpy 2.4.6
#: and, of pandas 3.0, only 3.0.6 for CPython 3.11 (Pyodide runs 3.14, which nothing here does).
VENV_PACKAGES = ("numpy==2.4.6", "pandas==3.0.6")
LOCAL_INDEX = Path("/opt/pypi/simple")
OFFICE_ENV = {
    "XLWINGS_ON_SERVER": "true",
    "XLWINGS_LICENSE_KEY": "noncommercial",
    "XLWINGS_ENABLE_SOCKETIO": "false",
}
NAMES = {
    "PUMP.XMR_ASSURANCE", "PUMP.XMR_DESCRIBE", "PUMP.XMR_LIMITS", "PUMP.XMR_MOVING_RANGES",
    "PUMP.XMR_SIGNALS", "PUMP.XMR_STATUS", "PUMP.XMR_TABLE",
}  # fmt: skip
VALUES = [float(v) for v in np.round(np.random.default_rng(25).normal(50, 4, 40), 2)]
VALUES[28:] = [v + 9 for v in VALUES[28:]]
DATES = [dt.date(2022, 1, 1) + dt.timedelta(days=7 * i) for i in range(len(VALUES))]
SERIALS = [float((dt.datetime.combine(d, dt.time()) - EXCEL_EPOCH).days) for d in DATES]
TARGET = 58.0


def install_copy(dist_name: str, site: Path) -> None:
    """Install a distribution into ``site`` from the copy this Python has: its files as its
    RECORD lists them (what an installer unpacks), without compiled caches or scripts."""
    dist = importlib.metadata.distribution(dist_name)
    for f in dist.files or ():
        if f.parts[0] == ".." or "__pycache__" in f.parts:
            continue
        target = site / f
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(str(dist.locate_file(f))), target)


@pytest.fixture(scope="session")
def lite_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with numpy, pandas and xlwings only."""
    root = tmp_path_factory.mktemp("lite-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    env = dict(os.environ)
    if LOCAL_INDEX.is_dir():  # offline: this machine's own package index
        env["PIP_INDEX_URL"] = LOCAL_INDEX.as_uri()
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
         "--disable-pip-version-check", *VENV_PACKAGES],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout.strip()
    )  # fmt: skip
    install_copy("xlwings", site)
    return python


RUN_MAIN = r"""
import asyncio, importlib.metadata, importlib.util, json, sys
assert importlib.util.find_spec("pumpxl") is None, "pumpxl is installed here"
import xlwings, xlwings.server
spec = importlib.util.spec_from_file_location("main", sys.argv[1])
main = importlib.util.module_from_spec(spec)
spec.loader.exec_module(main)  # as xlwings Lite loads its main.py tab
calls = json.loads(sys.stdin.read())
meta = xlwings.server.custom_functions_meta(main)
out = {"names": sorted(f["name"] for f in meta["functions"]),
       "dists": sorted(d.metadata["Name"] for d in importlib.metadata.distributions()),
       "pumpxl_file": sys.modules["pumpxl"].__file__, "answers": {}}
for key, (name, args) in calls.items():
    body = {"client": "Office.js", "func_name": name, "args": args,
            "caller_address": "[Book1.xlsx]Sheet1!B2", "culture_info_name": "en-US",
            "date_format": "M/d/yyyy", "version": xlwings.__version__, "runtime": "1.4"}
    out["answers"][key] = asyncio.run(xlwings.server.custom_functions_call(body, main))
print(json.dumps(out))
"""


def col(values: list[Any]) -> list[list[Any]]:
    return [[v] for v in values]


NULL = [[None]]
CALLS: dict[str, tuple[str, list[Any]]] = {
    # values, dates, phases, rules, direction, target: the Office.js argument order
    "table": ("xmr_table", [col(VALUES), col(SERIALS), [[SERIALS[28]]], [["pump"]], [["up"]],
                            [[TARGET]]]),
    "limits": ("xmr_limits", [col(VALUES)]),
    "limits_few": ("xmr_limits", [col([5.0])]),
    "signals": ("xmr_signals", [col(VALUES), NULL, NULL, [["wheeler"]], [["down"]]]),
    "moving_ranges": ("xmr_moving_ranges", [col(VALUES), NULL, [[29.0]]]),
    "status": ("xmr_status", [col(VALUES), NULL, NULL, NULL, [["up"]], [[TARGET]]]),
    "describe": ("xmr_describe", [col(VALUES), col(SERIALS), NULL, [["nhs"]], [["up"]],
                                  [[TARGET]]]),
    "assurance": ("xmr_assurance", [col(VALUES), [[TARGET]], [["up"]]]),
    "text_in_values": ("xmr_limits", [col([1.0, "about 2", 3.0])]),
}  # fmt: skip


def na(v: Any) -> Any:
    return "#N/A" if v == {"type": "Error", "errorType": "NotAvailable"} else v


@pytest.fixture(scope="module")
def lite_run(lite_python: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("lite") / "files"
    assert main(["lite", str(folder)]) == 0
    work = tmp_path_factory.mktemp("lite-run")  # nothing of this repository on the path
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "PYTHON"))}
    done = subprocess.run(
        [str(lite_python), "-I", "-c", RUN_MAIN, str(folder / "main.py")],
        input=json.dumps(CALLS), env={**env, **OFFICE_ENV}, cwd=work,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out: dict[str, Any] = json.loads(done.stdout)
    out["folder"] = folder
    return out


def test_the_environment_holds_only_what_requirements_name(lite_run: dict[str, Any]) -> None:
    """No pumpxl: it comes from main.py itself; the rest is numpy, pandas and what they
    need, all in Pyodide's distribution, and xlwings."""
    dists = {canonicalize_name(d) for d in lite_run["dists"]}
    assert "pumpxl" not in dists and {"numpy", "pandas", "xlwings"} <= dists
    assert dists - {"xlwings"} <= set(SHIPPED), dists - set(SHIPPED)
    assert lite_run["pumpxl_file"].startswith(f"<pumpxl {pumpxl.__version__} ")


def test_main_py_registers_every_function(lite_run: dict[str, Any]) -> None:
    assert set(lite_run["names"]) == NAMES


def test_every_function_answers_like_the_engine(lite_run: dict[str, Any]) -> None:
    got = lite_run["answers"]
    r = pumpxl.xmr(VALUES, dates=DATES, phases=[DATES[28]], rules="pump", direction="up",
                   target=TARGET)  # fmt: skip
    frame = r.to_frame()
    table = got["table"]
    assert len(table) == len(VALUES) and table[0][0] == "" and table[28][0] == ""
    assert [row[0] for row in table[1:28]] == frame["moving_range"].tolist()[1:28]
    assert [row[1] for row in table] == [1.0] * 28 + [2.0] * 12
    assert [row[2] for row in table] == frame["central_line"].tolist()
    assert [row[3] for row in table] == frame["unpl"].tolist()
    assert [row[4] for row in table] == frame["lnpl"].tolist()
    assert [row[5] for row in table] == frame["url"].tolist()
    assert [row[6] for row in table] == signal_labels(r)

    plain = pumpxl.xmr(VALUES)
    assert got["limits"] == [[plain.central_line, plain.lnpl, plain.unpl, plain.url, plain.mr_bar]]
    one = pumpxl.xmr([5.0])
    assert [na(v) for v in got["limits_few"][0]] == [one.central_line] + ["#N/A"] * 4

    wheeler = pumpxl.xmr(VALUES, rules="wheeler", direction="down")
    assert [row[0] for row in got["signals"]] == signal_labels(wheeler)
    assert any(row[0] for row in got["signals"])
    phased = pumpxl.xmr(VALUES, phases=[28])
    ranges = [row[0] for row in got["moving_ranges"]]
    assert ranges[0] == ranges[28] == ""
    assert ranges[1:28] + ranges[29:] == [
        v for i, v in enumerate(phased.moving_ranges.tolist()) if i not in (0, 28)
    ]
    status = pumpxl.status_line(pumpxl.read(pumpxl.xmr(VALUES, direction="up", target=TARGET)))
    assert got["status"] == [[status]] and len(status) > 20
    described = pumpxl.xmr(VALUES, dates=DATES, rules="nhs", direction="up", target=TARGET)
    assert got["describe"] == [[pumpxl.describe(pumpxl.read(described))]]
    assurance = pumpxl.read(pumpxl.xmr(VALUES, direction="up", target=TARGET)).assurance
    assert got["assurance"] == [[assurance]] and assurance is not None
    assert got["text_in_values"] == [["pumpxl: values: cell 2 is text ('about 2')"]]


def test_main_py_is_small_enough_to_paste(lite_run: dict[str, Any]) -> None:
    """One file of about 61 KB (README), lines an editor shows whole, and the modules it
    carries are those of pumpxl's core and Excel functions, nothing of the file or deck
    adapters."""
    text = (lite_run["folder"] / "main.py").read_text()
    assert len(text.encode()) < 64 * 1024
    assert max(map(len, text.splitlines())) <= 100
    sources = bundle_sources()
    assert set(sources) >= {"pumpxl/__init__.py", "pumpxl/excel/__init__.py", "pumpxl/core/xmr.py"}
    assert all(p.startswith(("pumpxl/core/", "pumpxl/excel/")) or p == "pumpxl/__init__.py"
               for p in sources)  # fmt: skip
    blob = text.split('_SOURCES = """', 1)[1].split('"""', 1)[0]
    carried = json.loads(zlib.decompress(base64.b64decode(blob)))
    assert carried == sources
    # the Excel functions keep their docstrings: Excel shows them as descriptions
    assert "XmR table, one row per value" in carried["pumpxl/excel/__init__.py"]


def test_requirements_name_only_what_pyodide_and_lite_provide(lite_run: dict[str, Any]) -> None:
    """numpy and pandas from Pyodide's distribution (in the versions it ships: the lower
    bounds hold for them), xlwings from Lite; nothing to host, no wheel address."""
    lines = [ln for ln in (lite_run["folder"] / "requirements.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]  # fmt: skip
    assert lines == list(LITE_REQUIREMENTS)
    reqs = {canonicalize_name(Requirement(ln).name): Requirement(ln) for ln in lines}
    assert set(reqs) == {"numpy", "pandas", "xlwings"}
    for name in ("numpy", "pandas"):
        assert reqs[name].specifier.contains(SHIPPED[name]), (name, SHIPPED[name])
        assert all(canonicalize_name(d) in SHIPPED for d in LOCK["packages"][name]["depends"])
    assert "xlwings" not in SHIPPED  # Lite brings it (its own requirements.txt line)
    assert reqs["xlwings"].specifier.contains(importlib.metadata.version("xlwings"))
    assert "http" not in (lite_run["folder"] / "requirements.txt").read_text()
