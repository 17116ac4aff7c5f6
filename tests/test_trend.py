"""Trended limits (Wheeler's half-averages, or least squares): the published regional
examples of *Making Sense of Data* (tests/reference/wheeler_trended_limits.json), properties
that hold for any series, and what the charts and words show of a trended phase."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pumpxl import describe, read, xmr
from pumpxl.core.errors import InputError

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "wheeler_trended_limits.json").read_text()
)


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=lambda c: f"region {c['region']}")
def test_wheeler_regional_trended_limits(case: dict) -> None:
    """Making Sense of Data p.179: the slope, the half-averages the line passes through, the
    distance of the limits from it (book: one decimal) and the points outside them."""
    r = xmr(case["values"], **case["settings"])
    (p,) = r.phases
    if "slope" in case:
        assert p.slope == pytest.approx(case["slope"], abs=1e-9)
    else:
        assert round(p.slope, 2) == case["slope_book"]
    for t, level in case["half_averages"]:
        assert round(float(p.line_at(t)), 1) == level
    assert round(p.unpl - p.central_line, 1) == case["limit_distance_book"]
    assert round(p.central_line - p.lnpl, 1) == case["limit_distance_book"]
    outside = sorted({i for s in r.signals if s.rule == "outlier" for i in s.points})
    assert outside == case["outside_limits"]
    # the limits run parallel to the line, a slope's step apart from one period to the next
    per = r.per_point
    assert np.allclose(np.diff(per["central_line"]), p.slope)
    assert np.allclose(per["unpl"] - per["central_line"], p.unpl - p.central_line)


def test_flat_limits_on_a_trending_series_flag_what_trended_limits_explain() -> None:
    d = REFERENCE["cases"][0]["values"]
    assert len({i for s in xmr(d).signals for i in s.points}) >= 10
    assert xmr(d, trend="half-averages").signals == ()


line = st.tuples(
    st.floats(-50, 50), st.floats(-5, 5), st.integers(8, 60), st.integers(0, 2**32 - 1)
)


@settings(max_examples=60, deadline=None)
@given(line, st.floats(0, 3))
def test_a_straight_line_plus_noise_has_a_flat_residual_chart(case: tuple, sd: float) -> None:
    """What the trended central line leaves (value minus line) is flat: the same fit to it
    finds no slope, and it centres on zero; a perfectly straight line leaves nothing and no
    signal. (The limits' width uses the values' own moving ranges, as the book does.)"""
    level, slope, n, seed = case
    t = np.arange(n)
    x = level + slope * t + np.random.default_rng(seed).normal(0, 1, n) * sd
    scale = max(1.0, float(np.abs(x).max()))
    for kind in ("half-averages", "least-squares"):
        (p,) = xmr(x, trend=kind).phases
        residual = x - p.line_at(t)
        (q,) = xmr(residual, trend=kind).phases
        assert abs(q.slope) < 1e-9 * scale
        if kind == "least-squares" or n % 2 == 0:
            assert abs(residual.mean()) < 1e-9 * scale * n
    straight = xmr(level + slope * t, trend="half-averages")
    assert np.allclose(straight.per_point["central_line"], level + slope * t, atol=1e-9 * scale)
    if abs(slope) > 1e-6:  # (a constant has no moving range: limits of zero width)
        assert straight.signals == ()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=8, max_size=40), st.sampled_from(["half-averages", "least-squares"]))
def test_a_trend_of_zero_equals_ordinary_limits(values: list[float], kind: str) -> None:
    """A series with no trend (its fitted slope forced to zero by symmetry) gets the ordinary
    limits: the values mirrored make a palindrome, whose half-averages and least-squares
    slope are both zero."""
    x = np.array(values + values[::-1])
    flat, trended = xmr(x), xmr(x, trend=kind)
    (p,) = trended.phases
    assert p.slope == pytest.approx(0.0, abs=1e-9 * max(1.0, float(np.abs(x).max())))
    for name in ("central_line", "unpl", "lnpl", "url"):
        assert trended.per_point[name] == pytest.approx(flat.per_point[name], abs=1e-6)
    assert [s.points for s in trended.signals] == [s.points for s in flat.signals]


def test_trends_per_phase_and_their_checks() -> None:
    d = REFERENCE["cases"][0]["values"] + REFERENCE["cases"][1]["values"]
    r = xmr(d, phases=[20], trend=[None, "half-averages"])
    assert r.phases[0].slope == 0 and r.phases[0].trend is None
    assert r.phases[1].slope == pytest.approx(-29.48)
    assert r.phases[1].trend == "half-averages"
    with pytest.raises(InputError, match="one per phase"):
        xmr(d, phases=[20], trend=["half-averages"])
    with pytest.raises(InputError, match='"half-averages", "least-squares" or None'):
        xmr(d, trend="linear")
    with pytest.raises(InputError, match="not the median"):
        xmr(d, trend="half-averages", centre="median")
    with pytest.raises(InputError, match="at least 4 values"):
        xmr([1.0, 2.0, 3.0], trend="half-averages")


def test_a_flat_phase_that_drifts_gets_advice_and_stays_flat() -> None:
    d = REFERENCE["cases"][0]["values"]
    r = xmr(d)
    assert r.phases[0].trend is None and r.phases[0].slope == 0
    text = describe(read(r))
    assert "drift steadily (up about 13.7 a period" in text
    assert "consider trended limits" in text
    assert read(r).step is None  # a drift, not a step: a line fits better than two levels
    assert "drift" not in describe(read(xmr(d, trend="half-averages")))
    steady = [50, 52, 49, 51, 50, 53, 48, 50, 51, 49, 52, 50, 51, 49, 50, 52]
    assert "drift" not in describe(read(xmr(steady)))


def test_the_excel_functions_take_a_trend() -> None:
    from pumpxl.excel import xmr_limits, xmr_table

    d = REFERENCE["cases"][0]["values"]
    cells = [[v] for v in d]
    r = xmr(d, trend="half-averages")
    (row,) = xmr_limits(cells, trend="Half-averages")
    assert row == pytest.approx([r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar])
    table = xmr_table(cells, trend="half-averages")
    assert [t[2] for t in table] == pytest.approx(list(r.per_point["central_line"]))
    both = d + REFERENCE["cases"][1]["values"]
    per_phase = xmr_limits([[v] for v in both], phases=[[21]], trend=[["flat"], ["half-averages"]])
    two = xmr(both, phases=[20], trend=[None, "half-averages"])
    assert per_phase[0][0] == pytest.approx(two.central_line)
    assert "not 'linear'" in xmr_limits(cells, trend="linear")[0][0]


def test_the_workbook_sets_trends_per_measure_and_per_phase(tmp_path: Path) -> None:
    import shutil

    import openpyxl

    from pumpxl.workbook.reader import read_workbook

    src = Path(__file__).parents[1] / "workbook_templates" / "pumpxl-example.xlsx"
    result = read_workbook(src)
    m18 = result.analysed["M18"]
    assert m18.measure.trend == "half-averages"
    assert m18.xmr.phases[0].trend == "half-averages"
    assert m18.xmr.phases[0].slope == pytest.approx(9.728, abs=1e-3)
    assert "along a trend (up 9.7 a month, half-averages)" in describe(m18.reading)
    path = tmp_path / "trends.xlsx"
    shutil.copy(src, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Recalculations"]
    trend_col = [c.value for c in ws[1]].index("Trend") + 1
    ws.cell(2, trend_col, "Least-squares")  # M01's recalculation (Sep 2024)
    ws.cell(3, trend_col, "linear")
    wb.save(path)
    problems = read_workbook(path).problems
    assert [(p.where, p.code) for p in problems] == [
        (f"Recalculations!{chr(64 + trend_col)}3", "bad_choice")
    ]
    ws.cell(3, trend_col).value = None
    wb.save(path)
    fixed = read_workbook(path)
    assert fixed.problems == []
    phases = fixed.analysed["M01"].xmr.phases
    assert [p.trend for p in phases] == [None, "least-squares"]
