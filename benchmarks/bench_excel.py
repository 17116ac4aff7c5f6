"""Cost of one Excel-function call through xlwings' Office.js path, in-process.

    python benchmarks/bench_excel.py

Times =PUMP.XMR_TABLE on 260 values as xlwings Server / Lite would answer it (the request body
the add-in posts, converted by xlwings, the function, the answer converted back), next to the
engine alone on the same values.
"""

from __future__ import annotations

import asyncio
import os
import timeit

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
os.environ["XLWINGS_ENABLE_SOCKETIO"] = "false"

import numpy as np
import xlwings
import xlwings.server

import pumpxl
from pumpxl import excel


def main() -> int:
    rng = np.random.default_rng(5)
    values = np.round(rng.normal(50, 4, 260), 2)
    values[130:] += 5
    body = {
        "client": "Office.js",
        "func_name": "xmr_table",
        "args": [[[float(v)] for v in values], [[None]], [[None]], [["pump"]], [["up"]]],
        "caller_address": "[Book1.xlsx]Sheet1!C2",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "version": xlwings.__version__,
        "runtime": "1.4",
    }
    loop = asyncio.new_event_loop()

    def office() -> None:
        loop.run_until_complete(xlwings.server.custom_functions_call(body, excel))

    def function_only() -> None:
        excel.xmr_table([[float(v)] for v in values], None, None, "pump", "up")

    def engine() -> None:
        r = pumpxl.xmr(values, rules="pump", direction="up")
        r.signals

    for _ in range(200):
        office()
    rows = []
    for name, fn, number in (
        ("Office.js call (XMR_TABLE)", office, 300),
        ("function alone", function_only, 500),
        ("engine alone (xmr + signals)", engine, 2000),
    ):
        t = min(timeit.repeat(fn, number=number, repeat=5)) / number
        rows.append((name, t))
    print("260 values, pump rules")
    for name, t in rows:
        print(f"{name:32s} {t * 1e6:9.1f} us  ({t / rows[-1][1]:.1f}x engine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
