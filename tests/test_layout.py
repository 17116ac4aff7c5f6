"""Every slide of every kind of deck pumpxl builds, through the layout checker (tests/layout.py):
text that fits its box at real font metrics, tables that end on the slide, shapes on the
slide, exact axis labels. The decks: the example's four audience decks (with NHS icons too),
a 200-measure deck, a deck from a plain CSV, one on a corporate .potx template, and the
Measure Gallery posters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from layout import FONT_FILES, check_deck, width_pt
from pptx import Presentation
from pptx.util import Inches, Pt

from pumpxl.cli import main
from pumpxl.core.example import example_model
from pumpxl.core.model import Audience, PumpModel, Result, Settings
from pumpxl.report import build_reports
from pumpxl.report.marks import readable_name

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


#: Every kind of deck pumpxl builds, and how many decks of that kind the checker reads.
DECK_KINDS = {"example": 4, "mdc": 4, "big": 1, "plain": 1, "brand": 4, "arial": 1, "gallery": 1}


@pytest.fixture(scope="module")
def decks_of(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Callable[[str], list[Path]]:
    """The decks of one kind, each kind built when first asked for: the example's four
    audience decks (shared with the other modules), with NHS icons too, a 200-measure deck,
    a deck from a plain CSV, those on a corporate .potx template, the Board's on one set in
    Arial (measured in Calibri, 25 boxes of it overflowed), and the posters."""
    built: dict[str, list[Path]] = {}

    def build(kind: str) -> list[Path]:
        if kind in built:
            return built[kind]
        tmp_path = tmp_path_factory.mktemp(kind)
        if kind == "example":
            decks = list(request.getfixturevalue("example_decks").values())
        elif kind == "mdc":
            decks = list(request.getfixturevalue("mdc_decks").values())
        elif kind == "big":
            (big,) = build_reports(many_measures(200), tmp_path / "big")
            decks = [big.path]
        elif kind == "plain":
            csv = tmp_path / "plain.csv"
            csv.write_text(
                "Period,Defects found in testing,Returns\n"
                + "\n".join(f"2024-{m:02d}-01,{5 + (m % 3)},{3 + (m % 2)}" for m in range(1, 13))
                + "\n"
            )
            assert main(["report", str(csv), "--plain", "wide", "-o", str(tmp_path / "plain")]) == 0
            decks = sorted((tmp_path / "plain").glob("*.pptx"))
        elif kind == "brand":
            potx = request.getfixturevalue("corporate_potx")
            assert main(["report", "-o", str(tmp_path / "brand"), "--template", str(potx)]) == 0
            decks = sorted((tmp_path / "brand").glob("*.pptx"))
        elif kind == "arial":
            potx = request.getfixturevalue("arial_potx")
            assert main(["report", "-o", str(tmp_path / "arial"), "--template", str(potx),
                         "--audience", "Board"]) == 0  # fmt: skip
            decks = sorted((tmp_path / "arial").glob("*.pptx"))
        else:
            decks = [request.getfixturevalue("example_gallery")]
        built[kind] = decks
        return decks

    return build


@pytest.mark.parametrize("kind", [
    pytest.param(k, marks=pytest.mark.slow if k in ("mdc", "brand") else ())  # seconds each:
    for k in DECK_KINDS if k != "big"  # the variants of the example's decks run in CI's 2nd step
])  # fmt: skip
def test_every_deck_passes_the_checker(kind: str, decks_of: Callable[[str], list[Path]]) -> None:
    decks = decks_of(kind)
    assert len(decks) == DECK_KINDS[kind]
    problems = [f"{p.deck} {p.slide} {p.shape.split(' pumpxl:')[0]}: {p.what}"
                for deck in decks for p in check_deck(deck)]  # fmt: skip
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.slow  # the 200-measure deck alone takes many seconds to build and check
def test_the_200_measure_deck_passes_the_checker_too(
    decks_of: Callable[[str], list[Path]],
) -> None:
    big = decks_of("big")
    assert len(big) == DECK_KINDS["big"]
    problems = [f"{p.deck} {p.slide} {p.shape.split(' pumpxl:')[0]}: {p.what}"
                for deck in big for p in check_deck(deck)]  # fmt: skip
    assert problems == [], "\n".join(problems[:40])
    decks = [deck for kind in DECK_KINDS for deck in decks_of(kind)]
    assert len(decks) == 4 + 4 + 1 + 1 + 4 + 1 + 1
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


def _pieces(slide) -> dict[str, list[tuple[float, ...]]]:
    """Each link's straight pieces on a Results Map slide, read from its connectors."""
    out: dict[str, list[tuple[float, ...]]] = {}
    for s in slide.shapes:
        if s.name.startswith("Link "):
            link = readable_name(s.name)[5:].split(" (")[0]
            out.setdefault(link, []).append(
                (float(s.begin_x), float(s.begin_y), float(s.end_x), float(s.end_y))
            )
    return out


