"""The engine's settings, edge cases and errors. Expected numbers are worked by hand from the
XmR formulas (Wheeler; shown next to each assertion)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import pumpxl
from pumpxl import InputError, describe, read, status_line, xmr
from pumpxl.core.interpret import assurance_of


def rule_points(r: pumpxl.XmrResult, rule: str) -> list[int]:
    return sorted(p for s in r.signals if s.rule == rule for p in s.points)


# ------------------------------------------------------------------------------- edge cases


def test_no_values() -> None:
    r = xmr([])
    assert len(r) == 0 and r.signals == ()
    assert math.isnan(r.central_line) and math.isnan(r.unpl)
    assert describe(read(r)) == "No values yet."
    assert list(r.to_frame().columns)[:3] == ["value", "moving_range", "phase"]


def test_one_value_has_a_centre_but_no_limits() -> None:
    r = xmr([7.0])
    assert r.central_line == 7.0
    assert math.isnan(r.unpl) and math.isnan(r.mr_bar)
    assert "Too few values" in describe(read(r))
    assert status_line(read(r)) == "Too few values for limits"


def test_two_values_give_trial_limits() -> None:
    r = xmr([10, 14])  # CL 12, mR 4, limits 12 +/- 10.64, URL 13.072
    assert_allclose([r.central_line, r.unpl, r.lnpl, r.url], [12, 22.64, 1.36, 13.072])
    assert r.phases[0].trial and "Trial limits from 2 values" in describe(read(r))


def test_constant_series_has_zero_width_limits_and_no_signal() -> None:
    r = xmr([5.0] * 12)
    assert (r.central_line, r.unpl, r.lnpl, r.url) == (5.0, 5.0, 5.0, 0.0)
    assert r.signals == ()  # every point sits on the central line: no run, inside the limits


def test_all_missing() -> None:
    r = xmr([None, None, float("nan")])
    assert math.isnan(r.central_line) and r.signals == ()
    assert r.latest_index is None and describe(read(r)) == "No values yet."


def test_gap_breaks_adjacent_moving_ranges_by_default() -> None:
    r = xmr([10, 12, None, 11, 15])
    assert_allclose(r.moving_ranges, [np.nan, 2, np.nan, np.nan, 4])
    assert r.mr_bar == 3.0  # mean of 2 and 4
    assert r.central_line == 12.0


def test_gap_bridged_on_request() -> None:
    r = xmr([10, 12, None, 11, 15], missing="bridge")
    assert_allclose(r.moving_ranges, [np.nan, 2, np.nan, 1, 4])
    assert_allclose(r.mr_bar, 7 / 3)


def test_missing_point_neither_breaks_nor_extends_a_run() -> None:
    vals: list[float | None] = [1, 1, 1, 1, 1, 1, 1, 1, 10, 10, 10, None, 10, 10, 10, 10]
    r = xmr(vals, rules={"long_run": 7})
    assert rule_points(r, "long_run") == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15]


@pytest.mark.parametrize("scale", [1e-300, 1e-12, 1e12, 1e300])
def test_huge_and_tiny_magnitudes(scale: float) -> None:
    base = np.array([3.0, 5.0, 4.0, 6.0, 5.0, 40.0])  # CL 10.5? no: see below
    r = xmr(base * scale)
    ref = xmr(base)
    assert_allclose(
        [r.central_line, r.unpl, r.lnpl, r.url],
        np.array([ref.central_line, ref.unpl, ref.lnpl, ref.url]) * scale,
        rtol=1e-12,
    )
    assert [s.points for s in r.signals] == [s.points for s in ref.signals]


def test_values_near_float_max_do_not_overflow() -> None:
    # limits that fit below the float maximum (1.797e308); ones that would not are refused
    # (tests/test_edges.py)
    r = xmr([1.6e308, 1.62e308, 1.61e308, 1.63e308])
    assert all(math.isfinite(v) for v in (r.central_line, r.url, r.unpl, r.lnpl))
    assert_allclose(r.central_line, 1.615e308, rtol=1e-12)


# ------------------------------------------------------------------------------- settings


def test_phases_are_independent() -> None:
    a, b = [10, 12, 11, 13, 12], [30, 34, 31, 33, 35, 32]
    r = xmr(a + b, phases=[5])
    ra, rb = xmr(a), xmr(b)
    assert len(r.phases) == 2
    assert (r.phases[0].start, r.phases[0].stop, r.phases[1].start, r.phases[1].stop) == (
        0,
        5,
        5,
        11,
    )
    assert_allclose(r.phases[0].unpl, ra.unpl)
    assert_allclose(r.phases[1].unpl, rb.unpl)
    assert math.isnan(r.moving_ranges[5])  # the first mR of a phase spans nothing
    assert r.central_line == rb.central_line  # result attributes are the latest phase's


def test_phases_by_date_take_the_first_period_on_or_after() -> None:
    dates = pd.date_range("2024-01-01", periods=8, freq="MS")
    r = xmr([1, 2, 1, 2, 9, 8, 9, 8], dates=dates, phases=["2024-04-15"])
    assert r.phases[1].start == 4
    assert list(r.to_frame().index[:2]) == list(dates[:2])


def test_baseline_first_n_values_extended_forward() -> None:
    r = xmr([10, 12, 11, 13, 12, 50, 60, 70], baseline=5)
    # CL = 58/5 = 11.6; mR-bar = (2+1+2+1)/4 = 1.5; UNPL = 11.6 + 3.99
    assert_allclose([r.central_line, r.unpl], [11.6, 15.59])
    assert r.phases[0].baseline == (0, 5) and r.phases[0].stop == 8
    assert rule_points(r, "outlier") == [5, 6, 7]


def test_baseline_window_inside_the_series() -> None:
    r = xmr([99, 10, 12, 11, 13, 12, 14], baseline=(1, 6))
    # window values 10..12: CL 11.6; its first mR (99 -> 10) is outside the window
    assert_allclose([r.central_line, r.mr_bar], [11.6, 1.5])
    assert r.phases[0].n_moving_ranges == 4


def test_exclusions_leave_points_judged_but_out_of_the_limits() -> None:
    vals = [10, 12, 11, 40, 12, 11, 13]
    r = xmr(vals, exclude=[3])
    # CL from 10,12,11,12,11,13 = 11.5; mRs not touching point 3: 2, 1, 1, 2 -> 1.5
    assert_allclose([r.central_line, r.mr_bar], [11.5, 1.5])
    assert rule_points(r, "outlier") == [3]
    assert bool(r.to_frame()["excluded"].iloc[3])


def test_screening_drops_large_moving_ranges() -> None:
    vals = [10, 11, 10, 11, 10, 11, 10, 11, 10, 40, 10]
    plain, screened = xmr(vals), xmr(vals, screen_mr=True)
    # mRs: eight of 1, two of 30: mean 6.8; 3.267 x 6.8 = 22.2, so both 30s are dropped
    assert_allclose([plain.mr_bar, screened.mr_bar], [6.8, 1.0])
    assert screened.central_line == plain.central_line  # the points stay in the centre
    near_miss = [10, 11, 10, 11, 10, 30, 10, 11]  # mRs 1,1,1,1,20,20,1: 20 < 3.267 x 6.43
    assert xmr(near_miss, screen_mr=True).mr_bar == xmr(near_miss).mr_bar


def test_median_centre_and_dispersion() -> None:
    r = xmr([1, 2, 3, 10, 4], centre="median", dispersion="median")
    # median 3; mRs 1,1,7,6: median 3.5; UNPL 3 + 3.145 x 3.5
    assert_allclose([r.central_line, r.mr_bar, r.unpl, r.url], [3, 3.5, 14.0075, 13.5275])


def test_sigma_constants() -> None:
    r = xmr([10, 14], constants="sigma")
    assert_allclose([r.unpl, r.url], [12 + 3 / 1.128 * 4, 3.267 * 4])


def test_natural_bounds_clip_limits_and_mark_them() -> None:
    r = xmr([1, 0, 3, 0, 2, 5, 0], lower_bound=0)
    assert r.lnpl == 0.0 and r.phases[0].lnpl_is_bound
    assert not r.phases[0].unpl_is_bound
    assert "(bound)" in describe(read(r))


def test_value_beyond_a_natural_bound_is_an_error() -> None:
    with pytest.raises(InputError, match=r"beyond the natural upper bound 100 at index 2: 101"):
        xmr([90, 95, 101], upper_bound=100)


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("up", "improvement"),
        ("higher is better", "improvement"),
        ("down", "concern"),
        ("neutral", "neutral"),
    ],
)
def test_direction_assesses_signals(direction: str, expected: str) -> None:
    r = xmr([10, 11, 10, 11, 10, 11, 10, 30], direction=direction, rules={"outlier": True})
    (s,) = r.signals
    assert (s.moved, s.assessment) == ("up", expected)


@pytest.mark.parametrize(
    ("direction", "target", "assurance"),
    [
        ("up", 100, "consistently fail"),  # above UNPL, higher is better
        ("up", -100, "consistently pass"),
        ("down", 100, "consistently pass"),
        ("down", -100, "consistently fail"),
        ("up", 10.5, "hit and miss"),
        ("neutral", 100, None),  # no better direction, no assurance (Making Data Count)
        ("up", None, None),
    ],
)
def test_assurance(direction: str, target: float | None, assurance: str | None) -> None:
    r = xmr([10, 11, 10, 11, 10, 11], direction=direction, target=target)
    assert read(r).assurance == assurance == assurance_of(r)


def test_trajectory_target_uses_the_latest_step() -> None:
    r = xmr([10, 11, 10, 11, 10, 11], direction="up", target=[5, 5, 5, 50, 50, 50])
    assert r.latest_target == 50 and read(r).assurance == "consistently fail"


def test_description_reads_like_the_brief() -> None:
    r = xmr([82.0, 83.1, 81.4, 82.9, 82.3, 81.9, 82.6], direction="up", target=82.5, rules="pump")
    text = describe(read(r))
    assert text.startswith("No signals: the process runs predictably around 82.31 (limits")
    assert "target of 82.50 is inside the limits and will be met only by chance" in text


def test_advice_points_at_the_start_of_a_sustained_shift() -> None:
    vals = [10, 11, 9, 10, 11, 10, 9, 10, 11, 10, 20, 21, 19, 20, 21, 20, 19, 20]
    r = xmr(vals)
    rd = read(r)
    assert rd.recalculate_from == 10 and rd.step is not None and rd.step.start == 10
    assert len(r.phases) == 1  # advice only
    applied = xmr(vals, phases=[rd.recalculate_from])
    assert len(applied.phases) == 2 and read(applied).recalculate_from is None


def test_run_does_not_cross_a_phase_boundary() -> None:
    vals = [1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 1]
    # without phases: CL ~1.55: points 4..9 are a run of 6 above; with a phase at 4, the
    # first phase's four points cannot join the second phase's run
    r = xmr([5, 6, 5, 6, *vals], phases=[4], rules={"long_run": 6})
    assert all(s.phase == 1 for s in r.signals)


def test_on_limit_and_on_centre_conventions() -> None:
    sigs = pumpxl.find_signals([1, 2, 3], central_line=2, unpl=3, lnpl=1, rules={"outlier": True})
    assert sigs == []  # on the limit is inside by default
    sigs = pumpxl.find_signals(
        [1, 2, 3], central_line=2, unpl=3, lnpl=1, rules={"outlier": True, "on_limit": "outside"}
    )
    assert [s.points for s in sigs] == [(0,), (2,)]
    on_cl = [3, 3, 3, 2, 3, 3, 3]
    brk = pumpxl.find_signals(on_cl, central_line=2, unpl=9, lnpl=-5, rules={"long_run": 6})
    skip = pumpxl.find_signals(
        on_cl, central_line=2, unpl=9, lnpl=-5, rules={"long_run": 6, "on_centre": "skip"}
    )
    assert brk == [] and [s.points for s in skip] == [(0, 1, 2, 4, 5, 6)]


def test_short_run_three_of_four_beyond_halfway() -> None:
    # CL 0, limits +/-6: halfway at 3. Points 1,2,4 beyond; point 3 is not.
    sigs = pumpxl.find_signals(
        [0, 4, 4, 1, 4, 0, 0], central_line=0, unpl=6, lnpl=-6, rules={"short_run": (3, 4)}
    )
    assert [(s.points, s.moved) for s in sigs] == [((1, 2, 4), "up")]


def test_to_frame_has_one_row_per_point_and_rule_columns() -> None:
    f = xmr([1, 2, 3, 2, 1, 9], rules="wheeler").to_frame()
    assert len(f) == 6
    for col in (
        "value",
        "moving_range",
        "phase",
        "central_line",
        "unpl",
        "lnpl",
        "url",
        "outlier",
        "mr_outlier",
        "long_run",
        "short_run",
        "signal",
    ):
        assert col in f.columns
    # CL 3, mR-bar 2.4: UNPL 9.384 holds the 9, but its mR of 8 passes the URL of 7.84
    assert f["signal"].iloc[5] == "mr_outlier"
    assert f["signal"].iloc[0] == ""


# ------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"values": [1, "x", 3]}, r"not numbers at index 1: 'x'"),
        ({"values": [1, True, 3]}, r"not numbers at index 1: True"),
        ({"values": [1, float("inf")]}, r"infinite at index 1"),
        ({"values": [[1, 2], [3, 4]]}, r"one-dimensional"),
        ({"values": [1, 2, 3], "phases": [5]}, r"phases: index 5 is out of range for 3 values"),
        ({"values": [1, 2, 3, 4], "phases": [3]}, r"phase starting at index 3 holds 1 value"),
        ({"values": [1, 2, 3], "phases": ["2024-01"]}, r"no dates were given"),
        ({"values": [1, 2], "dates": ["2024-02-01", "2024-01-01"]}, r"strictly increasing"),
        ({"values": [1, 2], "dates": ["2024-01-01"]}, r"dates has 1 entries for 2 values"),
        ({"values": [1, 2, 3], "centre": "mode"}, r'centre must be one of "mean", "median"'),
        ({"values": [1, 2, 3], "rules": "western"}, r"unknown rule preset 'western'"),
        ({"values": [1, 2, 3], "rules": {"long_run": 1}}, r"long_run must be a whole number"),
        ({"values": [1, 2, 3], "rules": {"flux": 1}}, r"unknown rule setting"),
        ({"values": [1, 2, 3], "direction": "sideways"}, r"direction must be"),
        ({"values": [1, 2, 3], "baseline": 1}, r"baseline must hold at least 2"),
        ({"values": [1, 2, 3], "baseline": (2, 9)}, r"baseline \(2, 9\) must satisfy"),
        ({"values": [1, 2, 3, 4, 5, 6], "phases": [3], "baseline": (1, 5)}, r"crosses the phase"),
        ({"values": [1, 2, 3], "target": "high"}, r"target must be a number"),
        ({"values": [1, 2, 3], "lower_bound": 5, "upper_bound": 1}, r"must be below"),
    ],
)
def test_bad_input_raises_one_clear_error(kwargs: dict[str, object], match: str) -> None:
    values = kwargs.pop("values")
    with pytest.raises(InputError, match=match):
        xmr(values, **kwargs)  # type: ignore[arg-type]


def test_input_error_is_a_value_error_and_names_the_setting() -> None:
    with pytest.raises(ValueError) as info:
        xmr([1, 2, 3], phases=[9])
    assert isinstance(info.value, pumpxl.PumpxlError)
    assert info.value.setting == "phases"  # type: ignore[attr-defined]


def test_pandas_series_with_missing_values() -> None:
    s = pd.Series([1.0, None, 3.0, 4.0])
    r = xmr(s)
    assert np.isnan(r.values[1]) and r.central_line == pytest.approx(8 / 3)


# R's qbinom(0.05, m, 0.5), checked against exact integer sums; m = 23 (24 useful points) gives
# the 8 minimum crossings that qicharts2 prints for its vignette series.
def test_binomial_quantile_matches_small_and_large_cases() -> None:
    from math import comb

    from pumpxl.core.kernels import binom_quantile_05

    def exact(m: int) -> int:
        total = 0
        for x in range(m + 1):
            total += comb(m, x)
            if total * 20 >= 2**m:
                return x
        return m

    for m in (1, 2, 5, 9, 23, 99, 500, 3000):
        assert binom_quantile_05(m) == exact(m), m
    assert binom_quantile_05(23) == 8 and binom_quantile_05(9) == 2


@pytest.mark.parametrize(("k", "w"), [(3, 4), (2, 3), (8, 10), (9, 12)])
def test_k_of_w_windows_agree_with_a_plain_count(k: int, w: int) -> None:
    """Both window strategies (shifted slices for w <= 8, cumulative sums above) against a
    direct count of every window."""
    rng = np.random.default_rng(k * 100 + w)
    x = rng.normal(0, 1, 300)
    sigs = pumpxl.find_signals(x, central_line=0, unpl=3, lnpl=-3, rules={"short_run": (k, w)})
    got = sorted(p for s in sigs for p in s.points)
    above, below = x > 1.5, x < -1.5
    want = set()
    for side in (above, below):
        for j in range(len(x) - w + 1):
            if side[j : j + w].sum() >= k:
                want |= {j + i for i in range(w) if side[j + i]}
    assert got == sorted(want)
