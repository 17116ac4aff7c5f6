"""Presenting a measure's periods and numbers to people, the same in every output: period
names at the measure's frequency ("Mar 2025", "week of 3 Mar 2025", "Q1 2025"), spans, the
prepositions a sentence needs, decimals to about a tenth of a chart's routine variation,
numbers with thousands separators, plurals."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from pumpxl.core.periods import infer_frequency
from pumpxl.core.vocabulary import Frequency

if TYPE_CHECKING:
    from pumpxl.core.result import XmrResult

__all__ = [
    "decimals_for",
    "in_period",
    "number_format",
    "per",
    "period_label",
    "plural",
    "since",
    "span_label",
    "the",
    "value_decimals",
]


def period_label(r: XmrResult, i: int, frequency: Frequency | None = None) -> str:
    """How to name period ``i`` to a person, at the measure's frequency: "Mar 2025", "week of
    3 Mar 2025", "3 Mar 2025", "Q1 2025", "2025"; "point 7" without dates."""
    if r.dates is None or not len(r.dates):
        return f"point {i + 1}"
    freq = frequency or infer_frequency(r.dates.to_numpy())
    d = r.dates[i]
    if freq == "monthly":
        return d.strftime("%b %Y")
    if freq == "quarterly":
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    if freq == "yearly":
        return str(d.year)
    day = f"{d.day} {d.strftime('%b %Y')}"
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
    """Decimal places that show a chart's numbers to about a tenth of its routine variation."""
    if not math.isfinite(spread) or spread <= 0:
        return 2
    return max(0, min(6, 1 - math.floor(math.log10(spread))))


def value_decimals(values: Any, spread: float) -> int:
    """Decimal places for a measure's own values: none when every value is a whole number (a
    count is "5", not "5.0"), else as :func:`decimals_for`."""
    observed = values[~np.isnan(values)]
    if observed.shape[0] and bool(np.all(observed == np.round(observed))):
        return 0
    return decimals_for(spread)


def number_format(value: float | None, decimals: int) -> str:
    """``value`` with ``decimals`` places and thousands separators; "-" for none."""
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.{decimals}f}"


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


def plural(n: int, noun: str) -> str:
    """ "1 measure", "2 measures"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
