"""pumpxl: PuMP performance measures and XmR charts, from Excel to PowerPoint.

The engine is pure numpy::

    >>> import pumpxl
    >>> r = pumpxl.xmr([10, 12, 11, 13, 12, 11, 30])
    >>> [s.rule for s in r.signals]
    ['outlier']
"""

from pumpxl.errors import InputError, OutputError, Problem, PumpxlError, WorkbookError
from pumpxl.rules import PRESETS, RULE_NAMES, RuleSet, Signal, find_signals
from pumpxl.xmr import CONSTANTS, Phase, XmrResult, xmr

__version__ = "0.1.0"

__all__ = [
    "CONSTANTS",
    "InputError",
    "OutputError",
    "PRESETS",
    "Phase",
    "Problem",
    "PumpxlError",
    "RULE_NAMES",
    "RuleSet",
    "Signal",
    "WorkbookError",
    "XmrResult",
    "__version__",
    "find_signals",
    "xmr",
]
