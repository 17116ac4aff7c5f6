"""pumpxl's Excel functions as the classic desktop add-in (Windows, COM) calls them.

On Windows, Excel calls the VBA wrapper that xlwings' *Import Functions* wrote, which calls
``XLPython.CallUDF`` (xlwings/com_server.py); that calls ``call_udf`` (xlwings/udfs.py), which
reads each range argument through xlwings' conversion (``Range.Value`` as pywin32 delivers it:
a tuple of row tuples, or the value itself for a range of one cell; blanks None, numbers float,
currency cells Decimal, dates as datetimes with a time zone, errors as negative integer
scodes such as -2146826246 for #N/A, true/false as bool; an omitted argument as -2147352572),
calls the function, and converts its answer back through xlwings' conversion; CallUDF hands a
1 x 1 answer over as its one value and one row as a list.

Here, with no Windows, the installed xlwings' own ``xlfunc``/``xlarg``/``xlret`` decorators
(the ones xlwings binds as func/arg/ret on Windows), ``call_udf`` and ``CallUDF`` are taken
from its source and run for real on pumpxl.excel's functions, with xlwings' real conversion
code. Only Windows itself is replaced: the COM Range (an object whose ``Value`` is what pywin32
returns), xlwings' ``_xlwindows.Range`` reading it (its ``raw_value`` is ``self.xl.Value``),
and pywin32's ``VARIANT`` and ``VT_ERROR`` with which the answer's #N/A is built. What pywin32
then does with that variant (a VT_ERROR cell, which Excel shows as #N/A) is not run here.
"""

from __future__ import annotations

import ast
import asyncio
import datetime as dt
import importlib.util
import inspect
import sys
import types
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin, get_type_hints

import numpy as np
import pytest
import xlwings
import xlwings.base_classes
import xlwings.conversion
import xlwings.main

import pumpxl
from pumpxl.core.narrative import signal_labels
from pumpxl.core.vocabulary import LIMITS_COLUMNS, XMR_TABLE_COLUMNS

XLWINGS = Path(xlwings.__file__).parent
MISSING = -2147352572  # an omitted optional argument (DISP_E_PARAMNOTFOUND)
NA_CODE = -2146826246  # a #N/A cell
DIV0_CODE = -2146826281  # a #DIV/0! cell
VT_ERROR = 10  # pythoncom.VT_ERROR
UTC = dt.UTC
CET = dt.timezone(dt.timedelta(hours=1))


def from_source(path: Path, names: set[str], namespace: dict[str, Any], cls: str | None = None) -> None:
    """Run the named functions of the installed xlwings' ``path`` (methods of class ``cls``)
    in ``namespace``: their code as it is, without the module's Windows-only imports."""
    tree = ast.parse(path.read_text())
    body = tree.body
    if cls is not None:
        body = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == cls).body
    found = [n for n in body if isinstance(n, ast.FunctionDef) and n.name in names]
    assert {n.name for n in found} == names
    future = ast.ImportFrom(module="__future__", names=[ast.alias("annotations")], level=0)
    module = ast.fix_missing_locations(ast.Module([future, *found], []))
    exec(compile(module, str(path), "exec"), namespace)


class ExcelRange:
    """A COM Range as pywin32 hands it over: ``Value`` is what pywin32 made of the cells."""

    def __init__(self, value: Any) -> None:
        self.Value = value


class WindowsRange(xlwings.base_classes.Range):
    """xlwings' ``_xlwindows.Range`` as far as call_udf reads it: ``raw_value`` is the COM
    Range's ``Value`` (xlwings/_xlwindows.py)."""

    def __init__(self, xl: ExcelRange | None) -> None:
        self.xl = xl

    @property
    def raw_value(self) -> Any:
        return self.xl.Value if self.xl is not None else None

    @property
    def shape(self) -> tuple[int, int]:
        v = self.raw_value
        return (len(v), len(v[0])) if isinstance(v, tuple) else (1, 1)

    @property
    def sheet(self) -> Any:  # xlwings asks a range for its engine: sheet.book.app.engine
        app = types.SimpleNamespace(engine=WINDOWS_ENGINE, pid=4242)  # Excel's process
        return types.SimpleNamespace(book=types.SimpleNamespace(app=app))


#: xlwings' ``_xlwindows.engine`` as xlwings' conversion asks it: its name and type.
WINDOWS_ENGINE = types.SimpleNamespace(name="excel", type="desktop")


class VARIANT:
    """pywin32's ``win32com.client.VARIANT``: a value with its COM type."""

    def __init__(self, varianttype: int, value: Any) -> None:
        self.varianttype, self.value = varianttype, value


