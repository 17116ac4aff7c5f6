"""The shipped workbooks without pumpxl's add-in: LibreOffice recomputes every formula on load
(as it, Google Sheets or an Excel without the add-in would) and the XmR limits, phases,
moving ranges and signals still equal the engine's; no cell shows an error value; cells only
the add-in can fill say so.
The same formulas reproduce the published reference cases with each source's settings."""

from __future__ import annotations

import json
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import python_calamine as pc
import xlsxwriter
from libre import error_cells, recalculate

import pumpxl
from pumpxl.core.analysis import analyse
from pumpxl.core.example import example_model
from pumpxl.core.narrative import signal_labels
from pumpxl.core.rules import resolve_rules
from pumpxl.workbook.native import Columns, NativeSpec, native_block
from pumpxl.workbook.quick import NO_ADDIN, QUICK_VALUES
from pumpxl.workbook.xmr_layout import CHART_COL, NO_POINT
from pumpxl.workbook.xmr_sheet import NO_ADDIN_DESCRIBE

#: LibreOffice recalculating a workbook takes seconds: CI's second step runs these
SLOW = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "workbook_templates"
REF = Path(__file__).parent / "reference"



def number(v: Any) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan


def same(expected: float, got: Any) -> bool:
    g = number(got)
    if math.isnan(expected) or math.isnan(g):
        return math.isnan(expected) and math.isnan(g)
    return abs(expected - g) <= 1e-9 * max(1.0, abs(expected))


class Recalculated(dict[str, Path]):
    """name ("example", "template") -> that shipped workbook recalculated by LibreOffice,
    converted when a test first asks for it (a test worker converts only what it reads)."""

    def __init__(self, work: Path) -> None:
        super().__init__()
        self.work = work

    def __missing__(self, name: str) -> Path:
        self[name] = recalculate(TEMPLATES / f"pumpxl-{name}.xlsx", self.work / name)
        return self[name]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> Recalculated:
    return Recalculated(tmp_path_factory.mktemp("no-addin"))


