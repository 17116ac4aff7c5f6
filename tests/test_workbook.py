"""The PuMP workbook: template and example, reading, checking, computing."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import python_calamine as pc

import pumpxl
from pumpxl.cli import main
from pumpxl.core.analysis import analyse
from pumpxl.core.audit import audit
from pumpxl.core.example import example_model
from pumpxl.core.narrative import status_line
from pumpxl.workbook.build import EXAMPLE_NAME, TEMPLATE_NAME, build_all
from pumpxl.workbook.layout import SHEETS
from pumpxl.workbook.plain import read_plain
from pumpxl.workbook.reader import load_workbook, read_workbook

REPO = Path(__file__).resolve().parents[1]


def cells(path: Path) -> dict[str, list[list[Any]]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def charts_in(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        return sum(1 for n in z.namelist() if n.startswith("xl/charts/chart"))


# ---------------------------------------------------------------------- template and example


def test_committed_workbooks_match_a_fresh_build(tmp_path: Path) -> None:
    build_all(tmp_path)
    for name in (TEMPLATE_NAME, EXAMPLE_NAME):
        committed, fresh = REPO / "workbook_templates" / name, tmp_path / name
        assert cells(committed) == cells(fresh), f"{name}: run workbook_templates/build.py"
        assert charts_in(committed) == charts_in(fresh)


def test_template_has_the_pump_sheets_as_tables_with_dropdowns() -> None:
    wb = openpyxl.load_workbook(REPO / "workbook_templates" / TEMPLATE_NAME)
    for spec in SHEETS:
        ws = wb[spec.name]
        assert spec.table in ws.tables, spec.name
        assert [c.value for c in ws[1]][: len(spec.columns)] == [c.header for c in spec.columns]
        assert ws.freeze_panes == "A2"
    lists = {dv.formula1 for dv in wb["Measures"].data_validations.dataValidation}
    assert '"Higher is better,Lower is better,Neutral"' in lists
    assert '"Outcome,Output,Activity"' in lists
    assert wb.sheetnames[0] == "How to"


def test_example_round_trips_into_the_same_model(example_xlsx: Path) -> None:
    model, expected = load_workbook(example_xlsx), example_model()
    assert model.settings == expected.settings
    assert model.results == expected.results
    assert model.measures == expected.measures
    assert model.targets == expected.targets
    assert model.commentary == expected.commentary
    assert model.recalculations == expected.recalculations
    assert model.audiences == expected.audiences
    for mid, s in expected.series.items():
        got = model.series[mid]
        np.testing.assert_array_equal(got.values, s.values)
        np.testing.assert_array_equal(got.exclude, s.exclude)
        assert (got.dates.astype("datetime64[D]") == s.dates.astype("datetime64[D]")).all()


def test_example_is_a_realistic_pump_system() -> None:
    model = example_model()
    analysed = analyse(model)
    layers = {r.layer for r in model.results.values()}
    assert layers == {"purpose", "strategic", "process", "team"}
    assert 12 <= len(model.measures) <= 20
    assert {m.type for m in model.measures.values()} == {"outcome", "output", "activity"}
    assert {"Board", "IT management", "Service desk team", "Customer forum"} <= set(model.audiences)
    rules = {s.rule for a in analysed.values() for s in a.xmr.signals}
    assert {"outlier", "long_run"} <= rules
    assert any(len(a.xmr.phases) > 1 for a in analysed.values())
    assurances = {a.reading.assurance for a in analysed.values()}
    assert {"consistently fail", "consistently pass", "hit and miss"} <= assurances
    assert any(a.measure.frequency == "weekly" for a in analysed.values())


def test_check_on_the_example_is_clean(example_xlsx: Path, capsys: Any) -> None:
    assert main(["check", str(example_xlsx)]) == 0
    out = capsys.readouterr().out
    assert "no problems; 18 measures" in out and "warnings" not in out
    assert audit(load_workbook(example_xlsx)) == []


def test_example_shows_each_measures_xmr_chart(example_xlsx: Path) -> None:
    assert charts_in(example_xlsx) == len(example_model().measures)


# ---------------------------------------------------------------------------- broken input


@pytest.fixture(scope="module")
def small_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A three-measure PuMP workbook to break in different ways (the fault corpus' base)."""
    from faults import base_workbook

    return base_workbook(tmp_path_factory.mktemp("small"))


