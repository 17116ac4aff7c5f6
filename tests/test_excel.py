"""pumpxl's Excel functions through xlwings' Office.js contract, in-process (TOOLING.md).

The environment must be set before xlwings is first imported, so these tests run in a
subprocess-free way by setting it at import time of this module and importing xlwings here
(pytest imports test modules before running any test; no other test imports xlwings).
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
os.environ["XLWINGS_ENABLE_SOCKETIO"] = "false"

import openpyxl
import python_calamine as pc
import xlwings
import xlwings.server
from officejs import call, call_positional, cell, column

import pumpxl
from pumpxl import excel
from pumpxl.core.narrative import signal_labels
from pumpxl.core.vocabulary import LIMITS_COLUMNS, XMR_TABLE_COLUMNS

REPO = Path(__file__).resolve().parents[1]
EXPECTED_FUNCTIONS = {
    "PUMP.XMR_ASSURANCE",
    "PUMP.XMR_DESCRIBE",
    "PUMP.XMR_LIMITS",
    "PUMP.XMR_MOVING_RANGES",
    "PUMP.XMR_SIGNALS",
    "PUMP.XMR_STATUS",
    "PUMP.XMR_TABLE",
}


def plain(v: Any) -> Any:
    """An answer cell as Excel shows it: Error objects as their text."""
    if isinstance(v, dict) and v.get("type") == "Error":
        return {"NotAvailable": "#N/A", "Num": "#NUM!"}[v["errorType"]]
    return v


# ------------------------------------------------------------------------------ metadata


def test_metadata_lists_every_function_with_help() -> None:
    meta = xlwings.server.custom_functions_meta(excel)
    funcs = {f["name"]: f for f in meta["functions"]}
    assert set(funcs) == EXPECTED_FUNCTIONS
    assert len(funcs) == 7
    for name, f in funcs.items():
        assert len(f["description"]) > 30, name
        params = f["parameters"]
        assert params[0]["name"] == "values" and "optional" not in params[0]
        for p in params:
            assert len(p["description"]) > 15, (name, p["name"])
        optional = [p["name"] for p in params if p.get("optional")]
        assert "dates" in optional and "direction" in optional
    assert [p["name"] for p in funcs["PUMP.XMR_ASSURANCE"]["parameters"]][:2] == [
        "values",
        "target",
    ]
    assert "optional" not in funcs["PUMP.XMR_ASSURANCE"]["parameters"][1]


def test_module_stays_light() -> None:
    """xlwings Lite runs it in the browser: only xlwings' decorators, numpy and the core."""
    folder = Path(excel.__file__).parent
    imports: set[str] = set()
    for path in folder.glob("*.py"):
        imports |= set(re.findall(r"^(?:from|import) ([\w.]+)", path.read_text(), re.M))
    outside = {
        name
        for name in imports
        if not name.startswith(("pumpxl.core.", "pumpxl.excel."))
        and name.split(".")[0] not in sys.stdlib_module_names
        and name.split(".")[0] not in {"numpy", "xlwings", "pythoncom", "win32com", "pyodide"}
    }
    assert outside == set()


# ------------------------------------------------------------------------ calls: answers

PEAK_FLOW = [
    120,
    140,
    100,
    150,
    260,
    150,
    100,
    120,
    300,
    300,
    275,
    300,
    140,
    170,
    150,
    150,
    190,
    180,
]


def test_table_matches_the_engine_exactly() -> None:
    out = call("xmr_table", values=column(PEAK_FLOW))
    r = pumpxl.xmr(PEAK_FLOW)
    frame = r.to_frame()
    assert len(out) == len(PEAK_FLOW) and all(len(row) == 7 for row in out)
    assert out[0][0] == ""  # the first moving range spans nothing
    assert [row[0] for row in out[1:]] == frame["moving_range"].tolist()[1:]
    assert [row[2] for row in out] == frame["central_line"].tolist()
    assert [row[3] for row in out] == frame["unpl"].tolist()
    assert [row[4] for row in out] == frame["lnpl"].tolist()
    assert [row[5] for row in out] == frame["url"].tolist()
    assert [row[6] for row in out] == signal_labels(r)
    # Wheeler, Making Sense of Data fig 9.9 (1 dp, as statprocon asserts)
    assert round(out[0][3], 1) == 322.3 and round(out[0][5], 1) == 171.1


