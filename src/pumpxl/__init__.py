"""pumpxl: PuMP performance measures and XmR charts, from Excel to PowerPoint.

The engine is pure numpy::

    >>> import pumpxl
    >>> r = pumpxl.xmr([10, 12, 11, 13, 12, 11, 30])
    >>> [s.rule for s in r.signals]
    ['outlier']
"""

from typing import Any

from pumpxl.core.analysis import AnalysedMeasure, analyse
from pumpxl.core.audit import audit
from pumpxl.core.detect import Signal, find_signals
from pumpxl.core.errors import (
    CellError,
    InputError,
    OutputError,
    Problem,
    PumpxlError,
    WorkbookError,
)
from pumpxl.core.evidence import Evidence, initiative_evidence
from pumpxl.core.example import example_model
from pumpxl.core.interpret import Reading, Recalculated, read
from pumpxl.core.limits import CONSTANTS, Phase
from pumpxl.core.model import (
    Audience,
    Commentary,
    Initiative,
    Measure,
    PumpModel,
    Recalculation,
    Result,
    Series,
    Settings,
    Target,
)
from pumpxl.core.narrative import describe, status_line
from pumpxl.core.result import XmrResult
from pumpxl.core.rules import PRESETS, RuleSet
from pumpxl.core.steps import Step
from pumpxl.core.table import XmrTable, xmr_table
from pumpxl.core.vocabulary import RULE_NAMES
from pumpxl.core.xmr import xmr

__version__ = "0.1.0"

# Adapters load on first use, so that `import pumpxl` (and the Excel functions in xlwings
# Lite's browser Python) never pull in openpyxl, XlsxWriter or python-pptx.
_LAZY = {
    "collect_commentary": "pumpxl.collect",
    "load_workbook": "pumpxl.workbook.reader",
    "read_workbook": "pumpxl.workbook.reader",
    "refresh_deck": "pumpxl.refresh",
    "read_plain": "pumpxl.workbook.plain",
    "write_calc_workbook": "pumpxl.workbook.calc",
    "write_pump_workbook": "pumpxl.workbook.template",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pumpxl' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "AnalysedMeasure",
    "Audience",
    "CONSTANTS",
    "CellError",
    "Commentary",
    "Evidence",
    "Initiative",
    "InputError",
    "Measure",
    "OutputError",
    "PRESETS",
    "Phase",
    "Problem",
    "PumpModel",
    "PumpxlError",
    "RULE_NAMES",
    "Reading",
    "Recalculated",
    "Recalculation",
    "Result",
    "RuleSet",
    "Series",
    "Settings",
    "Signal",
    "Step",
    "Target",
    "WorkbookError",
    "XmrResult",
    "XmrTable",
    "__version__",
    "analyse",
    "audit",
    "collect_commentary",
    "describe",
    "example_model",
    "find_signals",
    "initiative_evidence",
    "load_workbook",
    "read",
    "read_plain",
    "read_workbook",
    "refresh_deck",
    "status_line",
    "write_calc_workbook",
    "write_pump_workbook",
    "xmr",
    "xmr_table",
]
