"""Cost of one Excel-function call through xlwings' Office.js path, in-process.

    python benchmarks/bench_excel.py

Times =PUMP.XMR_TABLE on 260 values as xlwings Server / Lite would answer it (the request body
the add-in posts, converted by xlwings, the function, the answer converted back), next to the
engine alone on the same values (xmr and its signals). Each figure is the CPU time of one call
(time.process_time: a process that shares the machine's two cores does not count), the best
of several rounds, the rounds of the three interleaved, so that a busy moment of the machine
does not land on one of them only.

With the server extra installed it also times encoding that answer as xlwings Server's route
sends it: as the route ships (FastAPI's jsonable_encoder over every cell, then json.dumps with
JSONResponse's settings) and as pumpxl's server project sends it (its lifespan.py gives the
route a response model, so FastAPI serialises with pydantic in one pass; the same JSON).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import timeit
from typing import Any

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
os.environ["XLWINGS_ENABLE_SOCKETIO"] = "false"

import xlwings
import xlwings.server
from calls import xmr_table_body, xmr_table_values

import pumpxl
from pumpxl import excel


def main() -> int:
    values = xmr_table_values()
    body = xmr_table_body(xlwings.__version__)
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
    timings = {
        "Office.js call (XMR_TABLE)": (office, 200, []),
        "function alone": (function_only, 300, []),
        "engine alone (xmr + signals)": (engine, 500, []),
    }
    for _ in range(9):
        for fn, number, out in timings.values():
            out.append(timeit.Timer(fn, timer=time.process_time).timeit(number) / number)
    best = {name: min(out) for name, (_, _, out) in timings.items()}
    base = best["engine alone (xmr + signals)"]
    print("260 values, pump rules (CPU time, best of 9 interleaved rounds)")
    for name, t in best.items():
        print(f"{name:32s} {t * 1e6:9.1f} us  ({t / base:.1f}x engine)")
    encoding(loop.run_until_complete(xlwings.server.custom_functions_call(body, excel)))
    return 0


def encoding(answer: Any) -> None:
    try:
        from fastapi.encoders import jsonable_encoder
        from pydantic import TypeAdapter
    except ImportError:  # no server extra
        return
    content = {"result": answer}  # what xlwings Server's route returns
    model = TypeAdapter(dict[str, Any])

    def shipped() -> bytes:
        encoded = jsonable_encoder(content)
        text = json.dumps(encoded, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode()

    def one_pass() -> bytes:
        return model.dump_json(model.validate_python(content))

    assert json.loads(shipped()) == json.loads(one_pass())
    print("encoding the answer (260 x 7) as xlwings Server's route sends it:")
    for name, fn in (("as shipped (jsonable_encoder)", shipped), ("pumpxl's project", one_pass)):
        t = min(timeit.Timer(fn, timer=time.process_time).repeat(9, 50)) / 50
        print(f"  {name:30s} {t * 1e3:7.2f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
