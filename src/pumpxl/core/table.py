"""The XmR table: one row per period with its moving range, phase, central line, limits,
upper range limit and signals in words. Built once here; the Excel function ``XMR_TABLE``, the
workbooks' XmR sheets and ``pumpxl xmr`` all show this table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pumpxl.core.interpret import Reading
from pumpxl.core.kernels import FloatArray
from pumpxl.core.narrative import signal_labels
from pumpxl.core.result import XmrResult
from pumpxl.core.vocabulary import XMR_TABLE_COLUMNS

__all__ = ["XMR_TABLE_COLUMNS", "XmrTable", "xmr_table"]


@dataclass(frozen=True)
class XmrTable:
    """The columns of :data:`~pumpxl.core.vocabulary.XMR_TABLE_COLUMNS`, one entry per period:
    numbers are NaN where undefined (the first moving range of a phase, limits of a phase with
    too few values); ``phase`` counts from 1; ``signal`` is "" for routine points."""

    moving_range: FloatArray
    phase: FloatArray
    central_line: FloatArray
    upper_limit: FloatArray
    lower_limit: FloatArray
    upper_range_limit: FloatArray
    signal: list[str]

    def __len__(self) -> int:
        return len(self.signal)

    def numbers(self) -> list[FloatArray]:
        """The numeric columns, in table order (all but the signal)."""
        return [
            self.moving_range,
            self.phase,
            self.central_line,
            self.upper_limit,
            self.lower_limit,
            self.upper_range_limit,
        ]


def xmr_table(r: XmrResult, reading: Reading | None = None) -> XmrTable:
    """The XmR table of an analysed chart; with its ``reading``, the signals as the reading
    tells them (a step's runs as the step)."""
    per = r.per_point
    return XmrTable(
        moving_range=r.moving_ranges,
        phase=(r.phase_index + 1).astype(np.float64),
        central_line=per["central_line"],
        upper_limit=per["unpl"],
        lower_limit=per["lnpl"],
        upper_range_limit=per["url"],
        signal=signal_labels(r, reading),
    )
