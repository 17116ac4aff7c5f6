"""A step is one event, and every output tells the one reading (issue: steps).

Two workbooks of one story per measure (tests/stories.py: a council's contact centre,
monthly; a warehouse, weekly) go through the whole path a user takes: ``pumpxl new``-style
workbook on disk, ``pumpxl report``, ``pumpxl calc``, ``pumpxl xmr`` on a CSV of one measure,
and the Excel functions through xlwings' Office.js contract. Each output is reopened and
compared with the reading (pumpxl.core.interpret), and the readings with what the stories
were built to be (a step up of about 6 points from October 2024, a recorded improvement from
22.2 to 15.8 days, a drift...)."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import python_calamine as pc
from officejs import call
from pptx import Presentation
from stories import council_model, warehouse_model

import pumpxl
from pumpxl.cli import main
from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.drafts import draft
from pumpxl.core.interpret import read
from pumpxl.core.narrative import describe, status_line, step_phrase
from pumpxl.core.parsing import excel_serial
from pumpxl.report.marks import marked_shapes, slide_mark
from pumpxl.workbook.reader import read_workbook
from pumpxl.workbook.template import write_pump_workbook

STORIES = {"council": council_model, "warehouse": warehouse_model}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each story as a workbook on disk, read back, with its deck and calc workbook."""
    out: dict[str, Any] = {}
    for name, make in STORIES.items():
        folder = tmp_path_factory.mktemp(name)
        book = folder / f"{name}.xlsx"
        write_pump_workbook(book, make())
        assert main(["report", str(book), "-o", str(folder / "decks")]) == 0
        assert main(["calc", str(book), "-o", str(folder / "calc.xlsx")]) == 0
        read_back = read_workbook(book)
        assert not read_back.problems
        (deck,) = sorted((folder / "decks").glob("*.pptx"))
        out[name] = {"book": book, "deck": deck, "calc": folder / "calc.xlsx",
                     "analysed": read_back.analysed, "model": read_back.model}  # fmt: skip
    return out


def analysed_of(built: dict[str, Any], mid: str) -> AnalysedMeasure:
    for story in built.values():
        if mid in story["analysed"]:
            return story["analysed"][mid]  # type: ignore[no-any-return]
    raise KeyError(mid)


# ----------------------------------------------------------------- the readings themselves


def test_calls_answered_is_a_step_up_told_as_an_improvement(built: dict[str, Any]) -> None:
    a = analysed_of(built, "C1")
    rd = a.reading
    st = rd.step
    # built as 21 months about 72 and 9 about 78 (plus fixed noise of mean 0.06 and 0.02)
    assert st is not None and a.dates[st.start] == pd.Timestamp("2024-10-01")
    assert st.moved == "up" and st.assessment == "improvement"
    assert st.before == pytest.approx(72 + 1.3 * np.mean(np.r_[0.6, -1.1, 0.3, 1.4, -0.5, -1.3,
        0.9, 0.1, -0.8, 1.2, -0.2, 0.5, -1.2, 0.4, 1.0, -0.7, 0.2, -0.9, 1.3, -0.4, 0.7]), abs=0.06)  # fmt: skip
    assert st.after == pytest.approx(78, abs=0.3)
    # the limits across both levels straddle them; provisional limits are the new level's
    assert a.xmr.lnpl < st.before < a.xmr.central_line < st.after < a.xmr.unpl + 2
    p = rd.provisional
    assert p is not None and p.start == st.start and p.central_line == pytest.approx(st.after)
    assert p.lnpl < 80 < p.unpl and rd.assurance == "hit and miss"  # not "consistently fail"
    assert rd.now == "improvement" and not rd.needs_attention
    assert not rd.shown  # no concern (or improvement) run on its own
    assert rd.drift is None and "trended" not in describe(rd)
    d = draft(rd, owner="Priya Shah")
    assert "concern" not in (d.why + d.action).lower()
    assert "record a recalculation from Oct 2024" in d.action and "Hold the gain" in d.action


