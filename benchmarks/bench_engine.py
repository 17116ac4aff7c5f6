"""Time the XmR engine against a bare-numpy baseline measured in the same run.

    python benchmarks/bench_engine.py [--quick]

"Analysis" is pumpxl.xmr with every rule of the preset, a direction and a target, then the
assurance and the number of signals (the signals are found, kept as arrays). "+ objects" also
builds a Python Signal object per signal (what `result.signals` returns), and "+ text" the
description too. "Bare numpy" is the least any XmR tool must do: mean, moving ranges, their
mean and the two limits. "pump half-averages" / "pump least-squares" is the pump analysis with
trended limits (the issue's bound: within 2x the flat analysis at 1,000,000 points); the last
lines give that ratio per size.
"""

from __future__ import annotations

import argparse
import math
import sys
import timeit

import numpy as np

import pumpxl
from pumpxl.core.interpret import assurance_of


def bare_numpy(x: np.ndarray) -> tuple[float, float, float]:
    cl = x.mean()
    mr = np.abs(np.diff(x)).mean()
    return cl, cl + 2.66 * mr, cl - 2.66 * mr


def analysis(x: np.ndarray, preset: str, trend: str | None = None) -> None:
    r = pumpxl.xmr(x, rules=preset, direction="up", target=float(x.mean()) + 1.0, trend=trend)
    assurance_of(r)
    r.signal_count


def with_objects(x: np.ndarray, preset: str) -> None:
    r = pumpxl.xmr(x, rules=preset, direction="up", target=float(x.mean()) + 1.0)
    assurance_of(r)
    r.signals


def with_text(x: np.ndarray, preset: str) -> None:
    r = pumpxl.xmr(x, rules=preset, direction="up", target=float(x.mean()) + 1.0)
    pumpxl.describe(pumpxl.read(r))


def best_per_call(fn: object, number: int, repeat: int) -> float:
    times = timeit.repeat(fn, number=number, repeat=repeat)  # type: ignore[arg-type]
    return min(times) / number


def series(n: int, rng: np.random.Generator) -> np.ndarray:
    """A measure with a shift half way and a few outliers, like real data."""
    x = rng.normal(50, 5, n)
    x[n // 2 :] += 6
    x[rng.integers(0, n, max(1, n // 50))] += 30
    return x


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    rep = 3 if args.quick else 7
    warm = series(100, rng)
    for _ in range(3000):  # let the CPU clock and caches settle before measuring
        analysis(warm, "pump")
    rows = []
    ratios: list[tuple[int, str, float]] = []
    for n, number in ((100, 2000), (1_000, 500), (100_000, 10), (1_000_000, 2)):
        number = max(1, number // (4 if args.quick else 1))
        x = series(n, rng)
        base = best_per_call(lambda: bare_numpy(x), number * 5, rep)
        for preset in ("pump", "wheeler", "nhs", "anhoej"):
            t = best_per_call(lambda: analysis(x, preset), number, rep)
            t_obj = best_per_call(lambda: with_objects(x, preset), number, rep)
            count = pumpxl.xmr(x, rules=preset).signal_count
            rows.append((n, preset, t, t_obj, count, base))
        t_text = best_per_call(lambda: with_text(x, "pump"), number, rep)
        rows.append((n, "pump+text", t_text, float("nan"), -1, base))
        flat = best_per_call(lambda: analysis(x, "pump"), number, rep)
        for kind in ("half-averages", "least-squares"):
            t_tr = best_per_call(lambda: analysis(x, "pump", kind), number, rep)
            count = pumpxl.xmr(x, rules="pump", trend=kind).signal_count
            rows.append((n, f"pump {kind}", t_tr, float("nan"), count, base))
            ratios.append((n, kind, t_tr / flat))
    print(f"pumpxl {pumpxl.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    print(
        f"{'points':>9} {'preset':>19} {'analysis':>10} {'+ objects':>10} {'signals':>8} "
        f"{'bare numpy':>11} {'analysis/bare':>14}"
    )
    for n, preset, t, t_obj, count, base in rows:
        print(
            f"{n:>9,} {preset:>19} {fmt(t):>10} {fmt(t_obj):>10} "
            f"{count if count >= 0 else '':>8} {fmt(base):>11} {t / base:>13.1f}x"
        )
    for n, kind, ratio in ratios:
        print(f"trended ({kind}) / flat pump analysis at {n:,} points: {ratio:.2f}x")
    return 0


def fmt(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


if __name__ == "__main__":
    raise SystemExit(main())
