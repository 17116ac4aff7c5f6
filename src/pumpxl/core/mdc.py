"""NHS Making Data Count's icons, from a chart's reading: the variation icon of the latest value
and the assurance icon (NHSRplotthedots' rules)."""

from __future__ import annotations

from pumpxl.core.interpret import Reading

__all__ = ["MDC_ORDER", "mdc_assurance", "mdc_variation"]

#: NHS Making Data Count's order for the one variation icon: the first pattern wins.
MDC_ORDER = (
    "outlier", "trend", "two_of_three", "short_run", "long_run", "mr_outlier", "runs_anhoej"
)  # fmt: skip


def mdc_variation(reading: Reading) -> str:
    """The Making Data Count variation icon: "common cause", "special cause improvement
    high"/"low", "special cause concern high"/"low", "special cause neither high"/"low", or
    "" when there are too few values. The latest value's first pattern in MDC's order (outside
    the limits, trend, two of three, shift) decides, as NHSRplotthedots does; a step in force
    is a shift."""
    if reading.now in ("no values", "too few values"):
        return ""
    if not reading.latest and reading.step is None:
        return "common cause"
    if reading.latest:
        first = min(reading.latest, key=lambda s: MDC_ORDER.index(s.rule))
        moved, meaning = first.moved, first.assessment
    else:
        assert reading.step is not None
        moved, meaning = reading.step.moved, reading.step.assessment
    side = "high" if moved == "up" else "low"
    return f"special cause {meaning if meaning != 'neutral' else 'neither'} {side}"


def mdc_assurance(reading: Reading) -> str:
    """The Making Data Count assurance icon: "pass", "fail", "hit and miss", or "" (no target,
    no limits, or no better direction)."""
    return {
        "consistently pass": "pass",
        "consistently fail": "fail",
        "hit and miss": "hit and miss",
    }.get(reading.assurance or "", "")