def grid(path: Path, sheet: str) -> list[list[Any]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def blocks(rows: list[list[Any]]) -> dict[str, tuple[int, int]]:
    """Measure id -> (first, stop) rows of its block in the XmR sheet."""
    out = {}
    for i, row in enumerate(rows):
        if row[:2] == ["Period", "Value"] and i >= 2:
            mid = str(rows[i - 2][0]).split()[0]
            stop = i + 1
            while stop < len(rows) and rows[stop][0] not in ("", None):
                stop += 1
            out[mid] = (i + 1, stop)
    return out


@SLOW
@pytest.mark.parametrize("name", ["example", "template"])
def test_no_error_value_anywhere(recalculated: Recalculated, name: str) -> None:
    errors = error_cells(recalculated[name])
    assert set(errors) >= {"Data", "XmR", "Quick XmR"}
    assert {sheet: cells for sheet, cells in errors.items() if cells} == {}


@SLOW
def test_every_example_limit_equals_the_engine(recalculated: Recalculated) -> None:
    rows = grid(recalculated["example"], "XmR")
    found = blocks(rows)
    analysed = analyse(example_model())
    assert set(found) == set(analysed) and len(found) == 18
    for mid, a in analysed.items():
        first, stop = found[mid]
        r = a.xmr
        assert stop - first == len(r), mid
        labels = signal_labels(r)
        expected = {
            2: r.moving_ranges,
            3: (r.phase_index + 1).astype(float),
            4: r.per_point["central_line"],
            5: r.per_point["unpl"],
            6: r.per_point["lnpl"],
            7: r.per_point["url"],
        }
        for i in range(len(r)):
            row = rows[first + i]
            for c, column in expected.items():
                assert same(float(column[i]), row[c]), (mid, i, c, column[i], row[c])
            assert row[8] == labels[i], (mid, i)  # the formulas' own signal words
            for c, meaning in zip((10, 11, 12), ("improvement", "concern", "neutral"), strict=True):
                flagged = any(
                    s.assessment == meaning and i in s.points for s in r.signals
                )
                # no point: a number below every axis, which no spreadsheet draws
                assert row[c] == (r.values[i] if flagged else float(NO_POINT)), (mid, i, c)
        assert rows[first - 2][0] == NO_ADDIN_DESCRIBE  # says what the add-in would add
    assert sum(len(a.xmr.signals) for a in analysed.values()) >= 15  # signals were compared


def test_calc_charts_step_between_phases(example_calc: Path) -> None:
    """``pumpxl calc`` charts draw each phase's central line and limits as a line of its own
    (blank outside the phase), so phases meet as steps: the M01 chart has a line per phase
    and each covers exactly its phase's periods."""
    from pumpxl.workbook.cells import column_letter

    out = example_calc  # `pumpxl calc -o calc.xlsx` (tests/conftest.py)
    rows = grid(out, "XmR")
    first, stop = blocks(rows)["M01"]
    r = analyse(example_model())["M01"].xmr
    assert len(r.phases) == 2
    for k, p in enumerate(r.phases):
        for j, name in enumerate(("central_line", "unpl", "lnpl")):
            got = [rows[first + i][CHART_COL + 3 * k + j] for i in range(stop - first)]
            want = [r.per_point[name][i] if p.start <= i < p.stop else math.nan
                    for i in range(len(r))]  # fmt: skip
            assert all(same(w, g) for w, g in zip(want, got, strict=True)), (k, name)
    with zipfile.ZipFile(out) as z:
        charts = "".join(z.read(n).decode() for n in z.namelist() if "charts/chart" in n)
    for k in range(2):  # phase k's central line is one of the chart's series
        ref = f"XmR!${column_letter(CHART_COL + 3 * k)}${first + 1}:"
        assert ref in charts, ref


@SLOW
def test_every_rule_preset_and_awkward_series_in_the_workbook(tmp_path: Path) -> None:
    """The example with NHS, Wheeler and Anhoej rules on some measures, a measure with a run
    of gaps and trailing blanks, one with a single value, one with none, and one with
    exclusions and a gap: recalculated without the add-in, no error value, and every block
    equals the engine (Anhoej's runs analysis aside, which only the add-in computes)."""
    from dataclasses import replace

    from pumpxl.workbook.template import write_pump_workbook

    m = example_model()
    measures, series = dict(m.measures), dict(m.series)
    rules = {"M01": "nhs", "M02": "wheeler", "M03": "anhoej", "M04": "nhs"}
    for mid, preset in rules.items():
        measures[mid] = replace(measures[mid], rules=preset)
    free = [k for k in measures if k not in {rc.measure for rc in m.recalculations}]
    gaps, one, none_, excluded = free[1], free[2], free[3], free[4]
    v = series[gaps].values.copy()
    v[3:8] = v[-2:] = np.nan
    series[gaps] = replace(series[gaps], values=v)
    v = np.full(len(series[one]), np.nan)
    v[4] = 3.0
    series[one] = replace(series[one], values=v)
    series[none_] = replace(series[none_], values=np.full(len(series[none_]), np.nan))
    ex = series[excluded].exclude.copy()
    ex[[2, 3, 10]] = True
    v = series[excluded].values.copy()
    v[11] = np.nan
    series[excluded] = replace(series[excluded], exclude=ex, values=v)
    model = replace(m, measures=measures, series=series)
    path = tmp_path / "awkward.xlsx"
    write_pump_workbook(path, model)
    out = recalculate(path, tmp_path)
    assert {k: v for k, v in error_cells(out).items() if v} == {}
    rows = grid(out, "XmR")
    found = blocks(rows)
    for mid, a in analyse(model).items():
        r, (first, _) = a.xmr, found[mid]
        labels = signal_labels(r)
        for i in range(len(r)):
            row = rows[first + i]
            for c, column in (
                (2, r.moving_ranges), (4, r.per_point["central_line"]), (5, r.per_point["unpl"]),
                (6, r.per_point["lnpl"]), (7, r.per_point["url"]),
            ):  # fmt: skip
                assert same(float(column[i]), row[c]), (mid, i, c)
            if rules.get(mid) != "anhoej":
                assert row[8] == labels[i], (mid, i)


@SLOW
def test_the_quick_sheet_works_without_the_addin(recalculated: Recalculated) -> None:
    for name in ("example", "template"):
        rows = grid(recalculated[name], "Quick XmR")
        r = pumpxl.xmr(QUICK_VALUES)
        labels = signal_labels(r)
        for i in range(len(QUICK_VALUES)):
            row = rows[3 + i]
            assert same(r.per_point["central_line"][i], row[4])
            assert same(r.per_point["unpl"][i], row[5]) and same(r.per_point["lnpl"][i], row[6])
            assert same(r.moving_ranges[i], row[2]) and row[8] == labels[i]
        assert rows[3 + len(QUICK_VALUES)][2:9] == [""] * 7  # nothing below the last value
        latest = [r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar]
        assert all(same(e, g) for e, g in zip(latest, rows[3][10:15], strict=True))
        assert NO_ADDIN in rows[6][10] and NO_ADDIN in rows[9][10]


@SLOW
def test_edited_data_flow_through(tmp_path: Path) -> None:
    """A value typed into the Data sheet moves the limits and signals, as in Excel without
    the add-in: the example's first availability value made an outlier."""
    import openpyxl

    src = TEMPLATES / "pumpxl-example.xlsx"
    book = openpyxl.load_workbook(src)  # a copy for the test only; never a user's file
    data = book["Data"]
    row = next(r for r in range(2, data.max_row + 1) if data.cell(r, 1).value == "M01")
    data.cell(row, 3).value = 99.0
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    rows = grid(recalculate(edited, tmp_path), "XmR")
    first, _ = blocks(rows)["M01"]
    model = example_model()
    values = model.series["M01"].values.copy()
    values[0] = 99.0
    a = analyse(model)["M01"]
    r = pumpxl.xmr(
        values,
        dates=a.dates,
        phases=[a.dates[p.start] for p in a.xmr.phases[1:]] or None,
        exclude=np.flatnonzero(model.series["M01"].exclude).tolist() or None,
        direction=a.measure.direction,
        lower_bound=a.measure.lower_bound,
        upper_bound=a.measure.upper_bound,
    )
    assert not same(a.xmr.per_point["central_line"][0], r.per_point["central_line"][0])
    assert same(r.per_point["central_line"][0], rows[first][4])
    assert same(r.per_point["unpl"][0], rows[first][5])
    assert rows[first][8] == signal_labels(r)[0] != ""


# ------------------------------------------------------------- published cases, each setting


def case(name: str) -> dict[str, Any]:
    return json.loads((REF / f"{name}.json").read_text())


def reference_cases() -> dict[str, tuple[list[Any], dict[str, Any]]]:
    """Each published case with the settings its source used (as in test_reference_cases)."""
    out: dict[str, tuple[list[Any], dict[str, Any]]] = {}
    # Wheeler, Making Sense of Data p.130 fig 9.9 (statprocon tests/test_xmr.py)
    out["peak_flow"] = (case("wheeler_peak_flow")["values"], {})
    # Wheeler, Making Sense of Data p.145 s.10.2, median moving range (statprocon)
    out["median_mr"] = (case("wheeler_median_moving_range")["values"], {"dispersion": "median"})
    tables = {s["id"]: s for s in case("wheeler_making_sense_of_data_tables")["subcases"]}
    # Wheeler p.382 data set for verifying software; tables 8.1 and 9.2 (statprocon)
    out["software_p382"] = (tables["verifying_software_p382"]["values"], {})
    out["table_8_1"] = (tables["smoking_table_8_1_rule_2"]["values"], {"rules": "wheeler"})
    out["table_9_2"] = (tables["accounts_receivable_table_9_2"]["values"], {"rules": "wheeler"})
    # nhs-pycom/nhspy-plotthedots@bfdefe4: screened limits, fix_after_n_points as a baseline
    for i, sub in enumerate(case("nhspy_plotthedots_limit_unit_cases")["subcases"]):
        kw: dict[str, Any] = {"screen_mr": True}
        if sub.get("fix_after_n_points"):
            kw["baseline"] = sub["fix_after_n_points"]
        out[f"nhspy_{i}"] = (sub["values"], kw)
    # NHSRplotthedots@050b07d r1 / r3 (screened and not, NHS rules)
    nhsr = case("nhsr_rnorm20_plain_and_screening")
    out["nhsr_r1"] = (nhsr["values"], {"screen_mr": True, "rules": "nhs", "direction": "up"})
    changed = list(nhsr["values"])
    changed[14] = 10
    out["nhsr_r3"] = (changed, {"rules": "nhs"})
    # anhoej/qicharts2@1b9487e: sigma constants, screened (runs analysis is the add-in's)
    qic = case("qicharts2_vignette_shift_runs_signal")["values"]
    out["qicharts2"] = (qic, {"constants": "sigma", "screen_mr": True, "rules": "anhoej"})
    out["qicharts2_we"] = (qic, {"constants": "sigma", "screen_mr": True, "rules": {"long_run": 8}})
    return out


def generated_cases() -> dict[str, tuple[list[Any], dict[str, Any]]]:
    """Seeded series with shifts, trends, gaps, phases, exclusions, bounds and baselines,
    under every rule preset, direction and limit convention the engine offers."""
    rng = np.random.default_rng(2026)
    out: dict[str, tuple[list[Any], dict[str, Any]]] = {}
    for k in range(18):
        n = int(rng.integers(12, 80))
        x = rng.normal(50, 4, n)
        x[n // 2 :] += rng.choice([0.0, 6.0, -6.0])
        if k % 5 == 0:
            x[: n // 3] += np.arange(n // 3) * 1.5  # a trend
        x = np.round(x, int(rng.integers(0, 3)))
        values: list[Any] = x.tolist()
        for j in rng.choice(n, int(rng.integers(0, 4)), replace=False).tolist():
            values[j] = None
        kw: dict[str, Any] = {
            "rules": ("pump", "wheeler", "nhs")[k % 3],
            "direction": ("up", "down", "neutral")[k % 3 if k < 9 else (k + 1) % 3],
        }
        if k % 2:
            kw["phases"] = [int(n // 2)]
        if k % 4 == 1:
            kw["exclude"] = [int(rng.integers(0, n))]
        if k % 6 == 2:
            kw["lower_bound"], kw["upper_bound"] = 30.0, 64.0
        if k % 7 == 3:
            kw["baseline"] = int(rng.integers(5, 12))
        if k % 3 == 1:
            kw["centre"] = ("mean", "median")[k % 2]
            kw["dispersion"] = "median"
        if k % 8 == 5:
            kw["screen_mr"] = True
        if k in (4, 13):
            kw["constants"] = "sigma"
        if k == 16:
            kw["rules"] = {"preset": "pump", "on_limit": "outside", "two_of_three": (2, 3)}
        if k == 17:
            kw["rules"] = {"preset": "nhs", "trend": 5, "mr_outlier": True}
        out[f"gen_{k}"] = (values, kw)
    # trended limits (every phase): a steady drift, with phases, exclusions, a baseline,
    # bounds and an odd number of values among them
    for k, kind in enumerate(("half-averages", "least-squares") * 3):
        n = int(rng.integers(13, 60)) | (k == 2)
        x = np.round(40 + np.arange(n) * rng.choice([0.8, -0.6, 0.3]) + rng.normal(0, 2, n), 1)
        values = x.tolist()
        values[int(rng.integers(0, n))] = None
        kw = {"trend": kind, "rules": ("pump", "wheeler", "nhs")[k % 3],
              "direction": ("up", "down", "neutral")[k % 3]}  # fmt: skip
        if k in (1, 4):
            kw["phases"] = [n // 2]
        if k == 3:
            kw["exclude"] = [n // 3]
        if k == 4:
            kw["baseline"] = 8
        if k == 5:
            kw["lower_bound"] = 0.0
            kw["dispersion"] = "median"
        out[f"trend_{k}"] = (values, kw)
    return out


def write_cases(path: Path, cases: dict[str, tuple[list[Any], dict[str, Any]]]) -> dict[str, int]:
    """One sheet per case: values in B, phase numbers in D, Exclude in P, the native
    formulas beside them. Returns each sheet's signal-label column."""
    wb = xlsxwriter.Workbook(str(path))
    label_cols = {}
    for name, (values, kw) in cases.items():
        ws = wb.add_worksheet(name[:31])
        n = len(values)
        pid = np.ones(n, dtype=int)
        for start in kw.get("phases", []):
            pid[start:] += 1
        for i, v in enumerate(values):
            if v is not None:
                ws.write_number(i, 1, v)
            ws.write_number(i, 3, int(pid[i]))
            if i in kw.get("exclude", []):
                ws.write_string(i, 15, "Yes")
        spec = NativeSpec(
            rules=resolve_rules(kw.get("rules", "pump")),
            direction=kw.get("direction", "neutral"),
            centre=kw.get("centre", "mean"),
            dispersion=kw.get("dispersion", "mean"),
            constants=kw.get("constants", "wheeler"),
            screen_mr=kw.get("screen_mr", False),
            lower_bound=kw.get("lower_bound"),
            upper_bound=kw.get("upper_bound"),
            baseline=kw.get("baseline"),
            trend=kw.get("trend"),
        )
        cols = Columns(
            value=1, phase=3, mr=2, cl=4, unpl=5, lnpl=6, url=7, helpers=20,
            exclude=(lambda R: f"P{R}") if kw.get("exclude") else None,
        )  # fmt: skip
        block = native_block(spec, cols, 0, n)
        for c in block.cells:
            if c.array:
                ws.write_array_formula(c.row, c.col, c.row, c.col, c.formula, None, "")
            else:
                ws.write_formula(c.row, c.col, c.formula, None, "")
        label_cols[name] = block.label_col
    wb.close()
    return label_cols


def engine(values: list[Any], kw: dict[str, Any]) -> pumpxl.XmrResult:
    return pumpxl.xmr([math.nan if v is None else v for v in values], **kw)


@pytest.fixture(scope="module")
def native_cases(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, dict[str, int]]:
    work = tmp_path_factory.mktemp("native")
    cases = reference_cases() | generated_cases()
    labels = write_cases(work / "cases.xlsx", cases)
    return cases, recalculate(work / "cases.xlsx", work), labels


@SLOW
def test_formulas_equal_the_engine_on_every_case(
    native_cases: tuple[dict[str, Any], Path, dict[str, int]],
) -> None:
    cases, book, label_cols = native_cases
    wb = pc.CalamineWorkbook.from_path(str(book))
    checked = flagged = 0
    for name, (values, kw) in cases.items():
        rows = wb.get_sheet_by_name(name[:31]).to_python(skip_empty_area=False)
        r = engine(values, kw)
        labels = signal_labels(r)
        anhoej = "anhoej" in str(kw.get("rules"))
        for i in range(len(values)):
            row = rows[i]
            for c, column in (
                (2, r.moving_ranges),
                (4, r.per_point["central_line"]),
                (5, r.per_point["unpl"]),
                (6, r.per_point["lnpl"]),
                (7, r.per_point["url"]),
            ):
                assert same(float(column[i]), row[c]), (name, i, c, column[i], row[c])
            if not anhoej:
                assert (row[label_cols[name]] or "") == labels[i], (name, i)
                flagged += labels[i] != ""
            checked += 1
    assert checked > 900 and flagged > 100


@SLOW
def test_formulas_reproduce_the_published_figures(
    native_cases: tuple[dict[str, Any], Path, dict[str, int]],
) -> None:
    """The formulas against the sources' own numbers, not only against the engine."""
    _, book, _ = native_cases
    wb = pc.CalamineWorkbook.from_path(str(book))
    # Wheeler, Making Sense of Data p.130 fig 9.9, as statprocon asserts (1 dp)
    row = wb.get_sheet_by_name("peak_flow").to_python(skip_empty_area=False)[0]
    assert [round(row[c], 1) for c in (4, 5, 6, 7)] == [183.1, 322.3, 43.8, 171.1]
    # Wheeler p.382, "Data Set to Use When Verifying Software" (2 dp)
    row = wb.get_sheet_by_name("software_p382").to_python(skip_empty_area=False)[0]
    assert [round(row[c], 2) for c in (4, 5, 6, 7)] == [4135.5, 5082.28, 3188.72, 1163.19]
    # qicharts2 vignette summary: CL 1.057091 (7 significant digits)
    e = case("qicharts2_vignette_shift_runs_signal")["expected"]
    row = wb.get_sheet_by_name("qicharts2").to_python(skip_empty_area=False)[0]
    np.testing.assert_allclose([row[4], row[6], row[5]], [e["central_line"], e["LCL"], e["UCL"]], rtol=5e-7)


# ------------------------------------------------------------ the add-in's cells, as XML


@pytest.mark.parametrize("name", ["pumpxl-example.xlsx", "pumpxl-template.xlsx"])
def test_function_cells_are_dynamic_arrays(name: str) -> None:
    """Every pumpxl function cell is a dynamic-array formula (no implicit @ in Excel 365):
    ``cm`` pointing at the dynamic-array cell metadata, ``t="array"`` with its range, and
    wrapped in IFERROR so a spreadsheet without the add-in shows words."""
    with zipfile.ZipFile(TEMPLATES / name) as z:
        meta = z.read("xl/metadata.xml").decode()
        assert "XLDAPR" in meta and 'fDynamic="1"' in meta
        found = 0
        for part in z.namelist():
            if not part.startswith("xl/worksheets/sheet"):
                continue
            xml = z.read(part).decode()
            for attrs, f_attrs, text in re.findall(
                r'<c r="[A-Z]+\d+"([^>]*)><f([^>]*)>([^<]*XMR_[^<]*)</f>', xml
            ):
                assert 'cm="1"' in attrs, text
                assert 't="array"' in f_attrs and "ref=" in f_attrs, text
                assert text.startswith("IFERROR(XMR_"), text
                found += 1
    assert found == (3 if "template" in name else 2 * 18 + 3)
