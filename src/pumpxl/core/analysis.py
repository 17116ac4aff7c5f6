"""Turn a workbook's model into analysed measures.

:func:`analyse` is the one call that adapters (calc, reports, Excel) use: every measure's
series goes through :func:`pumpxl.xmr` with the measure's direction, bounds, rules, exclusions,
recalculations and targets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from pumpxl.core.errors import InputError
from pumpxl.core.interpret import Reading, Recalculated, read
from pumpxl.core.limits import CONSTANTS
from pumpxl.core.model import Commentary, Measure, PumpModel, Recalculation, Series, Target
from pumpxl.core.narrative import number_format, reading_numbers
from pumpxl.core.result import XmrResult
from pumpxl.core.xmr import xmr

__all__ = [
    "AnalysedMeasure",
    "analyse",
    "analyse_each",
    "predictability_verdict",
    "target_series",
]


@dataclass(frozen=True)
class AnalysedMeasure:
    """A measure with its series, XmR analysis, targets per period and latest commentary."""

    measure: Measure
    series: Series
    xmr: XmrResult
    targets: np.ndarray | None
    predictability_target: float | None
    commentary: Commentary | None
    recalculations: tuple[Recalculated, ...] = ()
    #: show provisional limits after an unrecorded step (the workbook's setting)
    provisional: bool = True

    @cached_property
    def reading(self) -> Reading:
        """The chart's reading (:mod:`pumpxl.core.interpret`), made once, when first asked."""
        return read(
            self.xmr,
            recalculations=self.recalculations,
            provisional=self.provisional,
            frequency=self.measure.frequency,
        )

    @property
    def chart(self) -> XmrResult:
        """The chart to draw and tell: ``xmr`` (the recorded phases), or with provisional
        limits from a step nobody has recorded yet."""
        return self.reading.chart

    @property
    def dates(self) -> pd.DatetimeIndex:
        """The periods, as the chart was computed with them."""
        assert self.xmr.dates is not None  # analyse always passes dates
        return self.xmr.dates

    @property
    def latest_date(self) -> date | None:
        i = self.xmr.latest_index
        return None if i is None else self.dates[i].date()


def predictability_verdict(a: AnalysedMeasure) -> str | None:
    """The predictability target (the widest acceptable distance between the natural process
    limits) against the latest phase, in words; None without such a target or limits."""
    t, r = a.predictability_target, a.chart
    if t is None or not r.phases or not r.phases[-1].has_limits:
        return None
    e2 = CONSTANTS[r.settings.constants][r.settings.dispersion][0]
    width = 2 * e2 * r.mr_bar  # unclipped: a natural bound must not make a process look tighter
    d = reading_numbers(a.reading)
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
    model: PumpModel, *, measures: Iterable[str] | None = None
) -> dict[str, AnalysedMeasure]:
    """Analyse every measure (or those named) of a model, in Results Map order.

    A measure whose settings the engine rejects raises :class:`InputError` naming the measure;
    readers validate first (with :func:`analyse_each`), so a checked workbook does not."""
    analysed, failures = analyse_each(model, measures=measures)
    if failures:
        raise failures[0]
    return analysed


def analyse_each(
    model: PumpModel, *, measures: Iterable[str] | None = None
) -> tuple[dict[str, AnalysedMeasure], list[InputError]]:
    """Like :func:`analyse`, but every measure is tried: the analysed measures, and one
    :class:`InputError` (with ``measure`` set) for each measure the engine rejects."""
    wanted = set(measures) if measures is not None else None
    firm = model.settings.firm_points
    recalcs: dict[str, list[Recalculation]] = {}
    for rc in model.recalculations:
        recalcs.setdefault(rc.measure, []).append(rc)
    targets: dict[str, list[Target]] = {}
    for t in model.targets:
        targets.setdefault(t.measure, []).append(t)
    notes: dict[str, list[Commentary]] = {}
    for c in model.commentary:
        notes.setdefault(c.measure, []).append(c)

    out: dict[str, AnalysedMeasure] = {}
    failures: list[InputError] = []
    for m in model.measure_order():
        if wanted is not None and m.id not in wanted:
            continue
        series = model.series.get(m.id) or Series.empty()
        dates = series.index
        excluded = np.flatnonzero(series.exclude).tolist()
        tser = target_series(targets.get(m.id, []), dates)
        recorded = sorted(recalcs.get(m.id, []), key=lambda rc: rc.period)
        phases = [pd.Timestamp(rc.period) for rc in recorded]
        by_start = {0: m.trend}  # each phase's central line, by its first index
        for rc in recorded:
            by_start[int(dates.searchsorted(pd.Timestamp(rc.period)))] = rc.trend or m.trend
        trends = [None if by_start[k] == "flat" else by_start[k] for k in sorted(by_start)]
        try:
            result = xmr(
                series.values,
                dates=dates,
                phases=phases or None,
                exclude=excluded or None,
                lower_bound=m.lower_bound,
                upper_bound=m.upper_bound,
                rules=m.rules or "pump",
                direction=m.direction,
                target=tser,
                firm_points=firm,
                trend=trends if any(trends) else None,
            )
        except InputError as exc:
            failures.append(InputError(exc.reason, setting=exc.setting, measure=(m.id, m.name)))
            continue
        pred = [t.value for t in targets.get(m.id, []) if t.type == "predictability"]
        latest = result.latest_index
        comment = None
        if latest is not None:
            latest_day = dates[latest].date()
            mine = [c for c in notes.get(m.id, []) if c.period <= latest_day]
            comment = max(mine, key=lambda c: c.period) if mine else None
        reasons = tuple(
            Recalculated(int(dates.searchsorted(pd.Timestamp(rc.period))), rc.reason)
            for rc in recorded
        )
        out[m.id] = AnalysedMeasure(
            m, series, result, tser, pred[-1] if pred else None, comment, reasons,
            model.settings.provisional,
        )
    return out, failures
