"""Workbooks that tell one story per measure, for the tests that check every output tells the
same reading (tests/test_steps.py) and for looking at the decks they give.

* ``council_model``: a council's contact centre, monthly, Jan 2023 to Jun 2025, as a new user
  would fill a ``pumpxl new`` workbook. "Calls answered within 60 seconds" (higher is better,
  target 80) steps up from about 72 to about 78 in October 2024 and stays there, nothing
  recorded; housing benefit claims drop from about 22 to about 16 days, recorded as a
  recalculation in April 2024 with its reason; missed bin collections run routinely.
* ``warehouse_model``: a warehouse, weekly, lower is better for most measures: a step down
  (better) nobody recorded, a step up (worse) recorded with its reason, a genuine drift, a
  neutral measure with a target, a run that ended, and a run in force.

The noise is fixed numbers, not a random generator, so the stories never change.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pumpxl.core.model import (
    Audience,
    Measure,
    PumpModel,
    Recalculation,
    Result,
    Series,
    Settings,
    Target,
)

#: Fixed noise, about one standard deviation of 1: the same every run.
NOISE = np.array([
    0.6, -1.1, 0.3, 1.4, -0.5, -1.3, 0.9, 0.1, -0.8, 1.2, -0.2, 0.5, -1.2, 0.4, 1.0, -0.7,
    0.2, -0.9, 1.3, -0.4, 0.7, -0.6, 0.8, -1.0, 0.0, 1.1, -0.3, 0.6, -1.4, 0.3, 0.9, -0.5,
    -0.1, 1.0, -0.8, 0.4, -1.1, 0.7, 0.2, -0.6,
])  # fmt: skip


def series(dates: pd.DatetimeIndex, values: np.ndarray) -> Series:
    return Series(
        dates.to_numpy(dtype="datetime64[ns]"),
        np.round(values.astype(float), 1),
        np.zeros(len(values), dtype=bool),
    )


def council_model() -> PumpModel:
    months = pd.date_range("2023-01-01", periods=30, freq="MS")
    step = np.r_[np.full(21, 72.0), np.full(9, 78.0)] + 1.3 * NOISE[:30]
    claims = np.r_[np.full(15, 22.2), np.full(15, 15.8)] + 0.9 * NOISE[5:35]
    bins = np.round(40 + 5 * NOISE[2:32])
    model = PumpModel(
        settings=Settings(organisation="Riverside Council", title="Contact centre performance"),
        results={
            "R1": Result("R1", "Residents get the help they need when they contact us", "purpose"),
            "R2": Result("R2", "Residents reach us quickly", "strategic", contributes_to=("R1",)),
            "R3": Result("R3", "Claims are decided quickly", "process", contributes_to=("R1",)),
        },
        audiences={"Leadership": Audience("Leadership")},
    )
    for m, values in (
        (Measure("C1", "Calls answered within 60 seconds", "R2", unit="%", direction="up",
                 owner="Priya Shah", lower_bound=0, upper_bound=100, audiences=("Leadership",)),
         step),
        (Measure("C2", "Housing benefit claim processing time", "R3", unit="days",
                 direction="down", owner="Tom Reed", lower_bound=0, audiences=("Leadership",)),
         claims),
        (Measure("C3", "Missed bin collections", "R1", unit="collections", direction="down",
                 owner="Ann Lee", lower_bound=0, audiences=("Leadership",)),
         bins),
    ):  # fmt: skip
        model.measures[m.id] = m
        model.series[m.id] = series(months, values)
    model.targets += [Target("C1", 80.0), Target("C2", 18.0), Target("C3", 45.0)]
    model.recalculations.append(
        Recalculation("C2", dt.date(2024, 4, 1), "New claims system went live")
    )
    return model


def warehouse_model() -> PumpModel:
    weeks = pd.date_range("2025-01-06", periods=36, freq="7D")
    n = len(weeks)
    t = np.arange(n)
    model = PumpModel(
        settings=Settings(organisation="Harbour Logistics", title="Warehouse performance"),
        results={
            "R1": Result("R1", "Customers get their orders on time", "purpose"),
            "R2": Result(
                "R2", "Orders leave the dock quickly and right", "process", contributes_to=("R1",)
            ),
        },
        audiences={"Operations": Audience("Operations")},
    )
    stories = {
        # a step down (better), nobody recorded it
        "W1": ("Order cycle time", "hours", "down", np.r_[np.full(22, 30.0), np.full(14, 26.0)]
               + 0.8 * NOISE[:n]),
        # a step up (worse), recorded with its reason
        "W2": ("Picking errors per 1,000 lines", "errors", "down",
               np.r_[np.full(18, 4.0), np.full(18, 5.5)] + 0.25 * NOISE[3 : 3 + n]),
        # a genuine drift: steady growth
        "W3": ("Parcels shipped", "thousand parcels", "up", 50 + 0.6 * t + 0.7 * NOISE[:n]),
        # no better direction, a target
        "W4": ("Dock door utilisation", "%", "neutral", 82 + 1.5 * NOISE[1 : 1 + n]),
        # a run that ended: eight high weeks, then back to the old level for six
        "W5": ("Forklift near misses", "near misses", "down",
               np.r_[np.full(24, 6.0), np.full(8, 9.0), np.full(4, 6.0)] + 0.6 * NOISE[:n]),
        # a run in force since nine weeks ago that a two-level fit does not explain as a step
        # better than routine: a long run above, still in force
        "W6": ("Returns processed same day", "%", "up",
               np.r_[np.full(27, 90.0), np.full(9, 91.6)] + 0.9 * NOISE[4 : 4 + n]),
    }
    for mid, (name, unit, direction, values) in stories.items():
        model.measures[mid] = Measure(
            mid, name, "R2", frequency="weekly", unit=unit, direction=direction,  # type: ignore[arg-type]
            owner="Kim Ho", lower_bound=0, audiences=("Operations",),
        )
        model.series[mid] = series(weeks, values)
    model.targets += [Target("W1", 24.0), Target("W4", 85.0)]
    model.recalculations.append(
        Recalculation("W2", weeks[18].date(), "New scanner firmware misreads some labels")
    )
    return model
