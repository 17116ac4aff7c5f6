"""Reading the Initiatives sheet: improvement initiatives, each checked against the
measures and their data, every problem located at its cell."""

from __future__ import annotations

import re

import pandas as pd

from pumpxl.core import model as domain
from pumpxl.core import vocabulary as words
from pumpxl.core.model import PumpModel
from pumpxl.core.present import date_label, month_label
from pumpxl.workbook.layout import EXPECTED_DIRECTIONS, normalise
from pumpxl.workbook.tables import LIST_SEPARATORS, Row, TableReader, unique_rows

__all__ = ["read_initiatives"]

def read_initiatives(
    rd: TableReader, model: PumpModel, rows: list[Row], lookup: dict[str, str]
) -> None:
    """Each initiative, checked: a unique ID, what was changed, known measures, an expected
    direction that does not contradict a measure's better direction, a start inside each
    measure's data (or after it while planned), a completion not before the start."""
    def twice(iid: str, first: str) -> str:
        return f"initiative ID {iid!r} is also used at {first}"

    for row, iid in unique_rows(rd, rows, "id", "no initiative ID given", twice, "duplicate_id"):
        change = row.text("change")
        if not change:
            rd.add(row.where("change"), f"initiative {iid}: no change described", "blank")
        direction = rd.choice(row, "direction", EXPECTED_DIRECTIONS, "", None, "Up, Down")
        if not direction and not row.text("direction"):
            rd.add(row.where("direction"), f"initiative {iid}: no expected direction (Up or "
                   "Down) given", "blank")  # fmt: skip
        started = rd.date(row, "started")
        if started is None and not row.text("started"):
            rd.add(row.where("started"), f"initiative {iid}: no start date given", "blank")
        completed = rd.date(row, "completed")
        status = rd.choice(row, "status", words.INITIATIVE_STATUSES, "in progress", None)
        if started is not None and completed is not None and completed < started:
            rd.add(row.where("completed"), f"initiative {iid}: completed {date_label(completed)} "
                   f"is before it started ({date_label(started)})", "bad_date")  # fmt: skip
        names = [t.strip() for t in re.split(LIST_SEPARATORS, row.text("measures")) if t.strip()]
        if not names:
            rd.add(row.where("measures"), f"initiative {iid}: no measure given", "blank")
        mids = []
        for text in names:
            mid = lookup.get(normalise(text))
            if mid is None:
                rd.add(row.where("measures"), f"initiative {iid}: {text!r} is not a measure ID "
                       "or name on the Measures sheet", "unknown_measure")  # fmt: skip
                continue
            m = model.measures[mid]
            mids.append(mid)
            if direction and m.direction != "neutral" and m.direction != direction:
                better = words.DIRECTION_LABELS[m.direction].lower()
                rd.add(row.where("direction"), f"initiative {iid} expects {m.name} to go "
                       f"{direction}, but {better} for it", "bad_direction", m.name)  # fmt: skip
            series = model.series.get(mid)
            if started is None or series is None or not len(series):
                continue
            first, last = pd.Timestamp(series.dates[0]), pd.Timestamp(series.dates[-1])
            when = pd.Timestamp(started)
            if when < first:
                rd.add(row.where("started"), f"initiative {iid} starts {date_label(started)}, "
                       f"before {m.name}'s first period ({month_label(first)})", "outside_data",
                       m.name)  # fmt: skip
            elif when > last and status != "planned":
                rd.add(row.where("started"), f"initiative {iid} starts {date_label(started)}, "
                       f"after {m.name}'s last period ({month_label(last)}); give it the status "
                       "Planned until it starts", "outside_data", m.name)  # fmt: skip
        if change and direction != "" and started is not None and mids:
            init = domain.Initiative(
                iid, change, tuple(mids), direction, started, completed, row.text("owner"), status
            )
            model.initiatives.append(init)
