"""Improvement initiatives: the Initiatives sheet's checks (each with its cell), the
evidence each outcome gets from a chart, and what the deck shows of them."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

from pumpxl.core.analysis import analyse
from pumpxl.core.evidence import initiative_evidence
from pumpxl.core.example import example_model
from pumpxl.core.model import Initiative, PumpModel, Series
from pumpxl.report import build_reports
from pumpxl.report.marks import readable_name
from pumpxl.workbook.reader import read_workbook

EXAMPLE = Path(__file__).parents[1] / "workbook_templates" / "pumpxl-example.xlsx"


def with_rows(tmp_path: Path, rows: list[tuple[object, ...]]) -> Path:
    """The example workbook with these rows added to its Initiatives table (a copy)."""
    path = tmp_path / "initiatives.xlsx"
    shutil.copy(EXAMPLE, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Initiatives"]
    for k, row in enumerate(rows):
        for c, value in enumerate(row, start=1):
            ws.cell(5 + k, c, value)
    wb.save(path)
    return path


def test_the_example_initiatives_read_back_as_written() -> None:
    result = read_workbook(EXAMPLE)
    assert result.problems == []
    assert result.model.initiatives == example_model().initiatives
    assert [i.id for i in result.model.initiatives] == ["I1", "I2", "I3"]


def test_every_bad_initiative_row_is_reported_at_its_cell(tmp_path: Path) -> None:
    start = dt.datetime(2025, 1, 1)
    path = with_rows(tmp_path, [
        ("I1", "Same ID again", "M03", "Up", start, None, "", "In progress"),  # row 5
        ("I4", "Unknown measure", "M99", "Up", start, None, "", ""),  # row 6
        ("I5", "Against the measure", "Changes that caused an incident", "Up", start),  # row 7
        ("I6", "Before the data", "M03", "Up", dt.datetime(2019, 1, 1)),  # row 8
        ("I7", "After the data", "M03", "Up", dt.datetime(2027, 1, 1)),  # row 9
        ("I8", "Done before it started", "M03", "Up", start, dt.datetime(2024, 1, 1)),  # row 10
        ("I9", "", "M03", "", None),  # row 11
        ("I10", "Planned for later", "M03", "Up", dt.datetime(2027, 1, 1), None, "", "Planned"),
    ])  # fmt: skip
    problems = {(p.where, p.code) for p in read_workbook(path).problems}
    assert problems == {
        ("Initiatives!A5", "duplicate_id"),
        ("Initiatives!C6", "unknown_measure"),
        ("Initiatives!D7", "bad_direction"),
        ("Initiatives!E8", "outside_data"),
        ("Initiatives!E9", "outside_data"),
        ("Initiatives!F10", "bad_date"),
        ("Initiatives!B11", "blank"),
        ("Initiatives!D11", "blank"),
        ("Initiatives!E11", "blank"),
    }
    messages = " | ".join(p.message for p in read_workbook(path).problems)
    assert "initiative ID 'I1' is also used at Initiatives!A2" in messages
    assert "expects Changes that caused an incident to go up, but lower is better" in messages
    assert "give it the status Planned" in messages


def _model(values: list[float], init: Initiative, direction: str = "up") -> PumpModel:
    """The example's first measure replaced by ``values`` (monthly from Jan 2023)."""
    base = example_model()
    m = replace(base.measures["M03"], direction=direction)
    dates = pd.date_range("2023-01-01", periods=len(values), freq="MS").to_numpy()
    model = PumpModel(settings=base.settings, results=base.results, measures={"M03": m},
                      audiences=base.audiences, initiatives=[init])  # fmt: skip
    model.series["M03"] = Series(dates, np.array(values, float), np.zeros(len(values), bool))
    return model


ROUTINE = [50, 52, 49, 51, 50, 53, 48, 50, 51, 49, 52, 50, 51, 49, 50, 52, 48, 51, 50, 49]


def _evidence(values: list[float], started: dt.date, direction: str = "up", **kw: object):
    init = Initiative("I9", "A change", ("M03",), direction, started, **kw)  # type: ignore[arg-type]
    model = _model(values, init)
    return initiative_evidence(init, analyse(model)["M03"])


