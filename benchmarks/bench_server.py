"""Throughput of pumpxl's Excel functions on xlwings Server, on this machine.

    pip install -e ".[server]"
    python benchmarks/bench_server.py [--seconds 10] [--connections 8]

Creates the project `pumpxl server --noncommercial` writes, serves it with uvicorn on
127.0.0.1 with 1 and then 2 worker processes, and posts one request body again and again:
=XLWINGS.PUMP.XMR_TABLE over 260 values, exactly as the Office.js add-in posts it. Each is run
twice: as pumpxl's project serves it (its lifespan.py gives the call route a response model, so
FastAPI encodes the answer in one pass with pydantic) and without that hook (xlwings Server's
own encoding: jsonable_encoder over every cell, then json.dumps). The load comes from wrk (Debian's
package) when it is installed, else from an asyncio httpx client in this process; either
shares the machine's cores with the workers, so the figures are a floor. Every run is bounded
in time and talks to loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from calls import xmr_table_body

from pumpxl.runtimes import NONCOMMERCIAL, write_server_project

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("{body}", "r")
wrk.body = f:read("*a")
f:close()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(project: Path, workers: int, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env.update(
        XLWINGS_PROJECT_DIR=str(project),
        XLWINGS_LICENSE_KEY="noncommercial",
        XLWINGS_ENABLE_SOCKETIO="false",
        XLWINGS_LOG_LEVEL="WARNING",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "xlwings_server.main:main_app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--log-level", "warning",
         "--no-access-log"],
        env=env, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/xlwings/custom-functions-meta").is_success:
                return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


async def httpx_load(url: str, body: dict[str, Any], seconds: float, connections: int) -> int:
    done = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal done
            while time.monotonic() < stop:
                r = await client.post(url, json=body)
                r.raise_for_status()
                done += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
    return done


def wrk_load(url: str, body_file: Path, seconds: float, connections: int, work: Path) -> float:
    script = work / "post.lua"
    script.write_text(WRK_SCRIPT.format(body=body_file))
    out = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "-s", str(script),
         "--timeout", "30s", url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    ).stdout  # fmt: skip
    line = next(ln for ln in out.splitlines() if ln.startswith("Requests/sec:"))
    if "Non-2xx" in out:
        raise SystemExit(out)
    return float(line.split()[1])


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--connections", type=int, default=8)
    args = p.parse_args()
    body = xmr_table_body()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        project = work / "project"
        write_server_project(project, license_key=NONCOMMERCIAL)
        plain = work / "plain"
        write_server_project(plain, license_key=NONCOMMERCIAL)
        (plain / "lifespan.py").unlink()  # xlwings Server's own answer encoding
        body_file = work / "body.json"
        body_file.write_text(json.dumps(body))
        tool = "wrk" if shutil.which("wrk") else "httpx (in this process)"
        print(f"XMR_TABLE over 260 values, {args.connections} connections, "
              f"{args.seconds:g} s per run, load from {tool}")  # fmt: skip
        for workers, folder in ((1, project), (2, project), (1, plain), (2, plain)):
            port = free_port()
            server = serve(folder, workers, port)
            url = f"http://127.0.0.1:{port}/xlwings/custom-functions-call"
            try:
                for _ in range(50):  # warm every worker up
                    httpx.post(url, json=body, timeout=30).raise_for_status()
                if shutil.which("wrk"):
                    rate = wrk_load(url, body_file, args.seconds, args.connections, work)
                else:
                    n = asyncio.run(httpx_load(url, body, args.seconds, args.connections))
                    rate = n / args.seconds
                how = "pumpxl's project" if folder == project else "without lifespan.py"
                label = f"{workers} worker{'s' if workers > 1 else ' '}"
                print(f"{label}  {rate:8.1f} calls/s  ({how})")
            finally:
                server.terminate()
                server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
