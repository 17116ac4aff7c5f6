"""PowerPoint reports: reopened with python-pptx and checked for what a reader sees."""

from __future__ import annotations

import io
import math
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libre import convert
from pptx import Presentation
from pptx.oxml.ns import qn

from pumpxl.cli import main
from pumpxl.core.analysis import analyse
from pumpxl.core.example import example_model
from pumpxl.core.model import Audience
from pumpxl.report import build_gallery, build_reports
from pumpxl.report.build import deck_filename

EMU_TOLERANCE = 12700  # a point


@pytest.fixture
def decks(example_decks: dict[str, Path]) -> dict[str, Path]:
    """The example's decks (tests/conftest.py), built once for every module that reads them."""
    return example_decks


def titles(prs: Any) -> list[str]:
    out = []
    for slide in prs.slides:
        t = slide.shapes.title
        if t is not None and t.has_text_frame and t.text_frame.text:
            out.append(t.text_frame.text)
            continue
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text]
        out.append(texts[0] if texts else "")
    return out


def slide_text(slide: Any) -> str:
    parts = []
    for s in slide.shapes:
        if s.has_text_frame:
            parts.append(s.text_frame.text)
        if s.has_table:
            parts += [c.text for row in s.table.rows for c in row.cells]
    return "\n".join(parts)


def chart_of(slide: Any) -> Any:
    charts = [s.chart for s in slide.shapes if s.has_chart]
    assert len(charts) == 1
    return charts[0]


def test_one_deck_per_audience_in_results_map_order(decks: dict[str, Path]) -> None:
    model = example_model()
    assert set(decks) == set(model.audiences)
    for audience, path in decks.items():
        assert path.name == deck_filename(audience)
        prs = Presentation(str(path))
        names = [m.name for m in model.measure_order(audience)]
        got = titles(prs)
        assert audience in slide_text(prs.slides[0])
        assert "Performance to December 2025" in slide_text(prs.slides[0])
        assert got[1].startswith("What needs attention")
        assert got[2].startswith("At a glance")
        assert "Results Map" in got
        start = got.index("Results Map") + 1
        mine = {mid for m in model.measure_order(audience) for mid in (m.id,)}
        if any(set(i.measures) & mine for i in model.initiatives):
            assert got[start] == "Did our changes work?"
            start += 1
        assert got[start : start + len(names)] == names
        assert got[start + len(names)].startswith("Appendix: measure definitions")
        assert prs.slide_width > prs.slide_height  # 16:9