def _count(links: dict[str, list[tuple[float, ...]]]) -> int:
    """Crossing pairs of pieces of different links."""
    flat = [(k, p) for k, ps in links.items() for p in ps]
    return sum(_cross(a, b) for i, (k, a) in enumerate(flat) for j, b in flat[i + 1 :] if j != k)


def _through_boxes(slide) -> list[str]:
    """Links whose pieces pass through a result box other than their own ends' (a piece
    that touches its own box's edge is fine)."""
    boxes = {s.name.split()[1]: s for s in slide.shapes if s.name.startswith("Result ")}
    bad = []
    for link, pieces in _pieces(slide).items():
        ends = set(link.split(" -> "))
        for x1, y1, x2, y2 in pieces:
            for rid, b in boxes.items():
                if rid in ends:
                    continue
                left, top = float(b.left), float(b.top)
                right, bottom = left + float(b.width), top + float(b.height)
                for t in (i / 50 for i in range(51)):  # points along the piece
                    x, y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
                    if left < x < right and top < y < bottom:
                        bad.append(f"{link} through {rid}")
                        break
    return bad


def test_the_results_map_has_the_fewest_crossing_links(tmp_path: Path) -> None:
    """The example's map, read back from the deck (its connectors' ends): no link runs
    through a box it does not join (R9 -> R4 and R10 -> R2 skip the process band through
    lanes), and as few crossing pieces as any ordering of the results and lanes in their
    bands, counted here by brute force over all 4,320, and fewer than the Results sheet's
    own order."""
    import itertools

    from pumpxl.core.vocabulary import LAYERS
    from pumpxl.report.design import Box
    from pumpxl.report.results_map import layout_for, map_nodes

    model = example_model()
    (deck,) = build_reports(model, tmp_path, audiences=["IT management"])
    slide = next(s for s in Presentation(str(deck.path)).slides
                 if s.shapes.title is not None and s.shapes.title.text == "Results Map")  # fmt: skip
    assert _through_boxes(slide) == []
    on_slide = _count(_pieces(slide))
    boxes = [s for s in slide.shapes if s.name.startswith("Result ")]
    tops = sorted({int(b.top) for b in boxes})
    band_h = int(boxes[0].height)
    legend = next(s for s in slide.shapes if readable_name(s.name) == "Legend")
    right = int(legend.left + legend.width)
    plan = Box(int(legend.left) + int(Inches(1.25)), tops[0], right - int(legend.left) - int(Inches(1.25)),
               tops[-1] + band_h - tops[0])  # fmt: skip
    layers = list(LAYERS)

    def count(order: list[list[str]]) -> int:
        layout = layout_for(order, model.results, layers, plan)
        pieces = {f"{a} -> {b}": [(*p, *q) for p, q in itertools.pairwise(pts)]
                  for (a, b), pts in layout.paths.items()}  # fmt: skip
        return _count(pieces)

    nodes = map_nodes(model.results, layers)
    counts = [count([list(x) for x in o])
              for o in itertools.product(*(itertools.permutations(ids) for ids in nodes))]  # fmt: skip
    as_listed = count(nodes)
    assert len(counts) == 4320 and on_slide == min(counts) < as_listed


def big_map(per_layer: tuple[int, ...] = (1, 4, 10, 16)) -> PumpModel:
    """A 31-result map: results in four bands, each driving one in the band above, every
    fifth team result also a strategic one (skipping a band); a measure each."""
    base = example_model()
    results: dict[str, Result] = {}
    bands: list[list[str]] = []
    for band, count in enumerate(per_layer):
        row = []
        for j in range(count):
            rid = f"R{len(results) + 1}"
            to = (bands[band - 1][j % len(bands[band - 1])],) if band else ()
            if band == 3 and j % 5 == 0:
                to += (bands[1][j % len(bands[1])],)
            results[rid] = Result(rid, f"Result {rid} of the large map is achieved",
                                  ("purpose", "strategic", "process", "team")[band], contributes_to=to)  # fmt: skip
            row.append(rid)
        bands.append(row)
    model = PumpModel(settings=Settings(organisation="Northwind", title="Large map"),
                      results=results, audiences={"Everyone": Audience("Everyone")})  # fmt: skip
    measures = list(base.measures.values())
    for i, rid in enumerate(results):
        src = measures[i % len(measures)]
        model.measures[f"M{i:03d}"] = replace(src, id=f"M{i:03d}", result=rid, audiences=("Everyone",))
        model.series[f"M{i:03d}"] = base.series[src.id]
    return model