def test_limits_status_describe_assurance_moving_ranges() -> None:
    values = [82.0, 83.1, 81.4, 82.9, 82.3, 81.9, 82.6, 95.0]
    r = pumpxl.xmr(values, direction="up", target=90)
    limits = call("xmr_limits", values=column(values))
    assert limits == [[r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar]]
    with_header = call("xmr_limits", values=column(values), header=True)
    assert with_header[0] == list(LIMITS_COLUMNS)
    status = call("xmr_status", values=column(values), direction="up", target=90)
    rd = pumpxl.read(r)
    assert status == [[pumpxl.status_line(rd)]]
    assert pumpxl.status_line(rd) == "Improvement: outlier above the limits (point 8)"
    describe = call("xmr_describe", values=column(values), direction="up", target=90)
    assert describe == [[pumpxl.describe(rd)]]
    assurance = call("xmr_assurance", values=column(values), target=90, direction="Higher is better")
    assert assurance == [[rd.assurance]]
    mrs = call("xmr_moving_ranges", values=column(values))
    assert [row[0] for row in mrs] == ["", *r.moving_ranges[1:].tolist()]


def test_dates_phases_and_options_reach_the_engine() -> None:
    dates = [dt.datetime(2024, m, 1) for m in range(1, 13)]
    serials = [(d - dt.datetime(1899, 12, 30)).days for d in dates]  # how Office.js sends them
    values = [10, 11, 10, 12, 11, 10, 20, 21, 19, 20, 22, 21]
    out = call(
        "xmr_table",
        values=column(values),
        dates=column(serials),
        phases=[[serials[6]]],
        rules="wheeler",
        direction="down",
    )
    r = pumpxl.xmr(values, dates=dates, phases=[dates[6]], rules="wheeler", direction="down")
    assert [row[1] for row in out] == [1] * 6 + [2] * 6
    assert [row[2] for row in out] == r.to_frame()["central_line"].tolist()
    by_number = call("xmr_table", values=column(values), phases=[[7]])
    assert [row[2] for row in by_number] == [row[2] for row in out]


# --------------------------------------------------------------------- messy real ranges


def test_blanks_and_na_are_missing_periods() -> None:
    values = [10, None, 12, "#N/A", 11, 13, 12]
    out = call("xmr_table", values=column(values))
    r = pumpxl.xmr([10, None, 12, None, 11, 13, 12])
    assert [row[2] for row in out] == r.to_frame()["central_line"].tolist()
    assert out[1][0] == "" and out[2][0] == ""  # a gap breaks both moving ranges


def test_header_cell_and_trailing_blanks_line_up() -> None:
    out = call("xmr_table", values=column(["Calls", 10, 12, 11, 13, None, None]))
    assert len(out) == 7
    assert out[0] == [""] * 7  # the header's row
    assert out[-1] == [""] * 7 and out[-2] == [""] * 7  # blank cells after the data
    assert out[1][2] == pytest.approx(11.5)
    named = call("xmr_table", values=column(["Calls", 10, 12]), header=True)
    assert tuple(named[0]) == XMR_TABLE_COLUMNS


def test_a_row_works_like_a_column() -> None:
    row = [list(PEAK_FLOW)]
    assert call("xmr_table", values=row) == call("xmr_table", values=column(PEAK_FLOW))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([10, "abc", 12], "values: cell 2 is text ('abc')"),
        ([10, "12", 12], "values: cell 2 is a number stored as text"),
        ([10, True, 12], "values: cell 2 is TRUE, not a number"),
        ([10, "#DIV/0!", 12], "values: cell 2 holds #DIV/0!"),
        ([[1, 2], [3, 4]], "values must be one row or one column, not 2 x 2"),
    ],
    ids=["text", "number-as-text", "boolean", "error", "block"],
)
def test_problems_come_back_as_one_readable_cell(values: list[Any], message: str) -> None:
    arg = [[cell(v) for v in r] for r in values] if isinstance(values[0], list) else column(values)
    out = call("xmr_table", values=arg)
    assert len(out) == 1 and len(out[0]) == 1
    assert out[0][0].startswith("pumpxl: ") and message in out[0][0]
    assert "Traceback" not in out[0][0]


