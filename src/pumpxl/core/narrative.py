"""The reading of an XmR chart (:mod:`pumpxl.core.interpret`) in words: period names at the
measure's frequency, signals by their meaning, a one-line status, a few sentences of
description. Cells, slides, posters and the terminal all use these, so they say the same."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from pumpxl.core.interpret import Reading, read
from pumpxl.core.periods import infer_frequency
from pumpxl.core.vocabulary import RULE_LABELS, RULE_NAMES, Frequency

if TYPE_CHECKING:  # for annotations only: XmrResult itself uses this module
    from pumpxl.core.detect import Signal
    from pumpxl.core.result import XmrResult

__all__ = [
    "NAMED",
    "decimals_for",
    "describe",
    "value_decimals",
    "meaning_label",
    "number_format",
    "period_label",
    "signal_labels",
    "signal_phrase",
    "span_label",
    "status_line",
]


#: How many signals a sentence names (the latest ones); the rest are counted.
NAMED = 3


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


def signal_phrase(s: Signal) -> str:
    """What a signal is, without its meaning: "long run of 8 below the central line"."""
    n = len(s.points)
    side = "above" if s.moved == "up" else "below"
    if s.rule == "outlier":
        return f"outlier {side} the limits" if n == 1 else f"{n} outliers {side} the limits"
    if s.rule == "mr_outlier":
        return f"large jump {s.moved}"
    if s.rule == "long_run":
        return f"long run of {n} {side} the central line"
    if s.rule == "trend":
        return f"trend of {n} {'rising' if s.moved == 'up' else 'falling'}"
    if s.rule in ("short_run", "two_of_three"):
        return f"{RULE_LABELS[s.rule][0]} ({s.detail}) {side}"
    return f"{RULE_LABELS[s.rule][0]} {side} the central line"


def meaning_label(s: Signal) -> str:
    """A signal with its meaning first: "Concern: long run of 8 below the central line"."""
    meaning = {"improvement": "Improvement", "concern": "Concern"}.get(s.assessment, "Signal")
    return f"{meaning}: {signal_phrase(s)}"


def signal_labels(r: XmrResult) -> list[str]:
    """Per point, the signals it belongs to in words ("outlier (concern)"); "" if routine."""
    out = [""] * len(r)
    by_rule: dict[str, list[Signal]] = {}
    for s in r.signals:
        by_rule.setdefault(s.rule, []).append(s)
    for rule in RULE_NAMES:  # in rule order, as the workbook's own formulas spell them
        word = RULE_LABELS[rule][0]
        done: set[int] = set()  # a peak between two trends takes the first one's tag
        for s in by_rule.get(rule, ()):
            tag = word if s.assessment == "neutral" else f"{word} ({s.assessment})"
            for p in s.points:
                if p not in done:
                    done.add(p)
                    out[p] = f"{out[p]}; {tag}" if out[p] else tag
    return out


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _with_span(r: XmrResult, s: Signal, frequency: Frequency | None) -> str:
    return f"{meaning_label(s)} ({span_label(r, s.first, s.last, frequency)})"


def per(frequency: Frequency | None) -> str:
    """ "a month", "a week"... for a slope per period."""
    words = {"daily": "a day", "weekly": "a week", "monthly": "a month", "quarterly": "a quarter"}
    return words.get(frequency or "", "a year" if frequency == "yearly" else "a period")


def status_line(
    r: XmrResult, reading: Reading | None = None, frequency: Frequency | None = None
) -> str:
    """The chart's state now in one line: the latest value's signals, else common cause with
    any recent signal named."""
    rd = reading or read(r)
    if rd.now == "no values":
        return "No values yet"
    if rd.now == "too few values":
        return "Too few values for limits"
    if rd.latest:
        return "; ".join(_with_span(r, s, frequency) for s in rd.latest)
    if rd.recent:
        recent = "; ".join(_with_span(r, s, frequency) for s in rd.recent)
        return f"Routine variation at the latest value; recent signal: {recent}"
    if rd.current:
        return "Routine variation at the latest value (earlier signals in this phase)"
    return "Routine variation: no signal since the limits were set"


def describe(
    r: XmrResult, reading: Reading | None = None, frequency: Frequency | None = None
) -> str:
    """A few sentences: the current phase's level and limits, its signals by meaning, any
    advice to recalculate, and the target."""
    rd = reading or read(r)
    if rd.now == "no values":
        return "No values yet."
    last = r.phases[-1]
    if rd.now == "too few values":
        return (
            f"Too few values for limits: {last.n_values} value(s) in the latest phase; "
            f"limits need at least 2 (5 or more to be useful)."
        )
    d = decimals_for(r.mr_bar)
    if frequency is None and r.dates is not None and len(r.dates) > 1:
        frequency = infer_frequency(r.dates.to_numpy())

    def f(v: float | None) -> str:
        return number_format(v, d)

    lo = f(r.lnpl) + (" (bound)" if last.lnpl_is_bound else "")
    hi = f(r.unpl) + (" (bound)" if last.unpl_is_bound else "")
    level = f"around {f(r.central_line)} (limits {lo} to {hi})"
    if last.trend is not None:
        step = number_format(abs(last.slope), decimals_for(r.mr_bar / 10))
        level = (
            f"along a trend ({'up' if last.slope >= 0 else 'down'} {step} {per(frequency)}, "
            f"{last.trend}), now at {f(r.central_line)} (limits {lo} to {hi})"
        )
    if rd.current:
        shown = rd.current[-NAMED:]
        named = [_with_span(r, s, frequency) for s in shown]
        if len(rd.current) > NAMED:
            named.append(f"{len(rd.current) - NAMED} earlier")
        sentences = [f"The process runs {level}. Signals in this phase: {_list(named)}."]
        if rd.latest:
            sentences.append("The latest value is part of a signal.")
    else:
        sentences = [f"No signals: the process runs predictably {level}."]
    if rd.recalculations:
        count = len(rd.recalculations)
        times = {1: "once", 2: "twice"}.get(count, f"{count} times")
        sentences.append(f"Limits recalculated {times}.")
    if last.trial:
        sentences.append(f"Trial limits from {last.n_values} values.")
    if rd.recalculate_from is not None:
        sentences.append(
            f"A sustained shift since {period_label(r, rd.recalculate_from, frequency)} is still "
            "in force: once its cause is known, recalculate the limits from there."
        )
    if rd.drift is not None:
        step = number_format(abs(rd.drift), decimals_for(r.mr_bar / 10))
        sentences.append(
            f"The values drift steadily ({'up' if rd.drift > 0 else 'down'} about {step} "
            f"{per(frequency)} in this phase): consider trended limits (the Trend setting); "
            "the limits stay flat until you choose them."
        )
    t, a = rd.target, rd.assurance
    if t is not None and a is not None:
        text = {
            "hit and miss": "is inside the limits and will be met only by chance",
            "consistently fail": "is outside the limits: the process will consistently fail it",
            "consistently pass": "is outside the limits: the process will consistently pass it",
        }[a]
        sentences.append(f"The target of {f(t)} {text}.")
    return " ".join(sentences)
