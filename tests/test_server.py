"""pumpxl's Excel functions served by xlwings Server (the ``server`` extra), as an organisation
would run them: the project ``pumpxl server`` creates, answered by the real app in-process
(httpx's ASGI transport, no socket) and over HTTP on 127.0.0.1, with sign-in switched on, and
with the bad requests a spreadsheet can send. Each app runs in a subprocess of its own: xlwings
Server reads its settings and imports the project's modules when it is first imported."""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import pumpxl
from pumpxl.cli import main
from pumpxl.core.narrative import signal_labels
from pumpxl.runtimes import NONCOMMERCIAL, write_server_project

if os.environ.get("CI"):
    import xlwings_server  # noqa: F401  (CI installs the server extra: .ci/run)
else:
    pytest.importorskip("xlwings_server", reason='needs pip install "pumpxl[server]"')

NAMES = {
    f"PUMP.{n}"
    for n in (
        "XMR_ASSURANCE", "XMR_DESCRIBE", "XMR_LIMITS", "XMR_MOVING_RANGES", "XMR_SIGNALS",
        "XMR_STATUS", "XMR_TABLE",
    )
}  # fmt: skip
VALUES = np.round(np.random.default_rng(11).normal(50, 4, 260), 2)
VALUES[180:] += 6


def body(func: str, *args: Any) -> dict[str, Any]:
    return {
        "client": "Office.js",
        "func_name": func,
        "args": list(args),
        "caller_address": "[Book1.xlsx]Sheet1!B2",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "version": "0.0",
        "runtime": "1.4",
    }


