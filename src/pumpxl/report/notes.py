"""A measure page's speaker notes: how the chart was calculated (settings, every phase with its
limits, provisional ones marked), and what the reading says of it (the step, every signal with
its meaning, periods and status, advice, changes since the previous period, the target)."""

from __future__ import annotations

from pumpxl.core.analysis import AnalysedMeasure, predictability_verdict
from pumpxl.core.narrative import (
    meaning_label,
    period_label,
    provisional_phrase,
    span_label,
    step_label,
)
from pumpxl.core.vocabulary import RULE_LABELS
from pumpxl.report.slides import fmt as _fmt

__all__ = ["calculation_notes"]


def calculation_notes(a: AnalysedMeasure) -> str:
    """Speaker notes: how the chart was calculated, and what it says."""
    rd, m = a.reading, a.measure
    r = rd.chart
    s = r.settings
    lines = [
        f"{m.name} ({m.id}). XmR chart, {s.centre} central line, {s.dispersion} moving range, "
        f"{s.constants} constants; rules: {r.rules.name} "
        f"({', '.join(RULE_LABELS[x][1] for x in r.rules.active)}). Missing values: {s.missing}.",
    ]
    f = m.frequency
    reasons = {rc.index: rc.reason for rc in rd.recalculations}
    for k, p in enumerate(r.phases, start=1):
        if p.stop == p.start:  # no periods at all
            lines.append("No values yet.")
            continue
        span = span_label(r, p.start, p.stop - 1, f)
        why = f" Recalculated because: {reasons[p.start]}." if reasons.get(p.start) else ""
        kind = "Provisional phase" if p.provisional else "Phase"
        lines.append(
            f"{kind} {k} ({span}): central line {_fmt(a, p.central_line)}, limits "
            f"{_fmt(a, p.lnpl)} to {_fmt(a, p.unpl)}, average moving range {_fmt(a, p.mr_bar)}, "
            f"URL {_fmt(a, p.url)}; from {p.n_values} values"
            + (" (trial limits)" if p.trial else "")
            + "."
            + why
        )
    if rd.step is not None:
        lines.append(
            f"{step_label(rd)}: one event; the runs on either side of the central line across "
            "it are not separate signals."
            + (f" Shown with {provisional_phrase(rd)}." if rd.provisional else "")
        )
    for sig in rd.shown:
        state = "" if sig.rule != "long_run" else f"; {rd.status(sig)}"
        lines.append(
            f"{meaning_label(sig)}, {span_label(r, sig.first, sig.last, f)} ({sig.detail}{state})."
        )
    if rd.recalculate_from is not None:
        when = period_label(r, rd.recalculate_from, f)
        lines.append(
            f"Advice: the shift since {when} is not recorded yet; once its cause is known, "
            f"enter {when} on the Recalculations sheet."
        )
    if rd.new or rd.ended or rd.new_phase or rd.new_step:
        changes = [f"new: {step_label(rd)}"] if rd.new_step else []
        changes += [f"new: {meaning_label(s)}" for s in rd.new]
        changes += [f"ended: {meaning_label(s)}" for s in rd.ended]
        changes += ["limits recalculated"] if rd.new_phase else []
        lines.append("Since the previous period: " + "; ".join(changes) + ".")
    if rd.target is not None and rd.assurance is not None:
        against = " (against the provisional limits)" if rd.provisional else ""
        lines.append(f"Target {_fmt(a, rd.target)}: {rd.assurance}{against}.")
    predictability = predictability_verdict(a)
    if predictability:
        lines.append(predictability + ".")
    if r.excluded.any():
        lines.append(
            "Excluded from the limits (known special causes): "
            + ", ".join(period_label(r, int(i), f) for i in r.excluded.nonzero()[0])
            + "."
        )
    return "\n".join(lines)