def test_the_recorded_improvement_is_told_with_both_levels_and_its_reason(
    built: dict[str, Any],
) -> None:
    a = analysed_of(built, "C2")
    rd = a.reading
    change = rd.level_change
    assert change is not None and change.assessment == "improvement" and change.moved == "down"
    before, after = (f"{p.central_line:.1f}" for p in a.xmr.phases)
    expected = f"Improved: down from {before} to {after} since Apr 2024 (New claims system went live)"
    assert expected in describe(rd)
    assert f"since the improvement in Apr 2024 (down from {before} to {after})" in status_line(rd)
    assert draft(rd).why.startswith(expected.split(" (")[0])


def test_the_other_domain_reads_right(built: dict[str, Any]) -> None:
    w = {mid: analysed_of(built, mid).reading for mid in ("W1", "W2", "W3", "W4", "W5", "W6")}
    # a step down nobody recorded, lower is better: an improvement from the week of 9 Jun 2025
    assert w["W1"].step is not None and w["W1"].step.assessment == "improvement"
    assert w["W1"].step.moved == "down" and w["W1"].provisional is not None
    # a step up recorded with its reason: told as worse, no step left to find
    assert w["W2"].step is None and w["W2"].level_change is not None
    assert w["W2"].level_change.assessment == "concern"
    assert "Worse: up from" in describe(w["W2"]) and "scanner firmware" in describe(w["W2"])
    # steady growth: a drift, never a step, and trended limits suggested
    assert w["W3"].step is None and w["W3"].drift == pytest.approx(0.6, abs=0.05)
    assert "consider trended limits" in describe(w["W3"])
    assert status_line(w["W3"]).startswith("Improvement: drifting up about 0.6")
    assert "trended limits" in draft(w["W3"]).action  # not a cause per outlier
    # no better direction: no assurance, however the target lies
    assert w["W4"].assurance is None and w["W4"].target == 85
    # a run that ended four weeks ago: recent, ended, the same word everywhere
    ended = [s for s in w["W5"].recent if s.rule == "long_run"]
    assert ended and all(w["W5"].status(s) == "ended" for s in ended)
    assert w["W5"].step is None and w["W5"].needs_attention
    # a small step in force: one event, with provisional limits
    assert w["W6"].step is not None and w["W6"].step.assessment == "improvement"


# ------------------------------------------------------------------ every output the same


def deck_pages(deck: Path) -> dict[str, Any]:
    """Each measure's page in a deck, by measure id (from pumpxl's marks)."""
    pages = {}
    for slide in Presentation(str(deck)).slides:
        mark = slide_mark(slide)
        if mark is not None and mark.slide == f"measure:{mark.get('m')}":
            pages[mark.get("m")] = slide
    return pages


def table_rows(deck: Path, title: str) -> list[list[str]]:
    rows = []
    for slide in Presentation(str(deck)).slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        if texts and texts[0].startswith(title):
            for shape in slide.shapes:
                if shape.has_table:
                    rows += [[c.text for c in row.cells] for row in shape.table.rows][1:]
    return rows


@pytest.mark.parametrize("story", sorted(STORIES))
def test_deck_tells_the_reading(built: dict[str, Any], story: str) -> None:
    b = built[story]
    pages = deck_pages(b["deck"])
    glance = {row[0]: row for row in table_rows(b["deck"], "At a glance")}
    attention = {row[1]: row[2] for row in table_rows(b["deck"], "What needs attention")}
    headline = Presentation(str(b["deck"])).slides[1]
    starts = (*glance, "Nothing improved")
    improved = next(
        s.text_frame.text for s in headline.shapes
        if s.has_text_frame and s.text_frame.text.startswith(starts)
    )  # fmt: skip
    for mid, a in b["analysed"].items():
        rd, name = a.reading, a.measure.name
        status = next(s for s, m in marked_shapes(pages[mid]) if m.role == "status")
        assert status_line(rd) in status.text_frame.text, name
        state = glance[name][6].split("\n")[0]
        assert state.split(" ")[1] in {"improvement": "Improvement", "concern": "Concern",
                                        "neither": "Signal", "common cause": "Routine"}[rd.now]
        if rd.step is not None:  # the step, told as a step, with its provisional limits
            assert f"(step {rd.step.moved})" in state and step_phrase(rd) in glance[name][6]
            assert glance[name][5].endswith("(provisional)") == (rd.provisional is not None)
        assert (name in attention) == rd.needs_attention, name
        good = (rd.step is not None and rd.step.assessment == "improvement") or rd.improvements()
        assert (f"{name}:" in improved) == bool(good), name
        word = {"hit and miss": "Hit and miss", "consistently pass": "Will consistently pass",
                "consistently fail": "Will consistently fail"}.get(rd.assurance or "", "no target")  # fmt: skip
        assert word in glance[name][7], name
        if rd.step is not None:  # no run on either side of it drawn on its own
            chart = next(s for s in pages[mid].shapes if s.has_chart).chart
            names = {s.name for s in chart.plots[0].series}
            assert not {n for n in names if "long run" in n or "short run" in n}, name
            assert any(n.endswith(f"step {rd.step.moved}") for n in names), name


