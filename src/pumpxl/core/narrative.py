"""The reading of an XmR chart (:mod:`pumpxl.core.interpret`) in words: signals by their
meaning, steps, drifts and changes of level, a one-line status, a few sentences of
description. Cells, slides, posters and the terminal all use these, so they say the same.
Periods and numbers are written by :mod:`pumpxl.core.present` (re-exported here)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from pumpxl.core.interpret import Reading, Recalculated
from pumpxl.core.present import (
    Numbers,
    decimals_for,
    in_period,
    number_format,
    per,
    period_label,
    plural,
    since,
    span_label,
    the,
    value_decimals,
)
from pumpxl.core.steps import PROVISIONAL_MIN
from pumpxl.core.vocabulary import RULE_LABELS, RULE_NAMES, Frequency

if TYPE_CHECKING:
    from pumpxl.core.detect import Signal
    from pumpxl.core.result import XmrResult

__all__ = [
    "NAMED",
    "decimals_for",
    "describe",
    "drift_label",
    "drift_phrase",
    "in_period",
    "level_change_label",
    "meaning_label",
    "number_format",
    "per",
    "period_label",
    "plural",
    "provisional_phrase",
    "reading_decimals",
    "reading_numbers",
    "signal_labels",
    "signal_phrase",
    "since",
    "span_label",
    "status_line",
    "step_label",
    "step_phrase",
    "the",
    "value_decimals",
]


#: How many signals a sentence names (the latest ones); the rest are counted.
NAMED = 3


def signal_phrase(s: Signal) -> str:
    """What a signal is, without its meaning: "long run of 8 below the central line"."""
    n = len(s.points)
    side = "above" if s.moved == "up" else "below"
    if s.rule == "outlier":
        return f"outlier {side} the limits" if n == 1 else f"{n} outliers {side} the limits"
    if s.rule == "mr_outlier":
        return f"large jump {s.moved}"
    if s.rule == "step":
        return f"step {s.moved}"
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


def signal_labels(r: XmrResult, reading: Reading | None = None) -> list[str]:
    """Per point, the signals it belongs to in words ("outlier (concern)"); "" if routine.
    With the chart's ``reading``, the signals it shows, and a step's points (from its first
    period) as "step (improvement)"."""
    out = [""] * len(r)
    by_rule: dict[str, list[Signal]] = {}
    shown = reading.shown if reading is not None else r.signals
    for s in shown:
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
    if reading is not None and reading.step is not None and reading.latest_index is not None:
        st = reading.step
        tag = "step" if st.assessment == "neutral" else f"step ({st.assessment})"
        for p in range(st.start, reading.latest_index + 1):
            if not math.isnan(r.values[p]):
                out[p] = f"{tag}; {out[p]}" if out[p] else tag
    return out


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _with_span(r: XmrResult, s: Signal, frequency: Frequency | None) -> str:
    return f"{meaning_label(s)} ({span_label(r, s.first, s.last, frequency)})"


def reading_numbers(rd: Reading) -> Numbers:
    """How every number a reading tells is written (levels, limits, targets): to about a
    tenth of the recorded latest phase's routine variation, at most a digit finer than the
    data, in plain or scientific notation (:func:`pumpxl.core.present.numbers_for`), the
    same in every sentence."""
    return rd.numbers


def reading_decimals(rd: Reading) -> int:
    """Decimal places of :func:`reading_numbers` in plain notation."""
    return reading_numbers(rd).decimals


def step_levels(rd: Reading) -> tuple[str, str]:
    """A step's levels before and after (the same everywhere the step is told)."""
    st = rd.step
    assert st is not None
    d = reading_numbers(rd)
    return number_format(st.before, d), number_format(st.after, d)


def step_phrase(rd: Reading) -> str:
    """A step in words: "step up from about 72.1 to about 78.0 since Oct 2024"."""
    st = rd.step
    assert st is not None
    before, after = step_levels(rd)
    when = period_label(rd.recorded, st.start, rd.frequency)
    return f"step {st.moved} from about {before} to about {after} {since(when)}"


def step_label(rd: Reading) -> str:
    """A step with its meaning first: "Improvement: step up from about 72 to about 78 since
    Oct 2024"."""
    st = rd.step
    assert st is not None
    meaning = {"improvement": "Improvement", "concern": "Concern"}.get(st.assessment, "Signal")
    return f"{meaning}: {step_phrase(rd)}"


def level_change_label(rd: Reading, rc: Recalculated) -> str:
    """A recorded recalculation's change of level: "Improved: down from 22.2 to 15.8 since
    Apr 2024 (New claims system went live)"; "" when the level did not move."""
    if rc.moved is None:
        return ""
    r = rd.recorded
    d = reading_numbers(rd)
    word = {"improvement": "Improved", "concern": "Worse"}.get(rc.assessment or "", "Moved")
    when = period_label(r, rc.index, rd.frequency)
    why = f" ({rc.reason})" if rc.reason else ""
    return (
        f"{word}: {rc.moved} from {number_format(rc.before, d)} to "
        f"{number_format(rc.after, d)} {since(when)}{why}"
    )


