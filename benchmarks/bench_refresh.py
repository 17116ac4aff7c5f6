"""Refreshing a deck against building it fresh (``pumpxl refresh`` against ``pumpxl report``).

    python benchmarks/bench_refresh.py [--libreoffice] [MEASURES ...]

For workbooks of 50 and 200 monthly measures (35 months, then a 36th), builds the deck of the
first 35 months, edits one measure page in every ten (the words of its *Why*, with python-pptx)
so that both refresh paths run, and then, seven times, builds the 36-month deck fresh and
refreshes the old deck with the 36-month data, one right after the other (which goes first
alternates), each from a collected heap, timing CPU. Figures: each one's best time, the ratio
of the bests, and the median of the seven ratios of a refresh to the fresh build beside it (on
a shared machine whose speed drifts, the pairs' ratios are the steadier figure). The issue
asks for no more than 1.

A second row per size refreshes the edited deck once a person has also restyled every chart
(the Value line of each in the team's colour, with python-pptx): every measure page's chart
is then a person's, and takes the new data in place. That is also what a deck saved by
PowerPoint or LibreOffice asks of a refresh, as both write every chart again when they save.

``--libreoffice`` adds a row per size for the edited deck re-saved by LibreOffice (headless
``soffice``, which must be installed): its save also changes the theme's faces to Arial, so
that every page is drawn again in them, none kept as it stands (PowerPoint's save: not run
here).
"""

from __future__ import annotations

import gc
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_report import model_with
from pptx import Presentation
from pptx.dml.color import RGBColor

from pumpxl.core.analysis import analyse
from pumpxl.core.model import PumpModel, Series
from pumpxl.refresh import refresh_deck
from pumpxl.report import build_reports
from pumpxl.report.marks import marked_shapes, slide_mark


def month_less(model: PumpModel) -> PumpModel:
    short = PumpModel(settings=model.settings, results=model.results, measures=model.measures,
                      audiences=model.audiences)  # fmt: skip
    for k, s in model.series.items():
        short.series[k] = Series(s.dates[:-1], s.values[:-1], s.exclude[:-1])
    return short


def edit(deck: Path) -> None:
    prs = Presentation(str(deck))
    first_pages = [
        s for s in prs.slides
        if (m := slide_mark(s)) and m.slide.startswith("measure:") and m.slide.count(":") == 1
    ]  # fmt: skip
    for k, slide in enumerate(first_pages):
        if k % 10 == 0:
            why = next(s for s, m in marked_shapes(slide) if m.role == "why")
            why.text_frame.paragraphs[0].runs[0].text = "Our own explanation."
    prs.save(str(deck))


def restyled(deck: Path) -> Path:
    """``deck`` with every chart's Value line in the team's colour (a new file beside it)."""
    prs = Presentation(str(deck))
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                value = next(s for s in shape.chart.plots[0].series if s.name == "Value")
                value.format.line.color.rgb = RGBColor(0x7A, 0x1F, 0x5C)
    out = deck.with_name(f"restyled-{deck.name}")
    prs.save(str(out))
    return out


def paired(fresh: Callable[[], object], refresh: Callable[[], object], repeat: int = 7
           ) -> tuple[float, float, float]:  # fmt: skip
    """Both run ``repeat`` times side by side (which goes first alternates), each from a
    collected heap: the best CPU time of each, and the median ratio refresh / fresh of a pair."""
    pairs = []
    for k in range(repeat):
        times = {}
        for name, fn in (("f", fresh), ("r", refresh))[:: 1 if k % 2 == 0 else -1]:
            gc.collect()
            t = time.process_time()
            fn()
            times[name] = time.process_time() - t
        pairs.append((times["f"], times["r"]))
    return (min(f for f, _ in pairs), min(r for _, r in pairs),
            statistics.median(r / f for f, r in pairs))  # fmt: skip


def resaved(deck: Path) -> Path:
    """``deck`` as LibreOffice saves it again (a new file beside it)."""
    folder = deck.parent / "libreoffice"
    subprocess.run(["soffice", "--headless", "--convert-to", "pptx", "--outdir", str(folder),
                    str(deck)], check=True, capture_output=True)  # fmt: skip
    return folder / deck.name


def main(sizes: list[int], libreoffice: bool = False) -> int:
    if libreoffice and shutil.which("soffice") is None:
        print("--libreoffice: soffice is not installed", file=sys.stderr)
        return 2
    print(f"{'measures':>8} {'deck':>12} {'slides':>7} {'fresh build':>12} {'refresh':>9} "
          f"{'ratio':>6} {'pairs':>6}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            model = model_with(n)
            folder = Path(tmp) / f"n{n}"
            (old,) = build_reports(month_less(model), folder / "old")
            edit(old.path)
            analysed = analyse(model)
            out = folder / "refreshed.pptx"
            decks = [("python-pptx", old.path), ("restyled", restyled(old.path))]
            if libreoffice:
                decks.append(("LibreOffice", resaved(old.path)))

            def fresh() -> None:
                build_reports(model, folder / "fresh", overwrite=True, analysed=analysed)

            for saved_by, deck in decks:

                def refresh(deck: Path = deck) -> None:
                    refresh_deck(deck, model, analysed, output=out, overwrite=True)

                fresh_s, refresh_s, median = paired(fresh, refresh)
                slides = len(Presentation(str(out)).slides)
                print(f"{n:>8} {saved_by:>12} {slides:>7} {fresh_s:>11.2f}s {refresh_s:>8.2f}s "
                      f"{refresh_s / fresh_s:>6.2f} {median:>6.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    raise SystemExit(main([int(a) for a in args if a != "--libreoffice"] or [50, 200],
                          libreoffice="--libreoffice" in args))  # fmt: skip
