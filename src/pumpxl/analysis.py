"""Turn a workbook's model into analysed measures, and audit it against PuMP practice.

:func:`analyse` is the one call that adapters (calc, reports, Excel) use: every measure's
series goes through :func:`pumpxl.xmr` with the measure's direction, bounds, rules, exclusions,
recalculations and targets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from pumpxl.errors import InputError, Problem
from pumpxl.model import Commentary, Measure, PumpModel, Target
from pumpxl.narrative import decimals_for, number_format
from pumpxl.xmr import CONSTANTS, XmrResult, xmr

__all__ = ["AnalysedMeasure", "analyse", "audit", "predictability_verdict", "target_series"]


@dataclass(frozen=True)
class AnalysedMeasure:
    """A measure with its XmR analysis, targets per period and latest commentary."""

    measure: Measure
    dates: pd.DatetimeIndex
    xmr: XmrResult
    targets: np.ndarray | None
    predictability_target: float | None
    commentary: Commentary | None

    @property
    def latest_date(self) -> date | None:
        i = self.xmr.latest_index
        return None if i is None else self.dates[i].date()


def predictability_verdict(a: AnalysedMeasure) -> str | None:
    """The predictability target (the widest acceptable distance between the natural process
    limits) against the latest phase, in words; None without such a target or limits."""
    t, r = a.predictability_target, a.xmr
    if t is None or not r.phases or not r.phases[-1].has_limits:
        return None
    e2 = CONSTANTS[r.settings.constants][r.settings.dispersion][0]
    width = 2 * e2 * r.mr_bar  # unclipped: a natural bound must not make a process look tighter
    d = decimals_for(r.mr_bar)
    verdict = "met" if width <= t else "not met: only a less variable process will meet it"
    return (
        f"Predictability target: limits at most {number_format(t, d)} apart; they are "
        f"{number_format(width, d)} apart, {verdict}"
    )


def target_series(targets: Iterable[Target], dates: pd.DatetimeIndex) -> np.ndarray | None:
    """The target in force at each period: each central-line or trajectory row applies from
    its period (or from the start when it has none) until the next row's period."""
    rows = sorted(
        (t for t in targets if t.type != "predictability"),
        key=lambda t: (t.period is not None, t.period or date.min),
    )
    if not rows:
        return None
    out = np.full(len(dates), np.nan)
    for t in rows:
        start = 0 if t.period is None else int(dates.searchsorted(pd.Timestamp(t.period)))
        out[start:] = t.value
    return out


def analyse(
    model: PumpModel, *, measures: Iterable[str] | None = None, firm_points: int | None = None
) -> dict[str, AnalysedMeasure]:
    """Analyse every measure (or those named) of a model, in Results Map order.

    A measure whose settings the engine rejects raises :class:`InputError` with the measure
    named; readers validate first, so a checked workbook does not."""
    wanted = set(measures) if measures is not None else None
    firm = firm_points or int(model.settings.get("firm_points", 20) or 20)
    recalcs: dict[str, list[date]] = {}
    for rc in model.recalculations:
        recalcs.setdefault(rc.measure, []).append(rc.period)
    targets: dict[str, list[Target]] = {}
    for t in model.targets:
        targets.setdefault(t.measure, []).append(t)
    notes: dict[str, list[Commentary]] = {}
    for c in model.commentary:
        notes.setdefault(c.measure, []).append(c)

    out: dict[str, AnalysedMeasure] = {}
    for m in model.measure_order():
        if wanted is not None and m.id not in wanted:
            continue
        series = model.series.get(m.id)
        dates = pd.DatetimeIndex(series.dates if series else [])
        values = series.values if series else np.zeros(0)
        excluded = np.flatnonzero(series.exclude).tolist() if series else []
        tser = target_series(targets.get(m.id, []), dates)
        phases = [pd.Timestamp(p) for p in sorted(recalcs.get(m.id, []))]
        try:
            result = xmr(
                values,
                dates=dates,
                phases=phases or None,
                exclude=excluded or None,
                lower_bound=m.lower_bound,
                upper_bound=m.upper_bound,
                rules=m.rules or "pump",
                direction=m.direction,
                target=tser,
                firm_points=firm,
            )
        except InputError as exc:
            raise InputError(f'measure "{m.name}" ({m.id}): {exc}', setting=exc.setting) from None
        pred = [t.value for t in targets.get(m.id, []) if t.type == "predictability"]
        latest = result.latest_index
        comment = None
        if latest is not None:
            latest_day = dates[latest].date()
            mine = [c for c in notes.get(m.id, []) if c.period <= latest_day]
            comment = max(mine, key=lambda c: c.period) if mine else None
        out[m.id] = AnalysedMeasure(m, dates, result, tser, pred[-1] if pred else None, comment)
    return out


def audit(model: PumpModel, analysed: dict[str, AnalysedMeasure] | None = None) -> list[Problem]:
    """PuMP practice warnings (not errors): measures without an owner, result, audience or
    decision; results without measures; audiences whose measures are all activities or
    outputs; too few points for firm limits; measures with no recent data."""
    warn: list[Problem] = []

    def add(where: str, message: str, code: str, measure: str | None = None) -> None:
        warn.append(Problem(where, message, code, measure, severity="warning"))

    for m in model.measures.values():
        where = "Measures"
        if not m.owner:
            add(where, "has no owner (a named person who answers for it)", "no_owner", m.name)
        if not m.result:
            add(where, "evidences no result", "no_result", m.name)
        if not m.audiences:
            add(where, "goes to no audience, so no report shows it", "no_audience", m.name)
        if not m.decisions:
            add(
                where,
                "informs no decision (PuMP: a measure exists to inform one)",
                "no_decision",
                m.name,
            )
    for r in model.results.values():
        if not model.measures_of(r.id):
            add("Results", f'result {r.id} "{r.statement}" has no measure yet', "no_measure")
    for name in model.audiences:
        mine = [m for m in model.measures.values() if name in m.audiences]
        if mine and all(m.type in ("activity", "output") for m in mine):
            add(
                "Audiences",
                f'audience "{name}" sees only activity or output measures: outputs '
                "are not outcomes",
                "outputs_only",
            )
    analysed = analysed if analysed is not None else analyse(model)
    latest_overall = max(
        (a.latest_date for a in analysed.values() if a.latest_date is not None), default=None
    )
    for a in analysed.values():
        m = a.measure
        phase = a.xmr.phases[-1] if a.xmr.phases else None
        if phase is None or phase.n_values == 0:
            add("Data", "has no data yet", "no_data", m.name)
            continue
        if phase.trial:
            add(
                "Data",
                f"limits rest on {phase.n_values} values: trial limits until "
                f"{int(model.settings.get('firm_points', 20) or 20)}",
                "trial_limits",
                m.name,
            )
        if latest_overall is not None and a.latest_date is not None:
            gap = pd.Timestamp(latest_overall) - pd.Timestamp(a.latest_date)
            allowed = {
                "daily": 3,
                "weekly": 14,
                "monthly": 62,
                "quarterly": 184,
                "yearly": 400,
            }.get(m.frequency, 62)
            if gap.days > allowed:
                add(
                    "Data",
                    f"latest value is for {a.latest_date}; other measures run to {latest_overall}",
                    "stale",
                    m.name,
                )
    return warn
