"""Fuzz pumpxl's readers with atheris (coverage-guided, libFuzzer).

    pip install atheris
    python fuzz/fuzz_reader.py bytes -max_total_time=300 fuzz/seeds
    python fuzz/fuzz_reader.py cells -max_total_time=300

``bytes``: the fuzzer's bytes are the file, read as a PuMP workbook and as a plain CSV.
``cells``: the fuzzer's bytes choose the cells (types, text, numbers, dates, errors) of a
small PuMP workbook that XlsxWriter writes, so the run reaches the checks behind a valid zip.
Any exception that is not a pumpxl error is a crash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["pumpxl"]):
    from pumpxl.core.errors import PumpxlError
    from pumpxl.workbook.plain import read_plain
    from pumpxl.workbook.reader import read_workbook

import xlsxwriter

TMP = Path(tempfile.mkdtemp(prefix="pumpxl-fuzz-"))
ERRORS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


def one_bytes(data: bytes) -> None:
    for suffix, read in ((".xlsx", read_workbook), (".csv", read_plain)):
        path = TMP / f"f{os.getpid()}{suffix}"
        path.write_bytes(data)
        with contextlib.suppress(PumpxlError):
            read(path)


def _value(fdp: atheris.FuzzedDataProvider) -> object:
    kind = fdp.ConsumeIntInRange(0, 7)
    if kind == 0:
        return None
    if kind == 1:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))
    if kind == 2:
        return fdp.ConsumeFloat()
    if kind == 3:
        return fdp.ConsumeIntInRange(-(10**9), 10**9)
    if kind == 4:
        return fdp.ConsumeBool()
    if kind == 5:
        return dt.datetime(1900, 1, 1) + dt.timedelta(days=fdp.ConsumeIntInRange(0, 80000))
    if kind == 6:
        return ("error", ERRORS[fdp.ConsumeIntInRange(0, len(ERRORS) - 1)])
    return "M1" if fdp.ConsumeBool() else "R1"


def one_cells(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    path = TMP / f"c{os.getpid()}.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "nan_inf_to_errors": True})
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    sheets = {
        "Results": ["ID", "Result", "Layer", "Contributes to"],
        "Measures": [
            "ID",
            "Measure",
            "Result",
            "Frequency",
            "Direction",
            "Type",
            "Lower bound",
            "Upper bound",
            "Audiences",
        ],
        "Data": ["Measure", "Period", "Value", "Exclude"],
        "Recalculations": ["Measure", "First period", "Reason"],
        "Targets": ["Measure", "Target", "From period", "Type"],
    }
    for name, header in sheets.items():
        if fdp.ConsumeIntInRange(0, 20) == 0:
            continue  # sometimes a sheet is missing
        ws = wb.add_worksheet(name)
        for c, h in enumerate(header):
            ws.write_string(0, c, h if fdp.ConsumeIntInRange(0, 30) else "Huh")
        for r in range(1, fdp.ConsumeIntInRange(1, 12)):
            for c in range(len(header)):
                v = _value(fdp)
                if v is None:
                    continue
                if isinstance(v, tuple):
                    ws.write_formula(r, c, "=1/0", None, v[1])
                elif isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v)
                elif isinstance(v, dt.datetime):
                    ws.write_datetime(r, c, v, date_format)
                else:
                    ws.write_string(r, c, str(v))
    if not wb.worksheets():
        wb.add_worksheet("Empty")
    wb.close()
    with contextlib.suppress(PumpxlError):
        read_workbook(path)


def main() -> None:
    target = {"bytes": one_bytes, "cells": one_cells}[sys.argv.pop(1)]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
