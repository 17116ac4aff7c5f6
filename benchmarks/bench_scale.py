"""Scale: check, calc and report on workbooks of 250, 500 and 1,000 measures x 520 weekly
points, each command in its own process, with wall time and peak memory (max RSS).

    python benchmarks/bench_scale.py [--sizes 250 500 1000] [--points 520]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from pumpxl.core.example import example_model
from pumpxl.core.model import PumpModel, Series, Settings
from pumpxl.workbook.template import write_pump_workbook

RUN = (
    "import resource, sys; from pumpxl.cli import main; rc = main(sys.argv[1:]); "
    "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
    "sys.exit(rc)"
)


def scale_model(measures: int, points: int) -> PumpModel:
    base = example_model()
    rng = np.random.default_rng(11)
    dates = pd.date_range("2016-01-04", periods=points, freq="W-MON").to_numpy()
    model = PumpModel(
        settings=Settings(organisation="Scale", title="Scale test"),
        results=base.results,
        audiences=base.audiences,
    )
    templates = list(base.measures.values())
    audiences = list(base.audiences)
    for i in range(measures):
        src = templates[i % len(templates)]
        mid = f"S{i:05d}"
        model.measures[mid] = replace(
            src,
            id=mid,
            name=f"{src.name} {i}",
            frequency="weekly",
            audiences=(audiences[i % len(audiences)],),
        )
        values = 60 + rng.normal(0, 3, points)
        values[points // 2 :] += rng.choice([0.0, 5.0])
        model.series[mid] = Series(dates, np.round(values, 2), np.zeros(points, dtype=bool))
    return model


def run(args: list[str]) -> tuple[float, float, int]:
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", RUN, *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - t
    rss = next(
        (int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("MAXRSS")), 0
    )
    return seconds, rss / 1024, proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000])
    ap.add_argument("--points", type=int, default=520)
    opts = ap.parse_args()
    print(
        f"{'measures':>8} {'rows':>9} {'command':>8} {'seconds':>8} {'s/measure':>10} "
        f"{'peak MB':>8} {'exit':>4}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in opts.sizes:
            src = Path(tmp) / f"scale{n}.xlsx"
            write_pump_workbook(src, scale_model(n, opts.points), xmr_sheet=False)
            for name, args in (
                ("check", ["check", str(src)]),
                ("calc", ["calc", str(src), "-o", str(Path(tmp) / f"calc{n}.xlsx")]),
                ("report", ["report", str(src), "-o", str(Path(tmp) / f"rep{n}")]),
            ):
                seconds, mb, code = run(args)
                print(
                    f"{n:>8} {n * opts.points:>9,} {name:>8} {seconds:>8.1f} "
                    f"{seconds / n * 1e3:>8.1f}ms {mb:>8.0f} {code:>4}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
