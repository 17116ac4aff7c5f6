"""Did the change work? What each measure's XmR chart says of an improvement initiative
since it started, from the chart's own signals:

- **improvement**: a signal in the expected direction beginning at or after the start (the
  rule and from when), or limits recalculated from then with the central line moved that way;
- **contrary**: a signal the other way beginning at or after the start (the latest signal
  decides when there are both);
- **no evidence yet**: values since the start, all routine variation: how many periods, and
  how many a long run would need before it could show;
- **too early**: no value yet at or after the start.

A sustained shift (a long or short run) as evidence comes with advice to recalculate the
limits from the initiative's start, or with that recalculation's record when the
Recalculations sheet has it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.detect import Signal
from pumpxl.core.model import Initiative
from pumpxl.core.narrative import (
    number_format,
    period_label,
    signal_phrase,
    span_label,
    step_phrase,
    the,
)
from pumpxl.core.present import date_label, numbers_for
from pumpxl.core.vocabulary import Outcome

__all__ = ["Evidence", "initiative_evidence"]

SUSTAINED = ("long_run", "short_run", "step")


@dataclass(frozen=True)
class Evidence:
    """One initiative's evidence on one measure: the ``outcome``, a sentence saying it,
    the period index the initiative starts at (None when after the data), the values since,
    the deciding signal, and whether to recalculate the limits from the start
    (``recalculate``) or that was done (``recalculated``)."""

    initiative: str
    measure: str
    outcome: Outcome
    text: str
    start: int | None
    periods: int
    signal: Signal | None = None
    recalculate: bool = False
    recalculated: bool = False


def _start(a: AnalysedMeasure, init: Initiative) -> int | None:
    i = int(a.dates.searchsorted(pd.Timestamp(init.started)))
    return i if i < len(a.dates) else None


def initiative_evidence(init: Initiative, a: AnalysedMeasure) -> Evidence:
    """What the measure's chart says of the initiative (see the module's description)."""
    r, f = a.xmr, a.measure.frequency
    start = _start(a, init)
    since = 0 if start is None else int(np.count_nonzero(r.observed >= start))
    started = (
        period_label(r, start, f)
        if start is not None
        else date_label(init.started)
    )

    def out(
        outcome: Outcome,
        text: str,
        signal: Signal | None = None,
        recalculate: bool = False,
        recalculated: bool = False,
    ) -> Evidence:
        return Evidence(
            init.id, a.measure.id, outcome, text, start, since, signal, recalculate, recalculated
        )

    if start is None or since == 0 or init.status == "planned":
        return out("too early", f"too early: starts {started}, no values since yet")
    want = init.direction
    recalc = next((rc for rc in a.reading.recalculations if rc.index >= start), None)
    rd = a.reading
    shown = [*rd.shown, *([rd.step.signal] if rd.step and rd.step.signal else [])]
    after = [s for s in shown if s.first >= start]
    if recalc is not None:
        k = int(r.phase_index[recalc.index])
        before, now = r.phases[k - 1], r.phases[k]
        moved = "up" if now.central_line > before.central_line else "down"
        after = [s for s in after if s.first >= recalc.index and s.moved != want]
        d = numbers_for(r.values, min(before.mr_bar, now.mr_bar))
        shift = (
            f"the central line moved from {number_format(before.central_line, d)} to "
            f"{number_format(now.central_line, d)} (limits recalculated from "
            f"{period_label(r, recalc.index, f)})"
        )
        if moved == want and not after:
            return out("improvement", f"evidence of improvement: {shift}", recalculated=True)
        if moved != want:
            return out("contrary", f"contrary evidence: {shift}", recalculated=True)
    if after:
        # a step is the sustained evidence itself; otherwise the latest signal decides
        steps = [x for x in after if x.rule == "step"]
        s = steps[0] if steps else max(after, key=lambda x: (x.last, x.first))
        if s.rule == "step":
            what, begins = step_phrase(rd), period_label(r, s.first, f)
        else:
            what, begins = f"{signal_phrase(s)} ({span_label(r, s.first, s.last, f)})", started
        if s.moved == want:
            sustained = s.rule in SUSTAINED
            advice = (
                f"; a sustained shift: recalculate the limits from {the(begins)} (record it "
                "on the Recalculations sheet)"
                if sustained
                else ""
            )
            return out(
                "improvement",
                f"evidence of improvement: {what}{advice}",
                signal=s,
                recalculate=sustained,
            )
        return out("contrary", f"contrary evidence: {what}", signal=s)
    run = r.rules.long_run
    if run is None:
        wait = "no run rule is on to show a sustained shift"
    elif since < run:
        wait = f"a long run needs {run} values on one side, so {run - since} more at least"
    else:
        wait = f"no long run of {run} since"
    noun = "period" if since == 1 else "periods"
    return out("no evidence yet", f"no evidence yet: {since} {noun} since {started}; {wait}")
