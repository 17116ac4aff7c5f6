"""The PuMP workbook's domain model: plain dataclasses, no file formats.

A :class:`PumpModel` holds a Results Map (results in four layers linked cause to effect),
measures with their Measure Definitions, each measure's series, recalculation points, targets,
commentary and the report audiences. Readers build it; analysis and reports consume it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from pumpxl.core.inputs import DEFAULT_FIRM_POINTS
from pumpxl.core.vocabulary import (
    LAYERS,
    Direction,
    Frequency,
    InitiativeStatus,
    Layer,
    MeasureType,
    Moved,
    Status,
    TargetType,
)

__all__ = [
    "Audience",
    "Commentary",
    "Initiative",
    "Measure",
    "PumpModel",
    "Recalculation",
    "Result",
    "Series",
    "Settings",
    "Target",
    "find_cycle",
]


@dataclass(frozen=True)
class Result:
    """A result on the Results Map: a present-tense outcome statement in one layer.
    ``contributes_to`` lists the ids of the (inner) results this one drives."""

    id: str
    statement: str
    layer: Layer
    owner: str = ""
    contributes_to: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Measure:
    """A Measure Definition: what the measure is evidence of, how it is calculated, who owns
    it and who decides with it. ``direction`` is which way is better ("up", "down" or
    "neutral"); ``rules`` names a rule preset."""

    id: str
    name: str
    result: str
    description: str = ""
    formula: str = ""
    scope: str = ""
    data_items: str = ""
    data_source: str = ""
    frequency: Frequency = "monthly"
    unit: str = ""
    direction: Direction = "neutral"
    type: MeasureType = "outcome"
    owner: str = ""
    data_producer: str = ""
    lower_bound: float | None = None
    upper_bound: float | None = None
    audiences: tuple[str, ...] = ()
    decisions: str = ""
    decision_makers: str = ""
    rules: str = "pump"
    status: Status = "live"
    notes: str = ""
    #: "flat", or trended limits: "half-averages" or "least-squares" (every phase, unless
    #: a recalculation says otherwise)
    trend: str = "flat"


@dataclass(frozen=True)
class Series:
    """One measure's values in time order: ``dates`` (datetime64, one per period), ``values``
    (NaN marks a period with no value), ``exclude`` (known special causes left out of the
    limits) and optional per-period ``notes``."""

    dates: npt.NDArray[np.datetime64]
    values: npt.NDArray[np.float64]
    exclude: npt.NDArray[np.bool_]
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.values.shape[0])

    @property
    def index(self) -> pd.DatetimeIndex:
        """The dates as a pandas DatetimeIndex."""
        return pd.DatetimeIndex(self.dates)

    @classmethod
    def empty(cls) -> Series:
        return cls(
            np.zeros(0, dtype="datetime64[ns]"), np.zeros(0), np.zeros(0, dtype=bool)
        )


@dataclass(frozen=True)
class Recalculation:
    """A new phase from ``period``; ``trend`` its central line ("flat", "half-averages",
    "least-squares"), or "" for the measure's."""

    measure: str
    period: date
    reason: str = ""
    trend: str = ""


@dataclass(frozen=True)
class Target:
    """A target value from ``period`` on. Several dated rows of type "trajectory" make a
    staged target; "predictability" targets the spread between the limits."""

    measure: str
    value: float
    period: date | None = None
    type: TargetType = "central line"
    notes: str = ""


@dataclass(frozen=True)
class Commentary:
    """The three questions for one measure and period."""

    measure: str
    period: date
    happening: str = ""
    why: str = ""
    action: str = ""
    who: str = ""
    due: date | None = None


@dataclass(frozen=True)
class Initiative:
    """An improvement initiative: a change made to the process, the measures it should move
    and which way (``direction`` "up" or "down"), from ``started`` (the first period it can
    show in) to ``completed`` (optional)."""

    id: str
    change: str
    measures: tuple[str, ...]
    direction: Moved
    started: date
    completed: date | None = None
    owner: str = ""
    status: InitiativeStatus = "in progress"


@dataclass(frozen=True)
class Audience:
    name: str
    description: str = ""
    meets: str = ""


@dataclass(frozen=True)
class Settings:
    """Report-wide settings (the workbook's Settings sheet)."""

    organisation: str = ""
    title: str = "Performance report"
    #: limits from fewer values than this are trial limits
    firm_points: int = DEFAULT_FIRM_POINTS
    #: after a step nobody has recorded yet, show limits as if recalculated there
    provisional: bool = True


@dataclass
class PumpModel:
    """Everything a PuMP workbook holds, keyed for lookup."""

    settings: Settings = field(default_factory=Settings)
    results: dict[str, Result] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    series: dict[str, Series] = field(default_factory=dict)
    recalculations: list[Recalculation] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    commentary: list[Commentary] = field(default_factory=list)
    audiences: dict[str, Audience] = field(default_factory=dict)
    initiatives: list[Initiative] = field(default_factory=list)

    def measures_of(self, result_id: str) -> list[Measure]:
        return [m for m in self.measures.values() if m.result == result_id]

    def result_order(self) -> list[str]:
        """Result ids in Results Map order: purpose first, then strategic, process and team,
        each layer in workbook order."""
        rank = {layer: i for i, layer in enumerate(LAYERS)}
        ids = list(self.results)
        return sorted(ids, key=lambda r: (rank.get(self.results[r].layer, 9), ids.index(r)))

    def measure_order(self, audience: str | None = None) -> list[Measure]:
        """Measures in Results Map order (optionally only an audience's)."""
        out = []
        seen = set()
        for rid in self.result_order():
            for m in self.measures_of(rid):
                if audience is None or audience in m.audiences:
                    out.append(m)
                    seen.add(m.id)
        out += [
            m
            for m in self.measures.values()
            if m.id not in seen and (audience is None or audience in m.audiences)
        ]
        return out


def find_cycle(links: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle in a directed graph given as {node: successors}, as a list of nodes with the
    first repeated at the end, or None when the graph is acyclic."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        stack.append(node)
        for nxt in links.get(node, ()):
            if colour.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if colour.get(nxt) is None and nxt in links:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return None

    for start in links:
        if colour.get(start) is None:
            found = visit(start)
            if found:
                return found
    return None
