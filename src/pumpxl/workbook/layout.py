"""The PuMP workbook's sheets and columns: one description that the template writer and the
reader share. Columns are found by header text (case and spacing ignored), so users may
reorder them or add their own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pumpxl.core.vocabulary import (
    DIRECTION_LABELS,
    FREQUENCIES,
    INITIATIVE_STATUSES,
    LAYERS,
    MEASURE_TYPES,
    MOVED_WORDS,
    RULE_PRESETS,
    STATUSES,
    TARGET_TYPES,
    TREND_CHOICES,
    Moved,
    choice_label,
)

__all__ = ["SHEETS", "Column", "Sheet", "normalise"]


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    width: float = 14
    required: bool = False
    kind: str = "text"  # text | number | date | choice | list
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    table: str
    columns: tuple[Column, ...]
    purpose: str
    required: bool = True

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def normalise(text: object) -> str:
    """Header text compared without case, spacing or punctuation."""
    return "".join(ch for ch in str(text).lower() if ch.isalnum())


def _choices(words: Iterable[str]) -> tuple[str, ...]:
    """Vocabulary words as the drop-downs show them."""
    return tuple(choice_label(w) for w in words)


LAYER_CHOICES = _choices(LAYERS)
DIRECTION_CHOICES = _choices(DIRECTION_LABELS.values())
TYPE_CHOICES = _choices(MEASURE_TYPES)
FREQUENCY_CHOICES = _choices(FREQUENCIES)
RULE_CHOICES = RULE_PRESETS
STATUS_CHOICES = _choices(STATUSES)
TARGET_CHOICES = _choices(TARGET_TYPES)
TREND_LABELS = _choices(TREND_CHOICES)
INITIATIVE_STATUS_CHOICES = _choices(INITIATIVE_STATUSES)
#: An initiative's expected direction, as the drop-down shows it, and the word it means.
EXPECTED_DIRECTIONS: dict[str, Moved | Literal[""]] = {**MOVED_WORDS}

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Settings",
        "SettingsTable",
        (
            Column("Setting", "setting", 24, True),
            Column("Value", "value", 46),
            Column("Notes", "notes", 70),
        ),
        "Report-wide settings: organisation, report title, firm-limit point count.",
        required=False,
    ),
    Sheet(
        "Results",
        "ResultsTable",
        (
            Column("ID", "id", 8, True, help="Short unique code, e.g. R1"),
            Column(
                "Result",
                "statement",
                60,
                True,
                help="Present-tense outcome: 'Customers get their problems fixed first time'",
            ),
            Column(
                "Layer",
                "layer",
                12,
                True,
                "choice",
                LAYER_CHOICES,
                "Purpose, Strategic, Process or Team",
            ),
            Column("Owner", "owner", 18),
            Column(
                "Contributes to",
                "contributes_to",
                16,
                kind="list",
                help="IDs of the results this one drives, comma-separated",
            ),
            Column("Notes", "notes", 40),
        ),
        "The Results Map: outcomes in four layers, linked cause to effect.",
    ),
    Sheet(
        "Measures",
        "MeasuresTable",
        (
            Column("ID", "id", 8, True),
            Column("Measure", "name", 34, True),
            Column("Result", "result", 9, True, help="ID of the result this measure evidences"),
            Column("Description", "description", 40),
            Column("Formula", "formula", 34),
            Column("Scope", "scope", 24),
            Column("Data items", "data_items", 24),
            Column("Data source", "data_source", 22),
            Column("Frequency", "frequency", 12, True, "choice", FREQUENCY_CHOICES),
            Column("Unit", "unit", 10),
            Column("Direction", "direction", 16, True, "choice", DIRECTION_CHOICES),
            Column("Type", "type", 10, True, "choice", TYPE_CHOICES),
            Column("Owner", "owner", 18),
            Column("Data producer", "data_producer", 18),
            Column("Lower bound", "lower_bound", 11, kind="number"),
            Column("Upper bound", "upper_bound", 11, kind="number"),
            Column(
                "Audiences", "audiences", 30, kind="list", help="Audience names, comma-separated"
            ),
            Column("Decisions", "decisions", 36),
            Column("Decision makers", "decision_makers", 22),
            Column("Rules", "rules", 9, kind="choice", choices=RULE_CHOICES),
            Column("Status", "status", 15, kind="choice", choices=STATUS_CHOICES),
            Column("Notes", "notes", 30),
            Column(
                "Trend", "trend", 14, kind="choice", choices=TREND_LABELS,
                help="Flat limits, or trended limits for a measure that drifts steadily",
            ),
        ),
        "Measure Definitions: one row per measure.",
    ),
    Sheet(
        "Data",
        "DataTable",
        (
            Column("Measure", "measure", 10, True, help="Measure ID"),
            Column("Period", "period", 12, True, "date", help="First day of the period"),
            Column("Value", "value", 12, True, "number"),
            Column(
                "Exclude",
                "exclude",
                9,
                kind="choice",
                choices=("Yes",),
                help="Yes: a known special cause, left out of the limits",
            ),
            Column("Note", "note", 40),
        ),
        "Measure values, one row per measure and period, in time order.",
    ),
    Sheet(
        "Recalculations",
        "RecalculationsTable",
        (
            Column("Measure", "measure", 10, True),
            Column("First period", "period", 13, True, "date"),
            Column("Reason", "reason", 70),
            Column(
                "Trend", "trend", 14, kind="choice", choices=TREND_LABELS,
                help="The new phase's central line: blank for the measure's",
            ),
        ),
        "Where a measure's limits restart after a sustained signal with a known cause.",
        required=False,
    ),
    Sheet(
        "Targets",
        "TargetsTable",
        (
            Column("Measure", "measure", 10, True),
            Column("Target", "value", 10, True, "number"),
            Column("From period", "period", 13, kind="date"),
            Column("Type", "type", 15, kind="choice", choices=TARGET_CHOICES),
            Column("Notes", "notes", 60),
        ),
        "Targets: a level for the central line, dated trajectory steps, or predictability.",
        required=False,
    ),
    Sheet(
        "Commentary",
        "CommentaryTable",
        (
            Column("Measure", "measure", 10, True),
            Column("Period", "period", 12, True, "date"),
            Column("What is happening", "happening", 48),
            Column("Why", "why", 48),
            Column("What we are doing", "action", 48),
            Column("Who", "who", 16),
            Column("By when", "due", 12, kind="date"),
        ),
        "The three questions for each measure and period.",
        required=False,
    ),
    Sheet(
        "Initiatives",
        "InitiativesTable",
        (
            Column("ID", "id", 8, True),
            Column("What was changed", "change", 48, True),
            Column(
                "Measures", "measures", 18, True, kind="list",
                help="Measure IDs or names it should move, comma-separated",
            ),
            Column("Expected direction", "direction", 12, True, "choice", ("Up", "Down")),
            Column("Started", "started", 12, True, "date"),
            Column("Completed", "completed", 12, kind="date"),
            Column("Owner", "owner", 16),
            Column("Status", "status", 13, kind="choice", choices=INITIATIVE_STATUS_CHOICES),
        ),
        "Improvement initiatives: what was changed, from when, and which measures should move "
        "which way; reports say whether the charts show it worked.",
        required=False,
    ),
    Sheet(
        "Audiences",
        "AudiencesTable",
        (
            Column("Audience", "name", 24, True),
            Column("Description", "description", 60),
            Column("Meets", "meets", 16),
        ),
        "Who receives a report: each sees the measures whose decisions it makes.",
        required=False,
    ),
)

SHEET_BY_NAME = {normalise(s.name): s for s in SHEETS}