def test_bad_options_come_back_as_messages() -> None:
    assert (
        "unknown rule preset" in call("xmr_table", values=column(PEAK_FLOW), rules="western")[0][0]
    )
    assert (
        "direction must be"
        in call("xmr_status", values=column(PEAK_FLOW), direction="sideways")[0][0]
    )
    assert (
        "phases: 99 is not a point number"
        in call("xmr_table", values=column(PEAK_FLOW), phases=[[99]])[0][0]
    )


def test_too_few_values_give_na_limits() -> None:
    out = call("xmr_table", values=column([5]))
    assert [plain(v) for v in out[0][3:6]] == ["#N/A", "#N/A", "#N/A"]


def test_thousand_point_range_matches_the_engine() -> None:
    rng = np.random.default_rng(3)
    values = np.round(rng.normal(100, 8, 1000), 2)
    values[500:] += 9
    out = call("xmr_table", values=column(values.tolist()), rules="nhs", direction="up")
    r = pumpxl.xmr(values, rules="nhs", direction="up")
    assert len(out) == 1000
    assert [row[2] for row in out] == r.to_frame()["central_line"].tolist()
    assert [row[6] for row in out] == signal_labels(r)
    assert any(row[6] for row in out)


# -------------------------------------------------------- the shipped workbooks' formulas


