"""Report building speed, and how it grows with the number of measures.

    python benchmarks/bench_report.py

Builds one deck holding every measure of workbooks with 50, 100 and 200 measures (36 monthly
points each) and reports seconds per deck and per slide, next to a bare python-pptx baseline:
a slide holding one native line chart of the same 36 points.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

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


def bare_slides(count: int, out: Path) -> float:
    dates = [dt.date(2023, 1, 1) + dt.timedelta(days=30 * i) for i in range(36)]
    values = np.random.default_rng(1).normal(50, 3, 36).tolist()
    t = time.perf_counter()
    prs = Presentation()
    for _ in range(count):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        data = CategoryChartData()
        data.categories = dates
        data.add_series("Value", values)
        slide.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS, Inches(1), Inches(1), Inches(8), Inches(5), data
        )
    prs.save(str(out))
    return time.perf_counter() - t


def main() -> int:
    print(f"{'measures':>8} {'slides':>7} {'deck':>9} {'per slide':>10} {'bare slide':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (50, 100, 200):
            model = model_with(n)
            folder = Path(tmp) / f"n{n}"
            t = time.perf_counter()
            (result,) = build_reports(model, folder)
            seconds = time.perf_counter() - t
            bare = bare_slides(result.slides, Path(tmp) / f"bare{n}.pptx")
            print(
                f"{n:>8} {result.slides:>7} {seconds:>8.2f}s "
                f"{seconds / result.slides * 1e3:>8.1f}ms {bare / result.slides * 1e3:>9.1f}ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
