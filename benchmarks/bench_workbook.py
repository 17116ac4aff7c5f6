"""Time reading, checking and computing a large PuMP workbook.

    python benchmarks/bench_workbook.py [--measures 200] [--points 260]

Builds a workbook of N measures with P weekly points each (from the example's shapes, so the
data have shifts and outliers), then times: reading it into the model (calamine + checks),
the PuMP audit, analysing every measure (also timed alone), and writing the calc workbook.
The source is written without its XmR sheet (as a team's own workbook is: the template's XmR
sheet is empty until `pumpxl calc`); its native formulas for 52,000 rows would take a minute
to write and are not what is measured here.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from pumpxl.core.analysis import analyse
from pumpxl.core.audit import audit
from pumpxl.core.example import example_model
from pumpxl.core.model import PumpModel, Series, Settings
from pumpxl.workbook.calc import write_calc_workbook
from pumpxl.workbook.reader import read_workbook
from pumpxl.workbook.template import write_pump_workbook


def big_model(measures: int, points: int) -> PumpModel:
    base = example_model()
    rng = np.random.default_rng(1)
    dates = pd.date_range("2021-01-04", periods=points, freq="W-MON").to_numpy()
    model = PumpModel(
        settings=Settings(organisation="Bench"), results=base.results, audiences=base.audiences
    )
    templates = list(base.measures.values())
    for i in range(measures):
        m = replace(
            templates[i % len(templates)], id=f"B{i:04d}", name=f"Measure {i}", frequency="weekly"
        )
        level = 50 + 10 * rng.random()
        values = level + rng.normal(0, 2, points)
        values[points // 2 :] += rng.choice([0, 4])
        values = np.clip(values, m.lower_bound or -np.inf, m.upper_bound or np.inf)
        model.measures[m.id] = m
        model.series[m.id] = Series(dates, np.round(values, 2), np.zeros(points, bool))
    return model


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--measures", type=int, default=200)
    ap.add_argument("--points", type=int, default=260)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "big.xlsx"
        model = big_model(args.measures, args.points)
        t = time.perf_counter()
        write_pump_workbook(src, model, xmr_sheet=False)
        t_write = time.perf_counter() - t
        rows = args.measures * args.points
        print(
            f"{args.measures} measures x {args.points} points = {rows:,} data rows; "
            f"input {src.stat().st_size / 1e6:.1f} MB (written in {t_write:.2f} s)"
        )
        timings = []
        for _ in range(3):
            t0 = time.perf_counter()
            result = read_workbook(src)  # reads, validates and analyses once
            t1 = time.perf_counter()
            analysed = analyse(result.model)  # the analysis alone, for reference
            t2 = time.perf_counter()
            audit(result.model, result.analysed)
            t3 = time.perf_counter()
            timings.append((t1 - t0, t2 - t1, t3 - t2))
        assert not result.problems, result.problems[:3]
        best = [min(col) for col in zip(*timings, strict=True)]
        out = Path(tmp) / "calc.xlsx"
        t = time.perf_counter()
        write_calc_workbook(out, result.model, analysed)
        t_calc = time.perf_counter() - t
        print(f"read + validate + analyse: {best[0] * 1e3:8.1f} ms")
        print(f"  of which analyse (XmR):  {best[1] * 1e3:8.1f} ms")
        print(f"audit:                     {best[2] * 1e3:8.1f} ms")
        print(f"check in all:              {(best[0] + best[2]) * 1e3:8.1f} ms")
        print(f"calc workbook:   {t_calc * 1e3:8.1f} ms (write {out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
