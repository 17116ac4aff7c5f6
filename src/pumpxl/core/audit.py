"""PuMP practice warnings (not errors) about a workbook's model: measures without an owner,
result, audience or decision; results without measures; audiences that see only outputs; trial
limits; stale data."""

from __future__ import annotations

import pandas as pd

from pumpxl.core.analysis import AnalysedMeasure, analyse
from pumpxl.core.errors import Problem
from pumpxl.core.model import PumpModel
from pumpxl.core.vocabulary import FREQUENCY_DAYS

__all__ = ["audit"]

#: A measure is stale when its latest value is this many of its periods behind the others'.
STALE_PERIODS = 2


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
        if not m.audiences and model.audiences:  # a plain sheet's measures go to one deck
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
                f"{model.settings.firm_points}",
                "trial_limits",
                m.name,
            )
        if latest_overall is not None and a.latest_date is not None:
            gap = pd.Timestamp(latest_overall) - pd.Timestamp(a.latest_date)
            allowed = max(3, STALE_PERIODS * FREQUENCY_DAYS[m.frequency])
            if gap.days > allowed:
                add(
                    "Data",
                    f"latest value is for {a.latest_date}; other measures run to {latest_overall}",
                    "stale",
                    m.name,
                )
    return warn