def test_chart_series_equal_the_engine(decks: dict[str, Path]) -> None:
    model = example_model()
    analysed = analyse(model)
    prs = Presentation(str(decks["IT management"]))
    by_title = dict(zip(titles(prs), prs.slides, strict=True))
    provisional = 0
    for m in model.measure_order("IT management"):
        a = analysed[m.id]
        r, rd = a.chart, a.reading  # the chart as the reading tells it
        chart = chart_of(by_title[m.name])
        series = {s.name: list(s.values) for s in chart.plots[0].series}
        np.testing.assert_allclose(np.array(series["Value"], dtype=float), r.values)
        per = r.per_point
        for kind, name in (
            ("central_line", "Central line"),
            ("unpl", "Upper limit"),
            ("lnpl", "Lower limit"),
        ):
            for k, phase in enumerate(r.phases):
                key = name + (f" (phase {k + 1})" if k else "")
                if phase.provisional:
                    key = "Provisional central line" if kind == "central_line" else (
                        "Provisional limits"
                    )
                    want = np.where(r.phase_index == k, per[kind], np.nan)
                    got = [np.array(v, dtype=float) for n, v in
                           zip([x.name for x in chart.plots[0].series], [x.values for x in
                               chart.plots[0].series], strict=True) if n == key]
                    assert any(np.allclose(g, want, equal_nan=True) for g in got), (m.name, kind)
                    continue
                got = np.array(series[key], dtype=float)
                want = np.where(r.phase_index == k, per[kind], np.nan)
                np.testing.assert_allclose(got, want)
        if rd.provisional is not None:  # limits as if recalculated at the step, by hand:
            provisional += 1  # mean and average moving range of the values from the step
            p = rd.provisional
            tail = r.values[p.start :]
            tail = tail[~np.isnan(tail)]
            mr = np.abs(np.diff(tail)).mean()
            assert p.central_line == pytest.approx(tail.mean())
            assert p.unpl == pytest.approx(min(tail.mean() + 2.66 * mr, m.upper_bound or np.inf))
        # one marker series per meaning, rule and side, holding exactly the reading's points
        expected: dict[str, set[int]] = {}
        for s in rd.shown:
            meaning = {"improvement": "Improvement", "concern": "Concern"}.get(
                s.assessment, "Signal"
            )
            rule = {
                "long_run": "long run",
                "short_run": "short run",
                "outlier": "outlier",
                "mr_outlier": "large jump",
                "trend": "trend",
                "two_of_three": "two-of-three",
                "runs_anhoej": "non-random runs",
            }[s.rule]
            side = "above" if s.moved == "up" else "below"
            expected.setdefault(f"{meaning}: {rule} {side}", set()).update(s.points)
        if rd.step is not None:  # the step's values, from its start, as one event
            meaning = {"improvement": "Improvement", "concern": "Concern"}[rd.step.assessment]
            expected[f"{meaning}: step {rd.step.moved}"] = set(range(rd.step.start, len(r)))
        markers = {k for k in series if k.split(":")[0] in ("Improvement", "Concern", "Signal")}
        assert markers == set(expected), m.name
        for name, points in expected.items():
            flagged = np.isin(np.arange(len(r)), list(points))
            got = np.array(series[name], dtype=float)
            np.testing.assert_allclose(got, np.where(flagged, r.values, np.nan))
        if a.targets is not None:  # one series per trajectory step: together, the targets
            steps = [np.array(v, dtype=float) for k, v in series.items() if k.startswith("Target")]
            np.testing.assert_allclose(np.nanmax(np.vstack(steps), axis=0), a.targets)
            assert (np.sum([~np.isnan(s) for s in steps], axis=0) == 1).all()  # no overlap
    assert provisional >= 1  # the example's IT management deck holds a step


def test_signals_show_where_the_engine_found_them(decks: dict[str, Path]) -> None:
    prs = Presentation(str(decks["IT management"]))
    by_title = dict(zip(titles(prs), prs.slides, strict=True))
    changes = by_title["Changes that caused an incident"]  # a step up in 2025 (a concern)
    text = slide_text(changes)
    assert "▼ Concern: step up from about 6.02 to about 7.93 since Apr 2025" in text
    series = {s.name for s in chart_of(changes).plots[0].series}
    assert "Concern: step up" in series
    # the runs that limits across both levels showed (a 2024 "improvement" below, a 2025
    # concern above) are the step seen through straddling limits: not drawn on their own
    assert not {"Improvement: long run below", "Concern: long run above"} & series
    assert {"Provisional central line", "Provisional limits"} <= series


def test_commentary_from_the_workbook_and_drafts_marked(decks: dict[str, Path]) -> None:
    model = example_model()
    prs = Presentation(str(decks["IT management"]))
    by_title = dict(zip(titles(prs), prs.slides, strict=True))
    fcr = slide_text(by_title["First-contact resolution"])
    note = next(c for c in model.commentary if c.measure == "M03" and c.period.year == 2025)
    assert note.happening in fcr and note.why in fcr and note.action in fcr
    assert "DRAFT" not in fcr
    drafted = slide_text(by_title["Major incidents"])
    assert "DRAFT: drafted by pumpxl for Tom Evans to confirm" in drafted
    assert "What is happening" in drafted and "What we are doing" in drafted
    assert "Decisions it informs" in drafted


