"""Project folders for the runtimes that host pumpxl's Excel functions in Office.js Excel
(Excel on the web, Mac and Windows through an add-in):

* **xlwings Lite** runs Python in the browser (Pyodide): :mod:`pumpxl.runtimes.lite` writes a
  ``main.py`` that carries pumpxl's pure-Python core and Excel functions inside it, and a
  ``requirements.txt`` naming only numpy, pandas and xlwings. Nothing to host.
* **xlwings Server** runs them on a Python server the organisation hosts:
  :mod:`pumpxl.runtimes.server` writes an ``xlwings-server`` project
  (``pip install "pumpxl[server]"``) whose ``custom_functions`` package imports them, with a
  license key that lets it start, and answers encoded by FastAPI's fast path.

Nothing here runs Excel; the folders are what a user copies into Lite or serves.
"""

from __future__ import annotations

from pumpxl.runtimes.lite import LITE_REQUIREMENTS, bundle_sources, write_lite_project
from pumpxl.runtimes.server import (
    NONCOMMERCIAL,
    SERVER_FUNCTIONS,
    answer_fast,
    write_server_project,
)

__all__ = [
    "LITE_REQUIREMENTS",
    "NONCOMMERCIAL",
    "SERVER_FUNCTIONS",
    "answer_fast",
    "bundle_sources",
    "write_lite_project",
    "write_server_project",
]
