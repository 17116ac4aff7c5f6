"""Invariants of the engine, checked with hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import pumpxl

values = st.lists(st.integers(min_value=-1000, max_value=1000).map(float), min_size=2, max_size=60)
presets = st.sampled_from(["pump", "wheeler", "nhs", "anhoej"])


def signal_key(r: pumpxl.XmrResult) -> list[tuple[str, tuple[int, ...], str]]:
    return [(s.rule, s.points, s.moved) for s in r.signals]


def near_a_threshold(r: pumpxl.XmrResult) -> bool:
    """True when a value lies within rounding distance of a line a rule compares it with, so
    that a shift by a constant could move it across."""
    x = r.values
    frame = r.to_frame()
    cl, hi = frame["central_line"].to_numpy(), frame["unpl"].to_numpy()
    width = hi - cl
    lines = [cl + f * width for f in (-1, -2 / 3, -0.5, 0, 0.5, 2 / 3, 1)]
    tol = 1e-7 * (1 + np.abs(x).max())
    return any(np.any(np.abs(x - line) < tol) for line in lines)


@given(values, st.integers(-(10**6), 10**6).map(float), presets)
@settings(max_examples=150, deadline=None)
def test_adding_a_constant_shifts_lines_and_keeps_signals(
    xs: list[float], c: float, preset: str
) -> None:
    a = pumpxl.xmr(xs, rules=preset)
    assume(not near_a_threshold(a))
    b = pumpxl.xmr([v + c for v in xs], rules=preset)
    assert_allclose(b.central_line, a.central_line + c, rtol=1e-9, atol=1e-6)
    assert_allclose([b.unpl, b.lnpl], [a.unpl + c, a.lnpl + c], rtol=1e-9, atol=1e-6)
    assert_allclose(b.url, a.url, rtol=1e-9, atol=1e-6)
    assert signal_key(a) == signal_key(b)


@given(values, st.integers(-30, 30), presets)
@settings(max_examples=150, deadline=None)
def test_positive_scaling_scales_lines_and_keeps_signals(
    xs: list[float], power: int, preset: str
) -> None:
    k = 2.0**power  # a power of two scales floats exactly
    a = pumpxl.xmr(xs, rules=preset)
    b = pumpxl.xmr([v * k for v in xs], rules=preset)
    assert_allclose(
        [b.central_line, b.unpl, b.lnpl, b.url],
        np.array([a.central_line, a.unpl, a.lnpl, a.url]) * k,
        rtol=1e-12,
    )
    assert signal_key(a) == signal_key(b)


@given(
    st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), min_size=0, max_size=80),
    st.sampled_from(["mean", "median"]),
    st.sampled_from(["mean", "median"]),
    st.booleans(),
    st.sampled_from(["break", "bridge"]),
)
@settings(max_examples=200, deadline=None)
def test_limits_are_ordered(
    xs: list[float | None], centre: str, dispersion: str, screen: bool, missing: str
) -> None:
    r = pumpxl.xmr(
        xs,
        centre=centre,
        dispersion=dispersion,
        screen_mr=screen,  # type: ignore[arg-type]
        missing=missing,
    )  # type: ignore[arg-type]
    for p in r.phases:
        if p.has_limits:
            assert p.lnpl <= p.central_line <= p.unpl
            assert p.url >= 0
    assert len(r.to_frame()) == len(xs)


@given(values, values, presets)
@settings(max_examples=150, deadline=None)
def test_phases_are_independent_and_runs_stay_inside_them(
    first: list[float], second: list[float], preset: str
) -> None:
    joined = pumpxl.xmr(first + second, phases=[len(first)], rules=preset)
    alone_a = pumpxl.xmr(first, rules=preset)
    alone_b = pumpxl.xmr(second, rules=preset)
    pa, pb = joined.phases
    assert_allclose(
        [pa.central_line, pa.unpl, pa.url],
        [alone_a.central_line, alone_a.unpl, alone_a.url],
        rtol=1e-12,
    )
    assert_allclose(
        [pb.central_line, pb.unpl, pb.url],
        [alone_b.central_line, alone_b.unpl, alone_b.url],
        rtol=1e-12,
    )
    shifted = [
        (s.rule, tuple(p - len(first) for p in s.points), s.moved)
        for s in joined.signals
        if s.phase == 1
    ]
    assert shifted == signal_key(alone_b)
    assert [k for k in signal_key(joined) if k[1][0] < len(first)] == signal_key(alone_a)
    for s in joined.signals:
        assert all(joined.phase_index[p] == s.phase for p in s.points)


@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=40), presets)
@settings(max_examples=100, deadline=None)
def test_every_signal_is_well_formed(xs: list[float], preset: str) -> None:
    r = pumpxl.xmr(xs, rules=preset, direction="up")
    for s in r.signals:
        assert s.rule in pumpxl.RULE_NAMES and s.moved in ("up", "down")
        assert list(s.points) == sorted(set(s.points)) and s.points
        assert s.assessment == ("improvement" if s.moved == "up" else "concern")
        assert r.flags[s.rule][np.searchsorted(np.flatnonzero(~np.isnan(r.values)), s.points)].all()
