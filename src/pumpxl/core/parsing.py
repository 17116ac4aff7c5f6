"""Reading dates and numbers from what people type, the same way everywhere: the workbook
reader, plain sheets and CSVs, and the Excel functions all call these, so one text means one
date (or number) wherever it is typed.

Dates: date cells; text ``2024-03-01``, ``2024-03`` (the month), ``2024/03/01``, ``2024/03``,
``Mar 2024``, ``March 2024``, ``Sept 2024``, ``Mar-2024``. English month names or their
three-letter abbreviations only ("Janvier" is not January), and never a day-month order that
could be read two ways (03/04/2024). Excel date numbers (1900 date system) are turned into dates
only where the caller knows the cell holds a date.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

__all__ = [
    "EXCEL_EPOCH",
    "date_from_serial",
    "excel_serial",
    "number_from_text",
    "parse_date",
    "parse_number",
]

#: Day 0 of Excel's 1900 date system (as Excel counts, with its phantom 29 Feb 1900).
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_LAST_SERIAL = 2958466  # 31 Dec 9999 + 1

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {
    **{m: i for i, m in enumerate(_MONTH_NAMES, start=1)},
    **{m[:3]: i for i, m in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}
_YEAR_FIRST = re.compile(r"^(\d{4})([-/])(\d{1,2})(?:\2(\d{1,2}))?(?:[T ]00:00(?::00)?)?$")
_MON_YEAR = re.compile(r"^([A-Za-z]+)\.?[ -](\d{4})$")


@lru_cache(maxsize=4096)
def _date_text(text: str) -> dt.date | None:
    t = text.strip()
    m = _YEAR_FIRST.match(t)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4) or 1)
        try:
            return dt.date(y, mo, d)
        except ValueError:
            return None
    m = _MON_YEAR.match(t)
    if m and m.group(1).lower() in _MONTHS:
        return dt.date(int(m.group(2)), _MONTHS[m.group(1).lower()], 1)
    return None


def parse_date(value: Any) -> tuple[dt.date | None, str | None]:
    """(date, None) for a date cell or date text; (None, None) for a blank; (None, reason)
    otherwise. Numbers are refused here (see :func:`date_from_serial`)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, str):
        d = _date_text(value)
        if d is not None:
            return d, None
        if not value.strip():
            return None, None
        return None, (
            f"{value!r} is not a date; use a date cell or text like 2024-03-01 or "
            "Mar 2024 (day/month order is ambiguous)"
        )
    if isinstance(value, bool):
        return None, f"{value} is not a date"
    if isinstance(value, (int, float)):
        return None, f"{value:g} is a number, not a date; format the cell as a date"
    return None, f"{value!r} is not a date"


def date_from_serial(serial: float) -> dt.datetime | None:
    """The date of an Excel date number (1900 date system), or None outside Excel's range."""
    if not 1 <= serial < _LAST_SERIAL:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=float(serial))


def excel_serial(value: dt.date | dt.datetime) -> float:
    """The Excel date number (1900 date system) of a date."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return (value - EXCEL_EPOCH) / dt.timedelta(days=1)


def number_from_text(text: str) -> float | None:
    """The number in text like ``1,234.5`` (comma thousands separators), else None."""
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        return None


def parse_number(value: Any) -> tuple[float | None, str | None]:
    """(number, None); (None, None) for a blank; (None, reason) for text, booleans, dates and
    numbers stored as text (which a spreadsheet would not sum)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return None, f"{value} is a true/false value, not a number"
    if isinstance(value, (int, float)):
        f = float(value)
        if f != f or f in (float("inf"), float("-inf")):
            return None, "is not a finite number"
        return f, None
    if isinstance(value, str):
        if number_from_text(value) is None:
            return None, f"{value!r} is text, not a number"
        return None, f"{value!r} is a number stored as text; enter it as a number"
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return None, f"{value} is a date or time, not a number"
    return None, f"{value!r} is not a number"
