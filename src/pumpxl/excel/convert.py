"""How cells travel between each Excel runtime and pumpxl's functions.

xlwings' default converters clean every cell in Python, one call per cell (and, outside the
browser, a failing ``pyodide`` import per cell): for a 260-value XmR table that was two thirds
of a call. pumpxl's functions take their ranges *raw* and clean them here in one pass, and
answer raw cells in which only the "no value" cells need the runtime's own form:

========================== ===================== =========================================
runtime                    a cell arrives as     ``NA`` (no value) is written as
========================== ===================== =========================================
Office.js (xlwings Server, numbers, text, ``""``  an error object (custom-functions runtime
Lite)                      or null for blanks,   1.4 and later: a real ``#N/A`` cell), the
                           ``{"type": "Error",   text ``#N/A`` before 1.4
                           "basicValue": ...}``
classic desktop add-in     numbers (currency     a COM error variant (``VT_ERROR``, the
(Windows, COM)             cells as Decimal),    scode of xlErrNA), which Excel shows as a
                           text, None, datetimes real ``#N/A``; xlwings' own conversion
                           (with a time zone),   would write the *text* "#N/A" (xlwings
                           true/false, errors as issue 776), which charts plot as zero
                           negative integers; a
                           range of one cell as
                           the value itself
========================== ===================== =========================================
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, overload

from xlwings.conversion import Converter

__all__ = [
    "COM_ERRORS",
    "NA",
    "CellsIn",
    "CellsOut",
    "Ready",
    "classic_na",
    "clean",
    "office_na",
]


class _NotAvailable:
    """The "no value here" cell of an answer (a limit that cannot be computed): a real
    ``#N/A`` in every runtime, so that charts leave a gap instead of plotting text."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "#N/A"


NA: Any = _NotAvailable()

#: COM scodes of Excel's cell errors, as the classic add-in delivers them (xlwings'
#: _xlwindows.cell_errors).
COM_ERRORS = {
    -2146826281: "#DIV/0!",
    -2146826246: "#N/A",
    -2146826259: "#NAME?",
    -2146826288: "#NULL!",
    -2146826252: "#NUM!",
    -2146826265: "#REF!",
    -2146826273: "#VALUE!",
}
XL_ERR_NA_SCODE = -2146826246  # 0x800A07FA: CVErr(xlErrNA) as a COM VT_ERROR

try:  # Pyodide (xlwings Lite) sends empty cells as its JsNull sentinel
    from pyodide.ffi import JsNull as _JsNull
except ImportError:  # outside Pyodide
    _JsNull = None
    if "pyodide" not in sys.modules and importlib.util.find_spec("pyodide") is None:
        # xlwings tries `from pyodide.ffi import ...` for every argument of every call;
        # outside Pyodide each failed import searches the whole path again (about 0.1 ms).
        # Recording that there is no pyodide here (both names xlwings imports) makes the
        # failure immediate: a None in sys.modules is refused before any import lock.
        sys.modules["pyodide"] = None  # type: ignore[assignment]
        sys.modules["pyodide.ffi"] = None  # type: ignore[assignment]


def clean(value: Any) -> Any:
    """One cell as pumpxl's functions read it: None for a blank, the error's text for an
    error (``"#N/A"``), else the value."""
    kind = type(value)
    if kind is float or kind is int:
        return COM_ERRORS.get(value, value) if kind is int and value < 0 else value
    if value is None or value == "" or (_JsNull is not None and kind is _JsNull):
        return None
    if kind is dict:  # an error ({"type": "Error", "basicValue": "#DIV/0!"}) or a data type
        return value.get("basicValue", value)
    if kind is Decimal:  # a currency cell: pywin32 gives COM's VT_CY as a Decimal
        return float(value)
    return value


def office_na(runtime: str) -> Any:
    """``#N/A`` as an Office.js custom function returns it."""
    try:
        modern = float(runtime) >= 1.4
    except ValueError:
        modern = True
    return {"type": "Error", "errorType": "NotAvailable"} if modern else "#N/A"


def classic_na(variant: Callable[[int, int], Any] | None = None, vt_error: int = 10) -> Any:
    """``#N/A`` as the classic (COM) add-in returns it: a ``VT_ERROR`` variant. ``variant``
    builds it (pywin32's ``win32com.client.VARIANT`` when not given); without pywin32 there
    is no classic runtime, and the text is returned."""
    if variant is None:
        try:
            import pythoncom
            from win32com.client import VARIANT
        except ImportError:
            return "#N/A"
        variant, vt_error = VARIANT, pythoncom.VT_ERROR
    return variant(vt_error, XL_ERR_NA_SCODE)


class Ready(Sequence[list[Any]]):
    """An answer known to hold no :data:`NA` cell, written as it is, without a scan. It reads
    like the list of rows it holds but is not a list: xlwings checks every row of a list
    answer for a ragged shape (``conversion._check_not_jagged``), and pumpxl's answers are
    rectangular by construction."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows

    @overload
    def __getitem__(self, i: int) -> list[Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[list[Any]]: ...
    def __getitem__(self, i: int | slice) -> list[Any] | list[list[Any]]:
        return self.rows[i]

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other: object) -> bool:
        return self.rows == (other.rows if isinstance(other, Ready) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Ready({self.rows!r})"


class CellsIn(Converter):
    """Ranges as the runtime sent them (no per-cell xlwings stages); pumpxl.excel.cells
    cleans what it reads with :func:`clean`, numbers in bulk."""

    base_type = "raw"  # type: ignore[assignment]  # xlwings declares it None

    @staticmethod
    def read_value(value: Any, options: dict[str, Any]) -> Any:
        return value


class CellsOut(Converter):
    """Answers written as they are, but for :data:`NA`, in the runtime's own form (the
    Office.js path passes its ``runtime`` among the options; the classic path does not)."""

    base_type = "raw"  # type: ignore[assignment]  # xlwings declares it None

    @staticmethod
    def write_value(value: Any, options: dict[str, Any]) -> Any:
        if isinstance(value, Ready):
            return value.rows
        runtime = options.get("runtime")
        rows = [i for i, row in enumerate(value) if NA in row]
        if rows:
            na = office_na(str(runtime)) if runtime is not None else classic_na()
            for i in rows:
                value[i] = [na if c is NA else c for c in value[i]]
        return value
