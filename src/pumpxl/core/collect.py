"""What ``pumpxl collect`` writes to a workbook's Commentary sheet: the owners' words read
from decks (:class:`PageWords`), matched to the sheet's rows (:class:`SheetRows`), become one
:class:`RowPlan` per measure and period, a new row or an existing row updated.

Pure: :mod:`pumpxl.report.collect` reads the decks, :mod:`pumpxl.workbook.commentary_writer`
reads the sheet and patches it. The rules, so that nothing a person wrote is lost:

- an answer equal to the cell's text is left alone; a blank answer never clears a cell;
- a cell that already holds words is replaced only when ``replace`` is asked for; otherwise
  the change is held back and reported with the old text;
- a cell holding a formula is never replaced;
- two pages (two decks) giving different words for the same measure, period and answer are a
  problem, unless one was edited and the other only confirmed (the edit is the later word);
- text longer than Excel's cell limit (32,767 characters) is a problem, never cut.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pumpxl.core.errors import Problem
from pumpxl.core.present import count, date_label

__all__ = [
    "EXCEL_CELL_LIMIT",
    "FIELDS",
    "Answer",
    "Change",
    "Field",
    "How",
    "PageWords",
    "Plan",
    "RowPlan",
    "SheetRow",
    "SheetRows",
    "Value",
    "plan_commentary",
]

Field = Literal["happening", "why", "action", "who", "due"]
#: The Commentary columns an owner's words go to (the layout's keys), in the sheet's order.
FIELDS: tuple[Field, ...] = ("happening", "why", "action", "who", "due")
#: How each field is named to a person (the Commentary sheet's headers).
LABELS: dict[str, str] = {
    "happening": "What is happening",
    "why": "Why",
    "action": "What we are doing",
    "who": "Who",
    "due": "By when",
}
#: The most characters an Excel cell holds.
EXCEL_CELL_LIMIT = 32_767

Value = str | date
How = Literal["confirmed", "edited"]


@dataclass(frozen=True)
class Answer:
    """One answer read from a deck: ``confirmed`` (a draft whose DRAFT label was removed) or
    ``edited`` (text changed from what pumpxl wrote); ``where`` is the deck and slide."""

    field: Field
    value: Value
    how: How
    where: str


@dataclass(frozen=True)
class PageWords:
    """The answers collected from one measure page (and its continuation slides)."""

    measure: str
    period: date
    where: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class SheetRow:
    """A Commentary row as the workbook holds it: its Excel row number, measure id, period,
    cell values by field (text, or a date for ``due``) and the fields holding formulas."""

    row: int
    measure: str
    period: date
    cells: Mapping[Field, Value | None]
    formulas: frozenset[Field] = frozenset()


@dataclass(frozen=True)
class SheetRows:
    """The Commentary sheet: its name, the column letters of the fields it has, its rows, and
    the row where a new row goes."""

    sheet: str
    columns: Mapping[Field, str]
    rows: tuple[SheetRow, ...]
    next_row: int


@dataclass(frozen=True)
class Change:
    """One cell to write (or held back): the field, the new value, the cell's old value,
    how the answer was given and where it was read."""

    field: Field
    value: Value
    old: Value | None
    how: How
    where: str
    cell: str


@dataclass
class RowPlan:
    """What happens to one measure and period's row."""

    measure: str
    period: date
    row: int
    new: bool
    where: str
    writes: list[Change] = field(default_factory=list)
    held: list[Change] = field(default_factory=list)  # would replace words: needs replace
    kept: list[Change] = field(default_factory=list)  # formula cells: never replaced
    same: list[Field] = field(default_factory=list)


@dataclass
class Plan:
    """Every row's plan, the problems that stop anything being written, and notes."""

    rows: list[RowPlan]
    problems: list[Problem]
    notes: list[Problem]

    @property
    def writes(self) -> int:
        """How many rows get at least one cell written."""
        return sum(1 for r in self.rows if r.writes)

    def lines(self, describe: Callable[[str, date], str]) -> list[str]:
        """What will be written, per measure, in words; ``describe`` names a measure and
        period ("M03 First-contact resolution, Dec 2025")."""
        out: list[str] = []
        for r in self.rows:
            head = f"{describe(r.measure, r.period)} ({r.where}): "
            if r.new and r.writes:
                out.append(head + f"new row {r.row} of {r.writes[0].cell.split('!')[0]}")
            elif r.writes:
                out.append(head + "updates " + ", ".join(c.cell for c in r.writes))
            elif r.held or r.kept:
                out.append(head + f"row {r.row} not changed")
            else:
                out.append(head + f"already in row {r.row}, nothing to write")
            for c in r.writes:
                out.append(f"  {LABELS[c.field]} ({c.how}): {_shown(c.value)}")
                if c.old not in (None, ""):
                    out.append(f"    replaces {c.cell}: {_shown(c.old)}")
            for c in r.held:
                out.append(
                    f"  {LABELS[c.field]} ({c.how}): held back, {c.cell} already holds "
                    f"{_shown(c.old)}; the deck says {_shown(c.value)} (--replace replaces it)"
                )
            for c in r.kept:
                out.append(f"  {LABELS[c.field]}: {c.cell} holds a formula; not replaced")
        return out


SHOWN = 300  # characters of a text shown in the account of what is written


