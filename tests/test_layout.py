"""Every slide of every kind of deck pumpxl builds, through the layout checker (tests/layout.py):
text that fits its box at real font metrics, tables that end on the slide, shapes on the
slide, exact axis labels. The decks: the example's four audience decks (with NHS icons too),
a 200-measure deck, a deck from a plain CSV, one on a corporate .potx template, and the
Measure Gallery posters."""

from __future__ import annotations

import io
import zipfile
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


def corporate_template(tmp_path: Path) -> Path:
    base = Presentation()
    base.slide_width, base.slide_height = 12192000, 6858000
    base.slide_layouts[5].name = "Title Only"
    buf = io.BytesIO()
    base.save(buf)
    potx = tmp_path / "brand.potx"
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(potx, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"presentation.main+xml", b"template.main+xml")
            out.writestr(item, data)
    return potx


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


def test_every_deck_passes_the_checker(tmp_path: Path) -> None:
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
    potx = corporate_template(tmp_path)
    assert main(["report", "-o", str(tmp_path / "brand"), "--template", str(potx)]) == 0
    decks += sorted((tmp_path / "brand").glob("*.pptx"))
    posters = tmp_path / "gallery.pptx"
    build_gallery(example_model(), posters)
    decks.append(posters)
    assert len(decks) == 4 + 4 + 1 + 1 + 4 + 1
    problems = [str(p) for deck in decks for p in check_deck(deck)]
    assert problems == []
    slides = sum(len(Presentation(str(d)).slides) for d in decks)
    assert slides > 500  # the 200-measure deck alone has over 300