@pytest.fixture(scope="module")
def classic() -> types.SimpleNamespace:
    """pumpxl.excel registered by xlwings' classic decorators, and CallUDF to call it."""
    udfs: dict[str, Any] = {
        "__name__": "xlwings.udfs", "__package__": "xlwings", "inspect": inspect,
        "get_type_hints": get_type_hints, "get_origin": get_origin, "get_args": get_args,
        "Annotated": Annotated, "dt": dt, "asyncio": asyncio, "conversion": xlwings.conversion,
        "Range": xlwings.Range, "cache": {},
    }  # fmt: skip
    from_source(
        XLWINGS / "udfs.py",
        {"func_sig", "get_category", "get_async_mode", "check_bool",
         "extract_type_and_annotations", "xlfunc", "xlarg", "xlret", "call_udf"},
        udfs,
    )  # fmt: skip
    saved = xlwings.func, xlwings.arg, xlwings.ret
    xlwings.func, xlwings.arg, xlwings.ret = udfs["xlfunc"], udfs["xlarg"], udfs["xlret"]
    try:  # a copy of pumpxl.excel decorated as on Windows ("UDF Modules: pumpxl.excel")
        spec = importlib.util.spec_from_file_location(
            "pumpxl_excel_classic", Path(pumpxl.__file__).parent / "excel" / "__init__.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        xlwings.func, xlwings.arg, xlwings.ret = saved
    udfs["get_udf_module"] = lambda name, workbook: module
    udfs["xlwings"] = types.SimpleNamespace(
        _xlwindows=types.SimpleNamespace(
            Range=WindowsRange, is_range_instance=lambda a: isinstance(a, ExcelRange)
        )
    )
    com: dict[str, Any] = {"call_udf": udfs["call_udf"], "FromVariant": lambda v: v}
    from_source(XLWINGS / "com_server.py", {"CallUDF"}, com, cls="XLPython")
    return types.SimpleNamespace(module=module, CallUDF=com["CallUDF"])


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """pywin32's modules as far as the answer's #N/A needs them, and xlwings' com_server
    (call_udf imports its event loop, used only by async functions)."""
    monkeypatch.setitem(sys.modules, "pythoncom", types.SimpleNamespace(VT_ERROR=VT_ERROR))
    monkeypatch.setitem(sys.modules, "win32com", types.SimpleNamespace())
    monkeypatch.setitem(sys.modules, "win32com.client", types.SimpleNamespace(VARIANT=VARIANT))
    monkeypatch.setitem(sys.modules, "xlwings.com_server", types.SimpleNamespace(loop=None))
    # the engine xlwings registers on Windows ("excel"), which conversion looks up by name
    excel = xlwings.main.Engine(impl=WINDOWS_ENGINE)
    monkeypatch.setitem(xlwings.engines.engines_by_name, "excel", excel)


def call(classic: types.SimpleNamespace, name: str, *args: Any) -> Any:
    """As Excel calls the function's VBA wrapper: every parameter is passed, omitted ones as
    the Missing scode; ranges as COM Range objects."""
    params = list(inspect.signature(getattr(classic.module, name)).parameters)
    passed = [*args, *[MISSING] * (len(params) - len(args))]
    return classic.CallUDF(None, "pumpxl.excel", name, tuple(passed), None, ExcelRange(None))


def rows(values: list[Any]) -> tuple[tuple[Any, ...], ...]:
    """A column range's Value: a tuple of one-cell rows."""
    return tuple((v,) for v in values)


def shown(v: Any) -> Any:
    """An answer cell as Excel shows it."""
    if isinstance(v, VARIANT):
        assert v.varianttype == VT_ERROR
        return {NA_CODE: "#N/A"}[v.value]
    return v


VALUES = [float(v) for v in np.round(np.random.default_rng(24).normal(50, 4, 30), 2)]
VALUES[22:] = [v + 10 for v in VALUES[22:]]
DATES = [dt.datetime(2023, 1, 1, tzinfo=UTC) + dt.timedelta(days=31 * i) for i in range(30)]
DATES = [d.replace(day=1) for d in DATES]


def test_registration_is_xlwings_classic(classic: types.SimpleNamespace) -> None:
    """Every function registered by the classic decorators, reading its ranges raw."""
    names = [n for n in dir(classic.module) if hasattr(getattr(classic.module, n), "__xlfunc__")]
    assert sorted(names) == sorted(classic.module.__all__)
    info = classic.module.xmr_table.__xlfunc__
    assert info["category"] == "pumpxl" and info["async_mode"] is None
    assert [a["name"] for a in info["args"]][:3] == ["values", "dates", "phases"]
    assert all(a["options"]["convert"].__name__ == "CellsIn" for a in info["args"])
    assert info["ret"]["options"]["convert"].__name__ == "CellsOut"
    assert "optional" not in info["args"][0] and info["args"][1]["optional"] is None


def test_table_from_a_range_with_errors_blanks_and_zoned_dates(
    classic: types.SimpleNamespace, windows: None
) -> None:
    """A header cell, a #N/A cell (a missing period), blank cells below the data; dates as
    time-zone-aware datetimes, a phase given by one date cell (a range of one cell), the
    direction and rules as one-cell ranges, TRUE for the header row."""
    values = ["Tickets", *VALUES[:10], NA_CODE, *VALUES[11:], None, None]
    dates = ["Month", *DATES, None, None]
    answer = call(
        classic, "xmr_table", ExcelRange(rows(values)), ExcelRange(rows(dates)),
        ExcelRange(DATES[22]), ExcelRange("wheeler"), ExcelRange("Higher is better"),
        MISSING, MISSING, MISSING, MISSING, MISSING, MISSING, MISSING, ExcelRange(True),
    )  # fmt: skip
    x = np.array(VALUES)
    x[10] = np.nan
    r = pumpxl.xmr(x, dates=[d.date() for d in DATES], phases=[DATES[22].date()],
                   rules="wheeler", direction="up")  # fmt: skip
    assert isinstance(answer, list) and len(answer) > 1, answer
    assert answer[0] == list(XMR_TABLE_COLUMNS)
    body = answer[1:31]
    assert len(answer) == 1 + 1 + 30 + 2 - 1  # header row replaced by the column names
    assert answer[31:] == [[""] * 7, [""] * 7]
    assert [row[2] for row in body] == r.to_frame()["central_line"].tolist()
    assert [row[3] for row in body] == r.to_frame()["unpl"].tolist()
    assert [row[6] for row in body] == signal_labels(r)
    assert body[10][0] == body[11][0] == body[22][0] == ""  # the gap breaks both ranges
    assert [row[1] for row in body] == [1.0] * 22 + [2.0] * 8


@pytest.mark.parametrize(
    ("dates", "phase"),
    [
        pytest.param(DATES, DATES[22], id="utc"),
        pytest.param([d.replace(tzinfo=CET) for d in DATES], DATES[22].replace(tzinfo=CET),
                     id="utc-plus-one"),
        pytest.param([d.replace(tzinfo=None) for d in DATES], DATES[22].replace(tzinfo=None),
                     id="naive"),
    ],
)  # fmt: skip
def test_a_date_is_the_cell_s_date_whatever_its_time_zone(
    classic: types.SimpleNamespace, windows: None, dates: list[dt.datetime], phase: dt.datetime
) -> None:
    """pywin32 attaches a time zone to date cells; the date is the cell's, never shifted."""
    answer = call(classic, "xmr_limits", ExcelRange(rows(VALUES)), ExcelRange(rows(dates)),
                  ExcelRange(phase))  # fmt: skip
    r = pumpxl.xmr(VALUES, phases=[22])
    assert answer == [r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar]  # one row: a list


def test_one_row_range_with_an_error_cell_and_na_limits(
    classic: types.SimpleNamespace, windows: None
) -> None:
    """Two values in one row (a tuple of one row tuple) with #N/A between: too few for
    limits, so the limits are #N/A, written as a COM VT_ERROR variant with xlErrNA's scode
    (a real #N/A), not the text "#N/A" xlwings would write for a string."""
    answer = call(classic, "xmr_limits", ExcelRange(((12.0, NA_CODE, None),)))
    assert answer[0] == 12.0
    assert all(isinstance(v, VARIANT) and (v.varianttype, v.value) == (VT_ERROR, NA_CODE)
               for v in answer[1:])  # fmt: skip
    assert [shown(v) for v in answer] == [12.0] + ["#N/A"] * 4


def test_limits_with_a_header_row_keep_their_shape(
    classic: types.SimpleNamespace, windows: None
) -> None:
    answer = call(classic, "xmr_limits", ExcelRange(rows(VALUES)), *[MISSING] * 10,
                  ExcelRange(True))  # fmt: skip
    r = pumpxl.xmr(VALUES)
    assert answer == [list(LIMITS_COLUMNS), [r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar]]


def test_exclusions_as_true_false_cells(classic: types.SimpleNamespace, windows: None) -> None:
    """Exclude flags lined up with a values range that has a header and blank cells below the
    data: the flags' own header is skipped, so the flags stay on their values."""
    flags = [False] * 30
    flags[5] = True
    values = ExcelRange(rows(["Tickets", *VALUES, None, None]))
    answer = call(classic, "xmr_table", values, MISSING, MISSING, MISSING, MISSING, MISSING,
                  ExcelRange(rows(["Exclude", *flags, None, None])))  # fmt: skip
    r = pumpxl.xmr(VALUES, exclude=[5])
    assert answer[0] == answer[31] == answer[32] == [""] * 7
    assert [row[2] for row in answer[1:31]] == r.to_frame()["central_line"].tolist()
    assert [row[6] for row in answer[1:31]] == signal_labels(r)
    assert r.central_line != pumpxl.xmr(VALUES, exclude=[6]).central_line


def test_currency_cells_arrive_as_decimals(classic: types.SimpleNamespace, windows: None) -> None:
    """Range.Value gives cells formatted as currency as COM's currency type, which pywin32
    returns as Decimal: they are numbers."""
    money = [Decimal(str(v)) for v in VALUES]
    answer = call(classic, "xmr_moving_ranges", ExcelRange(rows(money)))
    r = pumpxl.xmr(VALUES)
    assert answer[0] == [""]
    assert [row[0] for row in answer[1:]] == r.moving_ranges.tolist()[1:]


def test_status_describe_and_assurance_are_one_value(
    classic: types.SimpleNamespace, windows: None
) -> None:
    """A 1 x 1 answer reaches Excel as the value itself (CallUDF)."""
    target = ExcelRange(60.0)
    status = call(classic, "xmr_status", ExcelRange(rows(VALUES)), MISSING, MISSING, MISSING,
                  ExcelRange("up"), target)  # fmt: skip
    describe = call(classic, "xmr_describe", ExcelRange(rows(VALUES)), ExcelRange(rows(DATES)),
                    MISSING, MISSING, ExcelRange("up"), target, *[MISSING] * 6,
                    ExcelRange(12.0))  # fmt: skip
    trajectory = [55.0] * 29 + [NA_CODE]  # an error cell in a target range: no target then
    assurance = call(classic, "xmr_assurance", ExcelRange(rows(VALUES)), ExcelRange(rows(trajectory)),
                     ExcelRange("up"))  # fmt: skip
    r = pumpxl.xmr(VALUES, direction="up", target=60.0)
    dated = pumpxl.xmr(VALUES, dates=[d.date() for d in DATES], direction="up", target=60.0,
                       firm_points=12)  # fmt: skip
    assert status == pumpxl.status_line(pumpxl.read(r))
    assert describe == pumpxl.describe(pumpxl.read(dated))
    assert assurance == "pumpxl: no target for the latest value"
    assert call(classic, "xmr_assurance", ExcelRange(rows(VALUES)), ExcelRange(55.0),
                ExcelRange("up")) == pumpxl.read(pumpxl.xmr(VALUES, direction="up",
                                                              target=55.0)).assurance


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        pytest.param((1.0, 2.0, DIV0_CODE, 4.0), "values: cell 3 holds #DIV/0!", id="div0-cell"),
        pytest.param((1.0, 2.0, True, 4.0), "values: cell 3 is TRUE, not a number", id="boolean"),
        pytest.param((1.0, DATES[0], 3.0), "values: cell 2 is a date, not a number", id="date"),
        pytest.param((1.0, "12,5", 3.0), "values: cell 2 is a number stored as text ('12,5')",
                     id="number-as-text"),
    ],
)  # fmt: skip
def test_cells_that_are_not_values_get_a_message(
    classic: types.SimpleNamespace, windows: None, cells: tuple[Any, ...], message: str
) -> None:
    answer = call(classic, "xmr_table", ExcelRange(rows(list(cells))))
    assert answer == f"pumpxl: {message}"


def test_literal_arguments_are_values_not_ranges(
    classic: types.SimpleNamespace, windows: None
) -> None:
    """=XMR_LIMITS({50;52;49;...}) passes an array (tuples), not a Range; a bare number is a
    range of one value."""
    answer = call(classic, "xmr_limits", rows(VALUES))
    r = pumpxl.xmr(VALUES)
    assert answer == [r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar]
    one = call(classic, "xmr_limits", 7.0)
    assert [shown(v) for v in one] == [7.0] + ["#N/A"] * 4
