"""pumpxl's vocabulary: every fixed word the workbook, the engine and the outputs share, defined
once. Readers parse text into these values at the edge; everything inside uses the values.

One meaning per word:

* ``direction`` is always *which way is better* for a measure: ``"up"`` (higher is better),
  ``"down"`` (lower is better) or ``"neutral"``.
* ``moved`` is always *which way a signal went*: ``"up"`` (above the central line, above the
  limits, a jump or trend upwards) or ``"down"``.
* ``assessment`` is what a signal means for the measure: ``"improvement"``, ``"concern"`` or
  ``"neutral"`` (from ``moved`` and ``direction``).
"""

from __future__ import annotations

from typing import Literal, get_args

from pumpxl.core.errors import InputError

__all__ = [
    "ASSURANCES",
    "DIRECTION_LABELS",
    "DIRECTION_WORDS",
    "MOVED_WORDS",
    "NO_WORDS",
    "YES_WORDS",
    "FREQUENCIES",
    "FREQUENCY_DAYS",
    "INITIATIVE_STATUSES",
    "LAYERS",
    "LIMITS_COLUMNS",
    "MEASURE_TYPES",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "RULE_LABELS",
    "RULE_NAMES",
    "RULE_PRESETS",
    "STATUSES",
    "TARGET_TYPES",
    "TREND_CHOICES",
    "XMR_TABLE_COLUMNS",
    "Assessment",
    "Assurance",
    "Direction",
    "Frequency",
    "InitiativeStatus",
    "Layer",
    "MeasureType",
    "Moved",
    "Outcome",
    "Status",
    "TargetType",
    "assess",
    "choice_label",
    "parse_direction",
]

Direction = Literal["up", "down", "neutral"]
Moved = Literal["up", "down"]
Assessment = Literal["improvement", "concern", "neutral"]
Assurance = Literal["consistently pass", "consistently fail", "hit and miss"]
Frequency = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]
Layer = Literal["purpose", "strategic", "process", "team"]
MeasureType = Literal["outcome", "output", "activity"]
Status = Literal["draft", "gallery reviewed", "live", "retired"]
TargetType = Literal["central line", "trajectory", "predictability"]
InitiativeStatus = Literal["planned", "in progress", "done", "stopped"]
#: What an XmR chart says of an initiative since it started (:mod:`pumpxl.core.evidence`).
Outcome = Literal["improvement", "no evidence yet", "contrary", "too early"]

#: How each direction is written for people (and in the workbook's Direction column).
DIRECTION_LABELS: dict[Direction, str] = {
    "up": "higher is better",
    "down": "lower is better",
    "neutral": "neutral",
}
#: Every word people write for a direction, the labels included: the Measures sheet,
#: ``xmr()``, the Excel functions and ``pumpxl xmr --direction`` accept the same ones.
DIRECTION_WORDS: dict[str, Direction] = {
    **{label: key for key, label in DIRECTION_LABELS.items()},
    "up": "up",
    "higher": "up",
    "increase": "up",
    "down": "down",
    "lower": "down",
    "decrease": "down",
    "none": "neutral",
    "": "neutral",
}
_DIRECTION_WORDS = DIRECTION_WORDS
#: An initiative's expected direction: the way a measure should move.
MOVED_WORDS: dict[str, Moved] = {
    "up": "up", "higher": "up", "increase": "up", "higher is better": "up",
    "down": "down", "lower": "down", "decrease": "down", "lower is better": "down",
}  # fmt: skip
#: The words that mark a point excluded (a known special cause) or switch a setting on, in
#: the Data sheet's Exclude column, the Excel functions' exclude argument and yes/no settings.
YES_WORDS = ("yes", "y", "true", "x", "1")
#: The words that switch a setting off.
NO_WORDS = ("no", "n", "false", "off", "0")

ASSURANCES: tuple[Assurance, ...] = get_args(Assurance)
FREQUENCIES: tuple[Frequency, ...] = get_args(Frequency)
#: Days between two periods of each frequency (the longest, for months and years).
FREQUENCY_DAYS: dict[Frequency, int] = {
    "daily": 1,
    "weekly": 7,
    "monthly": 31,
    "quarterly": 92,
    "yearly": 366,
}
#: Results Map layers, from the centre out.
LAYERS: tuple[Layer, ...] = get_args(Layer)
MEASURE_TYPES: tuple[MeasureType, ...] = get_args(MeasureType)
STATUSES: tuple[Status, ...] = get_args(Status)
TARGET_TYPES: tuple[TargetType, ...] = get_args(TargetType)
INITIATIVE_STATUSES: tuple[InitiativeStatus, ...] = get_args(InitiativeStatus)
#: How a measure's (or a phase's) central line runs: flat, or along a fitted trend.
TREND_CHOICES: tuple[str, ...] = ("flat", "half-averages", "least-squares")
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
#: How each evidence outcome is headed for people, with its symbol.
OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "improvement": ("▲", "Evidence of improvement"),
    "no evidence yet": ("●", "No evidence yet"),
    "contrary": ("▼", "Contrary evidence"),
    "too early": ("…", "Too early to tell"),
}

#: The signal rules, in the order signals of the same first point are listed.
RULE_NAMES: tuple[str, ...] = (
    "outlier",
    "mr_outlier",
    "long_run",
    "short_run",
    "two_of_three",
    "trend",
    "runs_anhoej",
)
#: How each rule is named for people: (singular, plural).
RULE_LABELS: dict[str, tuple[str, str]] = {
    "outlier": ("outlier", "outliers"),
    "mr_outlier": ("large jump", "large jumps"),
    "long_run": ("long run", "long runs"),
    "short_run": ("short run", "short runs"),
    "two_of_three": ("two-of-three", "two-of-three signals"),
    "trend": ("trend", "trends"),
    "runs_anhoej": ("non-random runs", "non-random runs"),
}
#: The named rule presets (see :mod:`pumpxl.core.rules`).
RULE_PRESETS: tuple[str, ...] = ("pump", "wheeler", "nhs", "anhoej")

#: The columns of an XmR table after period and value, as XMR_TABLE spills them.
XMR_TABLE_COLUMNS: tuple[str, ...] = (
    "Moving range",
    "Phase",
    "Central line",
    "Upper limit",
    "Lower limit",
    "Upper range limit",
    "Signal",
)
#: The latest phase's limits, as XMR_LIMITS returns them.
LIMITS_COLUMNS: tuple[str, ...] = (
    "Central line",
    "Lower limit",
    "Upper limit",
    "Upper range limit",
    "Average moving range",
)


def parse_direction(text: object) -> Direction:
    """``"up"``/``"down"``/``"neutral"`` from the words people write ("Higher is better")."""
    word = _DIRECTION_WORDS.get(str(text or "").strip().lower())
    if word is None:
        raise InputError(
            f'direction must be "up" (higher is better), "down" (lower is better) or '
            f'"neutral", not {text!r}',
            setting="direction",
        )
    return word


def assess(moved: Moved, direction: Direction) -> Assessment:
    """What a signal that ``moved`` up or down means for a measure whose better way is
    ``direction``."""
    if direction == "neutral":
        return "neutral"
    return "improvement" if moved == direction else "concern"


def choice_label(word: str) -> str:
    """A vocabulary word as the workbook's drop-downs show it ("gallery reviewed" ->
    "Gallery reviewed")."""
    return word[:1].upper() + word[1:]
