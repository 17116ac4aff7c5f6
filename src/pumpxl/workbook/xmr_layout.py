"""Where an XmR block's cells sit in a sheet (the XmR sheet of the PuMP workbook and of
``calc`` outputs), shared by the sheet writer and its chart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pumpxl.core.chart_plan import PALETTE
from pumpxl.core.model import PumpModel

__all__ = [
    "CHART_COL",
    "CHART_LINES",
    "HELPER_COL",
    "NO_POINT",
    "NO_POINT_FORMAT",
    "MEANING_HEX",
    "MEANING_OF",
    "RECALC_COL",
    "SIGNAL_COL",
    "SIGNAL_COLUMNS",
    "Source",
    "XmrBlock",
    "data_sources",
]

#: The columns that hold each signal point's value by meaning (for the chart's coloured
#: markers): name, the Excel test on the Signal cell (works without the add-in), and the same
#: test on the engine's label (for the cached value).
SIGNAL_COLUMNS: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    ("Improvement", 'ISNUMBER(SEARCH("(improvement)",{cell}))', lambda s: "(improvement)" in s),
    ("Concern", 'ISNUMBER(SEARCH("(concern)",{cell}))', lambda s: "(concern)" in s),
    ("Other", 'AND({cell}<>"",ISERROR(SEARCH("(",{cell})))', lambda s: bool(s) and "(" not in s),
)
SIGNAL_COL = 10  # K: the first of SIGNAL_COLUMNS
RECALC_COL = SIGNAL_COL + len(SIGNAL_COLUMNS)  # N: the dates limits were recalculated from
HELPER_COL = 30  # AE: the native formulas' working columns (hidden), right of the chart
#: In ``calc`` outputs, the chart's central line and limits, one column each per phase
#: (hidden, blank outside the phase): a line per phase, so that phases meet as steps.
CHART_COL = HELPER_COL + 64
CHART_LINES = ((4, "Central line"), (5, "Upper limit"), (6, "Lower limit"))
#: In the PuMP workbook, what a signal-point column holds where there is no signal point: a
#: number far below any chart's axis, so no spreadsheet draws it. The usual #N/A is a gap
#: in Excel but is drawn as zero by LibreOffice, and an empty text the other way round.
#: The cells' number format shows it as blank.
NO_POINT = "-1E+307"
NO_POINT_FORMAT = '[<-1E+306]"";'

MEANING_OF = {"Improvement": "improvement", "Concern": "concern", "Other": "neutral"}
#: NHS Making Data Count colours: blue improvement, orange concern, purple neither.
MEANING_HEX = {k: f"#{PALETTE[k]}" for k in ("improvement", "concern", "neutral")}


@dataclass(frozen=True)
class XmrBlock:
    """Where one measure's XmR table sits in a sheet (0-based rows and columns)."""

    measure: str
    header_row: int
    first_row: int
    last_row: int
    period_col: int = 0


@dataclass(frozen=True)
class Source:
    """Where a measure's rows sit in the workbook (1-based Excel rows), so that an XmR
    block can refer to them with formulas."""

    data_first: int
    data_last: int
    recalc_rows: tuple[int, ...] = ()



def data_sources(model: PumpModel) -> dict[str, Source]:
    """Each measure's rows on the Data and Recalculations sheets as the writer lays them out
    (Data: measures in model order, header in row 1)."""
    out: dict[str, Source] = {}
    row = 2
    recalc: dict[str, list[tuple[Any, int]]] = {}
    for i, rc in enumerate(model.recalculations):
        recalc.setdefault(rc.measure, []).append((rc.period, i + 2))
    for mid, s in model.series.items():
        rows = tuple(r for _, r in sorted(recalc.get(mid, [])))
        out[mid] = Source(row, row + len(s) - 1, rows)
        row += len(s)
    return out