def broken(src: Path, tmp: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb)
    out = tmp / "broken.xlsx"
    wb.save(out)
    return out


def set_cells(**sheets: dict[str, Any]) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        for sheet, values in sheets.items():
            for ref, v in values.items():
                wb[sheet][ref] = v

    return edit


# Data rows: M02 periods are rows 2-37, M03 rows 38-73, M05 rows 74-109 (36 months each).
FAULTS = [
    ("unknown_measure", set_cells(Data={"A5": "M99"}), "Data!A5", "'M99' is not a measure"),
    (
        "duplicate_period",
        set_cells(Data={"B6": dt.datetime(2023, 4, 1)}),
        "Data!B6",
        "period 2023-04-01 appears twice",
    ),
    (
        "unordered_period",
        set_cells(Data={"B10": dt.datetime(2022, 1, 1)}),
        "Data!B10",
        "comes after",
    ),
    ("not_a_number", set_cells(Data={"C12": "about 80"}), "Data!C12", "'about 80' is text"),
    ("not_a_number", set_cells(Data={"C13": "81.5"}), "Data!C13", "number stored as text"),
    (
        "formula_no_result",
        set_cells(Data={"C14": "=1/0"}),
        "Data!C14",
        "formula with no saved result",
    ),
    (
        "beyond_bound",
        set_cells(Data={"C15": 104.0}),
        "Data!C15",
        "above the measure's natural upper bound 100",
    ),
    ("not_a_date", set_cells(Data={"B16": "13/2023"}), "Data!B16", "is not a date"),
    (
        "unknown_result",
        set_cells(Results={"E3": "R1, R42"}),
        "Results!E3",
        "'R42', which is not a result ID",
    ),
    ("cycle", set_cells(Results={"E2": "R5"}), "Results", "cycle"),
    ("unknown_measure", set_cells(Targets={"A2": "Nope"}), "Targets!A2", "'Nope' is not a"),
    (
        "bad_choice",
        set_cells(Measures={"K2": "Up please"}),
        "Measures!K2",
        "'Up please' is not one of",
    ),
    (
        "unknown_audience",
        set_cells(Measures={"Q3": "Board, Martians"}),
        "Measures!Q3",
        "'Martians' is not an audience",
    ),
    ("unknown_result", set_cells(Measures={"C4": "R77"}), "Measures!C4", "'R77' is not a result"),
]


@pytest.mark.parametrize(
    ("code", "edit", "where", "text"), FAULTS, ids=[f"{f[0]}-{f[2]}" for f in FAULTS]
)
def test_each_fault_is_reported_with_its_cell(
    small_xlsx: Path, tmp_path: Path, code: str, edit: Any, where: str, text: str
) -> None:
    path = broken(small_xlsx, tmp_path, edit)
    problems = read_workbook(path).problems
    hits = [p for p in problems if p.code == code and p.where.startswith(where)]
    assert hits, [str(p) for p in problems]
    assert text in hits[0].message


def test_all_problems_are_collected_in_one_pass(
    small_xlsx: Path, tmp_path: Path, capsys: Any
) -> None:
    def many(wb: openpyxl.Workbook) -> None:
        for _, edit, _, _ in FAULTS[:9]:
            if edit is not FAULTS[2][1]:  # an unordered period also duplicates; keep one
                edit(wb)

    path = broken(small_xlsx, tmp_path, many)
    problems = read_workbook(path).problems
    codes = {p.code for p in problems}
    # (the duplicate period at B6 is masked: its twin at row 5 now names the unknown M99)
    assert {
        "unknown_measure",
        "not_a_number",
        "formula_no_result",
        "beyond_bound",
        "not_a_date",
        "unknown_result",
    } <= codes
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Data!C14" in out and "Data!A5" in out and "Traceback" not in out


