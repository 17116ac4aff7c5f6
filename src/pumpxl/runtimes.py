"""Project folders for the runtimes that host pumpxl's Excel functions in Office.js Excel
(Excel on the web, Mac and Windows through an add-in):

* **xlwings Lite** runs Python in the browser (Pyodide): a ``main.py`` that imports the
  functions and a ``requirements.txt`` that installs pumpxl with micropip. pumpxl's file and
  deck libraries are not installed there (environment markers in pyproject.toml), so only
  numpy, pandas and xlwings come along.
* **xlwings Server** runs them on a Python server the organisation hosts: an ``xlwings-server``
  project (``pip install "pumpxl[server]"``) whose ``custom_functions`` package imports them.

Nothing here runs Excel; the folders are what a user copies into Lite or serves.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pumpxl.core.errors import OutputError, PumpxlError

__all__ = [
    "LITE_MAIN",
    "SERVER_FUNCTIONS",
    "WHEEL_PLACEHOLDER",
    "write_lite_project",
    "write_server_project",
]

LITE_MAIN = '''"""pumpxl's Excel functions in xlwings Lite: paste this file into Lite's main.py tab.

xlwings Lite registers every function decorated with @func that this module holds, so the
import below makes =PUMP.XMR_TABLE(...), =PUMP.XMR_LIMITS(...) and the other PUMP functions
available in the workbook. Add your own @func and @script functions below it if you like.
"""

from pumpxl.excel import *  # noqa: F403
'''

#: Where the requirements line points until the wheel has a home (pumpxl is not on PyPI).
WHEEL_PLACEHOLDER = "https://YOUR-HOST/pumpxl-{version}-py3-none-any.whl"

LITE_REQUIREMENTS = """\
# pumpxl for xlwings Lite: add the line(s) below to the requirements.txt tab of xlwings
# Lite (keep the lines Lite put there, such as its xlwings line) and save; Lite installs them
# with micropip. In the browser pumpxl brings only numpy, pandas and xlwings.
#
# pumpxl is not on PyPI yet, so Lite needs its wheel from a web address your Excel can reach
# (HTTPS, with CORS allowing Excel's origin): build it from pumpxl's source folder with
#     python -m pip wheel --no-deps -w dist .
# put dist/pumpxl-{version}-py3-none-any.whl on that host, and name it here (or run
# `pumpxl lite FOLDER --wheel-url URL`). Once pumpxl is published, the line is just: pumpxl
{line}
"""

SERVER_FUNCTIONS = '''"""pumpxl's Excel functions on xlwings Server, which registers every @func
found here. In Excel they are =XLWINGS.PUMP.XMR_TABLE(...) and so on (XLWINGS_DEV.PUMP...
while XLWINGS_ENVIRONMENT is "dev"; the XLWINGS part is XLWINGS_FUNCTIONS_NAMESPACE)."""

from pumpxl.excel import *  # noqa: F403
'''


def _version() -> str:
    from pumpxl import __version__

    return __version__


def _writable_folder(folder: Path, overwrite: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise OutputError(str(folder), "is a file, not a folder")
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise OutputError(str(folder), "already exists and is not empty", exists=True)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_lite_project(
    folder: Path, *, wheel_url: str | None = None, overwrite: bool = False
) -> list[Path]:
    """Write ``main.py`` and ``requirements.txt`` for xlwings Lite into ``folder`` (created);
    ``wheel_url`` is where pumpxl's wheel is served (a placeholder when not given). Refuses a
    folder that holds anything unless ``overwrite``."""
    folder = Path(folder)
    _writable_folder(folder, overwrite)
    if wheel_url is not None and not re.match(r"^https?://\S+\.whl$", wheel_url):
        raise PumpxlError(
            f"--wheel-url must be an http(s) address of a .whl file, not {wheel_url!r}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    version = _version()
    line = wheel_url or WHEEL_PLACEHOLDER.format(version=version)
    main, requirements = folder / "main.py", folder / "requirements.txt"
    _write(main, LITE_MAIN)
    _write(requirements, LITE_REQUIREMENTS.format(version=version, line=line))
    return [main, requirements]


def write_server_project(folder: Path, *, overwrite: bool = False) -> list[Path]:
    """Create an xlwings Server project in ``folder`` (``xlwings-server init``) whose
    ``custom_functions`` are pumpxl's, set to the production environment (function names
    ``XLWINGS.PUMP.*``). Needs the ``server`` extra: ``pip install "pumpxl[server]"``."""
    folder = Path(folder)
    _writable_folder(folder, overwrite)
    if shutil.which("xlwings-server") is None and not _has_module("xlwings_server"):
        raise PumpxlError(
            'xlwings Server is not installed; install it with: pip install "pumpxl[server]"'
        )
    done = subprocess.run(
        [sys.executable, "-c", "from xlwings_server.cli import main; main()", "init", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise PumpxlError(f"xlwings-server init failed: {done.stderr.strip()[-500:]}")
    functions = folder / "custom_functions"
    for sample in functions.glob("*.py"):
        sample.unlink()  # the generated sample functions: this project serves pumpxl's
    init = functions / "__init__.py"
    _write(init, SERVER_FUNCTIONS)
    env = folder / ".env"
    text = env.read_text(encoding="utf-8")
    text = re.sub(r"^XLWINGS_ENVIRONMENT=.*$", 'XLWINGS_ENVIRONMENT="prod"', text, flags=re.M)
    _write(env, text)
    return [init, env]


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
