"""Drafted answers to the three questions of a measure page (what is happening, why, what we
are doing), written from the chart's reading for the owner to confirm or replace. They never
contradict the chart: a phase with signals gets a cause to find; routine variation is named
only when the current phase has no signal."""

from __future__ import annotations

from dataclasses import dataclass

from pumpxl.core.interpret import Reading
from pumpxl.core.narrative import NAMED, describe, meaning_label, period_label, span_label
from pumpxl.core.result import XmrResult
from pumpxl.core.vocabulary import Frequency

__all__ = ["ROUTINE", "Draft", "draft"]

#: The words a draft uses for routine variation, and only there.
ROUTINE = "Routine variation"


@dataclass(frozen=True)
class Draft:
    """What is happening, why, and what we are doing: drafted, for the owner to confirm."""

    happening: str
    why: str
    action: str


def draft(
    r: XmrResult, reading: Reading, *, owner: str = "", frequency: Frequency | None = None
) -> Draft:
    """The three answers for a chart and its reading; ``owner`` is named where a person must
    act."""
    who = owner or "the measure's owner"
    happening = describe(r, reading, frequency)
    if reading.now == "no values":
        return Draft(
            happening,
            "No values have been recorded for this measure yet.",
            f"{who} to start collecting the data the Measure Definition describes.",
        )
    if reading.now == "too few values":
        return Draft(
            happening,
            "Too few values to tell signals from routine variation yet.",
            "Keep collecting: limits come from 5 or more values, firm ones from about 20.",
        )
    if not reading.current:
        if reading.assurance == "consistently fail":
            action = (
                "The target lies beyond the limits: only a change to the process will reach it. "
                "Decide whether to change the process or the target."
            )
        else:
            action = "No reaction to single points; keep watching for signals."
        return Draft(
            happening,
            f"{ROUTINE}: the process is doing what it always does, so there is no single cause "
            "to look for.",
            action,
        )

    def named(meaning: str) -> str:
        mine = [s for s in reading.current if s.assessment == meaning]
        words = [
            f"{meaning_label(s)} ({span_label(r, s.first, s.last, frequency)})"
            for s in mine[-NAMED:]
        ]
        if len(mine) > NAMED:
            words.append(f"{len(mine) - NAMED} earlier {meaning} signal(s)")
        return "; ".join(words)

    reasons = []
    concerns, improvements, neutral = named("concern"), named("improvement"), named("neutral")
    if concerns:
        reasons.append(f"Not yet known: {who} to find what changed for the {concerns}.")
    if improvements:
        reasons.append(f"Not yet known: {who} to confirm which change produced the {improvements}.")
    if neutral:
        reasons.append(f"{who[0].upper()}{who[1:]} to explain the {neutral}.")
    actions = []
    if reading.recalculate_from is not None:
        start = period_label(r, reading.recalculate_from, frequency)
        actions.append(
            f"A sustained shift since {start} is still in force: record its cause, then "
            f"recalculate the limits from {start} (a new phase)."
        )
    if concerns:
        actions.append(
            "Investigate the cause of the concern; remove it if it is harmful, then confirm "
            "on the chart."
        )
    if improvements and reading.recalculate_from is None:
        actions.append("Hold the gain: make the change that produced it standard practice.")
    if neutral and not (concerns or improvements):
        actions.append("Decide whether the signal needs action.")
    return Draft(happening, " ".join(reasons), " ".join(actions))
