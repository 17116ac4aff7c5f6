"""The bundled example agrees with itself: every number and claim its commentary makes is
checked against the engine's reading of the data it sits beside."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from pumpxl.core.analysis import analyse
from pumpxl.core.example import example_model

WORDS = {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
MONTHS = {m: k for k, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}  # fmt: skip

MODEL = example_model()
ANALYSED = analyse(MODEL)


def _case_id(c: object) -> str:
    return f"{c.measure}-{c.period}"  # type: ignore[attr-defined]


@pytest.mark.parametrize("c", MODEL.commentary, ids=_case_id)
def test_commentary_agrees_with_the_chart(c: object) -> None:
    from pumpxl.core.model import Commentary

    assert isinstance(c, Commentary)
    a = ANALYSED[c.measure]
    r = a.xmr
    dates = a.dates
    i = int(dates.searchsorted(pd.Timestamp(c.period), side="right")) - 1
    phase = r.phases[int(r.phase_index[i])]
    text = " ".join((c.happening, c.why, c.action))
    targets = {t.value for t in MODEL.targets if t.measure == c.measure}
    checked = 0
    for m in re.finditer(r"(\d+(?:\.\d+)?) ?%", text):
        shown = m[1]
        places = len(shown.split(".")[1]) if "." in shown else 0
        level = {round(v, places) for v in (phase.central_line, phase.unpl, phase.lnpl)}
        assert float(shown) in level | targets, (shown, text)
        checked += 1
    for m in re.finditer(r"\bfor (\w+) (months|weeks)\b", text):
        length = WORDS[m[1]]
        runs = [s for s in r.signals if s.rule == "long_run" and s.last == i]
        assert [len(s.points) for s in runs] == [length], text
        checked += 1
    for m in re.finditer(r"since (" + "|".join(MONTHS) + r")(?: (\d{4}))?", text):
        year = int(m[2]) if m[2] else c.period.year
        when = dt.date(year, MONTHS[m[1]], 1)
        starts = {dates[p.start].date().replace(day=1) for p in r.phases}
        starts |= {dates[s.first].date().replace(day=1) for s in r.signals}
        assert when in starts, (m[0], text)
        checked += 1
    for m in re.finditer(r"drop in (" + "|".join(MONTHS) + r") (\d{4})", text):
        k = int(dates.searchsorted(pd.Timestamp(int(m[2]), MONTHS[m[1]], 1)))
        assert any(s.rule == "outlier" and s.moved == "down" and k in s.points for s in r.signals)
        checked += 1
    t = a.targets[i] if a.targets is not None else None
    if "inside the limits" in text:
        assert t is not None and phase.lnpl <= t <= phase.unpl
        checked += 1
    if "above the upper limit" in text:
        assert t is not None and t > phase.unpl
        checked += 1
    if "special causes, left out of the limits" in text:
        assert r.excluded.sum() == 2  # the March 2024 and June 2025 outages
        checked += 1
    assert checked, f"nothing checked in: {text}"


def test_units_match_their_definitions() -> None:
    m = MODEL.measures
    assert m["M01"].unit == "hours per 100 staff" and "per 100 staff" in m["M01"].description
    assert m["M05"].unit == "%" and "Share of" in m["M05"].description