def test_speaker_notes_carry_the_calculation(decks: dict[str, Path]) -> None:
    prs = Presentation(str(decks["Board"]))
    by_title = dict(zip(titles(prs), prs.slides, strict=True))
    notes = by_title["Customer satisfaction"].notes_slide.notes_text_frame.text
    assert "Phase 1 (Jan 2023 to Sep 2024)" in notes
    assert "Phase 2 (Oct 2024 to Dec 2025)" in notes
    assert "Recalculated because: Knowledge base launch; customers saw faster fixes" in notes
    assert "Concern: outlier below the limits, Oct 2023" in notes


def test_date_axis_follows_the_data_frequency(decks: dict[str, Path]) -> None:
    prs = Presentation(str(decks["Service desk team"]))
    by_title = dict(zip(titles(prs), prs.slides, strict=True))
    units = {}
    for name in ("Tickets resolved by the service desk", "First-contact resolution"):
        ax = chart_of(by_title[name])._chartSpace.find(".//" + qn("c:dateAx"))
        units[name] = ax.find(qn("c:baseTimeUnit")).get("val")
    assert units == {
        "Tickets resolved by the service desk": "days",
        "First-contact resolution": "months",
    }


ANNOTATIONS = ("Recalculation reason", "MDC icon", "Line label", "Initiative", "Step label")


def test_nothing_leaves_the_slide_or_overlaps(decks: dict[str, Path]) -> None:
    for path in decks.values():
        prs = Presentation(str(path))
        w, h = prs.slide_width, prs.slide_height
        for n, slide in enumerate(prs.slides, start=1):
            boxes = []
            for s in slide.shapes:
                if s.shape_type == 9 or s.width == 0 or s.height == 0:  # lines/connectors
                    continue
                assert s.left >= 0 and s.top >= 0, (path.name, n, s.name)
                assert s.left + s.width <= w + EMU_TOLERANCE, (path.name, n, s.name)
                assert s.top + s.height <= h + EMU_TOLERANCE, (path.name, n, s.name)
                boxes.append((s.left, s.top, s.left + s.width, s.top + s.height, s.name))
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    if "Rectangle" in a[4] and "Rectangle" in b[4] and n == 1:
                        continue  # the title band holds the title text by design
                    overlap_w = min(a[2], b[2]) - max(a[0], b[0])
                    overlap_h = min(a[3], b[3]) - max(a[1], b[1])
                    inside = overlap_w > EMU_TOLERANCE and overlap_h > EMU_TOLERANCE
                    if inside and n == 1:
                        continue
                    on_chart = [x for x in (a, b) if x[4].startswith(ANNOTATIONS)]
                    chart = [x for x in (a, b) if x[4].startswith("Chart")]
                    if inside and on_chart and chart:  # a label placed on its chart, by design
                        lab, frame = on_chart[0], chart[0]
                        assert frame[0] <= lab[0] and lab[2] <= frame[2], (path.name, n, lab[4])
                        assert frame[1] <= lab[1] and lab[3] <= frame[3], (path.name, n, lab[4])
                        continue
                    assert not inside, (path.name, n, a[4], b[4])


def test_audience_with_only_outputs_gets_a_warning(tmp_path: Path) -> None:
    model = example_model()
    model.audiences["Ops floor"] = Audience("Ops floor")
    for mid in ("M09", "M10"):  # an output and an output
        m = model.measures[mid]
        model.measures[mid] = replace(m, audiences=(*m.audiences, "Ops floor"))
    (result,) = build_reports(model, tmp_path, audiences=["Ops floor"])
    assert result.outputs_only
    prs = Presentation(str(result.path))
    assert "Outputs are not outcomes" in titles(prs)


