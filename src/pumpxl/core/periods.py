"""Periods and their spacing: a measure's periods follow one another at its frequency. Weekly
periods are 7 days apart; daily ones 1 day (or Friday to Monday, for working days); monthly,
quarterly and yearly ones 1, 3 and 12 calendar months apart, whatever the day of the month.
Anything else is either missing periods (which belong in the data as blank values) or a change
of frequency (which makes a new measure: moving ranges over different spans do not compare)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pumpxl.core.vocabulary import Frequency

__all__ = ["Irregular", "first_irregular", "infer_frequency", "irregular_message", "spacing_words"]

#: Calendar months between periods, for the frequencies counted in months.
_MONTHS: dict[Frequency, int] = {"monthly": 1, "quarterly": 3, "yearly": 12}
_DAYS: dict[Frequency, int] = {"daily": 1, "weekly": 7}


@dataclass(frozen=True)
class Irregular:
    """Where a series first leaves its frequency: ``index`` is the period that comes too
    soon or too late after the one before; ``days`` how far apart they are."""

    index: int
    days: int


def infer_frequency(dates: npt.NDArray[np.datetime64]) -> Frequency:
    """The frequency whose spacing is nearest the median gap between ``dates`` (plain sheets
    do not say); "monthly" for fewer than two dates."""
    gaps = np.diff(dates.astype("datetime64[D]")).astype(np.int64)
    if gaps.shape[0] == 0:
        return "monthly"
    median = float(np.median(gaps))
    typical: dict[Frequency, float] = {
        "daily": 1,
        "weekly": 7,
        "monthly": 30.4,
        "quarterly": 91.3,
        "yearly": 365.25,
    }
    return min(typical, key=lambda f: abs(np.log(median / typical[f])) if median > 0 else 0)


def first_irregular(
    dates: npt.NDArray[np.datetime64], frequency: Frequency
) -> Irregular | None:
    """The first period not one ``frequency`` step after the one before (dates in order)."""
    days = dates.astype("datetime64[D]")
    if days.shape[0] < 2:
        return None
    gaps = np.diff(days).astype(np.int64)
    if frequency in _MONTHS:
        months = days.astype("datetime64[M]").astype(np.int64)
        bad = np.diff(months) != _MONTHS[frequency]
    else:
        bad = gaps != _DAYS[frequency]
        if frequency == "daily":  # working days: Friday to Monday
            friday = days[:-1].astype(np.int64) % 7 == 1  # day 1, 1970-01-02, was a Friday
            bad &= ~((gaps == 3) & friday)
    at = np.flatnonzero(bad)
    if at.shape[0] == 0:
        return None
    i = int(at[0])
    return Irregular(i + 1, int(gaps[i]))


def spacing_words(frequency: Frequency) -> str:
    """How far apart a frequency's periods are, in words."""
    return {
        "daily": "1 day (or Friday to Monday)",
        "weekly": "7 days",
        "monthly": "1 calendar month",
        "quarterly": "3 calendar months",
        "yearly": "12 calendar months",
    }[frequency]


def irregular_message(
    dates: npt.NDArray[np.datetime64], frequency: Frequency, found: Irregular
) -> str:
    """Why the period at ``found.index`` does not follow the one before, in words."""
    day = dates.astype("datetime64[D]")
    this, before = day[found.index], day[found.index - 1]
    step = spacing_words(frequency)
    if found.days < {"daily": 1, "weekly": 7, "monthly": 28, "quarterly": 89}.get(frequency, 365):
        advice = (
            "the data change to a shorter period here: a new frequency makes a new measure "
            "(moving ranges over different spans do not compare), so give these values their "
            "own measure"
        )
    else:
        advice = "missing periods belong in the data as rows with a blank value"
    return (
        f"period {this} is {found.days} days after {before}, but {frequency} periods are "
        f"{step} apart; {advice}"
    )
