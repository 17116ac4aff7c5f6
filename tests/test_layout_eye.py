"""The layout checker catches each class of problem issue 23 names (tests/layout_eye.py),
on a deck built to have every one of them, and finds none on decks of other shapes: weekly
values, fine decimals, many initiatives, a result without measures, numbers at the edges."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from layout import FONT_FILES, check_deck
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Inches, Pt

from pumpxl.cli import main
from pumpxl.core.analysis import analyse
from pumpxl.core.example import example_model
from pumpxl.core.model import Initiative, Result
from pumpxl.report import build_gallery, build_reports
from pumpxl.report.chart import add_xmr_chart
from pumpxl.report.design import Box

pytestmark = pytest.mark.skipif(
    not all(Path(f).exists() for f in FONT_FILES.values()),
    reason="needs fonts-crosextra-carlito and fonts-liberation2 (.ci/run installs them)",
)


def _text(slide, name: str, text: str, box: tuple[float, float, float, float], size: float):
    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    shape.name = name
    shape.text_frame.word_wrap = True
    run = shape.text_frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)
    return shape


def test_the_checker_finds_every_class_of_problem(tmp_path: Path) -> None:
    a = analyse(example_model())["M03"]  # first-contact resolution: target 75 on CL 75.2
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    chart = add_xmr_chart(
        slide, a, Box(Inches(0.5), Inches(1), Inches(8), Inches(5)), font_size=12
    ).chart
    series = {s.name: s for s in chart.plots[0].series}
    # the trajectory's second step (75) lies on the latest central line (75.2)
    target, centre = series["Target (step 2)"], series["Central line (phase 2)"]
    target.format.line.dash_style = None  # drawn like the central line: one hides the other
    target.format.line.width = centre.format.line.width
    for ln in target._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}prstDash"):
        ln.getparent().remove(ln)
    hollow = next(s for s in chart.plots[0].series if s.name.startswith("Concern"))
    hollow.marker.format.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    frame = next(s for s in slide.shapes if s.has_chart)
    _text(slide, "Line label on the data", "CL 75.2", (3.5, 2.6, 1.2, 0.35), 12)
    _text(slide, "Small words", "a note at 10 pt", (9, 1, 3, 0.5), 10)
    _text(slide, "Dates and numbers", "from 2025-03-01 and 03 Mar: 0.000000 in 2 signal(s)",
          (9, 2, 4, 1.2), 12)  # fmt: skip
    _text(slide, "Narrow", "9,498,238,731,343,078", (9, 3.5, 1.0, 1.5), 12)
    more = prs.slides.add_slide(prs.slide_layouts[6])
    _text(more, "Title", "First-contact resolution (continued)", (0.5, 0.3, 12, 0.8), 28)
    _text(more, "Subtitle", "Evidence of: customers get their problems fixed", (0.5, 1.1, 12, 0.4), 13)
    _text(more, "Decisions", "Desk staffing (Service desk manager)", (0.5, 1.8, 6, 0.5), 13)
    path = tmp_path / "bad.pptx"
    prs.save(str(path))
    found = [p for p in check_deck(path)]
    what = {(p.shape.split(" pumpxl:")[0], p.what.split(" in '")[0]) for p in found}
    assert ("Small words", "text at 10 pt") in what
    assert ("Line label on the data", "crossed by Value") in what or any(
        s == "Line label on the data" and w.startswith("crossed by") for s, w in what
    )
    assert any("Central line (phase 2) and Target (step 2) lie on each other" in w
               for _, w in what), what  # fmt: skip
    assert any("shows no swatch" in w and "Concern" in w for _, w in what), what
    assert ("Dates and numbers", "an ISO date") in what
    assert ("Dates and numbers", "a zero-padded day") in what
    assert ("Dates and numbers", "zeros standing for a number") in what
    assert ("Dates and numbers", "a '(s)' plural") in what
    assert any(s == "Narrow" and "breaks across lines" in w for s, w in what), what
    assert any("near-empty page" in w for _, w in what), what
    assert frame.has_chart


def other_shapes(tmp_path: Path):
    """A model of other shapes: a weekly measure with fine decimals, many initiatives on one
    measure, a result without measures, a long measure name, a measure that never varies."""
    model = example_model()
    rng = np.random.default_rng(7)
    weekly = next(m for m in model.measures.values() if m.frequency == "weekly")
    dates = model.series[weekly.id].dates
    model.series[weekly.id] = replace(
        model.series[weekly.id], values=np.round(0.0123 + rng.normal(0, 0.0004, len(dates)), 5)
    )
    model.targets = [t for t in model.targets if t.measure != weekly.id]
    model.measures[weekly.id] = replace(
        weekly,
        name="Share of calls answered within twenty seconds by the first available analyst on "
        "the service desk during staffed hours, excluding calls that the caller abandoned",
        unit="share",
    )
    flat = next(iter(model.measures.values()))
    model.series[flat.id] = replace(
        model.series[flat.id], values=np.zeros(len(model.series[flat.id].dates))
    )
    m03 = model.measures["M03"]
    starts = model.series["M03"].dates
    for k in range(6):
        start = starts[-30 + 4 * k].astype("datetime64[D]").item()
        model.initiatives.append(
            Initiative(f"J{k + 1}", f"Change number {k + 1} to the desk", ("M03",), "up",
                       start, None, "Aisha Khan", "in progress")
        )
    model.results["R99"] = Result("R99", "Suppliers deliver what was agreed", "process", "")
    assert m03.id == "M03"
    return model


def test_decks_of_other_shapes_pass_the_checker(tmp_path: Path) -> None:
    model = other_shapes(tmp_path)
    decks = [r.path for r in build_reports(model, tmp_path / "other", icons="mdc")]
    posters = tmp_path / "posters.pptx"
    build_gallery(model, posters)
    decks.append(posters)
    csv = tmp_path / "edges.csv"
    rows = ["Period,Concentration,Defects in audit,Bytes stored"]
    for m in range(24):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=7 * m)
        tiny = (1 + (m * 7 % 5) / 10) * 1e-300
        rows.append(f"{day.isoformat()},{tiny!r},0,{9_498_238_731_343_078 + 1000 * (m * 3 % 7)}")
    csv.write_text("\n".join(rows) + "\n")
    assert main(["report", str(csv), "--plain", "wide", "-o", str(tmp_path / "edges")]) == 0
    decks += sorted((tmp_path / "edges").glob("*.pptx"))
    problems = [f"{p.deck} {p.slide} {p.shape.split(' pumpxl:')[0]}: {p.what}"
                for deck in decks for p in check_deck(deck)]  # fmt: skip
    assert problems == [], "\n".join(problems)