def test_corporate_potx_template_is_used(tmp_path: Path, corporate_potx: Path) -> None:
    potx = corporate_potx
    assert (
        main(
            ["report", "-o", str(tmp_path / "out"), "--audience", "Board", "--template", str(potx)]
        )
        == 0
    )
    prs = Presentation(str(tmp_path / "out" / deck_filename("Board")))
    assert prs.slide_width == 12192000
    assert prs.slides[1].slide_layout.name == "Title Only"


def test_existing_decks_are_kept_unless_forced(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "decks"
    out.mkdir()
    precious = out / deck_filename("Board")
    precious.write_text("mine")
    assert main(["report", "-o", str(out)]) == 1
    assert precious.read_text() == "mine"
    assert "already exists" in capsys.readouterr().err
    assert not list(out.glob("*.part"))


def test_gallery_has_a_poster_per_result(tmp_path: Path) -> None:
    path = tmp_path / "gallery.pptx"
    n = build_gallery(example_model(), path)
    prs = Presentation(str(path))
    assert n == len(prs.slides) == len(example_model().results)
    text = slide_text(prs.slides[0])
    assert "Your feedback" in text and "MEASURE GALLERY" in text
    assert prs.slide_height > prs.slide_width  # portrait A3


@pytest.mark.slow  # LibreOffice: CI's second step
def test_decks_render_through_libreoffice(decks: dict[str, Path], tmp_path: Path) -> None:
    deck = decks["Board"]
    pdf = convert(deck, tmp_path, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(
        next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )
    assert pages == len(Presentation(str(deck)).slides)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "5", "-l", "5", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    png = next(tmp_path.glob("page*.png"))
    from PIL import Image

    image = np.asarray(Image.open(png).convert("L"), dtype=float)
    assert image.std() > 20  # a chart and text, not a blank page


def test_plain_sheet_gets_one_deck_for_everyone(tmp_path: Path) -> None:
    csv = tmp_path / "plain.csv"
    rows = "\n".join(
        f"2024-{m:02d}-01,{v},{w}"
        for m, v, w in zip(
            range(1, 13),
            [5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 19, 6],
            [3, 4, 3, 3, 4, 5, 4, 3, 4, 4, 3, 4],
            strict=True,
        )
    )
    csv.write_text("Period,Defects,Returns\n" + rows + "\n")
    assert main(["report", str(csv), "--plain", "wide", "-o", str(tmp_path / "out")]) == 0
    prs = Presentation(str(tmp_path / "out" / deck_filename("All measures")))
    assert {"Defects", "Returns"} <= set(titles(prs))


def test_predictability_target_is_reported(decks: dict[str, Path]) -> None:
    # M07 "Time to restore service": target limits no more than 3 hours apart (Targets sheet)
    a = analyse(example_model())["M07"]
    width = a.xmr.phases[-1].unpl - a.xmr.phases[-1].lnpl  # no bound is reached here
    assert width <= 3.0
    prs = Presentation(str(decks["IT management"]))
    slide = dict(zip(titles(prs), prs.slides, strict=True))["Time to restore service"]
    assert f"limits at most 3.00 apart; they are {width:.2f} apart, met" in slide_text(slide)
    assert "Predictability target" in slide.notes_slide.notes_text_frame.text


def test_the_quickstart_can_be_run_again_without_risking_an_edited_deck(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    assert main(["report", "-o", str(out), "--audience", "Board"]) == 0
    deck = out / deck_filename("Board")
    first = deck.read_bytes()
    assert main(["report", "-o", str(out), "--audience", "Board"]) == 0  # pumpxl's own, unchanged
    second = deck.read_bytes()
    assert titles(Presentation(str(deck)))[:3] == titles(Presentation(io.BytesIO(first)))[:3]
    deck.write_bytes(second + b"edited")  # someone changed it: never replaced without --force
    assert main(["report", "-o", str(out), "--audience", "Board"]) == 1
    assert deck.read_bytes() == second + b"edited"
    assert main(["report", "-o", str(out), "--audience", "Board", "--force"]) == 0
    mine = out / deck_filename("IT management")
    mine.write_bytes(b"a user's own file with a deck's name")
    assert main(["report", "-o", str(out), "--audience", "IT management"]) == 1
    assert mine.read_bytes() == b"a user's own file with a deck's name"


def test_nothing_to_show_says_so_and_exits_non_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xlsx"
    assert main(["new", str(empty)]) == 0
    assert main(["check", str(empty)]) == 0  # an empty template is not wrong...
    assert main(["report", str(empty), "-o", str(tmp_path / "decks")]) == 1  # ...but has no data
    assert not (tmp_path / "decks").exists() or not list((tmp_path / "decks").iterdir())
    plain = tmp_path / "calls.csv"
    plain.write_text("Period,Calls\n2024-01-01,5\n2024-02-01,6\n2024-03-01,7\n")
    assert main(["gallery", str(plain), "-o", str(tmp_path / "g.pptx")]) == 1  # no results
    assert not (tmp_path / "g.pptx").exists()
    assert main(["report", str(plain), "-o", str(tmp_path / "plain")]) == 0
    prs = Presentation(str(tmp_path / "plain" / deck_filename("All measures")))
    assert "Results Map" not in titles(prs)  # no empty map for a sheet without one


def test_poster_cards_end_above_the_feedback_area(example_gallery: Path) -> None:
    path = example_gallery
    for n, slide in enumerate(Presentation(str(path)).slides, start=1):
        label = next(s for s in slide.shapes if s.has_text_frame and s.text_frame.text == "Your feedback")
        cards = [
            s for s in slide.shapes
            if s.has_text_frame and "\nOwner: " in s.text_frame.text
        ]  # fmt: skip
        for card in cards:
            assert card.top + card.height <= label.top, n
            assert "Data: Training log, Training log" not in card.text_frame.text


def test_posters_show_each_measures_chart(tmp_path: Path) -> None:
    """A gallery walk reacts to what the measures show: each drafted measure with values has
    its native XmR chart on its poster, beside (not over) its card's words, above the
    feedback area, plotting the measure's own values."""
    from pumpxl.core.analysis import analyse

    model = example_model()
    analysed = analyse(model)
    path = tmp_path / "g.pptx"
    build_gallery(model, path, analysed=analysed)
    charts = 0
    for slide, rid in zip(Presentation(str(path)).slides, model.result_order(), strict=True):
        frames = [s for s in slide.shapes if s.has_chart]
        texts = [s for s in slide.shapes if s.has_text_frame and "\nOwner: " in s.text_frame.text]
        label = next(s for s in slide.shapes if s.has_text_frame and s.text_frame.text == "Your feedback")
        drafted = model.measures_of(rid)
        assert len(frames) == len(texts) == len(drafted), rid
        for frame, text, m in zip(frames, texts, drafted, strict=True):
            assert text.text_frame.text.startswith(m.name)
            assert frame.left >= text.left + text.width  # beside the words, not over them
            assert frame.top >= text.top and frame.top + frame.height <= text.top + text.height
            assert frame.top + frame.height <= label.top
            values = list(frame.chart.plots[0].series[0].values)
            expected = analysed[m.id].xmr.values
            assert [None if math.isnan(v) else v for v in expected] == values
            charts += 1
    assert charts == len(model.measures)


@pytest.mark.parametrize("seed", range(5))
def test_every_axis_label_equals_its_tick_value(seed: int) -> None:
    """Over many ranges: the value axis' step is 1, 2, 2.5 or 5 x 10^k, and its labels carry
    exactly the decimals that step needs (0.25 -> 2, 2.5 -> 1), so no label is rounded."""
    from pumpxl.report.chart import nice_step, step_decimals

    rng = np.random.default_rng(seed)
    for _ in range(400):
        lo = float(rng.uniform(-1e4, 1e4)) * 10.0 ** int(rng.integers(-4, 3))
        span = float(rng.uniform(1e-3, 1e3)) * 10.0 ** int(rng.integers(-3, 3))
        step = nice_step(span / 6)
        mantissa = step / 10 ** np.floor(np.log10(step))
        assert any(abs(mantissa - k) < 1e-9 for k in (1, 2, 2.5, 5, 10))
        d = step_decimals(step)
        first = np.floor(lo / step) * step
        for k in range(8):
            tick = first + k * step
            label = f"{tick:,.{d}f}"
            assert float(label.replace(",", "")) == pytest.approx(tick, rel=1e-9, abs=step * 1e-9)


def test_the_availability_axis_is_labelled_to_its_step(decks: dict[str, Path]) -> None:
    prs = Presentation(str(decks["Board"]))
    by_title = dict(zip(titles(prs), prs.slides, strict=True))
    axis = chart_of(by_title["Business service availability"]).value_axis
    step = axis.major_unit
    decimals = len(axis.tick_labels.number_format.partition(".")[2])
    assert step in (0.05, 0.1, 0.2, 0.25) and f"{step:.{decimals}f}" == f"{step:g}"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=8),
       st.floats(0.01, 1e5, allow_nan=False))  # fmt: skip
def test_line_labels_stand_a_label_apart_each_group_centred_on_its_lines(
    values: list[float], gap: float
) -> None:
    """Labels right of the plot (``chart_plan._spread``): in the lines' order, at least a
    label's height apart, none moved unless another is within a label's height of it, and
    the labels that had to move together centred on their lines (so two close lines share
    the room, the lower label not pushed the whole way)."""
    from pumpxl.core.chart_plan import _spread

    values = sorted(values, reverse=True)
    at = _spread(values, gap)
    assert len(at) == len(values)
    tol = 1e-9 * max(1.0, gap, *(abs(v) for v in values))
    for k in range(1, len(at)):
        assert at[k - 1] - at[k] >= gap - tol
    if all(values[k - 1] - values[k] >= gap for k in range(1, len(values))):
        assert at == values  # room enough: every label beside its line
    assert sum(at) == pytest.approx(sum(values), abs=tol * max(1, len(values)) * 10)


def test_two_close_lines_share_the_room_and_a_reason_is_left_off_whole() -> None:
    from pumpxl.core.chart_plan import _abridged, _aside, _spread, _text_width, _wrapped

    # Target 4.00 over CL 3.95 (the example's Time to restore service), a label 0.3 high:
    # each moves 0.125, not CL 0.25
    assert _spread([5.30, 4.00, 3.95, 2.61], 0.3) == pytest.approx([5.30, 4.125, 3.825, 2.61])
    assert _spread([], 1.0) == [] and _spread([2.0], 1.0) == [2.0]
    assert _spread([5, 5, 5], 1) == pytest.approx([6, 5, 4])
    text = "Improved: down from 5.61 to 3.95 since Apr 2024 (New major incident process)"
    assert _aside(text) == text.index(" (")
    assert _aside("a (b (c) d)") == 1 and _aside("x (y) z") == 0 and _aside("(all)") == 0
    room = _text_width("Improved: down from 5.61 to 3.95 since Apr 2024", 12) + 1
    assert _abridged(text, room, 12, _text_width) == text[: _aside(text)]
    cut = _abridged(text, room / 2, 12, _text_width)  # no room even without it: cut at a word
    assert cut.endswith("…") and text.startswith(cut[:-1])
    # lines count as wrapped at words: four words of 4 points in a room of 8.9 (two with their
    # space take 9) take four lines, where their total width (19) would say three; so in
    # three lines the aside goes whole
    assert _wrapped("abcd efgh ijkl mnop", 8.9, 2, _text_width) == 4
    step = "Step up from the week of 7 Jul 2025 (provisional limits from here)"
    line = _text_width("Step up from the week", 12) + 1
    assert _wrapped(step, line, 12, _text_width) == 4
    assert _abridged(step, line, 12, _text_width, lines=3) == step[: _aside(step)]
