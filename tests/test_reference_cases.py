"""Published XmR cases, reproduced with the settings their sources used.

Every expectation here comes from a source that is not pumpxl; the JSON files in
tests/reference/ name the book page or the repository, commit and test file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

import pumpxl

REF = Path(__file__).parent / "reference"


def case(name: str) -> dict[str, Any]:
    return json.loads((REF / f"{name}.json").read_text())


def points(result: pumpxl.XmrResult | list[pumpxl.Signal], rule: str) -> list[int]:
    sigs = result.signals if isinstance(result, pumpxl.XmrResult) else result
    return sorted(p for s in sigs if s.rule == rule for p in s.points)


# Wheeler, Making Sense of Data, p.130 fig 9.9, as asserted by statprocon tests/test_xmr.py
# (test_peak_flow_rates): 1-dp values computed exactly (the book rounds intermediates).
def test_wheeler_peak_flow() -> None:
    c = case("wheeler_peak_flow")
    r = pumpxl.xmr(c["values"])
    e = c["expected"]
    assert_allclose(r.moving_ranges[1:], e["moving_ranges"][1:])
    assert np.isnan(r.moving_ranges[0])
    assert round(r.central_line, 1) == e["central_line_1dp"]
    assert round(r.mr_bar, 1) == e["mean_moving_range_1dp"]
    assert round(r.unpl, 1) == e["test_asserted_1dp"]["UNPL"]
    assert round(r.lnpl, 1) == e["test_asserted_1dp"]["LNPL"]
    assert round(r.url, 1) == e["test_asserted_1dp"]["URL"]


# Wheeler, Making Sense of Data, p.145 s.10.2 (median moving range), via statprocon
# tests/test_xmr.py::test_median_moving_range (3 dp).
def test_wheeler_median_moving_range() -> None:
    c = case("wheeler_median_moving_range")
    e = c["expected"]
    r = pumpxl.xmr(c["values"], dispersion="median")
    assert_allclose(r.moving_ranges[1:], e["moving_ranges"][1:], atol=1e-9)
    assert round(r.central_line, 3) == e["central_line"]
    assert round(r.mr_bar, 3) == e["median_moving_range"]
    # statprocon rounds the mean to 7.467 before adding 3.145 x 2.1, so its limits may differ
    # from the exact ones by up to half a unit in the third place plus that rounding.
    assert_allclose([r.unpl, r.lnpl], [e["UNPL"], e["LNPL"]], atol=1.5e-3)
    assert_allclose(r.url, e["URL"], atol=6e-4)  # exact 8.1165; statprocon rounds half-even


# Wheeler, Making Sense of Data p.382, "Data Set to Use When Verifying Software", and tables
# 8.1, 9.1, 9.2, as asserted by statprocon tests/test_xmr.py.
WHEELER_TABLES = {s["id"]: s for s in case("wheeler_making_sense_of_data_tables")["subcases"]}


def test_wheeler_software_verification_data_set() -> None:
    c = WHEELER_TABLES["verifying_software_p382"]
    e = c["expected"]
    r = pumpxl.xmr(c["values"])
    assert_allclose(r.moving_ranges[1:], e["moving_ranges"][1:])
    assert round(r.central_line, 2) == e["central_line"]
    assert round(r.mr_bar, 2) == e["mr_bar"]
    assert round(r.lnpl, 2) == e["LNPL"]
    assert round(r.unpl, 2) == e["UNPL"]
    assert round(r.url, 2) == e["URL"]


def test_wheeler_long_run_of_eight_table_8_1() -> None:
    c = WHEELER_TABLES["smoking_table_8_1_rule_2"]
    r = pumpxl.xmr(c["values"], rules="wheeler")
    assert points(r, "long_run") == c["expected"]["long_run_points"]


@pytest.mark.parametrize(
    "sub", ["accidents_table_9_1_group_a_vs_b_limits", "accidents_table_9_1_group_b_vs_a_limits"]
)
def test_wheeler_outliers_against_given_limits(sub: str) -> None:
    c = WHEELER_TABLES[sub]
    hi, lo = c["limits"]["UNPL"], c["limits"]["LNPL"]
    sigs = pumpxl.find_signals(
        c["values"], central_line=(hi + lo) / 2, unpl=hi, lnpl=lo, rules={"outlier": True}
    )
    assert points(sigs, "outlier") == c["expected"]["outlier_points"]


def test_wheeler_accounts_receivable_outliers_and_mr_outlier() -> None:
    c = WHEELER_TABLES["accounts_receivable_table_9_2"]
    r = pumpxl.xmr(c["values"], rules="wheeler")
    assert points(r, "outlier") == c["expected"]["outlier_points"]
    assert c["expected"]["not_outlier"] not in points(r, "outlier")
    assert points(r, "mr_outlier") == c["expected"]["mr_outlier_points"]


# nhs-pycom/nhspy-plotthedots@bfdefe4, tests/unittests/test_limits_calculations.py and
# test_pandas_spc_x_calc.py: screened limits (mR >= 3.267 x mean mR dropped), E2 2.66,
# fix_after_n_points as a baseline; exact floats.
NHSPY = case("nhspy_plotthedots_limit_unit_cases")["subcases"]


@pytest.mark.parametrize("sub", NHSPY, ids=[f"nhspy{i}" for i in range(len(NHSPY))])
def test_nhspy_plotthedots_limits(sub: dict[str, Any]) -> None:
    r = pumpxl.xmr(sub["values"], screen_mr=True, baseline=sub.get("fix_after_n_points"))
    e = sub["expected"]
    assert_allclose(r.central_line, e["mean"], rtol=1e-12)
    assert_allclose([r.lnpl, r.unpl], [e["lpl"], e["upl"]], rtol=1e-12, atol=1e-15)
    if "nlpl" in e:  # nhspy's "near limit" lines: two thirds of the way to each limit
        width = r.unpl - r.central_line
        assert_allclose(r.central_line + 2 / 3 * width, e["nupl"], rtol=1e-12)
        assert_allclose(r.central_line - 2 / 3 * width, e["nlpl"], rtol=1e-12)
    if "outside_limits" in e:
        assert points(r, "outlier") == e["outside_limits"]


# nhs-r-community/NHSRplotthedots@050b07d, tests/testthat/_snaps/ptd_spc_standard.md (r1, r2,
# r3) and _snaps/ptd_spc.md; inputs are R's set.seed(123); rnorm(20). Snapshot: 7 sig. digits.
def test_nhsr_plain_and_screened_limits() -> None:
    c = case("nhsr_rnorm20_plain_and_screening")
    e = c["expected"]
    r1 = pumpxl.xmr(c["values"], dates=c["dates"], screen_mr=True, rules="nhs", direction="up")
    assert_allclose(
        [r1.central_line, r1.lnpl, r1.unpl],
        [e["r1_screened"][k] for k in ("central_line", "LNPL", "UNPL")],
        rtol=5e-7,
    )
    assert e["r1_summary"]["common_cause"] == len(c["values"]) and r1.signals == ()
    changed = list(c["values"])
    changed[14] = 10
    r2 = pumpxl.xmr(changed, screen_mr=True, rules="nhs")
    assert_allclose(
        [r2.central_line, r2.lnpl, r2.unpl],
        [e["r2_screened"][k] for k in ("central_line", "LNPL", "UNPL")],
        rtol=5e-7,
    )
    r3 = pumpxl.xmr(changed, screen_mr=False, rules="nhs")
    assert_allclose(
        [r3.central_line, r3.lnpl, r3.unpl],
        [e["r3_unscreened"][k] for k in ("central_line", "LNPL", "UNPL")],
        rtol=5e-7,
    )


# anhoej/qicharts2@1b9487e, vignettes/qicharts2.Rmd and the rendered summary(o): qic(y,
# chart = "i") with screened moving ranges and sigma = mR-bar / 1.128; Anhoej runs analysis.
def test_qicharts2_runs_analysis_and_sigma_limits() -> None:
    c = case("qicharts2_vignette_shift_runs_signal")
    e = c["expected"]
    r = pumpxl.xmr(c["values"], constants="sigma", screen_mr=True, rules="anhoej")
    assert_allclose(
        [r.central_line, r.lnpl, r.unpl], [e["central_line"], e["LCL"], e["UCL"]], rtol=5e-7
    )
    two_sigma = (r.unpl - r.central_line) * 2 / 3
    assert_allclose(
        [r.central_line - two_sigma, r.central_line + two_sigma],
        [e["LCL95"], e["UCL95"]],
        rtol=5e-7,
    )
    assert points(r, "outlier") == []  # sigma_signal_count 0
    (runs,) = [s for s in r.signals if s.rule == "runs_anhoej"]
    assert len(runs.points) == e["runs"]["longest_run"]
    assert f"> {e['runs']['longest_run_max']}" in runs.detail
    assert f"{e['runs']['n_crossings']} crossings < {e['runs']['n_crossings_min']}" in runs.detail
    # "the shift is also picked up by WE rule 4" (eight in a row on one side)
    we = pumpxl.xmr(c["values"], constants="sigma", screen_mr=True, rules={"long_run": 8})
    assert points(we, "long_run")


# NHSRplotthedots@050b07d tests/testthat/test-ptd_calculate_point_type.R and PowerBI-SPC@478773a
# test/Outlier Flagging/shift.test.ts, twoInThree.test.ts.
SHIFT = case("shift_and_two_in_three_unit_cases")["subcases"]


def test_nhsr_seven_on_one_side() -> None:
    flagged8 = points(
        pumpxl.find_signals(
            SHIFT[0]["relative_to_mean"], central_line=0, unpl=9, lnpl=-9, rules={"long_run": 7}
        ),
        "long_run",
    )
    # end markers at positions 6 and 7 mean the run of 8 is a signal; every point is flagged
    assert flagged8 == [0, 1, 2, 3, 4, 5, 6, 7]
    short = pumpxl.find_signals(
        SHIFT[1]["relative_to_mean"], central_line=0, unpl=9, lnpl=-9, rules={"long_run": 7}
    )
    assert short == []


def test_nhsr_two_in_three_opposite_sides_is_not_a_signal() -> None:
    r = pumpxl.xmr(SHIFT[2]["values"], rules="nhs", screen_mr=True)
    last_two = {len(SHIFT[2]["values"]) - 2, len(SHIFT[2]["values"]) - 1}
    assert not last_two & set(points(r, "two_of_three"))


@pytest.mark.parametrize("sub", SHIFT[3:5], ids=["powerbi_shift5", "powerbi_shift4_reset"])
def test_powerbi_shift(sub: dict[str, Any]) -> None:
    sigs = pumpxl.find_signals(
        sub["values"], central_line=sub["targets"], unpl=99, lnpl=-99, rules={"long_run": sub["n"]}
    )
    expected = [i for i, f in enumerate(sub["expected"]["flags"]) if f == "upper"]
    assert points(sigs, "long_run") == expected
    assert all(s.moved == "up" for s in sigs)


def test_powerbi_two_in_three() -> None:
    sub = SHIFT[5]
    # ul95/ll95 are the two-thirds lines: CL 5, so the limits lie at 5 +/- 7.5
    sigs = pumpxl.find_signals(
        sub["values"], central_line=5, unpl=12.5, lnpl=-2.5, rules={"two_of_three": (2, 3)}
    )
    expected = [
        i for i, f in enumerate(sub["expected"]["flags_highlight_series_false"]) if f == "upper"
    ]
    assert points(sigs, "two_of_three") == expected


# NHSRplotthedots@050b07d (ptd_seven_point_trend, ptd_part_of_seven_trend) and
# PowerBI-SPC@478773a test/Outlier Flagging/trend.test.ts.
TREND = case("trend_rule_unit_cases")["subcases"]


@pytest.mark.parametrize("sub", TREND, ids=[f"{s['tool']}{i}" for i, s in enumerate(TREND)])
def test_trend_cases(sub: dict[str, Any]) -> None:
    n = sub.get("n", 7)
    sigs = pumpxl.find_signals(
        sub["values"], central_line=0, unpl=1e9, lnpl=-1e9, rules={"trend": n}
    )
    e = sub["expected"]
    if "flags" in e:
        up = [i for i, f in enumerate(e["flags"]) if f == "upper"]
        down = [i for i, f in enumerate(e["flags"]) if f == "lower"]
        got_up = sorted(p for s in sigs if s.moved == "up" for p in s.points)
        got_down = sorted(p for s in sigs if s.moved == "down" for p in s.points)
        assert (got_up, got_down) == (up, down)
    else:
        if "flagged" in e:
            assert points(sigs, "trend") == e["flagged"]
        markers = e["trend_end_marker"]
        for i, m in enumerate(markers):
            if m:
                (s,) = [s for s in sigs if i in s.points]
                assert s.moved == ("up" if m > 0 else "down")
        if not any(markers):
            assert sigs == []
