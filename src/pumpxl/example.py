"""The bundled example: an IT service organisation's PuMP measures (DOMAIN.md section 5).

Northwind IT Services runs a service desk, business services and change management for a
company of 4,000 staff. Three years of monthly data (two years weekly for the service desk's
operational measures) hold real shifts (a knowledge base launched in September 2024, a new
major-incident process in April 2024), outliers (outages), a recent deterioration nobody has
recalculated yet, and the classic "watermelon": an SLA measure green all along while customers
are unhappy. Everything is generated from a fixed seed, so the example is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from pumpxl.model import (
    Audience,
    Commentary,
    Measure,
    PumpModel,
    Recalculation,
    Result,
    Series,
    Target,
)

__all__ = ["example_model"]

SEED = 159
MONTHS = pd.date_range("2023-01-01", "2025-12-01", freq="MS")
WEEKS = pd.date_range("2024-01-01", periods=104, freq="W-MON")

BOARD, ITM, DESK, CUSTOMERS = "Board", "IT management", "Service desk team", "Customer forum"

RESULTS = [
    Result(
        "R1",
        "Staff get their work done with technology they can rely on",
        "purpose",
        "Helen Brooks",
    ),
    Result(
        "R2", "Customers get their IT problems fixed first time", "strategic", "Priya Shah", ("R1",)
    ),
    Result(
        "R3",
        "Business services are available when people need them",
        "strategic",
        "Tom Evans",
        ("R1",),
    ),
    Result("R4", "Customers find IT easy to deal with", "strategic", "Priya Shah", ("R1",)),
    Result(
        "R5",
        "The service desk resolves issues at the first contact",
        "process",
        "Aisha Khan",
        ("R2", "R4"),
    ),
    Result("R6", "Changes go live without causing incidents", "process", "Mark Lee", ("R3",)),
    Result(
        "R7",
        "Service is restored quickly when something breaks",
        "process",
        "Tom Evans",
        ("R3", "R2"),
    ),
    Result("R8", "Analysts have the knowledge they need at hand", "team", "Aisha Khan", ("R5",)),
    Result("R9", "Calls are answered promptly", "team", "Sofia Rossi", ("R4", "R5")),
    Result("R10", "Recurring problems are fixed at the root", "team", "Ben Carter", ("R7", "R2")),
]


@dataclass(frozen=True)
class _Shape:
    """How to generate a series: levels per stretch, noise, and one-off events."""

    levels: tuple[tuple[int, float], ...]  # (number of periods, level)
    sd: float
    decimals: int
    events: tuple[tuple[int, float], ...] = ()
    floor: float | None = None
    ceiling: float | None = None
    counts: bool = False


def _measure(mid: str, name: str, result: str, **kw: object) -> Measure:
    return Measure(id=mid, name=name, result=result, **kw)  # type: ignore[arg-type]


MEASURES: list[tuple[Measure, _Shape]] = [
    (
        _measure(
            "M01",
            "Productive hours lost to IT issues",
            "R1",
            description="Hours staff could not work because of IT faults, per 100 staff",
            formula="sum of lost hours in incident records / headcount x 100",
            scope="All staff; incidents with a business impact recorded",
            data_items="Incident impact hours; HR headcount",
            data_source="ITSM, HR",
            unit="hours",
            direction="down",
            type="outcome",
            owner="Helen Brooks",
            data_producer="Service reporting team",
            lower_bound=0.0,
            audiences=(BOARD, ITM),
            decisions="Investment in resilience and tooling",
            decision_makers="CIO, Board",
        ),
        _Shape(((20, 41.0), (16, 35.0)), 3.2, 1, ((14, 22.0),), floor=0),
    ),
    (
        _measure(
            "M02",
            "Customer satisfaction",
            "R4",
            description="Share of survey responses rating their experience 4 or 5 of 5",
            formula="responses scoring 4-5 / all responses x 100",
            scope="Post-ticket surveys",
            data_items="Survey score",
            data_source="Survey tool",
            unit="%",
            direction="up",
            type="outcome",
            owner="Priya Shah",
            data_producer="Service reporting team",
            lower_bound=0.0,
            upper_bound=100.0,
            audiences=(BOARD, ITM, CUSTOMERS),
            decisions="Where to focus service improvement",
            decision_makers="IT leadership",
        ),
        _Shape(((21, 77.5), (15, 83.5)), 1.9, 1, ((9, -7.0),), 0, 100),
    ),
    (
        _measure(
            "M03",
            "First-contact resolution",
            "R5",
            description="Tickets resolved by the service desk during the first contact",
            formula="tickets closed at first contact / tickets raised x 100",
            scope="Service desk tickets; excludes requests for new equipment",
            data_items="Ticket resolution flag",
            data_source="ITSM",
            unit="%",
            direction="up",
            type="outcome",
            owner="Aisha Khan",
            data_producer="Service reporting team",
            lower_bound=0.0,
            upper_bound=100.0,
            audiences=(BOARD, ITM, DESK),
            decisions="Knowledge base investment, desk staffing and training",
            decision_makers="Service desk manager",
        ),
        _Shape(((20, 68.0), (16, 76.0)), 2.0, 1, ((9, -9.5),), 0, 100),
    ),
    (
        _measure(
            "M04",
            "Repeat incidents within 30 days",
            "R2",
            description="Incidents that recur for the same user and service within 30 days",
            formula="repeat incidents / all incidents x 100",
            scope="All incidents",
            data_items="Incident links",
            data_source="ITSM",
            unit="%",
            direction="down",
            type="outcome",
            owner="Ben Carter",
            data_producer="Problem management",
            lower_bound=0.0,
            upper_bound=100.0,
            audiences=(ITM,),
            decisions="Which problems to investigate first",
            decision_makers="Problem manager",
        ),
        _Shape(((36, 12.0),), 1.1, 1, ((26, 6.0),), 0, 100),
    ),
    (
        _measure(
            "M05",
            "Business service availability",
            "R3",
            description="Time the ten critical business services were usable, in hours of service",
            formula="available minutes / agreed service minutes x 100",
            scope="Ten critical services, agreed hours only",
            data_items="Monitoring outages",
            data_source="Monitoring",
            unit="%",
            direction="up",
            type="outcome",
            owner="Tom Evans",
            data_producer="Operations centre",
            lower_bound=0.0,
            upper_bound=100.0,
            audiences=(BOARD, ITM, CUSTOMERS),
            decisions="Resilience spending; maintenance windows",
            decision_makers="Head of operations",
        ),
        _Shape(((36, 99.62),), 0.05, 2, ((14, -1.1), (29, -0.55)), 0, 100),
    ),
    (
        _measure(
            "M06",
            "Major incidents",
            "R3",
            description="Priority 1 incidents raised",
            formula="count of P1 incidents",
            scope="All services",
            data_items="Incident priority",
            data_source="ITSM",
            unit="incidents",
            direction="down",
            type="outcome",
            owner="Tom Evans",
            data_producer="Operations centre",
            lower_bound=0.0,
            audiences=(ITM,),
            decisions="Major incident reviews, resilience priorities",
            decision_makers="Head of operations",
        ),
        _Shape(((36, 2.4),), 1.3, 0, ((14, 6.0),), 0, counts=True),
    ),
    (
        _measure(
            "M07",
            "Time to restore service",
            "R7",
            description="Median hours from a major incident's start to service restored",
            formula="median(restored - started) over the month's P1 incidents",
            scope="P1 incidents",
            data_items="Incident timestamps",
            data_source="ITSM",
            unit="hours",
            direction="down",
            type="outcome",
            owner="Tom Evans",
            data_producer="Operations centre",
            lower_bound=0.0,
            audiences=(ITM,),
            decisions="Major incident process and on-call arrangements",
            decision_makers="Head of operations",
        ),
        _Shape(((15, 5.6), (21, 3.9)), 0.45, 1, (), 0),
    ),
    (
        _measure(
            "M08",
            "Changes that caused an incident",
            "R6",
            description="Changes followed by an incident traced to them within 7 days",
            formula="failed changes / changes implemented x 100",
            scope="Normal and emergency changes",
            data_items="Change and incident links",
            data_source="ITSM",
            unit="%",
            direction="down",
            type="outcome",
            owner="Mark Lee",
            data_producer="Change management",
            lower_bound=0.0,
            upper_bound=100.0,
            audiences=(ITM,),
            decisions="Change approval rules and testing effort",
            decision_makers="Change advisory board",
        ),
        _Shape(((27, 5.8), (9, 7.9)), 0.55, 1, (), 0, 100),
    ),
    (
        _measure(
            "M09",
            "Emergency changes",
            "R6",
            description="Changes raised as emergencies",
            formula="count of emergency changes",
            scope="All changes",
            data_items="Change type",
            data_source="ITSM",
            unit="changes",
            direction="down",
            type="output",
            owner="Mark Lee",
            data_producer="Change management",
            lower_bound=0.0,
            audiences=(ITM,),
            decisions="Release planning",
            decision_makers="Change advisory board",
        ),
        _Shape(((36, 14.0),), 3.0, 0, (), 0, counts=True),
    ),
    (
        _measure(
            "M10",
            "Tickets resolved by the service desk",
            "R5",
            frequency="weekly",
            description="Tickets the desk closed in the week",
            formula="count",
            scope="Service desk queue",
            data_items="Ticket closures",
            data_source="ITSM",
            unit="tickets",
            direction="neutral",
            type="output",
            owner="Aisha Khan",
            data_producer="Service reporting team",
            lower_bound=0.0,
            audiences=(ITM, DESK),
            decisions="Weekly rota",
            decision_makers="Desk lead",
        ),
        _Shape(((104, 940.0),), 38.0, 0, ((51, -260.0), (52, -210.0)), 0),
    ),
    (
        _measure(
            "M11",
            "Average speed to answer",
            "R9",
            frequency="weekly",
            description="Mean seconds callers wait before an analyst answers",
            formula="total wait seconds / answered calls",
            scope="Service desk phone line",
            data_items="Call records",
            data_source="Telephony",
            unit="seconds",
            direction="down",
            type="outcome",
            owner="Sofia Rossi",
            data_producer="Telephony reports",
            lower_bound=0.0,
            audiences=(ITM, DESK, CUSTOMERS),
            decisions="Rota and call routing",
            decision_makers="Desk lead",
        ),
        _Shape(((88, 34.0), (16, 43.0)), 3.4, 0, (), 0),
    ),
    (
        _measure(
            "M12",
            "Calls abandoned",
            "R9",
            description="Callers who hung up before an answer",
            formula="abandoned calls / offered calls x 100",
            scope="Service desk phone line",
            data_items="Call records",
            data_source="Telephony",
            unit="%",
            direction="down",
            type="outcome",
            owner="Sofia Rossi",
            data_producer="Telephony reports",
            lower_bound=0.0,
            upper_bound=100.0,
            audiences=(DESK,),
            decisions="Rota and call routing",
            decision_makers="Desk lead",
        ),
        _Shape(((36, 6.5),), 0.8, 1, (), 0, 100),
    ),
    (
        _measure(
            "M13",
            "Resolutions using a knowledge article",
            "R8",
            description="Resolved tickets that link a knowledge article",
            formula="tickets with an article link / tickets resolved x 100",
            scope="Service desk tickets",
            data_items="Article links",
            data_source="ITSM",
            unit="%",
            direction="up",
            type="outcome",
            owner="Aisha Khan",
            data_producer="Knowledge manager",
            lower_bound=0.0,
            upper_bound=100.0,
            audiences=(ITM, DESK),
            decisions="Knowledge management effort",
            decision_makers="Desk manager",
        ),
        _Shape(((20, 31.0), (16, 52.0)), 2.6, 1, (), 0, 100),
    ),
    (
        _measure(
            "M14",
            "Knowledge articles reviewed",
            "R8",
            description="Articles reviewed and updated in the month",
            formula="count",
            scope="Published articles",
            data_items="Article review dates",
            data_source="Knowledge base",
            unit="articles",
            direction="up",
            type="activity",
            owner="Aisha Khan",
            data_producer="Knowledge manager",
            lower_bound=0.0,
            audiences=(DESK,),
            decisions="Review rota",
            decision_makers="Knowledge manager",
        ),
        _Shape(((20, 45.0), (16, 88.0)), 9.0, 0, (), 0, counts=True),
    ),
    (
        _measure(
            "M15",
            "Problems closed with the root cause removed",
            "R10",
            description="Problem records closed after a permanent fix",
            formula="count",
            scope="Problem records",
            data_items="Problem closure code",
            data_source="ITSM",
            unit="problems",
            direction="up",
            type="output",
            owner="Ben Carter",
            data_producer="Problem management",
            lower_bound=0.0,
            audiences=(ITM,),
            decisions="Problem management capacity",
            decision_makers="Problem manager",
        ),
        _Shape(((36, 9.0),), 2.6, 0, (), 0, counts=True),
    ),
    (
        _measure(
            "M16",
            "Tickets resolved within SLA",
            "R2",
            description="Tickets closed inside the contracted resolution time",
            formula="tickets within SLA / tickets closed x 100",
            scope="All tickets",
            data_items="Resolution time, SLA clock",
            data_source="ITSM",
            unit="%",
            direction="up",
            type="output",
            owner="Priya Shah",
            data_producer="Service reporting team",
            lower_bound=0.0,
            upper_bound=100.0,
            audiences=(ITM, CUSTOMERS),
            decisions="Contract review",
            decision_makers="Service delivery manager",
            notes="Green on every SLA report while customers were unhappy: read it with "
            "customer satisfaction and repeat incidents",
        ),
        _Shape(((36, 96.4),), 0.35, 1, (), 0, 100),
    ),
    (
        _measure(
            "M17",
            "Analyst training sessions held",
            "R8",
            description="Training sessions delivered to desk analysts",
            formula="count",
            scope="Service desk",
            data_items="Training log",
            data_source="Training log",
            unit="sessions",
            direction="neutral",
            type="activity",
            owner="Aisha Khan",
            data_producer="Desk lead",
            lower_bound=0.0,
            audiences=(DESK,),
            decisions="Training plan",
            decision_makers="Desk manager",
        ),
        _Shape(((36, 4.0),), 1.4, 0, (), 0, counts=True),
    ),
]

RECALCULATIONS = [
    Recalculation(
        "M01",
        date(2024, 9, 1),
        "Self-service password reset and the knowledge base went live in September 2024",
    ),
    Recalculation(
        "M02",
        date(2024, 10, 1),
        "Knowledge base launch; customers saw faster fixes from October 2024",
    ),
    Recalculation(
        "M03", date(2024, 9, 1), "Knowledge base launched to the service desk on 2 September 2024"
    ),
    Recalculation(
        "M07", date(2024, 4, 1), "New major incident process with a duty manager from April 2024"
    ),
    Recalculation("M13", date(2024, 9, 1), "Knowledge base launch"),
    Recalculation("M14", date(2024, 9, 1), "Knowledge manager appointed; review rota started"),
]

TARGETS = [
    Target("M01", 30.0, None, "central line", "Halve the 2023 loss by the end of 2026"),
    Target("M02", 85.0, None, "central line", "Customer charter"),
    Target("M03", 70.0, date(2023, 1, 1), "trajectory", "Step 1"),
    Target("M03", 75.0, date(2025, 1, 1), "trajectory", "Step 2"),
    Target("M03", 85.0, date(2026, 7, 1), "trajectory", "Step 3"),
    Target("M05", 99.9, None, "central line", "Availability commitment to the business"),
    Target("M07", 4.0, None, "central line", "Restore within four hours"),
    Target("M07", 3.0, None, "predictability", "Limits no more than 3 hours apart"),
    Target("M11", 30.0, None, "central line", "Answer within 30 seconds"),
    Target("M16", 95.0, None, "central line", "Contracted SLA"),
]

COMMENTARY = [
    Commentary(
        "M03",
        date(2025, 12, 1),
        "First-contact resolution has held at its new level of about 76 % since the "
        "knowledge base launched; December is routine variation.",
        "Analysts find answers in the knowledge base instead of escalating.",
        "Extend the knowledge base to the top 20 application queries.",
        "Aisha Khan",
        date(2026, 3, 31),
    ),
    Commentary(
        "M03",
        date(2023, 10, 1),
        "A sharp drop in October 2023.",
        "The ticketing system outage on 9-11 October forced manual logging.",
        "No action: a one-off cause, already fixed.",
        "Aisha Khan",
    ),
    Commentary(
        "M02",
        date(2025, 12, 1),
        "Satisfaction has been at a higher level since October 2024, around 83.5 %.",
        "Faster fixes at first contact after the knowledge base launch.",
        "The 85 % charter target sits inside the limits: only a further change will "
        "meet it reliably. Pilot callback appointments in Q1.",
        "Priya Shah",
        date(2026, 3, 31),
    ),
    Commentary(
        "M05",
        date(2025, 12, 1),
        "Availability is stable around 99.6 %; the March 2024 data-centre outage and the "
        "June 2025 network failure were special causes.",
        "The 99.9 % commitment is above the upper limit: the current design cannot meet it.",
        "Business case for a second network path to the Board in February.",
        "Tom Evans",
        date(2026, 2, 28),
    ),
    Commentary(
        "M08",
        date(2025, 12, 1),
        "Failed changes have run above the long-term average for nine months.",
        "More changes are skipping the test environment since the platform migration.",
        "Change advisory board to require test evidence for all normal changes.",
        "Mark Lee",
        date(2026, 1, 31),
    ),
    Commentary(
        "M11",
        date(2025, 12, 22),
        "Callers have waited longer since September: a long run above the central line.",
        "Two analysts left and the rota was not rebalanced.",
        "Recruit two analysts; move the lunch rota to cover the 12-2 peak.",
        "Sofia Rossi",
        date(2026, 2, 15),
    ),
]

AUDIENCES = [
    Audience(BOARD, "Company board: strategy and investment", "Quarterly"),
    Audience(ITM, "CIO and IT heads of service", "Monthly"),
    Audience(DESK, "Service desk manager, team leads and analysts", "Weekly"),
    Audience(CUSTOMERS, "Business representatives at the customer forum", "Quarterly"),
]


def _generate(shape: _Shape, n: int, rng: np.random.Generator) -> np.ndarray:
    level = np.concatenate([np.full(k, v) for k, v in shape.levels])[:n]
    if shape.counts:
        values = rng.poisson(np.maximum(level, 0)).astype(float)
    else:
        values = level + rng.normal(0.0, shape.sd, n)
    for at, delta in shape.events:
        values[at] += delta
    if shape.floor is not None:
        values = np.maximum(values, shape.floor)
    if shape.ceiling is not None:
        values = np.minimum(values, shape.ceiling)
    rounded: np.ndarray = np.round(values, shape.decimals)
    return rounded


def example_model() -> PumpModel:
    """Northwind IT Services' PuMP workbook content, the same on every call."""
    rng = np.random.default_rng(SEED)
    model = PumpModel(
        organisation="Northwind IT Services",
        title="IT service performance report",
        results={r.id: r for r in RESULTS},
        audiences={a.name: a for a in AUDIENCES},
        recalculations=list(RECALCULATIONS),
        targets=list(TARGETS),
        commentary=list(COMMENTARY),
        settings={
            "organisation": "Northwind IT Services",
            "report_title": "IT service performance report",
            "firm_points": "15",
        },
    )
    for measure, shape in MEASURES:
        dates = WEEKS if measure.frequency == "weekly" else MONTHS
        values = _generate(shape, len(dates), rng)
        exclude = np.zeros(len(dates), dtype=bool)
        if measure.id == "M05":
            exclude[14] = True  # the March 2024 data-centre outage: a known special cause
        model.measures[measure.id] = measure
        model.series[measure.id] = Series(dates.to_numpy(), values, exclude)
    return model