@pytest.mark.parametrize("story", sorted(STORIES))
def test_calc_workbook_tells_the_reading(built: dict[str, Any], story: str) -> None:
    b = built[story]
    book = pc.CalamineWorkbook.from_path(str(b["calc"]))
    summary = book.get_sheet_by_name("Summary").to_python(skip_empty_area=False)
    rows = {row[0]: row for row in summary[4:] if row and row[0]}
    for mid, a in b["analysed"].items():
        rd = a.reading
        row = rows[mid]
        assert row[4] == pytest.approx(rd.chart.central_line)  # provisional after a step
        assert row[7] == status_line(rd)
        assert str(row[9]).startswith(rd.assurance or "") and bool(row[9]) == bool(rd.assurance)
        assert describe(rd) in row[11]


@pytest.mark.parametrize("mid", ["C1", "C2", "C3", "W1", "W2", "W3", "W4", "W5", "W6"])
def test_pumpxl_xmr_and_the_excel_functions_tell_the_same(
    built: dict[str, Any], mid: str, tmp_path: Path
) -> None:
    a = analysed_of(built, mid)
    m, rd = a.measure, a.reading
    dates = a.dates
    phases = [dates[rc.index] for rc in rd.recalculations]
    target = None if a.targets is None else float(a.targets[-1])
    # pumpxl xmr on a CSV of the measure
    csv = tmp_path / "one.csv"
    pd.DataFrame({"Period": dates.strftime("%Y-%m-%d"), m.name: a.xmr.values}).to_csv(
        csv, index=False
    )
    argv = ["xmr", str(csv), "--direction", m.direction]
    argv += ["--target", str(target)] if target is not None else []
    argv += ["--phases", *(p.strftime("%Y-%m-%d") for p in phases)] if phases else []
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(argv) == 0
    assert f"Now: {status_line(rd)}\n" in out.getvalue()
    if rd.recalculate_from is not None:  # the period to enter, after any given
        label = dates[rd.recalculate_from].strftime("%Y-%m" if m.frequency == "monthly" else "%Y-%m-%d")
        given = "".join(p.strftime("%Y-%m-%d") + " " for p in phases)
        assert f"once its cause is known: --phases {given}{label}\n" in out.getvalue()
    # the Excel functions, through the Office.js contract
    args: dict[str, Any] = {
        "values": [[v] for v in a.xmr.values.tolist()],
        "dates": [[excel_serial(d.to_pydatetime())] for d in dates],
        "direction": m.direction,
        "lower_bound": m.lower_bound,
    }
    if target is not None:
        args["target"] = target
    if phases:
        args["phases"] = [[excel_serial(p.to_pydatetime())] for p in phases]
    assert call("xmr_status", **args) == [[status_line(rd)]]
    described = call("xmr_describe", **args)[0][0]
    if not any(rc.reason for rc in rd.recalculations):
        assert described == describe(rd)
    else:  # the functions know no reasons: the same words without them
        assert described == describe(replace(rd, recalculations=tuple(
            replace(rc, reason="") for rc in rd.recalculations)))  # fmt: skip
    if target is not None:
        answer = call("xmr_assurance", **{k: v for k, v in args.items() if k in (
            "values", "dates", "direction", "target", "phases", "lower_bound")})[0][0]  # fmt: skip
        if m.direction == "neutral":
            assert answer == "pumpxl: assurance needs a better direction: up or down"
        else:
            assert answer == rd.assurance


# ------------------------------------------------------------------------ settings, input