def _with_status(rd: Reading, s: Signal) -> str:
    """A signal inside a sentence: what it is, then its meaning, periods and "ended" for a
    run that no longer holds ("a long run of 7 below the central line (an improvement, Mar to
    Sep 2024, ended)")."""
    what = signal_phrase(s)
    article = "" if what[:1].isdigit() else ("an " if what[:1] in "aeiou" else "a ")
    meaning = {"improvement": "an improvement", "concern": "a concern"}.get(
        s.assessment, "a signal"
    )
    span = span_label(rd.chart, s.first, s.last, rd.frequency)
    ended = "" if rd.in_force(s) or s.rule not in ("long_run",) else ", ended"
    return f"{article}{what} ({meaning}, {span}{ended})"


def provisional_phrase(rd: Reading) -> str:
    """ "provisional limits from Oct 2024: 76.3 to 80.5"; "" without provisional limits."""
    p = rd.provisional
    if p is None:
        return ""
    d = reading_numbers(rd)
    when = period_label(rd.chart, p.start, rd.frequency)
    lo, hi = number_format(p.lnpl, d), number_format(p.unpl, d)
    return f"provisional limits from {the(when)}: {lo} to {hi}"


def drift_phrase(rd: Reading) -> str:
    """ "drifting up about 0.60 a week": a steady drift in words ("" without one)."""
    if rd.drift is None:
        return ""
    step = number_format(abs(rd.drift), reading_numbers(rd).finer())
    return f"drifting {'up' if rd.drift > 0 else 'down'} about {step} {per(rd.frequency)}"


def drift_label(rd: Reading) -> str:
    """A drift with its meaning first: "Improvement: drifting up about 0.60 a week"."""
    meaning = {"improvement": "Improvement", "concern": "Concern"}.get(
        rd.drift_assessment or "", "Signal"
    )
    return f"{meaning}: {drift_phrase(rd)}"


def status_line(rd: Reading) -> str:
    """The chart's state now in one line: a step in force, the latest value's signals, else
    common cause with any recent signal named (or the level change that started the phase)."""
    if rd.now == "no values":
        return "No values yet"
    if rd.now == "too few values":
        return "Too few values for limits"
    r, f = rd.chart, rd.frequency
    if rd.no_variation:
        return f"No variation: {_constant(rd)}"
    parts = []
    if rd.step is not None:
        prov = provisional_phrase(rd)
        parts.append(step_label(rd) + (f" ({prov})" if prov else ""))
    if rd.drift is not None and (rd.latest or rd.recent):  # the signals flat limits give it
        return f"{drift_label(rd)}: flat limits flag the drift itself (consider trended limits)"
    parts += [_with_span(r, s, f) for s in rd.latest]
    if parts:
        return "; ".join(parts)
    if rd.recent:
        recent = "; ".join(_with_span(r, s, f) for s in rd.recent)
        return f"Routine variation at the latest value; recent signal: {recent}"
    if rd.current:
        return "Routine variation at the latest value (earlier signals in this phase)"
    change = rd.level_change
    if change is not None and change.assessment in ("improvement", "concern"):
        word = "improvement" if change.assessment == "improvement" else "change for the worse"
        d = reading_numbers(rd)
        return (
            f"Routine variation since the {word} {in_period(period_label(r, change.index, f))} "
            f"({change.moved} from {number_format(change.before, d)} to "
            f"{number_format(change.after, d)})"
        )
    return "Routine variation: no signal since the limits were set"


def _constant(rd: Reading) -> str:
    """ "every value since Mar 2024 is 0" (a phase without variation)."""
    r = rd.chart
    last = r.phases[-1]
    value = reading_numbers(rd).value(last.central_line)
    if last.start == 0:
        return f"every value is {value}"
    return f"every value {since(period_label(r, last.start, rd.frequency))} is {value}"


def _level(rd: Reading, f: Callable[[float | None], str]) -> str:
    """The current phase's level and limits in words."""
    r = rd.chart
    last = r.phases[-1]
    lo = f(r.lnpl) + (" (bound)" if last.lnpl_is_bound else "")
    hi = f(r.unpl) + (" (bound)" if last.unpl_is_bound else "")
    if last.trend is not None:
        step = number_format(abs(last.slope), reading_numbers(rd).finer())
        return (
            f"along a trend ({'up' if last.slope >= 0 else 'down'} {step} {per(rd.frequency)}, "
            f"{last.trend}), now at {f(r.central_line)} (limits {lo} to {hi})"
        )
    return f"around {f(r.central_line)} (limits {lo} to {hi})"