def split_args(text: str) -> list[str]:
    out, depth, cur, quoted = [], 0, "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and depth == 0 and not quoted:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "(" and not quoted
        depth -= ch == ")" and not quoted
        cur += ch
    out.append(cur)
    return out


REF = re.compile(
    r"^(?:(?P<sheet>[\w.]+)!)?\$?(?P<c1>[A-Z]+)\$?(?P<r1>\d+)"
    r"(?::\$?(?P<c2>[A-Z]+)\$?(?P<r2>\d+))?$"
)


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def office_value(v: Any) -> Any:
    """A stored cell as the add-in would send it (dates as Excel serial numbers)."""
    if isinstance(v, (dt.date, dt.datetime)):
        d = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
        return (d - dt.datetime(1899, 12, 30)).days
    return "" if v is None else v


def resolve(arg: str, sheet: str, grids: dict[str, list[list[Any]]]) -> Any:
    arg = arg.strip()
    if arg == "":
        return [[""]]
    if arg.startswith('"'):
        return [[arg.strip('"')]]
    m = REF.match(arg)
    if m is None:
        return [[float(arg)]]
    grid = grids[m["sheet"] or sheet]
    r1, c1 = int(m["r1"]) - 1, col_index(m["c1"])
    r2, c2 = (int(m["r2"]) - 1, col_index(m["c2"])) if m["c2"] else (r1, c1)
    return [
        [
            office_value(grid[r][c] if r < len(grid) and c < len(grid[r]) else None)
            for c in range(c1, c2 + 1)
        ]
        for r in range(r1, r2 + 1)
    ]


def without_fallback(text: str) -> str:
    """The pumpxl call inside ``IFERROR(XMR_...(...), fallback)``, as the workbooks write
    every function cell (the fallback is what a spreadsheet without the add-in shows)."""
    text = text.lstrip("=")
    assert text.startswith("IFERROR("), text
    call, _ = split_args(text[len("IFERROR(") : -1])
    return call


def same(answer: Any, stored: Any) -> bool:
    answer = plain(answer)
    if answer == "#N/A":
        return stored in ("", None)  # calamine reads cached errors as blanks
    if isinstance(answer, float) and isinstance(stored, (int, float)):
        return bool(np.isclose(answer, stored, rtol=1e-12, atol=0))
    if isinstance(answer, int) and isinstance(stored, float):
        return float(answer) == stored
    return answer == stored


@pytest.mark.parametrize("name", ["pumpxl-example.xlsx", "pumpxl-template.xlsx"])
def test_every_shipped_formula_evaluates_to_its_cached_value(name: str) -> None:
    path = REPO / "workbook_templates" / name
    book = openpyxl.load_workbook(path)  # formulas as text
    stored = pc.CalamineWorkbook.from_path(str(path))
    grids = {
        s: stored.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in stored.sheet_names
    }
    checked = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                f = c.value
                text = getattr(f, "text", f)
                if c.data_type != "f" or "XMR_" not in str(text):
                    continue
                inner = without_fallback(text)
                m = re.match(r"^(XMR_\w+)\((.*)\)$", inner)
                assert m, text
                func_name = m[1].lower()
                args = [resolve(a, ws.title, grids) for a in split_args(m[2])]
                answer = call_positional(func_name, *args)
                ref = getattr(f, "ref", None) or c.coordinate
                first, _, last = ref.partition(":")
                last = last or first
                r1, c1 = int(re.sub(r"[A-Z]", "", first)) - 1, col_index(re.sub(r"\d", "", first))
                r2, c2 = int(re.sub(r"[A-Z]", "", last)) - 1, col_index(re.sub(r"\d", "", last))
                grid = grids[ws.title]
                assert len(answer) == r2 - r1 + 1, (ws.title, c.coordinate, text)
                for i, ans_row in enumerate(answer):
                    assert len(ans_row) == c2 - c1 + 1
                    for j, a in enumerate(ans_row):
                        s = grid[r1 + i][c1 + j]
                        assert same(a, s), (ws.title, c.coordinate, i, j, a, s)
                checked += 1
    expected = 3 if "template" in name else 2 * 18 + 3
    assert checked == expected


def test_empty_cells_sent_as_null_are_missing_too() -> None:
    """Office.js sends empty cells in array arguments as null (xlwings' _xlofficejs notes)."""
    with_null = [[10], [None], [12], [11], [None], [13]]
    with_empty = [[10], [""], [12], [11], [""], [13]]
    assert call("xmr_table", values=with_null) == call("xmr_table", values=with_empty)
    r = pumpxl.xmr([10, None, 12, 11, None, 13])
    assert [row[2] for row in call("xmr_table", values=with_null)] == r.to_frame()["central_line"].tolist()


@pytest.mark.parametrize("text", ["2024-07-01", "2024-07", "2024/07/01", "Jul 2024", "July 2024"])
def test_date_text_means_the_same_date_as_in_workbooks(text: str) -> None:
    """One parser for date text: a phase named by text lands where the workbook reader would
    put that date."""
    from pumpxl.core.parsing import parse_date

    assert parse_date(text) == (dt.date(2024, 7, 1), None)
    months = [f"2024-{m:02d}-01" for m in range(1, 13)]
    values = [10, 11, 10, 12, 11, 10, 20, 21, 19, 20, 22, 21]
    out = call("xmr_table", values=column(values), dates=column(months), phases=text)
    assert [row[1] for row in out] == [1] * 6 + [2] * 6


def test_formula_arguments_follow_the_signature_not_positions() -> None:
    """The workbook writer names each argument; a function that gained an optional argument
    in the middle of its signature still gets every argument in the right place."""
    from pumpxl.core.analysis import analyse
    from pumpxl.core.example import example_model
    from pumpxl.workbook.xmr_sheet import XmrBlock, data_sources, xmr_formulas

    model = example_model()
    a = analyse(model)["M03"]  # recalculated, with a trajectory target
    src = data_sources(model)["M03"]
    block = XmrBlock("M03", 10, 11, 11 + len(a.xmr) - 1)

    def with_extra(function: Any) -> Any:
        params = list(inspect.signature(function).parameters.values())
        extra = inspect.Parameter(
            "new_option", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None
        )

        def grown(*args: Any) -> None: ...

        grown.__name__ = function.__name__
        grown.__signature__ = inspect.Signature([params[0], extra, *params[1:]])  # type: ignore[attr-defined]
        return grown

    def by_name(text: str, function: Any) -> dict[str, str]:
        m = re.match(r"^=(XMR_\w+)\((.*)\)$", text)
        assert m and m[1] == function.__name__.upper()
        names = list(inspect.signature(function).parameters)
        return {n: v for n, v in zip(names, split_args(m[2]), strict=False) if v.strip()}

    table, describe = xmr_formulas(a, src, block)
    grown_table, grown_describe = with_extra(excel.xmr_signals), with_extra(excel.xmr_describe)
    moved_table, moved_describe = xmr_formulas(
        a, src, block, signals_function=grown_table, describe_function=grown_describe
    )
    assert moved_table != table  # the text changed: every argument after values moved right
    assert by_name(moved_table, grown_table) == by_name(table, excel.xmr_signals)
    assert by_name(moved_describe, grown_describe) == by_name(describe, excel.xmr_describe)
    named = by_name(describe, excel.xmr_describe)
    assert named["direction"] == '"up"' and named["rules"] == '"pump"'
    assert named["phases"].startswith("$N$") and named["target"].startswith("$J$")
    assert named["firm_points"] == "15" and named["lower_bound"] == "0"
