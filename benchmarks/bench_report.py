"""Report building speed and memory, against a bare python-pptx deck of the same charts.

    python benchmarks/bench_report.py [MEASURES ...]        # default 50 200 1000

Two kinds of input, each at 50, 200 and 1,000 monthly measures (36 points each):

* **plain CSV**: a wide CSV of the measures (as `pumpxl report wide.csv --plain wide` reads
  it), the deck as that command builds it;
* **workbook**: the example's measures with their full definitions, Results Map and appendix.

For each, builds and saves the one deck holding every measure (``build_reports``), and, in
turn, a *bare* deck: one slide per measure holding one native python-pptx line chart of the
same 36 values with its central line and limits (four series), saved. Each figure is the best
of five, the two decks built in turn (a busy moment on the shared machine falls on both), in a
process of its own per size so that the peak memory (maximum resident set) is that size's. The
issue asks for the deck within 2x the bare deck per measure, and under 1 GB at 1,000
measures.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from pumpxl.core.analysis import analyse
from pumpxl.core.example import example_model
from pumpxl.core.model import Audience, PumpModel, Settings
from pumpxl.report import build_reports


def model_with(n: int) -> PumpModel:
    base = example_model()
    model = PumpModel(
        settings=Settings(organisation="Bench", title="Bench"),
        results=base.results,
        audiences={"Everyone": Audience("Everyone")},
    )
    monthly = [m for m in base.measures.values() if m.frequency == "monthly"]
    for i in range(n):
        src = monthly[i % len(monthly)]
        mid = f"B{i:04d}"
        model.measures[mid] = replace(src, id=mid, name=f"{src.name} {i}", audiences=("Everyone",))
        model.series[mid] = base.series[src.id]
    return model


def plain_model(n: int, folder: Path) -> PumpModel:
    """``n`` measures in a wide CSV (a step in every third), read as pumpxl reads it."""
    import numpy as np
    import pandas as pd

    from pumpxl.workbook.plain import PlainOptions, read_plain

    rng = np.random.default_rng(3)
    columns: dict[str, object] = {
        "Period": pd.date_range("2023-01-01", periods=36, freq="MS").strftime("%Y-%m-%d")
    }
    for i in range(n):
        v = 50 + rng.normal(0, 3, 36)
        if i % 3 == 0:
            v[20:] += 6
        columns[f"Measure {i + 1}"] = np.round(v, 1)
    csv = folder / "wide.csv"
    pd.DataFrame(columns).to_csv(csv, index=False)
    return read_plain(csv, PlainOptions(layout="wide"))


def bare_deck(model: PumpModel, out: Path) -> None:
    """One slide per measure with its values, central line and limits as a line chart."""
    analysed = analyse(model)
    prs = Presentation()
    for a in analysed.values():
        r = a.xmr
        per = r.per_point
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        data = CategoryChartData()
        data.categories = [dt.date(d.year, d.month, d.day) for d in a.dates]
        data.add_series("Value", r.values.tolist())
        for key in ("central_line", "unpl", "lnpl"):
            data.add_series(key, per[key].tolist())
        slide.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS, Inches(1), Inches(1), Inches(8), Inches(5), data
        )
    prs.save(str(out))


def best(*fns: object, repeat: int = 5) -> list[float]:
    """Each function's best time of ``repeat`` runs, the functions run in turn (so that a
    busy moment on the shared machine falls on both alike), each from a collected heap (so
    that one's garbage is not collected in the other's time)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, times, strict=True):
            gc.collect()
            t = time.process_time()
            fn()  # type: ignore[operator]
            out.append(time.process_time() - t)
    return [min(out) for out in times]


def measure_one(n: int, kind: str) -> dict[str, float]:
    """Both decks for ``n`` measures, in this process: seconds, slides and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = model_with(n) if kind == "workbook" else plain_model(n, folder)
        slides = 0

        def deck() -> None:
            nonlocal slides
            (result,) = build_reports(model, folder / "deck", overwrite=True)
            slides = result.slides

        deck_s, bare_s = best(deck, lambda: bare_deck(model, folder / "bare.pptx"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux -> MiB
    return {"n": n, "slides": slides, "deck": deck_s, "bare": bare_s, "peak_mb": peak}


def main(sizes: list[int]) -> int:
    print(f"{'input':>9} {'measures':>8} {'slides':>7} {'deck':>8} {'bare':>8} "
          f"{'per measure':>12} {'bare':>7} {'ratio':>6} {'peak MB':>8}")  # fmt: skip
    for kind in ("plain CSV", "workbook"):
        for n in sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(n), kind.split()[0]],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            f = json.loads(out)
            print(
                f"{kind:>9} {n:>8} {int(f['slides']):>7} {f['deck']:>7.2f}s {f['bare']:>7.2f}s "
                f"{f['deck'] / n * 1e3:>10.1f}ms {f['bare'] / n * 1e3:>5.1f}ms "
                f"{f['deck'] / f['bare']:>6.2f} {f['peak_mb']:>8.0f}"
            )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        kind = "workbook" if sys.argv[3:4] == ["workbook"] else "plain"
        print(json.dumps(measure_one(int(sys.argv[2]), kind)))
        raise SystemExit(0)
    raise SystemExit(main([int(a) for a in sys.argv[1:]] or [50, 200, 1000]))
