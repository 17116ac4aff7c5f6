"""Every slide of every kind of deck pumpxl builds, through the layout checker (tests/layout.py):
text that fits its box at real font metrics, tables that end on the slide, shapes on the
slide, exact axis labels. The decks: the example's four audience decks (with NHS icons too),
a 200-measure deck, a deck from a plain CSV, one on a corporate .potx template, and the
Measure Gallery posters."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from layout import FONT_FILES, check_deck
from pptx import Presentation
from pptx.util import Inches, Pt

from pumpxl.cli import main
from pumpxl.core.example import example_model
from pumpxl.core.model import Audience, PumpModel, Settings
from pumpxl.report import build_gallery, build_reports

pytestmark = pytest.mark.skipif(
    not all(Path(f).exists() for f in FONT_FILES.values()),
    reason="needs fonts-crosextra-carlito and fonts-liberation2 (.ci/run installs them)",
)


def many_measures(n: int) -> PumpModel:
    base = example_model()
    model = PumpModel(
        settings=Settings(organisation="Northwind", title="Every measure"),
        results=base.results,
        audiences={"Everyone": Audience("Everyone")},
    )
    measures = list(base.measures.values())
    for i in range(n):
        src = measures[i % len(measures)]
        mid = f"X{i:03d}"
        model.measures[mid] = replace(src, id=mid, name=f"{src.name} ({i + 1})", audiences=("Everyone",))
        model.series[mid] = base.series[src.id]
    return model


def test_the_checker_finds_text_that_does_not_fit(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(2), Inches(0.6))
    box.name = "crowded"
    box.text_frame.word_wrap = True
    run = box.text_frame.paragraphs[0].add_run()
    run.text = "What is happening: the central line moved after the new triage went live"
    run.font.size = Pt(18)
    off = slide.shapes.add_textbox(prs.slide_width - Inches(1), Inches(1), Inches(2), Inches(1))
    off.name = "off the edge"
    path = tmp_path / "bad.pptx"
    prs.save(str(path))
    found = {(p.shape, p.what.split(",")[0]) for p in check_deck(path)}
    assert ("crowded", "text needs 130 pt") in found or any(s == "crowded" for s, _ in found)
    assert ("off the edge", "leaves the slide") in found


def test_every_deck_passes_the_checker(tmp_path: Path, corporate_potx: Path) -> None:
    decks: list[Path] = []
    for r in build_reports(example_model(), tmp_path / "example"):
        decks.append(r.path)
    for r in build_reports(example_model(), tmp_path / "mdc", icons="mdc"):
        decks.append(r.path)
    (big,) = build_reports(many_measures(200), tmp_path / "big")
    decks.append(big.path)
    csv = tmp_path / "plain.csv"
    csv.write_text(
        "Period,Defects found in testing,Returns\n"
        + "\n".join(f"2024-{m:02d}-01,{5 + (m % 3)},{3 + (m % 2)}" for m in range(1, 13))
        + "\n"
    )
    assert main(["report", str(csv), "--plain", "wide", "-o", str(tmp_path / "plain")]) == 0
    decks += sorted((tmp_path / "plain").glob("*.pptx"))
    assert main(["report", "-o", str(tmp_path / "brand"), "--template", str(corporate_potx)]) == 0
    decks += sorted((tmp_path / "brand").glob("*.pptx"))
    posters = tmp_path / "gallery.pptx"
    build_gallery(example_model(), posters)
    decks.append(posters)
    assert len(decks) == 4 + 4 + 1 + 1 + 4 + 1
    problems = [str(p) for deck in decks for p in check_deck(deck)]
    assert problems == []
    slides = sum(len(Presentation(str(d)).slides) for d in decks)
    assert slides > 500  # the 200-measure deck alone has over 300


def _cross(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two segments cross at a point inside both (the test's own geometry)."""
    (x1, y1, x2, y2), (x3, y3, x4, y4) = a, b
    if {(x1, y1), (x2, y2)} & {(x3, y3), (x4, y4)}:
        return False
    den = (x2 - x1) * (y4 - y3) - (y2 - y1) * (x4 - x3)
    if den == 0:
        return False
    t = ((x3 - x1) * (y4 - y3) - (y3 - y1) * (x4 - x3)) / den
    u = ((x3 - x1) * (y2 - y1) - (y3 - y1) * (x2 - x1)) / den
    return 0 < t < 1 and 0 < u < 1


def test_the_results_map_has_the_fewest_crossing_links(tmp_path: Path) -> None:
    """The example's map, read back from the deck (its connectors' ends), has as few crossing
    links as any ordering of the results in their bands, counted here by brute force, and
    fewer than the Results sheet's own order."""
    import itertools

    from pumpxl.report.design import Box
    from pumpxl.report.results_map import band_boxes, link_segments

    model = example_model()
    (deck,) = build_reports(model, tmp_path, audiences=["IT management"])
    slide = next(s for s in Presentation(str(deck.path)).slides
                 if s.shapes.title is not None and s.shapes.title.text == "Results Map")  # fmt: skip
    links = [s for s in slide.shapes if s.name.startswith("Link ")]
    drawn = [(float(c.begin_x), float(c.begin_y), float(c.end_x), float(c.end_y)) for c in links]
    on_slide = sum(_cross(a, b) for i, a in enumerate(drawn) for b in drawn[i + 1 :])
    boxes = {s.name.split()[1]: s for s in slide.shapes if s.name.startswith("Result ")}
    bands = sorted({b.top for b in boxes.values()})
    order = [[rid for rid, b in sorted(boxes.items(), key=lambda kv: kv[1].left) if b.top == top]
             for top in bands]  # fmt: skip
    band_h = int(next(iter(boxes.values())).height)
    gap = int(bands[1] - bands[0]) - band_h
    left = min(int(b.left) for b in boxes.values())
    right = max(int(b.left + b.width) for b in boxes.values())
    plan = Box(left, int(bands[0]), right - left, band_h)  # the widest band spans the plan

    def count(o: list[list[str]]) -> int:
        segs = [e for _, e in link_segments(model, band_boxes(o, plan, band_h, gap))]
        return sum(_cross(a, b) for i, a in enumerate(segs) for b in segs[i + 1 :])

    counts = [
        count([list(x) for x in o])
        for o in itertools.product(*(itertools.permutations(ids) for ids in order))
    ]
    as_listed = count([[rid for rid in model.result_order() if rid in ids] for ids in order])
    assert len(counts) == 216 and on_slide == min(counts) < as_listed
