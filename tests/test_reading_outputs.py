"""Every output tells the reading of pumpxl.core.interpret: decks (headline, at a glance,
measure pages, icons), the calc workbook and ``pumpxl xmr``. Each test reopens an output and
compares it with the engine's signals and the reading, not with the output itself."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import python_calamine as pc
from pptx import Presentation

from pumpxl.cli import main
from pumpxl.core.analysis import AnalysedMeasure, analyse
from pumpxl.core.drafts import ROUTINE
from pumpxl.core.example import example_model
from pumpxl.core.mdc import mdc_assurance, mdc_variation
from pumpxl.core.narrative import period_label, status_line
from pumpxl.report.marks import readable_name


@pytest.fixture(scope="module")
def analysed() -> dict[str, AnalysedMeasure]:
    return analyse(example_model())


def title_of(slide: Any) -> str:
    t = slide.shapes.title
    if t is not None and t.has_text_frame and t.text_frame.text:
        return str(t.text_frame.text)
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text]
    return str(texts[0]) if texts else ""


def tables(slide: Any) -> list[list[list[str]]]:
    return [
        [[c.text for c in row.cells] for row in s.table.rows] for s in slide.shapes if s.has_table
    ]


def needs_attention(a: AnalysedMeasure) -> bool:
    """The headline's rule, from the reading's parts: a concern now or recent (a step down
    the worse way included), a target out of reach, a new signal that is not good news."""
    rd = a.reading
    concern = any(s.assessment == "concern" for s in rd.latest + rd.recent)
    step = rd.step is not None and rd.step.assessment == "concern"
    return concern or step or rd.assurance == "consistently fail" or any(
        s.assessment == "neutral" for s in rd.new
    )


def test_decks_open_with_what_needs_attention(
    mdc_decks: dict[str, Path], analysed: dict[str, AnalysedMeasure]
) -> None:
    model = example_model()
    for audience, path in mdc_decks.items():
        prs = Presentation(str(path))
        slide = prs.slides[1]
        assert title_of(slide).startswith("What needs attention")
        expected = [m.name for m in model.measure_order(audience) if needs_attention(analysed[m.id])]
        found = tables(slide)
        if not expected:
            assert not found
            assert any("Nothing needs attention" in s.text_frame.text for s in slide.shapes if s.has_text_frame)
            continue
        assert [row[1] for row in found[0][1:]] == expected, audience


def test_the_example_headline_names_its_concerns_and_the_failed_target(
    mdc_decks: dict[str, Path],
) -> None:
    rows = tables(Presentation(str(mdc_decks["IT management"])).slides[1])[0][1:]
    text = {row[1]: row[2] for row in rows}
    assert text["Business service availability"].startswith(
        "Will consistently fail its target of 99.900"
    )
    # the runs on either side of a step are one event: the step, told once, with its
    # provisional limits, and the initiative it contradicts
    changes = text["Changes that caused an incident"]
    assert changes.startswith(
        "Concern: step up from about 6.02 to about 7.93 since Apr 2025 (provisional limits from "
        "Apr 2025: 6.27 to 9.60); contrary to initiative I2"
    )
    assert "long run" not in changes and "Improvement" not in changes
    assert text["Average speed to answer"] == (
        "Concern: step up from about 34.1 to about 40.4 since the week of 1 Sep 2025 "
        "(provisional limits from the week of 1 Sep 2025: 29.0 to 51.7)"
    )


def test_at_a_glance_shows_the_period_the_state_and_recent_signals(
    mdc_decks: dict[str, Path], analysed: dict[str, AnalysedMeasure]
) -> None:
    model = example_model()
    prs = Presentation(str(mdc_decks["Service desk team"]))
    rows = [
        row
        for slide in prs.slides
        if title_of(slide).startswith("At a glance")
        for row in tables(slide)[0][1:]
    ]
    by_name = {row[0]: row for row in rows}
    for m in model.measure_order("Service desk team"):
        a = analysed[m.id]
        row = by_name[m.name]
        i = a.xmr.latest_index
        assert i is not None
        assert row[1] == period_label(a.xmr, i, m.frequency)
        assert row[3] == (m.unit or "-")
        now = row[6].split("\n")
        assert ("Recent concern" in row[6]) == any(
            s.assessment == "concern" for s in a.reading.recent
        ), m.name
        assert now[0].split(" ")[1] in {"Routine", "Concern", "Improvement", "Signal"}
    assert by_name["Average speed to answer"][1] == "week of 22 Dec 2025"


def test_measure_pages_tell_the_reading(
    mdc_decks: dict[str, Path], analysed: dict[str, AnalysedMeasure]
) -> None:
    model = example_model()
    prs = Presentation(str(mdc_decks["IT management"]))
    slides = {title_of(s): s for s in prs.slides}
    for m in model.measure_order("IT management"):
        a = analysed[m.id]
        slide = slides[m.name]
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        status = status_line(a.reading)
        assert any(status in t for t in texts), m.name
        drafted = any(t.startswith("DRAFT") for t in texts)
        if drafted and (a.reading.special or a.reading.step):  # no routine text beside a
            assert not any(t.startswith(ROUTINE) for t in texts), m.name  # live signal
        icons = sorted(readable_name(s.name) for s in slide.shapes if s.name.startswith("MDC icon"))
        want = [f"MDC icon: {x}" for x in (mdc_variation(a.reading), mdc_assurance(a.reading)) if x]
        assert icons == sorted(want), m.name


def test_recalculation_reasons_stand_at_the_phase_break(mdc_decks: dict[str, Path]) -> None:
    model = example_model()
    prs = Presentation(str(mdc_decks["Board"]))
    slide = next(s for s in prs.slides if title_of(s) == "Customer satisfaction")
    reason = next(rc.reason for rc in model.recalculations if rc.measure == "M02")
    labels = [s for s in slide.shapes if readable_name(s.name) == "Recalculation reason"]
    # the recalculation moved the central line the better way: the label says so, with both
    # levels (phase 1 and phase 2 central lines) and the recorded reason
    phases = analyse(model)["M02"].xmr.phases
    before, after = f"{phases[0].central_line:.1f}", f"{phases[1].central_line:.1f}"
    # on the chart at most two lines at 12 pt: the reason in brackets is left off whole (not
    # cut mid-sentence: "(New major…"), the full text in the notes and the reason in Why
    (text,) = [s.text_frame.text for s in labels]
    assert text == f"Improved: up from {before} to {after} since Oct 2024"
    assert f"Recalculated because: {reason}." in slide.notes_slide.notes_text_frame.text
    lines = [s for s in slide.shapes if readable_name(s.name) == "Recalculation"]
    chart = next(s for s in slide.shapes if s.has_chart)
    assert len(lines) == 1 and chart.left < lines[0].begin_x < chart.left + chart.width
    # Oct 2024 is month 21 of Jan 2023 to Dec 2025: the line stands 21/35 across the plot
    share = (lines[0].begin_x - chart.left) / chart.width
    assert share == pytest.approx(0.1 + 0.76 * 639 / 1065, abs=0.01)


def test_the_matrix_places_every_measure_by_its_icons(
    mdc_decks: dict[str, Path], analysed: dict[str, AnalysedMeasure]
) -> None:
    model = example_model()
    prs = Presentation(str(mdc_decks["IT management"]))
    slide = next(s for s in prs.slides if title_of(s) == "Variation and assurance")
    grid = tables(slide)[0]
    columns = {"Will consistently fail": "fail", "Hit and miss": "hit and miss"}
    columns |= {"Will consistently pass": "pass", "No assurance": ""}
    rows = {"Special cause concern": "special cause concern", "Common cause": "common cause"}
    rows |= {"Special cause improvement": "special cause improvement"}
    rows |= {"Special cause (no better direction)": "special cause neither"}
    placed = {}
    # a crowded cell lists what fits at 12 pt (names abridged at a word) and counts the rest;
    # the notes list every cell in full: "Common cause / Hit and miss: A, B"
    notes = slide.notes_slide.notes_text_frame.text.splitlines()[1:]
    for line in notes:
        where, names = line.split(": ", 1)
        row_head, col_head = where.split(" / ")
        for name in names.split(", "):
            placed[name] = (rows[row_head], columns[col_head])
    for row in grid[1:]:
        for head, cell in zip(grid[0][1:], row[1:], strict=True):
            for name in filter(None, cell.split("\n")):
                if name.startswith("and ") and name.endswith(" more"):
                    continue
                stem = name.removesuffix("…")
                assert any(k.startswith(stem) and placed[k] == (rows[row[0]], columns[head])
                           for k in placed), name  # fmt: skip
    for m in model.measure_order("IT management"):
        rd = analysed[m.id].reading
        assert placed[m.name] == (" ".join(mdc_variation(rd).split()[:3]), mdc_assurance(rd))


def test_calc_workbook_points_by_meaning_and_status(example_calc: Path) -> None:
    out = example_calc  # `pumpxl calc -o calc.xlsx` (tests/conftest.py)
    book = pc.CalamineWorkbook.from_path(str(out))
    sheet = book.get_sheet_by_name("XmR").to_python(skip_empty_area=False)
    summary = book.get_sheet_by_name("Summary").to_python(skip_empty_area=False)
    analysed = analyse(example_model())
    a = analysed["M08"]  # a step up (a concern) in Apr 2025, with provisional limits
    assert a.reading.step is not None and a.reading.provisional is not None
    head = next(k for k, row in enumerate(sheet) if row[:2] == ["Period", "Value"] and k > 2
                and str(sheet[k - 2][0]).startswith("M08"))  # fmt: skip
    body = sheet[head + 1 : head + 1 + len(a.xmr)]
    step = a.reading.step
    for col, meaning in ((10, "improvement"), (11, "concern")):
        flagged = np.zeros(len(a.xmr), dtype=bool)
        for s in a.reading.shown:
            if s.assessment == meaning:
                flagged[list(s.points)] = True
        if step.assessment == meaning:  # the step's values, from its start on
            flagged[step.start :] = True
        got = np.array([row[col] if row[col] != "" else np.nan for row in body], dtype=float)
        np.testing.assert_allclose(got, np.where(flagged, a.xmr.values, np.nan))
    # the provisional limits are the table's from the step on
    cl = np.array([row[4] for row in body], dtype=float)
    assert np.allclose(cl[step.start :], a.reading.provisional.central_line)
    rows = {row[0]: row for row in summary[4:]}
    assert rows["M11"][7] == status_line(analysed["M11"].reading)


def test_pumpxl_xmr_prints_the_reading_and_numbers_a_single_column(tmp_path: Path) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["xmr"]) == 0
    text = out.getvalue()
    # without the recorded recalculation, first-contact resolution's rise is a step up
    assert "Now: Improvement: step up from about 67.2 to about 75.2 since Sep 2024" in text
    assert "long run" not in text.split("Now:")[1]
    assert "Suggested recalculation, once its cause is known: --phases 2024-09" in text
    assert "* provisional limits from Sep 2024" in text  # periods named as everywhere else
    assert re.search(r"^Sep 2024\*\s", text, re.M)
    single = tmp_path / "one.csv"
    single.write_text("Defects\n5\n6\n5\n7\n6\n5\n6\n7\n5\n6\n19\n6\n")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["xmr", str(single), "--direction", "down"]) == 0
    text = out.getvalue()
    assert "one column of values and no periods; periods numbered 1 to 12" in text
    # a count is written as the data have it ("19", not "19.0"); limits one digit finer
    assert re.search(r"^11\s+19\s+13\.0\s.*outlier \(concern\)$", text, re.M)
    assert "recent signal: Concern: outlier above the limits (point 11)" in text


def test_posters_carry_the_reading_now(
    example_gallery: Path, analysed: dict[str, AnalysedMeasure]
) -> None:
    path = example_gallery
    text = "\n".join(
        s.text_frame.text for slide in Presentation(str(path)).slides for s in slide.shapes
        if s.has_text_frame
    )  # fmt: skip
    for mid in ("M03", "M10", "M11"):
        a = analysed[mid]
        assert f"Now: {status_line(a.reading)}" in text


def test_counts_are_shown_as_whole_numbers(mdc_decks: dict[str, Path]) -> None:
    """A measure whose values are all whole numbers shows its latest value without decimals
    (its central line and limits keep theirs: 2.8 incidents a month is meaningful)."""
    prs = Presentation(str(mdc_decks["IT management"]))
    rows = {
        row[0]: row
        for slide in prs.slides
        if title_of(slide).startswith("At a glance")
        for row in tables(slide)[0][1:]
    }
    model = example_model()
    for name in ("Major incidents", "Emergency changes", "Problems closed with the root cause removed"):
        m = next(x for x in model.measures.values() if x.name == name)
        values = model.series[m.id].values
        assert (values == values.round()).all()
        assert rows[name][2] == f"{values[-1]:,.0f}", name
    assert rows["Customer satisfaction"][2] == "82.9"


def test_the_results_map_lists_each_results_measures_by_state(
    mdc_decks: dict[str, Path], analysed: dict[str, AnalysedMeasure]
) -> None:
    from pumpxl.report.slides import measure_state

    model = example_model()
    slide = next(
        s for s in Presentation(str(mdc_decks["Board"])).slides if title_of(s) == "Results Map"
    )
    boxes = {
        s.text_frame.paragraphs[0].text: s for s in slide.shapes
        if s.has_text_frame and s.text_frame.text and s.shape_type == 1
    }  # fmt: skip
    for rid in model.result_order():
        res = model.results[rid]
        shape = boxes[res.statement]
        paras = list(shape.text_frame.paragraphs[1:])
        mine = model.measures_of(rid)
        # at 12 pt a box lists what fits, each name on one line (abridged at a word with
        # "…"), and counts the rest; the notes name every measure of every result
        if paras and paras[-1].text.startswith("and "):
            more = int(paras.pop().text.split()[1])
            assert more == len(mine) - len(paras) > 0
            assert all(m.name in slide.notes_slide.notes_text_frame.text for m in mine)
        shown = [p.runs[1].text.strip() for p in paras]
        for text, m in zip(shown, mine, strict=False):
            assert text == m.name or (text.endswith("…") and m.name.startswith(text[:-1]))
        for para, m in zip(paras, mine, strict=False):
            state = measure_state(analysed[m.id])
            assert para.runs[0].text == state.symbol
            assert para.runs[0].font.color.rgb == state.colour
            assert bool(para.runs[1].font.bold) == ("Board" in m.audiences)


def test_results_map_links_are_connectors_glued_to_their_boxes(mdc_decks: dict[str, Path]) -> None:
    """Every link of the Results sheet and no other, each as a chain of connectors: the first
    glued to the driver's box, the last to the result's (with the arrowhead), each piece
    starting where the one before ends; all drawn behind the boxes."""
    import itertools
    import re

    from pptx.oxml.ns import qn

    model = example_model()
    slide = next(
        s for s in Presentation(str(mdc_decks["Board"])).slides if title_of(s) == "Results Map"
    )
    ids = {readable_name(s.name): s.shape_id for s in slide.shapes}
    chains: dict[tuple[str, str], list] = {}
    for s in slide.shapes:
        if s.name.startswith("Link "):
            m = re.fullmatch(r"Link (\S+) -> (\S+)(?: \((\d+) of (\d+)\))?", readable_name(s.name))
            assert m, s.name
            chains.setdefault((m[1], m[2]), []).append(s)
    expected = {(r.id, t) for r in model.results.values() for t in r.contributes_to}
    assert set(chains) == expected
    assert any(len(c) > 1 for c in chains.values())  # R9 -> R4 skips the process band
    order = [readable_name(s.name) for s in slide.shapes]
    for (source, target), pieces in chains.items():
        first = pieces[0]._element.find(qn("p:nvCxnSpPr")).find(qn("p:cNvCxnSpPr"))
        last = pieces[-1]._element.find(qn("p:nvCxnSpPr")).find(qn("p:cNvCxnSpPr"))
        assert first.find(qn("a:stCxn")).get("id") == str(ids[f"Result {source}"])
        assert last.find(qn("a:endCxn")).get("id") == str(ids[f"Result {target}"])
        for a, b in itertools.pairwise(pieces):
            assert (a.end_x, a.end_y) == (b.begin_x, b.begin_y)
        heads = [p._element.find(f".//{qn('a:tailEnd')}") is not None for p in pieces]
        assert heads == [False] * (len(pieces) - 1) + [True]
        for piece in pieces:
            assert order.index(readable_name(piece.name)) < order.index(f"Result {source}")  # drawn behind