def test_a_sustained_shift_the_expected_way_is_evidence_with_advice_to_recalculate() -> None:
    # 20 routine months, then the change (Sep 2024) and 8 months higher: a long run of 8
    # above, which is a step up from the mean of the 20 (50.25) to that of the 8 (55.625)
    ev = _evidence([*ROUTINE, 55, 56, 54, 57, 55, 56, 55, 57], dt.date(2024, 9, 1))
    assert ev.outcome == "improvement" and ev.recalculate and not ev.recalculated
    assert ev.signal is not None and ev.signal.rule == "step" and ev.signal.first == 20
    before = "50.3"  # the mean 50.25 to the chart's one decimal, half away from zero as Excel
    assert ev.text.startswith(
        f"evidence of improvement: step up from about {before} to about 55.6 since Sep 2024"
    )
    assert "recalculate the limits from Sep 2024" in ev.text


def test_a_signal_the_other_way_is_contrary_evidence() -> None:
    assert np.mean(ROUTINE) == 50.25
    ev = _evidence([*ROUTINE, 45, 44, 46, 45, 44, 45, 46, 44], dt.date(2024, 9, 1))
    assert ev.outcome == "contrary" and not ev.recalculate
    before = "50.3"  # np.mean(ROUTINE) == 50.25, rounded half away from zero
    assert ev.text.startswith(f"contrary evidence: step down from about {before} to about 44.9")


def test_routine_variation_since_the_start_is_no_evidence_yet_with_the_wait() -> None:
    ev = _evidence([*ROUTINE, 51, 49, 50], dt.date(2024, 9, 1))
    assert ev.outcome == "no evidence yet" and ev.periods == 3
    # the pump rules' long run is 7 values: 4 more at least before one could show
    assert ev.text == (
        "no evidence yet: 3 periods since Sep 2024; a long run needs 7 values on one side, "
        "so 4 more at least"
    )


def test_a_signal_before_the_start_is_not_evidence() -> None:
    values = [*ROUTINE[:10], 75, *ROUTINE[11:], 51, 49, 50]  # an outlier in Nov 2023
    ev = _evidence(values, dt.date(2024, 9, 1))
    assert ev.outcome == "no evidence yet"


def test_no_value_since_the_start_or_a_planned_initiative_is_too_early() -> None:
    assert _evidence(ROUTINE, dt.date(2026, 1, 1)).outcome == "too early"
    planned = _evidence(ROUTINE, dt.date(2024, 1, 1), status="planned")
    assert planned.outcome == "too early"


def test_limits_recalculated_from_the_change_record_the_shift() -> None:
    """The example's knowledge base (I1, Sep 2024): First-contact resolution's limits were
    recalculated from then (Recalculations sheet); its central line moved up, as expected."""
    model = example_model()
    analysed = analyse(model)
    i1 = next(i for i in model.initiatives if i.id == "I1")
    ev = initiative_evidence(i1, analysed["M03"])
    r = analysed["M03"].xmr
    before, after = r.phases[-2].central_line, r.phases[-1].central_line
    assert ev.outcome == "improvement" and ev.recalculated
    assert f"from {before:.1f} to {after:.1f}" in ev.text and "recalculated from Sep 2024" in ev.text
    outcomes = {(i.id, mid): initiative_evidence(i, analysed[mid]).outcome
                for i in model.initiatives for mid in i.measures}  # fmt: skip
    assert outcomes == {
        ("I1", "M03"): "improvement",
        ("I1", "M13"): "improvement",
        ("I2", "M08"): "contrary",  # failed changes ran above the central line from Apr 2025
        ("I2", "M09"): "no evidence yet",
        ("I3", "M12"): "no evidence yet",
    }


@pytest.fixture(scope="module")
def it_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("changes")
    (deck,) = build_reports(example_model(), out, audiences=["IT management"])
    return deck.path


def _titled(path: Path, title: str):
    return next(s for s in Presentation(str(path)).slides
                if s.shapes.title is not None and s.shapes.title.text == title)  # fmt: skip


