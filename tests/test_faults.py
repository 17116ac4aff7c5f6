"""Malformed workbooks and CSVs (tests/faults.py): every one gets a message naming the place
and the fault, exit status 1, no traceback, in bounded time and memory."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

import pytest
from faults import FAULTS, Corpus

from pumpxl.cli import main

TIME_LIMIT = 60.0  # seconds for one check, on this 2-core machine (the million rows ~10 s)


def test_the_corpus_is_large_enough() -> None:
    assert len(FAULTS) >= 40
    assert len({f.id for f in FAULTS}) == len(FAULTS)


#: about 13 s each on this 2-core machine (the million rows), or a few seconds each in a
#: memory-limited process (the zip bomb): CI's second step runs them
SLOW = {"million_rows", "zip_bomb"}


def cases(items: list[Any], ids: list[str]) -> list[Any]:
    """Parameters with the slow ones marked, so that ``-m "not slow"`` skips them."""
    return [
        pytest.param(item, id=i, marks=pytest.mark.slow if i in SLOW else ())
        for item, i in zip(items, ids, strict=True)
    ]


@pytest.mark.parametrize("fault", cases(FAULTS, [f.id for f in FAULTS]))
def test_fault_is_reported_cleanly(fault: object, fault_corpus: Corpus) -> None:
    from faults import Fault

    assert isinstance(fault, Fault)
    path = fault_corpus[fault.id]
    before = path.read_bytes()
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["check", str(path), *fault.options])
    elapsed = time.perf_counter() - start
    text = out.getvalue() + err.getvalue()
    assert code == 1, text[:2000]
    assert fault.expect in text, text[:2000]
    assert "Traceback" not in text
    assert path.name in text  # the message names the file (and the cell where there is one)
    assert len(text) < 400_000  # problems beyond the first 2,000 are counted, not listed
    assert elapsed < TIME_LIMIT
    assert path.read_bytes() == before  # the input is never modified


BOUNDED = ["zip_bomb", "xml_bomb", "million_rows", "very_long_string"]
MEMORY_LIMIT = 1536 * 1024 * 1024  # address space for the whole check process


@pytest.mark.parametrize("fault_id", cases(BOUNDED, BOUNDED))
def test_bombs_and_giants_stay_within_memory(fault_id: str, fault_corpus: Corpus) -> None:
    fault = next(f for f in FAULTS if f.id == fault_id)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    proc = subprocess.run(
        [sys.executable, "-m", "pumpxl.cli", "check", str(fault_corpus[fault_id]), *fault.options],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT * 2,
        preexec_fn=limit,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    assert fault.expect in proc.stdout + proc.stderr