def _shown(value: Value | None) -> str:
    if isinstance(value, date):
        return date_label(value)
    text = " / ".join((value or "").split("\n"))
    if len(text) > SHOWN:
        text = f"{text[: SHOWN - 30]}... ({count(len(value or ''))} characters)"
    return f'"{text}"'


def _same(a: Value | None, b: Value | None) -> bool:
    if isinstance(a, date) or isinstance(b, date):
        return a == b
    return _text(a) == _text(b)


def _text(value: Value | None) -> str:
    text = "" if value is None else str(value)
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


def _blank(value: Value | None) -> bool:
    return not isinstance(value, date) and not _text(value)


def _choose(
    field_name: Field,
    answers: list[Answer],
    measure: str,
    problems: list[Problem],
    notes: list[Problem],
) -> Answer | None:
    """One answer for a field from every page that gave one (see the module's rules)."""
    edited = [a for a in answers if a.how == "edited"]
    pool = edited or answers
    values: dict[str, Answer] = {}
    for a in pool:
        values.setdefault(_text(a.value) if isinstance(a.value, str) else str(a.value), a)
    if len(values) > 1:
        places = " and ".join(a.where for a in values.values())
        problems.append(
            Problem(
                places,
                f"give different words for {LABELS[field_name]!r}: say it once (edit the "
                "pages to agree, or collect from one deck)",
                "conflict",
                measure,
            )
        )
        return None
    chosen = next(iter(values.values()))
    ignored = [a for a in answers if a.how == "confirmed" and not _same(a.value, chosen.value)]
    if edited and ignored:
        notes.append(
            Problem(
                ignored[0].where,
                f"confirmed the draft of {LABELS[field_name]!r}, but {chosen.where} edited "
                "it: the edited words are collected",
                "edited_wins",
                measure,
                severity="warning",
            )
        )
    return chosen


def plan_commentary(
    pages: Sequence[PageWords],
    sheet: SheetRows,
    *,
    replace: bool = False,
    names: Mapping[str, str] | None = None,
) -> Plan:
    """The plan for writing ``pages`` to ``sheet``: one :class:`RowPlan` per measure and
    period (pages are merged), every problem (which stops the writing) and notes.
    ``names`` gives measure names for messages."""
    names = names or {}
    problems: list[Problem] = []
    notes: list[Problem] = []
    groups: dict[tuple[str, date], list[PageWords]] = {}
    for page in pages:
        groups.setdefault((page.measure, page.period), []).append(page)
    next_row = sheet.next_row
    plans: list[RowPlan] = []
    for (measure, period), group in groups.items():
        label = names.get(measure, measure)
        chosen: list[Answer] = []
        for f in FIELDS:
            given = [a for page in group for a in page.answers if a.field == f]
            answer = _choose(f, given, label, problems, notes) if given else None
            if answer is not None:
                chosen.append(answer)
        for a in chosen:
            if isinstance(a.value, str) and len(a.value) > EXCEL_CELL_LIMIT:
                problems.append(
                    Problem(
                        a.where,
                        f"{LABELS[a.field]!r} is {count(len(a.value))} characters long, more than "
                        f"an Excel cell holds ({count(EXCEL_CELL_LIMIT)}); shorten it in the deck",
                        "too_long",
                        label,
                    )
                )
            if a.field not in sheet.columns:
                problems.append(
                    Problem(
                        f"{sheet.sheet}!1",
                        f"has no {LABELS[a.field]!r} column for the words {a.where} gives; "
                        f"add the column (header {LABELS[a.field]!r})",
                        "missing_column",
                        label,
                    )
                )
        matches = [r for r in sheet.rows if r.measure == measure and r.period == period]
        if len(matches) > 1:
            others = ", ".join(str(r.row) for r in matches[1:])
            notes.append(
                Problem(
                    f"{sheet.sheet}!{matches[0].row}:{matches[0].row}",
                    f"and row(s) {others} hold the same measure and period; reports read the "
                    "first, so it is the one updated",
                    "duplicate_row",
                    label,
                    severity="warning",
                )
            )
        where = ", ".join(dict.fromkeys(p.where for p in group))
        if matches:
            plan = RowPlan(measure, period, matches[0].row, False, where)
        else:
            plan = RowPlan(measure, period, next_row, True, where)
        _fill(plan, chosen, sheet, matches[0] if matches else None, replace=replace)
        if plan.new and plan.writes:
            next_row += 1
        plans.append(plan)
    return Plan(plans, problems, notes)


def _fill(
    plan: RowPlan, chosen: list[Answer], sheet: SheetRows, row: SheetRow | None, *, replace: bool
) -> None:
    """Sort each chosen answer into the row's writes, held-back changes, formula cells kept
    and answers already there."""
    for a in chosen:
        if a.field not in sheet.columns or _blank(a.value):
            continue
        cell = f"{sheet.sheet}!{sheet.columns[a.field]}{plan.row}"
        old = row.cells.get(a.field) if row is not None else None
        change = Change(a.field, a.value, old, a.how, a.where, cell)
        if row is not None and a.field in row.formulas:
            plan.kept.append(change)
        elif _blank(old):
            plan.writes.append(Change(a.field, a.value, None, a.how, a.where, cell))
        elif _same(old, a.value):
            plan.same.append(a.field)
        elif replace:
            plan.writes.append(change)
        else:
            plan.held.append(change)