def test_excel_error_values_are_not_read_as_blanks(tmp_path: Path) -> None:
    """Excel saves a formula's error result (t="e"); calamine alone would read it as blank."""
    import xlsxwriter

    path = tmp_path / "errors.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["Measure", "Period", "Value"])
    for i, v in enumerate([5.0, 6.0, 5.5]):
        ws.write_string(i + 1, 0, "Calls")
        ws.write_datetime(i + 1, 1, dt.datetime(2024, i + 1, 1), date_format)
        if i == 1:
            ws.write_formula(i + 1, 2, "=1/0", None, "#DIV/0!")
        else:
            ws.write_number(i + 1, 2, v)
    wb.close()
    with pytest.raises(pumpxl.WorkbookError) as info:
        read_plain(path, layout="long")
    assert [(p.where, p.code) for p in info.value.problems] == [("Data!C3", "error_value")]
    assert "#DIV/0!" in info.value.problems[0].message


def test_missing_sheet_and_missing_column(small_xlsx: Path, tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        del wb["Results"]
        wb["Data"]["C1"] = "Amount"

    problems = read_workbook(broken(small_xlsx, tmp_path, edit)).problems
    text = [str(p) for p in problems]
    assert any('has no sheet "Results"' in t for t in text)
    assert any(p.where == "Data!1" and "missing column(s) Value" in p.message for p in problems), (
        text
    )


def test_recalculation_leaving_one_value_is_reported(small_xlsx: Path, tmp_path: Path) -> None:
    path = broken(
        small_xlsx,
        tmp_path,
        set_cells(Recalculations={"A5": "M02", "B5": dt.datetime(2025, 12, 1)}),
    )
    problems = read_workbook(path).problems
    assert any(
        p.measure == "Customer satisfaction" and "holds 1 value" in p.message for p in problems
    ), [str(p) for p in problems]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not an .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted"),
        (b"PK\x03\x04garbage", "damaged or truncated"),
        (b"just some text\n", "not an .xlsx workbook"),
    ],
    ids=["empty", "ole", "truncated", "text"],
)
def test_files_that_are_not_workbooks(
    tmp_path: Path, content: bytes, message: str, capsys: Any
) -> None:
    path = tmp_path / "input.xlsx"
    path.write_bytes(content)
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


# ------------------------------------------------------------------------------ commands


def test_commands_never_modify_the_input(
    example_xlsx: Path, tmp_path: Path, digest: Callable[[Path], str]
) -> None:
    src = tmp_path / "mine.xlsx"
    shutil.copy(example_xlsx, src)
    before = digest(src)
    assert main(["check", str(src)]) == 0
    assert main(["calc", str(src), "-o", str(tmp_path / "out.xlsx")]) == 0
    assert digest(src) == before