def _describe_constant(rd: Reading) -> str:
    """A phase without variation: said as such, with no limits and no signals judged."""
    text = (
        f"No variation: {_constant(rd)}, so there are no limits to judge values against "
        "(limits of zero width are no limits); a value that differs will be a signal worth "
        "a look."
    )
    t, better = rd.target, rd.direction
    level = rd.chart.phases[-1].central_line
    if t is not None and better in ("up", "down"):
        met = level >= t if better == "up" else level <= t
        verdict = "met by every value" if met else "missed by every value"
        text += f" The target of {reading_numbers(rd).text(t)} is {verdict}."
    return text


def describe(rd: Reading) -> str:
    """A few sentences: the current phase's level and limits (and a step's, with provisional
    limits), its signals by meaning, any level change, advice to recalculate, and the
    target."""
    if rd.now == "no values":
        return "No values yet."
    r, rec, fq = rd.chart, rd.recorded, rd.frequency
    last = r.phases[-1]
    if rd.now == "too few values":
        return (
            f"Too few values for limits: {plural(last.n_values, 'value')} in the latest phase; "
            f"limits need at least 2 (5 or more to be useful)."
        )
    d = reading_numbers(rd)

    def f(v: float | None) -> str:
        return number_format(v, d)

    sentences = []
    if rd.no_variation:
        return _describe_constant(rd)
    if rd.step is not None:
        st = rd.step
        when = period_label(rec, st.start, fq)
        meaning = {"improvement": " (an improvement)", "concern": " (a concern)"}.get(
            st.assessment, ""
        )
        before, after = step_levels(rd)
        sentences.append(
            f"The process stepped {st.moved} from about {before} to about {after} "
            f"{in_period(when)}{meaning}."
        )
        across = f"{number_format(rec.lnpl, d)} to {number_format(rec.unpl, d)}"
        if rd.provisional is not None:
            trial = " trial" if last.trial else ""
            sentences.append(
                f"With limits recalculated from the step (provisional{trial} limits from "
                f"{last.n_values} values), it runs {_level(rd, f)}; the limits across both "
                f"levels ({across}) straddle the step."
            )
        else:
            why = (
                "provisional limits are turned off" if not rd.provisional_on
                else f"provisional limits need {PROVISIONAL_MIN} values from the step, "
                f"there are {st.n_after}"
            )  # fmt: skip
            sentences.append(f"The limits ({across}) straddle both levels; {why}.")
    shown = [s for s in rd.current if rd.step is None or s not in rd.step.signals]
    if rd.step is None:
        lead = f"The process runs {_level(rd, f)}."
        sentences.append(lead if shown else f"No signals: the process runs predictably "
                         f"{_level(rd, f)}.")  # fmt: skip
    if shown:
        named = [_with_status(rd, s) for s in shown[-NAMED:]]
        if len(shown) > NAMED:
            named.append(f"{plural(len(shown) - NAMED, 'earlier signal')}")
        where = "since the step" if rd.provisional is not None else "in this phase"
        sentences.append(f"Signals {where}: {_list(named)}.")
        if rd.latest:
            sentences.append("The latest value is part of a signal.")
    change = rd.level_change
    if change is not None and change.moved is not None:
        sentences.append(level_change_label(rd, change) + ".")
    elif rd.recalculations:
        count = len(rd.recalculations)
        times = {1: "once", 2: "twice"}.get(count, f"{count} times")
        sentences.append(f"Limits recalculated {times}.")
    if last.trial and rd.provisional is None:
        sentences.append(f"Trial limits from {last.n_values} values.")
    if rd.recalculate_from is not None:
        when = period_label(rec, rd.recalculate_from, fq)
        what = "The step" if rd.step is not None else f"A sustained shift {since(when)}"
        sentences.append(
            f"{what} is not recorded yet: once its cause is known, record a recalculation "
            f"from {the(when)} (a new phase)."
        )
    if rd.drift is not None:
        step = number_format(abs(rd.drift), reading_numbers(rd).finer())
        sentences.append(
            f"The values drift steadily ({'up' if rd.drift > 0 else 'down'} about {step} "
            f"{per(fq)} in this phase), which a straight line explains better than a step: "
            "consider trended limits (the Trend setting); the limits stay flat until you "
            "choose them."
        )
    t, a = rd.target, rd.assurance
    if t is not None and a is not None:
        limits = "the provisional limits" if rd.provisional is not None else "the limits"
        text = {
            "hit and miss": f"is inside {limits} and will be met only by chance",
            "consistently fail": f"is outside {limits}: the process will consistently fail it",
            "consistently pass": f"is outside {limits}: the process will consistently pass it",
        }[a]
        sentences.append(f"The target of {f(t)} {text}.")
    return " ".join(sentences)
