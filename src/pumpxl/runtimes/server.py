"""An xlwings Server project that serves pumpxl's Excel functions (``pumpxl server``).

The project is what ``xlwings-server init`` creates, with three changes:

* ``custom_functions`` imports pumpxl's functions instead of the samples;
* ``.env`` holds a license key that xlwings accepts (xlwings' free ``noncommercial`` key or
  the organisation's own), checked with xlwings' own check before anything is written, so
  the server starts instead of stopping with a traceback at its first import;
* ``lifespan.py`` (xlwings Server's start-up hook) gives the custom-functions route a response
  model, so that FastAPI encodes answers with pydantic's JSON serialiser in one pass rather
  than walking every cell with ``jsonable_encoder`` and then ``json.dumps``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from pumpxl.core.errors import PumpxlError
from pumpxl.runtimes.folders import writable_folder, write_text

__all__ = [
    "LIFESPAN",
    "NONCOMMERCIAL",
    "SERVER_FUNCTIONS",
    "answer_fast",
    "check_license_key",
    "write_server_project",
]

#: xlwings' free license key for noncommercial use (PolyForm Noncommercial License 1.0.0).
NONCOMMERCIAL = "noncommercial"
NO_KEY = (
    "xlwings Server needs a license key: add --noncommercial for noncommercial use "
    "(xlwings' free key), or --license-key KEY (or set XLWINGS_LICENSE_KEY) with your "
    "xlwings license"
)

SERVER_FUNCTIONS = '''"""pumpxl's Excel functions on xlwings Server, which registers every @func
found here. In Excel they are =XLWINGS.PUMP.XMR_TABLE(...) and so on (XLWINGS_DEV.PUMP...
while XLWINGS_ENVIRONMENT is "dev"; the XLWINGS part is XLWINGS_FUNCTIONS_NAMESPACE)."""

from pumpxl.excel import *  # noqa: F403
'''

LIFESPAN = '''"""xlwings Server runs this hook when it starts (lifespan.py in the project folder).

pumpxl's: answers to custom-function calls are encoded by pydantic's JSON serialiser in one
pass (FastAPI's path for routes with a response model), not cell by cell."""

from contextlib import asynccontextmanager

from pumpxl.runtimes.server import answer_fast


@asynccontextmanager
async def lifespan(app):
    answer_fast(app)
    yield
'''

CALL_PATH = "/xlwings/custom-functions-call"


def answer_fast(app: Any) -> bool:
    """Rebuild xlwings Server's custom-functions route of the FastAPI ``app`` with a response
    model (a JSON object), everything else as it was: FastAPI then encodes the answer with
    pydantic's serialiser straight to JSON instead of ``jsonable_encoder`` (a Python call per
    cell) followed by ``json.dumps`` (2-5 ms against 0.1 ms for a 260 x 7 XMR_TABLE answer on
    the development machine, benchmarks/bench_excel.py). The answer is the same JSON. Call
    it at start-up, before the first request. Returns whether the route was rebuilt (False
    when it was not found or already had a response model)."""
    import inspect

    from fastapi.routing import APIRoute

    names = [n for n in inspect.signature(APIRoute.__init__).parameters if n != "self"]
    for routes in _route_lists(app.router):
        for i, route in enumerate(routes):
            if not (isinstance(route, APIRoute) and route.path.endswith(CALL_PATH)):
                continue
            if route.response_model is not None:
                return False
            kept = {n: getattr(route, n) for n in names if n not in ("path", "endpoint")}
            kept["response_model"] = dict[str, Any]
            routes[i] = APIRoute(route.path, route.endpoint, **kept)
            return True
    return False


def _route_lists(router: Any) -> list[list[Any]]:
    """The route lists of a router and of the routers it includes: FastAPI copies included
    routes into the app's list, or (0.16x) keeps each included router whole."""
    out = [router.routes]
    for route in router.routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            out += _route_lists(inner)
    return out


def check_license_key(key: str) -> None:
    """Raise PumpxlError (one line) unless xlwings accepts ``key``: its own check, run in a
    fresh Python as the server will run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env["XLWINGS_LICENSE_KEY"] = key
    done = subprocess.run(
        [sys.executable, "-c",
         "from xlwings.pro.utils import LicenseHandler; LicenseHandler.validate_license('pro')"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no reason given"]
        reason = lines[-1].split(": ", 1)[-1]
        raise PumpxlError(
            f"xlwings does not accept this license key ({reason}); pass --noncommercial "
            "for noncommercial use, or your xlwings license with --license-key KEY"
        )


def write_server_project(
    folder: Path, *, license_key: str | None = None, overwrite: bool = False
) -> list[Path]:
    """Create an xlwings Server project in ``folder`` (``xlwings-server init``) whose
    ``custom_functions`` are pumpxl's, set to the production environment (function names
    ``XLWINGS.PUMP.*``), with ``license_key`` (else ``XLWINGS_LICENSE_KEY`` from the
    environment) in its ``.env``. Needs the ``server`` extra: ``pip install "pumpxl[server]"``.
    Raises PumpxlError, before writing anything, without a key xlwings accepts."""
    folder = Path(folder)
    writable_folder(folder, overwrite)
    installed = importlib.util.find_spec("xlwings_server") is not None
    if shutil.which("xlwings-server") is None and not installed:
        raise PumpxlError(
            'xlwings Server is not installed; install it with: pip install "pumpxl[server]"'
        )
    key = (license_key or os.environ.get("XLWINGS_LICENSE_KEY") or "").strip()
    if not key:
        raise PumpxlError(NO_KEY)
    if re.search(r'["\s\\]', key):
        raise PumpxlError("the license key holds spaces or quotes; give it as xlwings sent it")
    check_license_key(key)
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
    write_text(init, SERVER_FUNCTIONS)
    lifespan = folder / "lifespan.py"
    write_text(lifespan, LIFESPAN)
    env = folder / ".env"
    text = env.read_text(encoding="utf-8")
    text = re.sub(r"^XLWINGS_ENVIRONMENT=.*$", 'XLWINGS_ENVIRONMENT="prod"', text, flags=re.M)
    text, found = re.subn(
        r"^#?\s*XLWINGS_LICENSE_KEY=.*$", f'XLWINGS_LICENSE_KEY="{key}"', text, count=1, flags=re.M
    )
    if not found:
        text = f'XLWINGS_LICENSE_KEY="{key}"\n{text}'
    write_text(env, text)
    return [init, lifespan, env]
