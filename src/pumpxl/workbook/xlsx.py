"""The look shared by every workbook pumpxl writes (XlsxWriter): cell formats, print set-up,
and text that must stay text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pumpxl.core.present import Numbers

__all__ = [
    "FIXED_TIME",
    "FormulaSheet",
    "Formats",
    "literal",
    "new_workbook",
    "print_setup",
    "wrapped_lines",
]

#: A fixed creation time keeps rebuilt templates byte-for-byte reproducible.
FIXED_TIME = dt.datetime(2026, 1, 1)


class Formats:
    def __init__(self, wb: Workbook) -> None:
        add = wb.add_format
        self.title = add({"bold": True, "font_size": 16, "font_color": "#1F3864"})
        self.heading = add({"bold": True, "font_size": 12, "font_color": "#1F3864"})
        self.text = add({"text_wrap": True, "valign": "top"})
        self.code = add({"font_name": "Consolas", "font_color": "#333333"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.indented = add({"text_wrap": True, "valign": "top", "indent": 1})
        self.top = add({"valign": "top"})
        self.label = add({"indent": 1})  # text right of numbers, kept apart from them
        self.hidden_error = add({"font_color": "#FFFFFF"})
        self.date = add({"num_format": "yyyy-mm-dd", "valign": "top"})
        self.month = add({"num_format": "mmm yyyy", "align": "left", "valign": "top"})
        #: a day as outputs write it for people ("3 Mar 2025", as present.date_label)
        self.day = add({"num_format": "d mmm yyyy", "align": "left", "valign": "top"})
        self.number = add({"num_format": "#,##0.00", "valign": "top"})
        self.header = add(
            {
                "bold": True,
                "bg_color": "#1F4E79",
                "font_color": "#FFFFFF",
                "border": 1,
                "border_color": "#BFBFBF",
                "text_wrap": True,
                "valign": "vcenter",
            }
        )
        self.block_title = add({"bold": True, "font_size": 13, "font_color": "#1F3864"})
        self.note = add({"italic": True, "font_color": "#555555"})
        self.link = add({"font_color": "#1F4E79", "underline": 1, "valign": "top"})
        self.decimals: dict[int, Any] = {}
        self._custom: dict[str, Any] = {}
        self._wb = wb

    @staticmethod
    def num_format(decimals: int) -> str:
        return "#,##0" + ("." + "0" * decimals if decimals else "")

    def num(self, decimals: int | Numbers) -> Any:
        """Numbers with ``decimals`` places, or written as a measure's :class:`Numbers`."""
        if isinstance(decimals, Numbers):
            return self.custom(decimals.excel())
        if decimals not in self.decimals:
            fmt = self.num_format(decimals)
            self.decimals[decimals] = self._wb.add_format({"num_format": fmt, "valign": "top"})
        return self.decimals[decimals]

    def custom(self, num_format: str) -> Any:
        """A number format of its own (one format object per distinct text)."""
        if num_format not in self._custom:
            self._custom[num_format] = self._wb.add_format(
                {"num_format": num_format, "valign": "top"}
            )
        return self._custom[num_format]


#: Excel functions that XlsxWriter writes with a prefix (``_xlfn.``): dynamic-array functions
#: and, with use_future_functions, the newer ones. A formula naming none needs no rewrite.
_PREFIXED = re.compile(r"\b[A-Z][A-Z0-9.]*\(")


class FormulaSheet(Worksheet):  # type: ignore[misc]
    """XlsxWriter's worksheet for sheets of many formulas. XlsxWriter tries some 30 regular
    expression substitutions on every formula to add ``_xlfn.`` prefixes (0.2 ms a formula:
    seconds for an XmR sheet of native formulas); a formula whose functions are all classic
    ones is stored as it is, the others go through XlsxWriter's own rewriting."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        names = {m.group(0)[:-1] for m in _PREFIXED.finditer(formula)}
        if names <= CLASSIC_FUNCTIONS:
            return formula.removeprefix("{").removeprefix("=").removesuffix("}")
        return str(super()._prepare_formula(formula, expand_future_functions))


#: The functions pumpxl's own formulas use, none of which XlsxWriter prefixes.
CLASSIC_FUNCTIONS = frozenset(
    {
        "ABS", "AND", "COUNT", "COUNTIF", "COUNTIFS", "IF", "IFERROR", "INDEX", "ISBLANK",
        "ISERROR", "ISNA", "ISNUMBER", "LOWER", "MATCH", "MAX", "MEDIAN", "MID", "MIN", "NA",
        "OR", "ROWS", "SEARCH", "SIGN", "SUM", "SUMIFS", "TRIM",
    }
)  # fmt: skip


def new_workbook(path: Path, *, recalculate: bool = False) -> tuple[Workbook, Formats]:
    """A workbook with pumpxl's settings. ``recalculate``: Excel recomputes every formula when
    it opens the file (the PuMP workbook, whose working cells carry no stored result)."""
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
        },
    )
    wb.set_properties({"created": FIXED_TIME, "author": "pumpxl", "title": "PuMP workbook"})
    wb.set_calc_mode("auto")
    wb.calc_on_load = recalculate
    return wb, Formats(wb)


def print_setup(ws: Worksheet, *, repeat_header: bool = True, pages_wide: int = 1) -> None:
    """Landscape A4, ``pages_wide`` pages wide, header row on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(pages_wide, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if repeat_header:
        ws.repeat_rows(0)


def literal(text: str) -> str:
    """Text for chart titles, which XlsxWriter reads as a cell reference when they look like
    one ("=Sheet!A1", or just "x!A1"): an invisible word joiner in front of a leading "=",
    "+", "-" or "@" and after every "!" keeps it text and looks the same."""
    text = text.replace("!", "!\u2060")
    return "\u2060" + text if text[:1] in ("=", "+", "-", "@") else text


def wrapped_lines(text: str, width: float) -> int:
    """About how many lines ``text`` wraps to in a column ``width`` characters wide (word by
    word, with a little room for the cell's margins)."""
    room = max(4, int(width) - 3)
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines
