"""Presenting a measure's periods and numbers to people, the same in every output: period
names at the measure's frequency ("Mar 2025", "week of 3 Mar 2025", "Q1 2025"), dates ("3 Mar
2025"), spans, the prepositions a sentence needs, numbers written to the precision the data
have at any magnitude (:class:`Numbers`), units, plurals. :func:`presenter` gives one
:class:`Presenter` per measure; adapters ask it, and format no date or number themselves.

Numbers: the last digit shown is about a tenth of the chart's routine variation (its average
moving range), never finer than the data's own last digit (values of 99.56 are not written
99.560), in plain notation with thousands separators while that stays short (at most
:data:`MAX_DECIMALS` places and values under 10**:data:`MAX_DIGITS`), otherwise in scientific
notation with as many significant digits as the variation shows ("1.43E-300", "9.50000000035E+15",
as Excel writes ``0.00E+00``). Display rounds half away from zero, as Excel does (50.25 to one
place is "50.3"), from the shortest decimal that reads back as the value.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pumpxl.core.periods import infer_frequency
from pumpxl.core.vocabulary import Frequency

if TYPE_CHECKING:
    from pumpxl.core.result import XmrResult

__all__ = [
    "MAX_DECIMALS",
    "MAX_DIGITS",
    "Numbers",
    "Presenter",
    "date_label",
    "count",
    "decimals_for",
    "in_period",
    "month_label",
    "number_format",
    "numbers_for",
    "per",
    "period_label",
    "plural",
    "presenter",
    "since",
    "size_kb",
    "span_label",
    "the",
    "value_decimals",
]

#: Plain notation up to this many decimal places; finer numbers are written scientifically.
MAX_DECIMALS = 6
#: Plain notation for numbers below 10 ** MAX_DIGITS; larger ones are written scientifically.
MAX_DIGITS = 12
#: A float holds about 15 significant decimal digits; no number is written with more.
MAX_SIGNIFICANT = 15


@dataclass(frozen=True)
class Numbers:
    """How one measure's numbers are written: ``decimals`` places in plain notation, or, when
    ``scientific`` is set, that many places of a scientific mantissa ("1.43E-300"). Values
    themselves are written to no more places than the data have (``value_decimals``,
    ``value_scientific``): "99.56", not "99.560"."""

    decimals: int = 2
    scientific: int | None = None
    value_decimals: int | None = None
    value_scientific: int | None = None

    def text(self, value: float | None) -> str:
        """``value`` as a person reads it; "-" for none (or a value that is not finite)."""
        if value is None or not math.isfinite(value):
            return "-"
        exact = Decimal(repr(float(value)))
        with localcontext() as ctx:
            ctx.rounding = ROUND_HALF_UP
            ctx.prec = 40
            if self.scientific is not None:
                out = _scientific(exact, self.scientific)
            else:
                out = format(exact, f",.{self.decimals}f")
        if out.startswith("-") and not any(c in "123456789" for c in out.split("E")[0]):
            out = out[1:]  # no "-0.0"
        return out

    def value(self, value: float | None) -> str:
        """One of the measure's own values, to the data's precision."""
        return self.for_values().text(value)

    def for_values(self) -> Numbers:
        """The style of the measure's own values (a column of them, a latest value)."""
        d = self.decimals if self.value_decimals is None else min(self.decimals,
                                                                   self.value_decimals)
        sci = self.scientific
        if sci is not None and self.value_scientific is not None:
            sci = min(sci, self.value_scientific)
        return Numbers(d, sci)

    def width(self, values: Any) -> int:
        """Characters the widest of ``values`` takes written this way (a column's width)."""
        arr = np.asarray(values, dtype=np.float64)
        seen = arr[np.isfinite(arr)]
        if not seen.shape[0]:
            return 0
        return max(len(self.text(float(v))) for v in (seen.min(), seen.max()))

    def finer(self) -> Numbers:
        """One digit more (a slope per period, a tenth of a level's variation)."""
        return Numbers(
            self.decimals + 1,
            None if self.scientific is None else min(MAX_SIGNIFICANT - 1, self.scientific + 1),
        )

    def excel(self) -> str:
        """The Excel number format that writes a cell as :meth:`text` does."""
        if self.scientific is not None:
            return ("0." + "0" * self.scientific if self.scientific else "0") + "E+00"
        return "#,##0" + ("." + "0" * self.decimals if self.decimals else "")

    def step(self, step: float) -> Numbers:
        """The style for axis ticks ``step`` apart: enough places to write every tick
        exactly, in the same notation."""
        if not math.isfinite(step) or step <= 0:
            return self
        exp = _last_digit(step)
        if self.scientific is not None:
            return Numbers(0, max(0, min(MAX_SIGNIFICANT - 1, self.scientific)))
        return Numbers(max(0, -exp))


def _scientific(exact: Decimal, places: int) -> str:
    """``exact`` as Excel's ``0.00E+00`` writes it, rounded half away from zero (the context
    the caller set)."""
    quantum = Decimal(1).scaleb(-places)
    if not exact:
        return f"{format(Decimal(0).quantize(quantum), 'f')}E+00"
    e = exact.adjusted()
    mantissa = exact.scaleb(-e).quantize(quantum)
    if abs(mantissa) >= 10:  # 9.96 to one place is 10.0: one power of ten up
        e += 1
        mantissa = exact.scaleb(-e).quantize(quantum)
    return f"{format(mantissa, 'f')}E{'+' if e >= 0 else '-'}{abs(e):02d}"


def _magnitude(v: float) -> int:
    """The power of ten of ``v``'s first significant digit (0 for zero)."""
    return math.floor(math.log10(abs(v))) if v else 0


def _last_digit(v: float) -> int:
    """The power of ten of the last significant digit of ``v``'s shortest decimal form,
    counting at most MAX_SIGNIFICANT digits (0.25 -> -2, 1200.0 -> 2, 0.1 + 0.2 -> -15)."""
    if not v or not math.isfinite(v):
        return 0
    d = Decimal(repr(abs(float(v)))).normalize()
    exp = int(d.as_tuple().exponent)
    return max(exp, _magnitude(v) - MAX_SIGNIFICANT + 1)


def numbers_for(values: Any, spread: float) -> Numbers:
    """The style of a measure's numbers: the last digit about a tenth of ``spread`` (the
    average moving range; for a measure with no variation, the values' own digits), at most
    one digit finer than the data's own last digit, plain while short, else scientific."""
    arr = np.asarray(values, dtype=np.float64)
    seen = arr[np.isfinite(arr)]
    if not seen.shape[0]:
        return Numbers(decimals_for(spread))
    data_exp = min(_last_digit(float(v)) for v in np.unique(seen[:2000]))
    wide = math.isfinite(spread) and spread > 0
    exp = max(_magnitude(spread) - 1, data_exp - 1) if wide else data_exp
    value_exp = max(exp, data_exp)
    mag = _magnitude(float(np.max(np.abs(seen))))
    if -exp <= MAX_DECIMALS and mag < MAX_DIGITS:
        return Numbers(max(0, -exp), value_decimals=max(0, -value_exp))

    def digits(e: int) -> int:
        return max(1, min(MAX_SIGNIFICANT - 1, mag - e))

    return Numbers(max(0, -exp), digits(exp), max(0, -value_exp), digits(value_exp))


class Presenter:
    """One measure's way of writing its periods, dates, numbers and units, for every
    output: ``presenter(r, frequency, unit)``."""

    def __init__(self, r: XmrResult, frequency: Frequency | None, unit: str = "") -> None:
        self.r = r
        self.frequency = frequency
        self.unit = unit
        self.numbers = numbers_for(r.values, r.mr_bar)

    def number(self, value: float | None) -> str:
        """A number of the chart (value, level, limit, target) in the measure's one style."""
        return self.numbers.text(value)

    def with_unit(self, value: float | None) -> str:
        """ "72.4 %", "1,204 tickets" ("-" without a value)."""
        text = self.number(value)
        if text == "-" or not self.unit:
            return text
        return f"{text}{self.unit}" if self.unit in ("%", "‰") else f"{text} {self.unit}"

    def period(self, i: int) -> str:
        return period_label(self.r, i, self.frequency)

    def span(self, first: int, last: int) -> str:
        return span_label(self.r, first, last, self.frequency)


def presenter(r: XmrResult, frequency: Frequency | None = None, unit: str = "") -> Presenter:
    """The :class:`Presenter` of the chart ``r`` at its measure's frequency and unit."""
    return Presenter(r, frequency, unit)


def date_label(d: dt.date | pd.Timestamp | None) -> str:
    """A date as people write it: "3 Mar 2025" (no leading zero); "-" for none."""
    if d is None or (isinstance(d, pd.Timestamp) and pd.isna(d)):
        return "-"
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def month_label(d: dt.date | pd.Timestamp | None, *, full: bool = False) -> str:
    """A month: "Mar 2025" ("March 2025" with ``full``); "-" for none."""
    if d is None or (isinstance(d, pd.Timestamp) and pd.isna(d)):
        return "-"
    return f"{(_FULL if full else _MONTHS)[d.month - 1]} {d.year}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FULL = ("January", "February", "March", "April", "May", "June", "July", "August",
         "September", "October", "November", "December")  # fmt: skip


def period_label(r: XmrResult, i: int, frequency: Frequency | None = None) -> str:
    """How to name period ``i`` to a person, at the measure's frequency: "Mar 2025", "week of
    3 Mar 2025", "3 Mar 2025", "Q1 2025", "2025"; "point 7" without dates."""
    if r.dates is None or not len(r.dates):
        return f"point {i + 1}"
    freq = frequency or infer_frequency(r.dates.to_numpy())
    d = r.dates[i]
    if freq == "monthly":
        return month_label(d)
    if freq == "quarterly":
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    if freq == "yearly":
        return str(d.year)
    day = date_label(d)
    return f"week of {day}" if freq == "weekly" else day


def span_label(r: XmrResult, first: int, last: int, frequency: Frequency | None = None) -> str:
    """Periods ``first`` to ``last`` in words ("Sep to Dec 2025", "Mar 2025")."""
    a, b = period_label(r, first, frequency), period_label(r, last, frequency)
    if first == last:
        return a
    if a[-4:] == b[-4:] and a[:-5] and not a.startswith(("week", "Q")) and a[-5] == " ":
        return f"{a[:-5]} to {b}"
    return f"{a} to {b}"


def decimals_for(spread: float) -> int:
    """Decimal places that show a chart's numbers to about a tenth of its routine variation
    (plain notation; :func:`numbers_for` decides when that would mislead)."""
    if not math.isfinite(spread) or spread <= 0:
        return 2
    return max(0, min(MAX_DECIMALS, 1 - math.floor(math.log10(spread))))


def value_decimals(values: Any, spread: float) -> int:
    """Decimal places for a measure's own values: none when every value is a whole number (a
    count is "5", not "5.0"), else as :func:`numbers_for`."""
    return numbers_for(values, spread).decimals


def number_format(value: float | None, style: int | Numbers) -> str:
    """``value`` with ``style`` (a :class:`Numbers`, or a number of decimal places) and
    thousands separators, rounded half away from zero; "-" for none."""
    return (style if isinstance(style, Numbers) else Numbers(style)).text(value)


def per(frequency: Frequency | None) -> str:
    """ "a month", "a week"... for a slope per period."""
    words = {"daily": "a day", "weekly": "a week", "monthly": "a month", "quarterly": "a quarter"}
    return words.get(frequency or "", "a year" if frequency == "yearly" else "a period")


def the(label: str) -> str:
    """A period's label as a sentence needs it: "the week of 3 Mar 2025", "Oct 2024"."""
    return f"the {label}" if label.startswith("week of") else label


def since(label: str) -> str:
    """ "since Oct 2024", "since the week of 3 Mar 2025", "since point 13"."""
    return f"since {the(label)}"


def in_period(label: str) -> str:
    """ "in Oct 2024", "in the week of 3 Mar 2025", "at point 13", "on 3 Mar 2025"."""
    if label.startswith("week of"):
        return f"in the {label}"
    if label.startswith("point"):
        return f"at {label}"
    return f"on {label}" if label[:1].isdigit() and " " in label else f"in {label}"


def count(n: int) -> str:
    """A whole number of things with thousands separators: "12,345"."""
    return f"{n:,}"


def size_kb(n_bytes: int) -> str:
    """A file's size in kilobytes: "48 KB"."""
    return f"{round(n_bytes / 1024):,} KB"


def plural(n: int, noun: str) -> str:
    """ "1 measure", "2 measures"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