def test_calc_output_holds_every_measures_xmr(example_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "xmr.xlsx"
    assert main(["calc", str(example_xlsx), "-o", str(out)]) == 0
    analysed = analyse(load_workbook(example_xlsx))
    assert charts_in(out) == len(analysed)
    sheets = cells(out)
    summary = {r[0]: r for r in sheets["Summary"][4:] if r and r[0]}
    for mid, a in analysed.items():
        row = summary[mid]
        assert row[1] == a.measure.name
        # the chart as its reading tells it: provisional limits after an unrecorded step
        assert row[4] == pytest.approx(a.chart.central_line)
        assert row[5] == pytest.approx(a.chart.lnpl)
        assert row[6] == pytest.approx(a.chart.unpl)
        if a.reading.provisional is None:
            assert a.chart is a.xmr
        assert row[7] == status_line(a.reading)
    # the XmR sheet holds each measure's per-point limits, equal to the engine's
    grid = sheets["XmR"]
    starts = [i for i, r in enumerate(grid) if r and str(r[0]).startswith("M03 ")]
    head = starts[0] + 2
    r = analysed["M03"].xmr
    got = np.array([row[4] for row in grid[head + 1 : head + 1 + len(r)]], dtype=float)
    np.testing.assert_allclose(got, r.to_frame()["central_line"].to_numpy())
    flagged = [i for i, row in enumerate(grid[head + 1 : head + 1 + len(r)]) if row[8]]
    assert flagged == sorted({p for s in r.signals for p in s.points})


def test_outputs_are_not_overwritten_unless_asked(
    example_xlsx: Path, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "out.xlsx"
    out.write_text("precious")
    assert main(["calc", str(example_xlsx), "-o", str(out)]) == 1
    assert out.read_text() == "precious"
    assert "already exists" in capsys.readouterr().err
    assert main(["calc", str(example_xlsx), "-o", str(out), "--force"]) == 0
    assert zipfile.is_zipfile(out)
    assert not list(tmp_path.glob(".out.xlsx.*.part"))


def test_new_writes_the_template_and_refuses_to_clobber(tmp_path: Path) -> None:
    path = tmp_path / "mine.xlsx"
    assert main(["new", str(path)]) == 0
    assert read_workbook(path).problems == []
    assert main(["new", str(path)]) == 1


def test_cli_runs_as_a_program_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("nope")
    proc = subprocess.run(
        [sys.executable, "-m", "pumpxl.cli", "check", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "not an .xlsx workbook" in proc.stderr and "Traceback" not in proc.stderr


# ----------------------------------------------------------------------------- plain sheets


def test_plain_wide_csv(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("Month,Calls,Wait\n2024-01,100,30\n2024-02,110,\n2024-03,95,28\n")
    model = read_plain(path, layout="wide")
    assert list(model.measures) == ["Calls", "Wait"]
    np.testing.assert_array_equal(model.series["Wait"].values, [30, np.nan, 28])


def test_plain_long_sheet_with_problems(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Measure", "Period", "Value"])
    ws.append(["Calls", dt.datetime(2024, 1, 1), 100])
    ws.append(["Calls", dt.datetime(2024, 2, 1), "n/a"])
    ws.append(["Calls", "Feb 2024", 99])
    path = tmp_path / "long.xlsx"
    wb.save(path)
    with pytest.raises(pumpxl.WorkbookError) as info:
        read_plain(path, layout="long")
    text = [str(p) for p in info.value.problems]
    assert any("Sheet!C3" in t and "'n/a' is text" in t for t in text), text
    assert any("Sheet!C4" in t and "appears twice" in t for t in text), text


def test_plain_csv_through_calc(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    rows = "\n".join(
        f"2024-{m:02d}-01,{v}"
        for m, v in zip(range(1, 13), [5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 19, 6], strict=True)
    )
    path.write_text("Period,Defects\n" + rows + "\n")
    out = tmp_path / "out.xlsx"
    assert main(["calc", str(path), "--plain", "wide", "-o", str(out)]) == 0
    summary = cells(out)["Summary"]
    assert summary[4][0] == "Defects" and "an outlier above the limits (a signal, Nov 2024)" in summary[4][11]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01", dt.date(2024, 3, 1)),
        ("2024-03", dt.date(2024, 3, 1)),
        ("Mar 2024", dt.date(2024, 3, 1)),
        ("March 2024", dt.date(2024, 3, 1)),
        ("Sept 2024", dt.date(2024, 9, 1)),
        ("Janvier 2024", None),
        ("Marzo 2024", None),
        ("03/01/2024", None),
        ("2024-02-30", None),
    ],
)
def test_date_text_is_parsed_only_when_unambiguous(text: str, expected: Any) -> None:
    from pumpxl.core.parsing import parse_date

    assert parse_date(text)[0] == expected


@pytest.mark.parametrize(
    "command",
    [["check"], ["calc", "-o", "{out}/calc.xlsx"], ["report", "-o", "{out}/decks"]],
    ids=["check", "calc", "report"],
)
def test_each_command_analyses_every_measure_once(
    command: list[str], example_xlsx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a workbook analyses it (to check what the engine would refuse); the outputs
    reuse that analysis instead of running the engine again."""
    import pumpxl.core.analysis as analysis

    calls: list[int] = []
    engine = analysis.xmr

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return engine(*args, **kwargs)

    monkeypatch.setattr(analysis, "xmr", counted)
    argv = [part.format(out=tmp_path) for part in command]
    assert main([argv[0], str(example_xlsx), *argv[1:]]) == 0
    assert len(calls) == len(example_model().measures) == 18


def test_the_empty_template_lists_its_settings(tmp_path: Path) -> None:
    from pumpxl.core.model import Settings
    from pumpxl.workbook.reader import read_workbook

    path = tmp_path / "new.xlsx"
    assert main(["new", str(path)]) == 0
    rows = cells(path)["Settings"]
    assert [r[0] for r in rows[1:4]] == ["Organisation", "Report title", "Firm limits from"]
    assert rows[3][1] == 20.0
    assert read_workbook(path).model.settings == Settings()  # the listed defaults read back