def test_a_workbook_can_turn_provisional_limits_off(tmp_path: Path) -> None:
    model = council_model()
    model.settings = replace(model.settings, provisional=False)
    book = tmp_path / "council.xlsx"
    write_pump_workbook(book, model)
    read_back = read_workbook(book)
    assert read_back.model.settings.provisional is False
    rd = read_back.analysed["C1"].reading
    assert rd.step is not None and rd.provisional is None and rd.chart is rd.recorded
    assert "provisional limits are turned off" in describe(rd)
    assert not rd.shown or all(s not in rd.step.signals for s in rd.shown)
    assert main(["report", str(book), "-o", str(tmp_path / "decks")]) == 0
    (deck,) = (tmp_path / "decks").glob("*.pptx")
    chart = next(s for s in deck_pages(deck)["C1"].shapes if s.has_chart).chart
    names = {s.name for s in chart.plots[0].series}
    assert not {n for n in names if n.startswith("Provisional")}
    assert "Improvement: step up" in names and "Concern: long run below" not in names


def test_a_bad_setting_is_refused_at_its_cell(tmp_path: Path) -> None:
    import openpyxl

    book = tmp_path / "council.xlsx"
    write_pump_workbook(book, council_model())
    wb = openpyxl.load_workbook(book)
    ws = wb["Settings"]
    row = next(r for r in ws.iter_rows() if r[0].value == "Provisional limits")
    row[1].value = "Maybe"
    wb.save(book)
    problems = [str(p) for p in read_workbook(book).problems]
    assert any(f"Settings!B{row[1].row}" in p and "Yes or No" in p for p in problems), problems


def test_a_window_of_zero_is_a_clear_error() -> None:
    r = pumpxl.xmr([10.0, 11, 10, 12, 11, 10, 11, 10])
    with pytest.raises(pumpxl.InputError, match="window must be a whole number of values, 1 or more"):
        read(r, window=0)


def test_a_jump_at_the_very_last_value_is_an_outlier_not_a_step() -> None:
    flat = [10.0, 11, 10, 12, 11, 10, 11, 10, 12, 11, 10, 11]
    rd = read(pumpxl.xmr([*flat, 30.0], direction="down"))
    assert rd.step is None and [s.rule for s in rd.latest] == ["outlier"]
    # one value after a shift of six: a run of 7 needs its seventh; then it is a step
    rd = read(pumpxl.xmr([*flat, *[14.0] * 6], direction="up"))
    assert rd.step is None
    rd = read(pumpxl.xmr([*flat, *[14.0] * 7], direction="up"))
    assert rd.step is not None and rd.step.start == 12 and rd.provisional is not None


def test_a_recalculation_at_the_very_last_value_is_refused_at_its_cell(tmp_path: Path) -> None:
    import openpyxl

    book = tmp_path / "council.xlsx"
    write_pump_workbook(book, council_model())
    wb = openpyxl.load_workbook(book)
    ws = wb["Recalculations"]  # as a user would: a row under the last one
    row = ws.max_row + 1
    ws.cell(row, 1, "C3")
    ws.cell(row, 2, council_model().series["C3"].index[-1].to_pydatetime())
    ws.cell(row, 3, "too early to tell")
    for table in ws.tables.values():
        table.ref = table.ref[: -len(str(row - 1))] + str(row)
    wb.save(book)
    problems = [str(p) for p in read_workbook(book).problems]
    assert any("Missed bin collections" in p and "at least 2 values" in p for p in problems), problems
    err = io.StringIO()
    from contextlib import redirect_stderr

    with redirect_stderr(err):
        assert main(["report", str(book), "-o", str(tmp_path / "decks")]) == 1
    assert "Traceback" not in err.getvalue() and "at least 2 values" in err.getvalue()


def test_the_step_start_s_medians_are_numpy_s() -> None:
    """find_step takes each side's median with statistics.median (numpy's is slow on a few
    dozen values): the same value, bit for bit, as np.median gives, for rounded and raw
    values, odd and even counts, ties and signed zeros."""
    from statistics import median

    rng = np.random.default_rng(7)
    for _ in range(3000):
        n = int(rng.integers(1, 40))
        y = rng.normal(0, 10 ** float(rng.integers(-3, 7)), n)
        if rng.random() < 0.5:
            y = np.round(y, int(rng.integers(0, 3)))
        if rng.random() < 0.1:
            y[: n // 2] = -0.0
        assert float(np.median(y)) == median(y.tolist()), y
