"""Calling pumpxl's Excel functions the way Excel on the web does: through xlwings' Office.js
contract, in-process (TOOLING.md). The environment is set in conftest.py before xlwings is
first imported."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import xlwings
import xlwings.server

from pumpxl import excel
from pumpxl.excel.cells import ERROR_TEXTS

__all__ = ["call", "call_positional", "cell", "column"]


def cell(v: Any) -> Any:
    """A cell as the Office.js add-in sends it: blanks as "", errors as Error objects."""
    if v is None:
        return ""
    if isinstance(v, str) and v.startswith("#") and v in ERROR_TEXTS:
        return {"type": "Error", "basicValue": v, "errorType": "NotAvailable"}
    return v


def column(values: list[Any]) -> list[list[Any]]:
    return [[cell(v)] for v in values]


def call(name: str, **kwargs: Any) -> list[list[Any]]:
    """Call a function through the Office.js contract with arguments by name: they are put in
    the positions the function's signature gives them, as Excel does; omitted ones are null."""
    params = list(inspect.signature(getattr(excel, name)).parameters)
    assert set(kwargs) <= set(params), set(kwargs) - set(params)
    args = [kwargs.get(p) for p in params]
    while args and args[-1] is None:
        args.pop()
    return call_positional(name, *args)


def call_positional(name: str, *args: Any) -> list[list[Any]]:
    body = {
        "client": "Office.js",
        "func_name": name,
        # an omitted argument comes as null; a blank cell inside a range as ""
        "args": [a if isinstance(a, list) else [[None if a is None else cell(a)]] for a in args],
        "caller_address": "[Book1.xlsx]Sheet1!B2",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "version": xlwings.__version__,
        "runtime": "1.4",
    }
    out = asyncio.run(xlwings.server.custom_functions_call(body, excel))
    assert isinstance(out, list)
    return out
