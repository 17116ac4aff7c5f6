"""Plain-language accounts of an XmR chart: a one-line status for the latest value and a short
description of the chart's state, used in cells, on slides and on the terminal."""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

from pumpxl.core.vocabulary import RULE_LABELS

if TYPE_CHECKING:  # for annotations only: XmrResult itself uses this module
    from pumpxl.core.detect import Signal
    from pumpxl.core.result import XmrResult

__all__ = [
    "decimals_for",
    "describe",
    "number_format",
    "point_label",
    "signal_labels",
    "status_line",
]


def point_label(r: XmrResult, i: int) -> str:
    """How to name point ``i`` to a person: its date when there are dates, else its number."""
    if r.dates is not None:
        return str(r.dates[i].date())
    return f"point {i + 1}"


def decimals_for(spread: float) -> int:
    """Decimal places that show a chart's numbers to about a tenth of its routine variation."""
    if not math.isfinite(spread) or spread <= 0:
        return 2
    return max(0, min(6, 1 - math.floor(math.log10(spread))))


def number_format(value: float | None, decimals: int) -> str:
    """``value`` with ``decimals`` places and thousands separators; "-" for none."""
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.{decimals}f}"


def _where(s: Signal) -> str:
    side = "above" if s.moved == "up" else "below"
    if s.rule == "outlier":
        return f"{side} the limits"
    if s.rule == "mr_outlier":
        return f"a jump {s.moved}"
    return f"{side} the central line"


def _signal_words(s: Signal) -> str:
    label = RULE_LABELS[s.rule][0]
    tail = f" ({s.assessment})" if s.assessment != "neutral" else ""
    return f"{label} {_where(s)}{tail}"


def signal_labels(r: XmrResult) -> list[str]:
    """Per point, the signals it belongs to in words ("outlier (concern)"); "" if routine."""
    out = [""] * len(r)
    for s in r.signals:
        word = RULE_LABELS[s.rule][0]
        tag = word if s.assessment == "neutral" else f"{word} ({s.assessment})"
        for p in s.points:
            if not out[p]:
                out[p] = tag
            elif word not in out[p]:
                out[p] = f"{out[p]}; {tag}"
    return out


def status_line(r: XmrResult) -> str:
    """The latest value and whether it is part of a signal, in one line."""
    i = r.latest_index
    if i is None:
        return "No values yet"
    if not r.phases or not r.phases[-1].has_limits:
        return "Too few values for limits"
    sigs = r.latest_signals
    if not sigs:
        return "No signal: the latest value is routine variation"
    return "Signal: " + "; ".join(_signal_words(s) for s in sigs)


def describe(r: XmrResult) -> str:
    """A few sentences: the latest phase's level and limits, its signals, the target."""
    if r.latest_index is None:
        return "No values yet."
    last = r.phases[-1]
    if not last.has_limits:
        return (
            f"Too few values for limits: {last.n_values} value(s) in the latest phase; "
            f"limits need at least 2 (5 or more to be useful)."
        )
    d = decimals_for(r.mr_bar)

    def f(v: float | None) -> str:
        return number_format(v, d)

    lo = f(r.lnpl) + (" (bound)" if last.lnpl_is_bound else "")
    hi = f(r.unpl) + (" (bound)" if last.unpl_is_bound else "")
    level = f"around {f(r.central_line)} (limits {lo} to {hi})"
    in_phase = [s for s in r.signals if s.phase == len(r.phases) - 1]
    if in_phase:
        counts = Counter((s.rule, s.moved) for s in in_phase)
        parts = []
        for (rule, moved), k in counts.items():
            label = RULE_LABELS[rule][0 if k == 1 else 1]
            parts.append(f"{k} {label} {moved}")
        sentences = [f"Signals: {', '.join(parts)}; the process runs {level}."]
        latest = r.latest_signals
        if latest:
            sentences.append(
                "The latest value is part of a signal: "
                + "; ".join(_signal_words(s) for s in latest)
                + "."
            )
    else:
        sentences = [f"No signals: stable {level}."]
    if len(r.phases) > 1:
        times = {2: "once", 3: "twice"}.get(len(r.phases), f"{len(r.phases) - 1} times")
        sentences.append(f"Limits recalculated {times}.")
    if last.trial:
        sentences.append(f"Trial limits from {last.n_values} values.")
    if r.suggested_phases:
        where = [point_label(r, p) for p in r.suggested_phases]
        starts = where[0] if len(where) == 1 else ", ".join(where[:-1]) + " and " + where[-1]
        sentences.append(
            f"A sustained shift starts at {starts}; recalculate there once its cause is known."
        )
    t, a = r.latest_target, r.assurance
    if t is not None and a is not None:
        text = {
            "hit and miss": "is inside the limits and will be met only by chance",
            "consistently fail": "is outside the limits: the process will consistently fail it",
            "consistently pass": "is outside the limits: the process will consistently pass it",
        }[a]
        sentences.append(f"The target of {f(t)} {text}.")
    return " ".join(sentences)
