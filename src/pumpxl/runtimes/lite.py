"""The two files that put pumpxl's Excel functions into xlwings Lite (Python in the browser,
Pyodide), with nothing to host.

``main.py`` carries the modules ``import pumpxl.excel`` needs (pumpxl's pure-Python core and
its Excel functions: no file, deck or terminal library) inside it: their source, without
comments and docstrings (but for the functions' own, which Excel shows as descriptions),
zlib-compressed and base64-encoded, imported from memory by a small import hook at the top of
the file. ``requirements.txt`` names only numpy and pandas, which come with Pyodide, and
xlwings, which comes with Lite.

With ``wheel_url`` the files are the older pair instead: a ``main.py`` that imports an
installed pumpxl, and a requirements line naming a wheel that the user hosts.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import re
import textwrap
import zlib
from pathlib import Path

from pumpxl.core.errors import PumpxlError
from pumpxl.runtimes.folders import writable_folder, write_text

__all__ = ["LITE_REQUIREMENTS", "bundle_sources", "lite_main", "write_lite_project"]

#: What the Excel functions need in Lite, with pumpxl's own lower bounds (pyproject.toml).
#: Not exact pins: micropip takes a package that Pyodide ships (numpy, pandas) in the version
#: Pyodide ships whenever that satisfies the requirement, and looks on PyPI otherwise, where
#: there is no wheel for the browser; so a pin to one Pyodide release's version would break
#: the install under any other. xlwings is Lite's own (its requirements.txt pins it).
LITE_REQUIREMENTS = ("numpy>=1.26", "pandas>=2.1", "xlwings>=0.33")

REQUIREMENTS_TEXT = """\
# pumpxl's Excel functions in xlwings Lite need only these: numpy and pandas come with
# Pyodide (Lite's Python; tested with the versions Pyodide 314.0.8 ships, numpy 2.4.6 and
# pandas 3.0), xlwings with Lite itself. Add the three lines to Lite's requirements.txt tab
# (keep the lines Lite put there, such as its own xlwings line) and save.
{lines}
"""

MAIN_TEXT = '''"""pumpxl {version}'s Excel functions for xlwings Lite.

Paste this whole file into xlwings Lite's main.py tab, and the lines of requirements.txt into
its requirements.txt tab. The functions are then =PUMP.XMR_TABLE(...), =PUMP.XMR_LIMITS(...),
=PUMP.XMR_SIGNALS(...), =PUMP.XMR_MOVING_RANGES(...), =PUMP.XMR_STATUS(...),
=PUMP.XMR_DESCRIBE(...) and =PUMP.XMR_ASSURANCE(...). Add your own @func and @script
functions at the end of the file if you like.

Nothing needs hosting: pumpxl's pure-Python core and its Excel functions ({count} modules) are
carried below, their source without comments and docstrings, zlib-compressed and
base64-encoded, and imported from memory. They need only numpy, pandas and xlwings.
Written by `pumpxl lite` from pumpxl {version}; bundle {digest}.
"""

import base64
import importlib.abc
import importlib.util
import json
import sys
import zlib

_ORIGIN = "<pumpxl {version} {digest}>/"
_SOURCES = """
{blob}
"""


class _PumpxlBundle(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports pumpxl's modules from _SOURCES ("pumpxl/core/xmr.py": source)."""

    def __init__(self, sources):
        self.sources = sources

    def _file(self, name):
        base = name.replace(".", "/")
        for file in (base + "/__init__.py", base + ".py"):
            if file in self.sources:
                return file
        return None

    def find_spec(self, name, path=None, target=None):
        file = self._file(name) if name.partition(".")[0] == "pumpxl" else None
        if file is None:
            return None
        package = file.endswith("/__init__.py")
        origin = _ORIGIN + file
        return importlib.util.spec_from_loader(name, self, origin=origin, is_package=package)

    def exec_module(self, module):
        file = self._file(module.__name__)
        module.__file__ = _ORIGIN + file
        exec(compile(self.sources[file], module.__file__, "exec"), module.__dict__)

    def get_source(self, name):
        return self.sources[self._file(name)]