def test_a_31_result_map_continues_on_more_slides_at_readable_sizes(tmp_path: Path) -> None:
    """A map too large for one slide at 10 pt goes on as many as it takes: every result and
    every link on at least one of them, no link through a box, no box text under 10 pt, and
    the layout checker finds nothing."""
    from pumpxl.report.results_map import MAP_FLOOR

    model = big_map()
    assert len(model.results) == 31
    (deck,) = build_reports(model, tmp_path)
    maps = [s for s in Presentation(str(deck.path)).slides
            if s.shapes.title is not None and s.shapes.title.text.startswith("Results Map")]  # fmt: skip
    assert len(maps) > 1
    assert [s.shapes.title.text for s in maps] == [f"Results Map ({k} of {len(maps)})"
                                                 for k in range(1, len(maps) + 1)]  # fmt: skip
    shown = {s.name.split()[1] for m in maps for s in m.shapes if s.name.startswith("Result ")}
    assert shown == set(model.results)
    drawn = {link for m in maps for link in _pieces(m)}
    assert drawn == {f"{r.id} -> {t}" for r in model.results.values() for t in r.contributes_to}
    for m in maps:
        assert _through_boxes(m) == []
        sizes = [r.font.size.pt for s in m.shapes if s.name.startswith("Result ")
                 for p in s.text_frame.paragraphs for r in p.runs]  # fmt: skip
        assert min(sizes) >= MAP_FLOOR
    assert [str(p) for p in check_deck(deck.path)] == []


def test_long_commentary_continues_on_a_slide_of_its_own_at_12_pt(tmp_path: Path) -> None:
    """Three questions too long for the side of a measure slide at 12 pt go on a
    "(continued)" slide instead of shrinking: no body text under 12 pt, nothing cut, and
    the checker finds nothing."""
    from pumpxl.core.model import Commentary

    model = example_model()
    m = model.measures["M01"]
    last = pd.Timestamp(model.series["M01"].dates[-1]).date()
    words = " ".join(f"reason{k}" for k in range(140))
    long = Commentary(
        "M01", last, happening="Happening: " + words, why="Why: " + words, action="Doing: " + words
    )
    model.commentary = [c for c in model.commentary if c.measure != "M01"] + [long]
    (deck,) = build_reports(model, tmp_path, audiences=[m.audiences[0]])
    slides = list(Presentation(str(deck.path)).slides)
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in slides]
    k = titles.index(m.name)
    assert titles[k + 1] == f"{m.name} (continued)"
    both = [s for s, t in zip(slides, titles, strict=True) if t.startswith(m.name)]
    text = "\n".join(sh.text_frame.text for s in both for sh in s.shapes if sh.has_text_frame)
    for head, body in (("What is happening", "Happening: "), ("Why", "Why: "),
                       ("What we are doing", "Doing: ")):  # fmt: skip
        assert head in text and body + words in text  # whole, not cut
    panels = [r.font.size.pt for s in both for sh in s.shapes
              if sh.has_text_frame and sh.text_frame.text.split(":")[0] in ("Happening", "Why", "Doing")
              for p in sh.text_frame.paragraphs for r in p.runs]  # fmt: skip
    assert panels and min(panels) >= 12
    assert [str(p) for p in check_deck(deck.path)] == []


def test_text_is_measured_in_the_faces_of_the_decks_theme(arial_potx: Path) -> None:
    """A template's theme names the faces its text is set in: pumpxl fits text with those
    faces' metrics (Arial's are Liberation Sans's, as the checker measures them), not
    Calibri's, which are narrower."""
    from pumpxl.report.deckfile import open_template
    from pumpxl.report.fonts import Faces, deck_faces, measured_in, text_width_pt

    faces = deck_faces(open_template(arial_potx))
    assert faces == Faces(heading="Arial", body="Arial")
    text = "Customers get their IT problems fixed first time"
    calibri = text_width_pt(text, 14)
    with measured_in(faces):
        arial = text_width_pt(text, 14)
        assert text_width_pt(text, 14, heading=True) == arial
    assert arial == pytest.approx(width_pt(text, "Arial", False, 14), rel=0.005)
    assert calibri == pytest.approx(width_pt(text, "Calibri", False, 14), rel=0.005)
    assert arial > calibri * 1.05  # (7.8% here)
    assert text_width_pt(text, 14) == calibri  # outside the block: Calibri again
