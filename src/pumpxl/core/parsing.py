"""Reading dates and numbers from what people type, the same way everywhere: the workbook
reader, plain sheets and CSVs, and the Excel functions all call these, so one text means one
date (or number) wherever it is typed.

Dates, cell by cell: date cells; text ``2024-03-01``, ``2024-03`` (the month), ``2024/03/01``,
``2024/03``, ``Mar 2024``, ``March 2024``, ``Sept 2024``, ``Mar-2024``, and Excel's month
export ``Jan-24`` (two-digit years as Excel reads them: 00-29 are 2000-2029, 30-99 are
1930-1999). English month names or their three-letter abbreviations only ("Janvier" is not
January).

Dates, column by column (:func:`date_rules`): numeric dates with the year last (``31/01/2024``,
``31.01.2024``, ``01-31-2024``) are read day-first when some value in the column can only be
day-first (a first number above 12) and none can only be month-first, month-first in the
opposite case, and refused otherwise (every value could be either: ``03/04/2024``), unless the
caller says the order. Excel date numbers (1900 date system, 1950 to 2100) are read as dates
only in a column that holds dates: its header names a period or date, or other cells in it are
dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

__all__ = [
    "EXCEL_EPOCH",
    "DateOrder",
    "DateRules",
    "date_from_serial",
    "date_rules",
    "excel_serial",
    "number_from_text",
    "parse_date",
    "parse_number",
]

DateOrder = Literal["dmy", "mdy"]

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
_MON_YEAR = re.compile(r"^([A-Za-z]+)\.?[ -](\d{4}|\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
#: Excel date numbers read as dates: 1 Jan 1950 to 31 Dec 2100.
SERIAL_RANGE = (18264, 73415)
#: Header words that say a column holds dates.
DATE_HEADERS = ("date", "period", "month", "week", "day", "quarter", "year")


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
        year = int(m.group(2))
        if len(m.group(2)) == 2:  # Excel's two-digit years
            year += 2000 if year < 30 else 1900
        return dt.date(year, _MONTHS[m.group(1).lower()], 1)
    return None


def _numeric(text: str, order: DateOrder) -> dt.date | None:
    m = _NUMERIC.match(text.strip())
    if m is None:
        return None
    first, second, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    day, month = (first, second) if order == "dmy" else (second, first)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class DateRules:
    """How one column's cells become dates: the order of numeric dates, and whether numbers
    are Excel date numbers. ``problem`` says why the column's numeric dates cannot be read
    (:func:`parse_date` then gives "the column ..." for each of them: report it once)."""

    order: DateOrder | None = None
    serials: bool = False
    problem: str | None = None


def date_rules(
    cells: Iterable[Any],
    *,
    header: str = "",
    order: DateOrder | None = None,
    where: Callable[[int], str] | None = None,
) -> DateRules:
    """The rules for a column of period cells (see the module's description). ``where(i)``
    names the i-th cell for messages; ``order`` is the caller's own answer."""
    day_first: str | None = None
    month_first: str | None = None
    ambiguous: str | None = None
    dated = False
    for i, cell in enumerate(cells):
        if isinstance(cell, (dt.date, dt.datetime)):
            dated = True
            continue
        if not isinstance(cell, str):
            continue
        m = _NUMERIC.match(cell.strip())
        if m is None:
            dated = dated or _date_text(cell) is not None
            continue
        shown = f"{cell.strip()!r}" + (f" at {where(i)}" if where is not None else "")
        first, second = int(m.group(1)), int(m.group(3))
        if first > 12 and second <= 12:
            day_first = day_first or shown
        elif second > 12 and first <= 12:
            month_first = month_first or shown
        elif first <= 12 and second <= 12:
            ambiguous = ambiguous or shown
    serials = dated or any(word in header.lower() for word in DATE_HEADERS)
    if order is not None or not (day_first or month_first or ambiguous):
        return DateRules(order, serials)
    if day_first and month_first:
        return DateRules(None, serials, (
            f"mixes day-first ({day_first}) and month-first ({month_first}) dates; write "
            "dates as 2024-01-31"
        ))  # fmt: skip
    if day_first or month_first:
        return DateRules("dmy" if day_first else "mdy", serials)
    return DateRules(None, serials, (
        f"has dates like {ambiguous} whose day and month could be either way round, and no "
        "date that settles it; write dates as 2024-01-31 or say the order (--date-order dmy "
        "or mdy)"
    ))  # fmt: skip


def parse_date(value: Any, rules: DateRules | None = None) -> tuple[dt.date | None, str | None]:
    """(date, None) for a date cell or date text; (None, None) for a blank; (None, reason)
    otherwise. Numeric dates (31/01/2024) and Excel date numbers are read only as the column's
    ``rules`` (:func:`date_rules`) allow."""
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
        if rules is not None and _NUMERIC.match(value.strip()):
            if rules.problem:
                return None, f"the column {rules.problem}"
            if rules.order is not None:
                d = _numeric(value, rules.order)
                return (d, None) if d else (None, f"{value!r} is not a date")
        return None, (
            f"{value!r} is not a date; use a date cell or text like 2024-03-01 or "
            "Mar 2024 (day/month order is ambiguous)"
        )
    if isinstance(value, bool):
        return None, f"{value} is not a date"
    if isinstance(value, (int, float)):
        serial = float(value)
        lo, hi = SERIAL_RANGE
        if rules is not None and rules.serials and serial.is_integer() and lo <= serial <= hi:
            when = date_from_serial(serial)
            assert when is not None
            return when.date(), None
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