def _install():
    # Lite runs this file again after each edit: drop a pumpxl from another bundle first.
    for name in [m for m in sys.modules if m.partition(".")[0] == "pumpxl"]:
        if not (getattr(sys.modules[name], "__file__", None) or "").startswith(_ORIGIN):
            del sys.modules[name]
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_PumpxlBundle"]
    sources = json.loads(zlib.decompress(base64.b64decode(_SOURCES)))
    sys.meta_path.insert(0, _PumpxlBundle(sources))


_install()

from pumpxl.excel import *  # noqa: E402, F403  (the PUMP functions, registered by Lite)
'''

WHEEL_MAIN = '''"""pumpxl's Excel functions in xlwings Lite: paste this file into its main.py tab.

xlwings Lite registers every function decorated with @func that this module holds, so the
import below makes =PUMP.XMR_TABLE(...), =PUMP.XMR_LIMITS(...) and the other PUMP functions
available in the workbook. pumpxl itself comes from the wheel named in requirements.txt.
"""

from pumpxl.excel import *  # noqa: F403
'''

WHEEL_REQUIREMENTS = """\
# pumpxl for xlwings Lite from a wheel you host (HTTPS, with CORS allowing Excel's origin):
# add the line below to Lite's requirements.txt tab (keep Lite's own lines). In the browser
# pumpxl brings only numpy, pandas and xlwings. Without --wheel-url, `pumpxl lite` writes a
# main.py that carries pumpxl inside it, and nothing needs hosting.
{url}
"""


def _package_dir() -> Path:
    import pumpxl

    return Path(pumpxl.__file__).parent


def bundle_sources() -> dict[str, str]:
    """The modules ``import pumpxl.excel`` loads, by path ("pumpxl/core/xmr.py"), as main.py
    carries them: without comments and docstrings, but for the docstrings of the Excel
    functions themselves (Excel shows them as the functions' descriptions)."""
    root = _package_dir()
    # every core module but the chart plan (charts are drawn by the deck and workbook
    # adapters; the Excel functions never import it)
    drawn = ("chart_plan.py", "chart_series.py")
    core = [f for f in sorted((root / "core").glob("*.py")) if f.name not in drawn]
    files = [root / "__init__.py", *core]
    files += sorted((root / "excel").glob("*.py"))
    out = {}
    for file in files:
        keep = file.parent.name == "excel" and file.name == "__init__.py"
        out[f"pumpxl/{file.relative_to(root).as_posix()}"] = _lean(file.read_text("utf-8"), keep)
    return out


def _lean(source: str, keep_function_docs: bool) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if keep_function_docs and isinstance(node, ast.FunctionDef):
            continue
        first = node.body[0] if node.body else None
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.unparse(tree) + "\n"


def lite_main(sources: dict[str, str], version: str) -> str:
    """main.py for xlwings Lite carrying ``sources`` (from :func:`bundle_sources`)."""
    data = json.dumps(sources, sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(data).hexdigest()[:12]
    blob = base64.b64encode(zlib.compress(data, 9)).decode("ascii")
    lines = "\n".join(textwrap.wrap(blob, 100))
    return MAIN_TEXT.format(version=version, digest=digest, count=len(sources), blob=lines)


def write_lite_project(
    folder: Path, *, wheel_url: str | None = None, overwrite: bool = False
) -> list[Path]:
    """Write ``main.py`` and ``requirements.txt`` for xlwings Lite into ``folder`` (created).
    main.py carries pumpxl's core and Excel functions; with ``wheel_url`` it imports pumpxl
    from that wheel instead. Refuses a folder that holds anything unless ``overwrite``."""
    from pumpxl import __version__

    folder = Path(folder)
    writable_folder(folder, overwrite)
    if wheel_url is not None and not re.match(r"^https?://\S+\.whl$", wheel_url):
        raise PumpxlError(
            f"--wheel-url must be an http(s) address of a .whl file, not {wheel_url!r}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    main, requirements = folder / "main.py", folder / "requirements.txt"
    if wheel_url is None:
        write_text(main, lite_main(bundle_sources(), __version__))
        write_text(requirements, REQUIREMENTS_TEXT.format(lines="\n".join(LITE_REQUIREMENTS)))
    else:
        write_text(main, WHEEL_MAIN)
        write_text(requirements, WHEEL_REQUIREMENTS.format(url=wheel_url))
    return [main, requirements]