def column(values: Any) -> list[list[Any]]:
    return [[float(v)] for v in values]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project `pumpxl server FOLDER --noncommercial` writes (xlwings' free key for
    noncommercial use; this open-source project's tests qualify)."""
    folder = tmp_path_factory.mktemp("server") / "pumpxl-functions"
    assert main(["server", str(folder), "--noncommercial"]) == 0
    return folder


def server_env(project: Path, **extra: str) -> dict[str, str]:
    """A shell without any xlwings setting: the license key comes from the project's .env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env.update(XLWINGS_PROJECT_DIR=str(project), XLWINGS_ENABLE_SOCKETIO="false", **extra)
    return env


IN_PROCESS = r"""
import asyncio, json, sys
import httpx
from xlwings_server.main import app, main_app

async def run(requests):
    out = []
    transport = httpx.ASGITransport(app=main_app)
    # the app's start-up (lifespan.py), as uvicorn runs it before the first request
    async with app.router.lifespan_context(app):
        from pumpxl.runtimes.server import _route_lists
        route = next(r for routes in _route_lists(app.router) for r in routes
                     if getattr(r, "path", "").endswith("/custom-functions-call"))
        out.append({"status": 0, "content": repr(route.response_model)})
        async with httpx.AsyncClient(transport=transport, base_url="https://pumpxl.test") as c:
            for method, path, payload, headers in requests:
                r = await c.request(method, path, json=payload, headers=headers or {})
                try:
                    content = r.json()
                except ValueError:
                    content = r.text
                out.append({"status": r.status_code, "content": content})
    return out

print(json.dumps(asyncio.run(run(json.load(sys.stdin)))))
"""


def in_process(project: Path, requests: list[Any], **env: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS],
        input=json.dumps(requests),
        env=server_env(project, **env),
        cwd=project,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    route, *answers = json.loads(done.stdout.splitlines()[-1])
    # lifespan.py gave the call route a response model: FastAPI's one-pass JSON encoding
    assert route["content"] == "dict[str, typing.Any]", route
    return answers  # type: ignore[no-any-return]


def plain(v: Any) -> Any:
    if isinstance(v, dict) and v.get("type") == "Error":
        return {"NotAvailable": "#N/A"}[v["errorType"]]
    return v


def test_the_app_serves_the_functions_as_the_engine_computes_them(project: Path) -> None:
    meta, manifest, table, limits = in_process(
        project,
        [
            ["GET", "/xlwings/custom-functions-meta", None, None],
            ["GET", "/manifest", None, None],
            ["POST", "/xlwings/custom-functions-call",
             body("xmr_table", column(VALUES), [[None]], [[None]], [["pump"]], [["up"]]), None],
            ["POST", "/xlwings/custom-functions-call", body("xmr_limits", [[5.0]]), None],
        ],
    )  # fmt: skip
    assert meta["status"] == 200
    functions = {f["name"]: f for f in meta["content"]["functions"]}
    assert set(functions) == NAMES
    for f in functions.values():
        assert len(f["description"]) > 30
        assert f["result"]["dimensionality"] == "matrix"  # answers spill
        values = f["parameters"][0]
        assert values["name"] == "values" and "optional" not in values
        assert values["dimensionality"] == "matrix" and "oldest first" in values["description"]
        assert all(len(p["description"]) > 15 for p in f["parameters"])
    # the add-in's namespace: functions are =XLWINGS.PUMP.XMR_TABLE(...) in production
    assert 'id="Functions.Namespace" DefaultValue="XLWINGS"' in manifest["content"]
    assert table["status"] == 200
    rows = table["content"]["result"]
    r = pumpxl.xmr(VALUES, rules="pump", direction="up")
    frame = r.to_frame()
    assert len(rows) == len(VALUES) and rows[0][0] == ""
    assert [row[2] for row in rows] == frame["central_line"].tolist()
    assert [row[3] for row in rows] == frame["unpl"].tolist()
    assert [row[6] for row in rows] == signal_labels(r) and any(row[6] for row in rows)
    # too few values: real #N/A error cells, not text
    assert limits["content"]["result"][0][0] == 5.0  # the central line of one value
    assert [plain(v) for v in limits["content"]["result"][0][1:]] == ["#N/A"] * 4


def test_bad_requests_get_a_one_cell_message(project: Path) -> None:
    """Wrong shapes, text everywhere and a huge range: each answered with one readable cell
    (status 200), never a server error that Excel would retry and show as #VALUE!."""
    huge = [[float(i % 97)] for i in range(200_000)]
    answers = in_process(
        project,
        [
            ["POST", "/xlwings/custom-functions-call",
             body("xmr_table", [[1.0, 2.0], [3.0, 4.0]]), None],
            ["POST", "/xlwings/custom-functions-call",
             body("xmr_table", [["a"], ["b"], ["c"], ["d"]], [["x"]], [["y"]], [["z"]]), None],
            ["POST", "/xlwings/custom-functions-call",
             body("xmr_limits", column(VALUES), [[1.0], [2.0]]), None],
            ["POST", "/xlwings/custom-functions-call",
             body("xmr_status", column(VALUES), [[None]], [[None]], [["no such rules"]]), None],
            ["POST", "/xlwings/custom-functions-call", body("xmr_limits", huge), None],
        ],
    )  # fmt: skip
    assert all(a["status"] == 200 for a in answers), answers
    messages = [a["content"]["result"] for a in answers[:4]]
    for m in messages:
        assert len(m) == 1 and len(m[0]) == 1 and m[0][0].startswith("pumpxl: "), m
    assert "values must be one row or one column, not 2 x 2" in messages[0][0][0]
    assert "values: cell 2 is text ('b')" in messages[1][0][0]  # "a" on top is a header
    assert "dates has 2 cells for 260 values" in messages[2][0][0]
    assert "unknown rule preset" in messages[3][0][0]
    big = answers[4]["content"]["result"][0]
    r = pumpxl.xmr([i % 97 for i in range(200_000)])
    assert math.isclose(big[0], r.central_line, rel_tol=1e-12)


def test_numbers_at_the_edges_never_give_a_server_error(project: Path) -> None:
    """Values whose limits would overflow, values near 1e-300 and values that never vary:
    each answered (status 200) with a one-cell message or finite numbers and words, never the
    infinity xlwings Server cannot encode (it answered 500 before, issue 26)."""
    huge = [1e308, -1e308] * 4
    tiny = [1.0e-300, 2.0e-300, 1.5e-300, 1.2e-300, 1.8e-300, 1.1e-300]
    answers = in_process(
        project,
        [
            ["POST", "/xlwings/custom-functions-call", body("xmr_limits", column(huge)), None],
            ["POST", "/xlwings/custom-functions-call", body("xmr_table", column(huge)), None],
            ["POST", "/xlwings/custom-functions-call", body("xmr_limits", column(tiny)), None],
            ["POST", "/xlwings/custom-functions-call", body("xmr_describe", column(tiny)), None],
            ["POST", "/xlwings/custom-functions-call", body("xmr_describe", column([0.0] * 8)),
             None],
        ],
    )  # fmt: skip
    assert [a["status"] for a in answers] == [200] * 5, answers
    for a in answers[:2]:
        (cell,) = a["content"]["result"][0]
        assert cell.startswith("pumpxl: values: they reach 1.000E+308"), cell
        assert "largest number a computer holds" in cell
    limits = answers[2]["content"]["result"][0]
    r = pumpxl.xmr(tiny)
    assert math.isclose(limits[0], r.central_line, rel_tol=1e-12) and limits[0] > 0
    text = answers[3]["content"]["result"][0][0]
    assert "around 1.43E-300 (limits -2.16E-301 to 3.08E-300)" in text, text
    assert "No variation: every value is 0" in answers[4]["content"]["result"][0][0]


def test_a_call_without_sign_in_is_refused_when_sign_in_is_on(project: Path) -> None:
    """With xlwings Server's authentication on (XLWINGS_AUTH_PROVIDERS; here its "custom"
    provider, whose placeholder accepts only the token "test-token"; an organisation uses
    "entraid" or implements validate_token), a call without valid credentials is refused."""
    call = body("xmr_limits", column(VALUES[:20]))
    no_token, bad_token, good_token = in_process(
        project,
        [
            ["POST", "/xlwings/custom-functions-call", call, None],
            ["POST", "/xlwings/custom-functions-call", call, {"Authorization": "guess"}],
            ["POST", "/xlwings/custom-functions-call", call, {"Authorization": "test-token"}],
        ],
        XLWINGS_AUTH_PROVIDERS='["custom"]',
    )
    assert no_token["status"] == 401 and bad_token["status"] == 401
    assert good_token["status"] == 200
    r = pumpxl.xmr(VALUES[:20])
    assert good_token["content"]["result"][0][0] == r.central_line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_over_http_on_loopback(project: Path, tmp_path: Path) -> None:
    """The project `pumpxl server FOLDER --noncommercial` wrote, started out of the box with
    the command it prints (from a shell with no xlwings setting but the project folder) by
    uvicorn on 127.0.0.1 (bounded: stopped after the calls, killed after 90 s at the
    latest), called over HTTP as the add-in calls it."""
    import httpx

    port = free_port()
    log = (tmp_path / "server.log").open("w")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "xlwings_server.main:main_app",
         "--host", "127.0.0.1", "--port", str(port)],
        env={**env, "XLWINGS_PROJECT_DIR": str(project)}, cwd=project.parent,
        stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                meta = httpx.get(f"{base}/xlwings/custom-functions-meta", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert meta.status_code == 200
        assert {f["name"] for f in meta.json()["functions"]} == NAMES
        answer = httpx.post(
            f"{base}/xlwings/custom-functions-call",
            json=body("xmr_limits", column(VALUES)),
            timeout=30,
        )
        assert answer.status_code == 200
        r = pumpxl.xmr(VALUES)
        assert answer.json()["result"] == [[r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar]]
        said = (tmp_path / "server.log").read_text()
        assert "Registered custom lifespan hook" in said and "Traceback" not in said
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        log.close()


@pytest.mark.parametrize(
    ("args", "env_key", "message"),
    [
        pytest.param([], None, "xlwings Server needs a license key: add --noncommercial for "
                     "noncommercial use (xlwings' free key), or --license-key KEY (or set "
                     "XLWINGS_LICENSE_KEY) with your xlwings license", id="no-key"),
        pytest.param(["--license-key", "not-a-key"], None, "xlwings does not accept this "
                     "license key (Invalid xlwings license key.); pass --noncommercial for "
                     "noncommercial use, or your xlwings license with --license-key KEY",
                     id="bad-key"),
        pytest.param([], "typo", "xlwings does not accept this license key (Invalid xlwings "
                     "license key.)", id="bad-key-in-environment"),
    ],
)  # fmt: skip
def test_without_a_key_xlwings_accepts_it_stops_with_one_line(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch,
    args: list[str], env_key: str | None, message: str,
) -> None:  # fmt: skip
    """Before anything is written: one line saying what to set, never a traceback (which is
    what xlwings Server itself gives at its first import with the placeholder key)."""
    if env_key is None:
        monkeypatch.delenv("XLWINGS_LICENSE_KEY", raising=False)
    else:
        monkeypatch.setenv("XLWINGS_LICENSE_KEY", env_key)
    folder = tmp_path / "functions"
    assert main(["server", str(folder), *args]) == 1
    said = capsys.readouterr()
    assert said.err.startswith(f"pumpxl: {message}") and said.err.count("\n") == 1, said.err
    assert "Traceback" not in said.err and said.out == ""
    assert not folder.exists()


def test_an_environment_key_is_written_to_the_project(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", NONCOMMERCIAL)
    written = write_server_project(tmp_path / "p")
    env = (tmp_path / "p" / ".env").read_text()
    assert 'XLWINGS_LICENSE_KEY="noncommercial"' in env.splitlines()
    assert "your_license_key" not in env and 'XLWINGS_ENVIRONMENT="prod"' in env.splitlines()
    assert [p.name for p in written] == ["__init__.py", "lifespan.py", ".env"]
