"""One reading of every chart (pumpxl.core.interpret): now, current, recent, advice to
recalculate, changes since the previous period, NHS Making Data Count icons; and drafted text
that never contradicts it. Expected readings are worked by hand from the rules in the module's
description (and, for the icons, NHSRplotthedots' documented order: outside the limits,
trend, two of three, shift)."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

from pumpxl import xmr
from pumpxl.core.drafts import ROUTINE, draft
from pumpxl.core.interpret import read
from pumpxl.core.mdc import mdc_assurance, mdc_variation
from pumpxl.core.narrative import NAMED, period_label, span_label, status_line, step_phrase

FLAT = [10.0, 11.0, 10.0, 12.0, 11.0, 10.0, 11.0, 10.0, 12.0, 11.0, 10.0, 11.0]


def test_an_outlier_at_the_latest_value_is_special_cause_now() -> None:
    r = xmr([*FLAT, 30.0], direction="down")
    rd = read(r)
    assert rd.now == "concern"
    assert [s.rule for s in rd.latest] == ["outlier"]
    assert mdc_variation(rd) == "special cause concern high"
    assert rd.needs_attention
    assert status_line(rd).startswith("Concern: outlier above the limits (point 13)")


def test_a_run_that_ended_recently_is_not_hidden_behind_routine() -> None:
    # eight points above the centre, then two back at the old level
    values = [*FLAT, 14.0, 14.5, 14.0, 15.0, 14.5, 14.0, 14.5, 15.0, 11.0, 10.0]
    r = xmr(values, direction="up", rules={"long_run": 8})
    rd = read(r)
    assert rd.now == "common cause" and not rd.latest
    assert [(s.rule, s.assessment) for s in rd.recent] == [("long_run", "improvement")]
    assert mdc_variation(rd) == "common cause"  # MDC judges the latest value only
    assert "recent signal: Improvement: long run of 8 above" in status_line(rd)


def test_a_signal_older_than_the_window_is_not_recent() -> None:
    values = [*FLAT[:6], 14.0, 14.5, 14.0, 15.0, 14.5, 14.0, 14.5, 15.0, *FLAT]
    r = xmr(values, direction="up", rules={"long_run": 8})
    rd = read(r)
    assert rd.current and not rd.recent and not rd.latest
    assert read(r, window=20).recent == rd.current


def test_advice_to_recalculate_only_while_the_shift_is_in_force_and_unrecorded() -> None:
    shifted = [*FLAT, 14.0, 14.5, 14.0, 15.0, 14.5, 14.0, 14.5, 15.0, 14.5]
    r = xmr(shifted, rules={"long_run": 8})
    assert read(r).recalculate_from == 12
    recorded = xmr(shifted, phases=[12], rules={"long_run": 8})
    assert read(recorded).recalculate_from is None
    back = xmr([*shifted, 9.0, 9.5], rules={"long_run": 8})  # the latest value crossed back
    assert read(back).recalculate_from is None


def test_changes_since_the_previous_period() -> None:
    r = xmr([*FLAT, 30.0], direction="up")
    rd = read(r)
    assert [s.rule for s in rd.new] == ["outlier"] and not rd.ended
    after = read(xmr([*FLAT, 30.0, 11.0], direction="up"))
    assert [s.rule for s in after.ended] == ["outlier"] and not after.new
    assert read(xmr(FLAT)).previous_index == len(FLAT) - 2


def test_a_measure_without_a_better_direction_has_neither_and_no_assurance() -> None:
    r = xmr([*FLAT, 30.0], target=5.0)
    rd = read(r)
    assert rd.now == "neither" and rd.assurance is None
    assert mdc_variation(rd) == "special cause neither high" and mdc_assurance(rd) == ""


@pytest.mark.parametrize(
    ("target", "icon"), [(5.0, "pass"), (20.0, "fail"), (11.0, "hit and miss")]
)
def test_assurance_icons(target: float, icon: str) -> None:
    # lower is better: a target above the limits is passed every time
    r = xmr(FLAT, direction="down", target=target)
    assert mdc_assurance(read(r)) == {"pass": "fail", "fail": "pass"}.get(icon, icon)


def test_the_outlier_decides_the_icon_before_a_run() -> None:
    # limits from the first 12 values (CL 10.75): six values at 12.5 and one at 60 make a run
    # of 7 above, whose last point is also an outlier
    values = [*FLAT, 12.5, 12.5, 12.5, 12.5, 12.5, 12.5, 60.0]
    r = xmr(values, direction="up", rules={"preset": "pump", "long_run": 7}, baseline=12)
    assert {s.rule for s in r.signals if 18 in s.points} == {"outlier", "long_run", "short_run"}
    # the run is a step up (one event), judged with provisional limits from it: the latest
    # value stays an outlier above them, and the outlier decides the icon
    for provisional in (True, False):
        rd = read(r, provisional=provisional)
        assert rd.step is not None and rd.step.start == 12
        assert {s.rule for s in rd.latest} == {"outlier"}
        assert mdc_variation(rd) == "special cause improvement high"


series = st.lists(
    st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False).map(
        lambda v: round(v, 1)
    ),
    min_size=8,
    max_size=40,
)


@given(values=series, direction=st.sampled_from(["up", "down", "neutral"]), shift=st.integers(0, 30))
@settings(max_examples=200, deadline=None)
def test_drafts_never_contradict_the_reading(
    values: list[float], direction: str, shift: int
) -> None:
    values = values[: len(values) // 2] + [v + shift for v in values[len(values) // 2 :]]
    r = xmr(values, direction=direction)
    rd = read(r)
    d = draft(rd, owner="Ada")
    status = status_line(rd)
    if rd.now in ("no values", "too few values"):
        return
    live = [s for s in rd.special if rd.step is None or s not in rd.step.signals]
    if rd.drift is not None and rd.special:  # flat limits flag a drift: one event, one advice
        assert "trended limits" in d.action and "steady" in d.why
        assert status.endswith("(consider trended limits)")
    elif rd.step is not None or live:
        assert ROUTINE not in d.why and ROUTINE not in d.action
        for meaning in ("concern", "improvement", "neutral"):
            mine = [s for s in live if s.assessment == meaning]
            for s in mine[-NAMED:]:  # the latest ones named, with their periods
                assert span_label(rd.chart, s.first, s.last) in d.why
            if len(mine) > NAMED:  # the rest counted
                assert f"{len(mine) - NAMED} earlier" in d.why
        if rd.step is not None:
            assert step_phrase(rd) in d.why
            assert f"record a recalculation from {period_label(r, rd.step.start)}" in d.action
        elif rd.recalculate_from is not None:
            assert "recalculate the limits" in d.action
        good = rd.improvements() or (rd.step and rd.step.assessment == "improvement")
        assert ("Hold the gain" in d.action) == bool(good)
    else:
        assert d.why.startswith(ROUTINE)  # older signals are history, not a cause to chase
    if rd.latest or rd.step is not None or (rd.drift is not None and rd.special):
        assert not status.startswith(ROUTINE)
        assert status.split(":")[0] in {"Concern", "Improvement", "Signal"}
    elif rd.no_variation:  # every value the same: said so, with no limits to judge
        assert status.startswith("No variation: every value")
    else:
        assert status.startswith(ROUTINE)
    assert (mdc_variation(rd) == "common cause") == (not rd.latest and rd.step is None)


def test_a_step_is_one_event_not_a_concern_plus_an_improvement() -> None:
    values = [*FLAT, 14.0, 14.5, 14.0, 15.0, 14.5, 14.0, 14.5, 15.0]
    r = xmr(values, direction="down", rules={"long_run": 8})
    # the central line (about 12.2) straddles both levels: the first 12 values form a run
    # below it (an "improvement" for a lower-is-better measure), the last 8 a run above it
    assert [(s.rule, s.assessment) for s in r.signals] == [
        ("long_run", "improvement"), ("long_run", "concern")
    ]
    rd = read(r)
    assert rd.step is not None and rd.step.start == 12 and rd.step.assessment == "concern"
    # the levels are the means before and after: 10.75 and 14.4375
    assert rd.step.before == pytest.approx(10.75) and rd.step.after == pytest.approx(14.4375)
    assert not rd.shown  # no run is told on its own
    d = draft(rd, owner="Sofia Rossi")
    assert d.why == (
        "Not yet known: Sofia Rossi to find what changed at point 13 (the step up from about "
        "10.8 to about 14.4 since point 13)."
    )
    assert d.action.startswith("Once the cause is known, record a recalculation from point 13")
    assert "Investigate the cause of the concern" in d.action and "Hold the gain" not in d.action
    assert "improvement" not in d.why.lower()


def test_no_reading_without_values() -> None:
    rd = read(xmr(np.full(4, np.nan)))
    assert rd.now == "no values" and mdc_variation(rd) == "" and not rd.needs_attention