def test_the_deck_answers_did_our_changes_work(it_deck: Path) -> None:
    slide = _titled(it_deck, "Did our changes work?")
    (table,) = [s.table for s in slide.shapes if s.has_table]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Initiative", "Measure", "Started", "Evidence", "Owner", "Status"]
    by_measure = {r[1]: r for r in rows[1:]}
    assert by_measure["Changes that caused an incident"][3].startswith("▼ Contrary evidence")
    assert by_measure["Changes that caused an incident"][4:] == ["Mark Lee", "In progress"]
    assert by_measure["First-contact resolution"][3].startswith("▲ Evidence of improvement")
    assert by_measure["Emergency changes"][3].startswith("● No evidence yet")
    # Calls abandoned is not an IT management measure: I3 is not on its slide
    assert "Calls abandoned" not in by_measure


def test_initiatives_are_marked_on_their_measures_charts(it_deck: Path) -> None:
    from pumpxl.report.chart import period_x, plot_box
    from pumpxl.report.design import Box

    slide = _titled(it_deck, "Changes that caused an incident")
    marks = [s for s in slide.shapes if readable_name(s.name) == "Initiative I2"]
    labels = [s for s in slide.shapes if readable_name(s.name) == "Initiative I2 label"]
    assert len(marks) == 1 and labels[0].text_frame.text == "I2 started"
    (frame,) = [s for s in slide.shapes if s.has_chart]
    a = analyse(example_model())["M08"]
    box = Box(int(frame.left), int(frame.top), int(frame.width), int(frame.height))
    start = int(a.dates.searchsorted(pd.Timestamp("2025-03-01")))
    assert marks[0].begin_x == period_x(a, start, plot_box(box, a))
    assert "Initiative I2" not in {readable_name(s.name) for s in _titled(it_deck, "Major incidents").shapes}


def test_what_needs_attention_names_contrary_evidence(it_deck: Path) -> None:
    slide = _titled(it_deck, "What needs attention")
    (table,) = [s.table for s in slide.shapes if s.has_table]
    text = {row.cells[1].text: row.cells[2].text for row in list(table.rows)[1:]}
    # the initiative's contrary evidence is the step itself: told once, naming it
    assert text["Changes that caused an incident"].endswith(
        "; contrary to initiative I2 (Fast-track route for standard changes during the platform "
        "migration)"
    )
    assert text["Changes that caused an incident"].startswith("Concern: step up")


def test_a_drafted_action_cites_the_measures_initiatives(it_deck: Path) -> None:
    slide = _titled(it_deck, "Emergency changes")  # no commentary: its questions are drafted
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    k = texts.index("What we are doing")
    assert texts[k + 1].startswith(
        "I2 Fast-track route for standard changes during the platform migration (Mark Lee, "
        "in progress): no evidence yet: 10 periods since Mar 2025"
    )


def test_the_calc_workbook_has_the_same_evidence_table(tmp_path: Path) -> None:
    from pumpxl.workbook.calc import write_calc_workbook

    model = example_model()
    analysed = analyse(model)
    out = tmp_path / "calc.xlsx"
    write_calc_workbook(out, model, analysed)
    ws = openpyxl.load_workbook(out)["Initiatives"]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    expected = [
        (i.id, analysed[mid].measure.name, initiative_evidence(i, analysed[mid]))
        for i in model.initiatives for mid in i.measures
    ]  # fmt: skip
    assert [(r[0], r[2]) for r in rows] == [(i, name) for i, name, _ in expected]
    for row, (_, _, ev) in zip(rows, expected, strict=True):
        assert row[5] == ev.text.split(": ", 1)[-1]
    assert rows[2][4] == "▼ Contrary evidence"


def test_at_a_glance_notes_contrary_evidence_under_the_state(it_deck: Path) -> None:
    rows = {}
    for s in Presentation(str(it_deck)).slides:
        for sh in s.shapes:
            if sh.has_table and len(sh.table.columns) > 6 and sh.table.cell(0, 6).text == "Now":
                rows.update({r.cells[0].text: r.cells[6].text for r in list(sh.table.rows)[1:]})
    assert rows["Changes that caused an incident"].endswith("▼ I2: contrary evidence since Mar 2025")
    assert "I2" not in rows["Emergency changes"]  # no evidence yet is not news
