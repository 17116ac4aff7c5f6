"""Drafted answers to the three questions of a measure page (what is happening, why, what we
are doing), written from the chart's reading for the owner to confirm or replace. They never
contradict the chart: a step is one event with one cause to find; signals in force or recent
get a cause to find; older signals are history, told but not acted on; routine variation is
named only when the current phase has no signal."""

from __future__ import annotations

from dataclasses import dataclass

from pumpxl.core.interpret import Reading
from pumpxl.core.narrative import (
    NAMED,
    describe,
    drift_phrase,
    in_period,
    level_change_label,
    period_label,
    plural,
    signal_phrase,
    span_label,
    step_phrase,
    the,
)

__all__ = ["ROUTINE", "Draft", "draft"]

#: The words a draft uses for routine variation, and only there.
ROUTINE = "Routine variation"


@dataclass(frozen=True)
class Draft:
    """What is happening, why, and what we are doing: drafted, for the owner to confirm."""

    happening: str
    why: str
    action: str


def draft(reading: Reading, *, owner: str = "") -> Draft:
    """The three answers for a chart's reading; ``owner`` is named where a person must act."""
    rd = reading
    who = owner or "the measure's owner"
    happening = describe(rd)
    if rd.now == "no values":
        return Draft(
            happening,
            "No values have been recorded for this measure yet.",
            f"{who} to start collecting the data the Measure Definition describes.",
        )
    if rd.now == "too few values":
        return Draft(
            happening,
            "Too few values to tell signals from routine variation yet.",
            "Keep collecting: limits come from 5 or more values, firm ones from about 20.",
        )
    r = rd.chart
    if rd.drift is not None and rd.special:  # the signals are the drift's: one event
        return _drift(rd, happening, who)
    # signals in force or recent call for a cause; older ones are history
    live = [s for s in rd.special if rd.step is None or s not in rd.step.signals]
    if rd.step is None and not live:
        return _routine(rd, happening)

    def named(meaning: str) -> str:
        mine = [s for s in live if s.assessment == meaning]
        words = [
            f"{signal_phrase(s)} ({span_label(r, s.first, s.last, rd.frequency)})"
            for s in mine[-NAMED:]
        ]
        if len(mine) > NAMED:
            words.append(plural(len(mine) - NAMED, f"earlier {_noun(meaning)}"))
        return "; ".join(words)

    reasons, actions = [], []
    st = rd.step
    if st is not None:
        when = period_label(rd.recorded, st.start, rd.frequency)
        if st.assessment == "improvement":
            reasons.append(
                f"Not yet known: {who} to confirm which change produced the "
                f"{step_phrase(rd)}."
            )
        elif st.assessment == "concern":
            reasons.append(f"Not yet known: {who} to find what changed {in_period(when)} (the "
                           f"{step_phrase(rd)}).")  # fmt: skip
        else:
            reasons.append(f"{_cap(who)} to explain the {step_phrase(rd)}.")
        actions.append(
            f"Once the cause is known, record a recalculation from {the(when)} on the "
            "Recalculations sheet (a new phase)."
        )
    concerns, improvements, neutral = named("concern"), named("improvement"), named("neutral")
    if concerns:
        reasons.append(f"Not yet known: {who} to find what caused the {concerns}.")
    if improvements:
        reasons.append(f"Not yet known: {who} to confirm which change produced the "
                       f"{improvements}.")  # fmt: skip
    if neutral:
        reasons.append(f"{_cap(who)} to explain the {neutral}.")
    if st is None and rd.recalculate_from is not None:
        start = period_label(rd.recorded, rd.recalculate_from, rd.frequency)
        actions.append(
            f"A sustained shift since {start} is still in force: record its cause, then "
            f"recalculate the limits from {start} (a new phase)."
        )
    if concerns or (st is not None and st.assessment == "concern"):
        actions.append(
            "Investigate the cause of the concern; remove it if it is harmful, then confirm "
            "on the chart."
        )
    if improvements or (st is not None and st.assessment == "improvement"):
        actions.append("Hold the gain: make the change that produced it standard practice.")
    if neutral and not (concerns or improvements) and st is None:
        actions.append("Decide whether the signal needs action.")
    return Draft(happening, " ".join(reasons), " ".join(actions))


def _drift(rd: Reading, happening: str, who: str) -> Draft:
    """A steady drift, which flat limits flag point by point: one cause, and trended limits."""
    rise = "rise" if (rd.drift or 0) > 0 else "fall"
    why = f"Not yet known: {who} to confirm what drives the steady {rise} ({drift_phrase(rd)})."
    action = (
        "Consider trended limits (the Trend setting on the Measures sheet), so that signals "
        "are judged along the trend rather than against flat limits it crosses."
    )
    if rd.drift_assessment == "improvement":
        action += " Hold the gain: keep what drives the improvement in place."
    elif rd.drift_assessment == "concern":
        action += " Investigate what drives the drift the wrong way."
    return Draft(happening, why, action)


def _routine(rd: Reading, happening: str) -> Draft:
    """No signal in force or recent: the process is doing what it does."""
    why = (
        f"{ROUTINE}: the process is doing what it always does, so there is no single cause "
        "to look for."
    )
    change = rd.level_change
    if change is not None and change.assessment == "improvement":
        why = f"{level_change_label(rd, change)}; since then, {why[0].lower()}{why[1:]}"
    elif rd.current:
        why = (
            f"{ROUTINE} now: the signals earlier in this phase ended more than "
            f"{plural(rd.window, 'value')} ago and are history, not a cause to chase now."
        )
    if rd.assurance == "consistently fail":
        action = (
            "The target lies beyond the limits: only a change to the process will reach it. "
            "Decide whether to change the process or the target."
        )
    else:
        action = "No reaction to single points; keep watching for signals."
    return Draft(happening, why, action)


def _noun(meaning: str) -> str:
    return {"concern": "concern", "improvement": "improvement"}.get(meaning, "signal")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]

