"""Report building speed and memory, against a bare python-pptx deck of the same charts.

    python benchmarks/bench_report.py [MEASURES ...]        # default 50 200 1000

For workbooks of 50, 200 and 1,000 monthly measures (36 points each), builds and saves the
one deck holding every measure (``build_reports``), and, in turn, a *bare* deck: one slide per
measure holding one native python-pptx line chart of the same 36 values with its central
line and limits (four series), saved. Each figure is the best of three, in a process of its
own per size so that the peak memory (maximum resident set) is that size's. The issue asks
for the deck within 2x the bare deck per measure, and under 1 GB at 1,000 measures.
"""

from __future__ import annotations

import datetime as dt
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


def best(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def measure_one(n: int) -> dict[str, float]:
    """Both decks for ``n`` measures, in this process: seconds, slides and peak memory."""
    model = model_with(n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        slides = 0

        def deck() -> None:
            nonlocal slides
            (result,) = build_reports(model, folder / "deck", overwrite=True)
            slides = result.slides

        deck_s = best(deck)
        bare_s = best(lambda: bare_deck(model, folder / "bare.pptx"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux -> MiB
    return {"n": n, "slides": slides, "deck": deck_s, "bare": bare_s, "peak_mb": peak}


def main(sizes: list[int]) -> int:
    print(f"{'measures':>8} {'slides':>7} {'deck':>8} {'bare':>8} {'per measure':>12} "
          f"{'bare':>7} {'ratio':>6} {'peak MB':>8}")  # fmt: skip
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        ).stdout
        f = json.loads(out)
        print(
            f"{n:>8} {int(f['slides']):>7} {f['deck']:>7.2f}s {f['bare']:>7.2f}s "
            f"{f['deck'] / n * 1e3:>10.1f}ms {f['bare'] / n * 1e3:>5.1f}ms "
            f"{f['deck'] / f['bare']:>6.2f} {f['peak_mb']:>8.0f}"
        )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure_one(int(sys.argv[2]))))
        raise SystemExit(0)
    raise SystemExit(main([int(a) for a in sys.argv[1:]] or [50, 200, 1000]))
