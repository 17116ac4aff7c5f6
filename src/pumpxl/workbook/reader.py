"""Reading a PuMP workbook into the domain model, collecting every problem with its cell.

:func:`read_workbook` never stops at the first problem: it reads all sheets, checks every row
and returns the model with the full list of problems; :func:`load_workbook` raises one
:class:`~pumpxl.errors.WorkbookError` holding them all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pumpxl.core import model as domain
from pumpxl.core import vocabulary as words
from pumpxl.core.analysis import AnalysedMeasure, analyse_each
from pumpxl.core.errors import Problem, WorkbookError
from pumpxl.core.model import PumpModel, Settings, find_cycle
from pumpxl.core.parsing import DateOrder
from pumpxl.workbook.cells import near_miss, open_grids, sheet_key
from pumpxl.workbook.data_sheet import read_data_sheet
from pumpxl.workbook.initiatives import read_initiatives
from pumpxl.workbook.layout import SHEETS, normalise
from pumpxl.workbook.tables import LIST_SEPARATORS, Row, TableReader, report_unknown, unique_rows

__all__ = ["ReadResult", "load_workbook", "read_workbook"]

SHEET_KEYS = {sheet_key(s.name) for s in SHEETS}
#: What separates the items of a list cell: commas, semicolons or line breaks (Alt+Enter).
#: The Direction column's words: the vocabulary's, as xmr() and the Excel functions read them.
_DIRECTIONS = {k: v for k, v in words.DIRECTION_WORDS.items() if k}
#: Setting names (normalised) on the Settings sheet -> Settings field.
SETTING_NAMES = {"organisation": "organisation", "organization": "organisation",
                 "reporttitle": "title", "firmlimitsfrom": "firm_points",
                 "provisionallimits": "provisional"}  # fmt: skip
#: How a Yes/No setting may be written (a TRUE/FALSE cell reads as true/false).
_SWITCH = {**dict.fromkeys((*words.YES_WORDS, "on"), True), **dict.fromkeys(words.NO_WORDS, False)}


@dataclass
class ReadResult:
    """A workbook's model, every problem found in it, and (when there are none) every
    measure analysed, so that no command has to analyse twice."""

    model: PumpModel
    problems: list[Problem] = field(default_factory=list)
    analysed: dict[str, AnalysedMeasure] = field(default_factory=dict)
    #: how something was read that the user should know (an Excel Table's Total Row skipped)
    notices: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_workbook(path: Path | str, *, date_order: DateOrder | None = None) -> ReadResult:
    """Read and check a PuMP workbook; returns the model, every problem found, and (when there
    are none) every measure analysed. Sheets are found by name (case and surrounding spaces
    aside); ``date_order`` settles numeric dates whose day and month could be either way."""
    path = Path(path)
    rd = TableReader(path.name, date_order=date_order)
    names: list[str] = []

    def wanted(name: str) -> bool:
        names.append(name)
        return sheet_key(name) in SHEET_KEYS

    grids = {sheet_key(g.name): g for g in open_grids(path, wanted)}
    model = PumpModel()
    tables: dict[str, list[Row]] = {}
    for spec in SHEETS:
        grid = grids.get(sheet_key(spec.name))
        if grid is None:
            if spec.required:
                hint = near_miss(spec.name, names)
                also = f"; did you mean {hint!r}?" if hint else ""
                rd.add(
                    path.name,
                    f'has no sheet "{spec.name}" ({spec.purpose.rstrip(".")}){also}',
                    "missing_sheet",
                )
            tables[spec.name] = []
            continue
        if spec.name != "Data":  # the Data sheet is read column-wise below: it is the big one
            tables[spec.name] = rd.table(grid, spec)
    model.settings = _settings(rd, tables["Settings"])
    _audiences(rd, model, tables["Audiences"])
    _results(rd, model, tables["Results"])
    lookup = _measures(rd, model, tables["Measures"])
    if "data" in grids:
        read_data_sheet(rd, model, grids["data"], lookup)
    _recalculations(rd, model, tables["Recalculations"], lookup)
    _targets(rd, model, tables["Targets"], lookup)
    _commentary(rd, model, tables["Commentary"], lookup)
    read_initiatives(rd, model, tables.get("Initiatives", []), lookup)
    analysed = _engine_check(rd, model) if not rd.problems else {}
    problems = rd.finish()
    return ReadResult(model, problems, analysed if not problems else {}, rd.notices)


def load_workbook(path: Path | str) -> PumpModel:
    """The workbook's model, or a WorkbookError listing every problem (:func:`read_workbook`
    gives the analysed measures too)."""
    result = read_workbook(path)
    if result.problems:
        raise WorkbookError(result.problems, source=Path(path).name)
    return result.model


# ----------------------------------------------------------------------------------- sheets


def _settings(rd: TableReader, rows: list[Row]) -> Settings:
    values: dict[str, object] = {}
    for row in rows:
        name = row.text("setting")
        key = SETTING_NAMES.get(normalise(name))
        if key is None:
            if name:
                known = "Organisation, Report title, Firm limits from, Provisional limits"
                message = f"unknown setting {name!r}; the settings are {known}"
                rd.add(row.where("setting"), message, "bad_setting")
            continue
        if key == "provisional":
            word = row.text("value").lower()
            if word and word not in _SWITCH:
                rd.add(row.where("value"), f"must be Yes or No, not {row.text('value')!r}",
                       "bad_setting")  # fmt: skip
            elif word:
                values[key] = _SWITCH[word]
            continue
        if key != "firm_points":
            values[key] = row.text("value")
            continue
        n = rd.number(row, "value")
        if n is not None and (n < 2 or not float(n).is_integer()):
            rd.add(row.where("value"), "must be a whole number of values, 2 or more", "bad_setting")
        elif n is not None:
            values[key] = int(n)
    if not values.get("title"):
        values.pop("title", None)
    return Settings(**values)  # type: ignore[arg-type]


def _audiences(rd: TableReader, model: PumpModel, rows: list[Row]) -> None:
    def twice(name: str, first: str) -> str:
        return f'audience "{name}" is listed twice (first at {first})'

    for row, name in unique_rows(rd, rows, "name", "audience has no name", twice, "duplicate"):
        model.audiences[name] = domain.Audience(name, row.text("description"), row.text("meets"))


def _results(rd: TableReader, model: PumpModel, rows: list[Row]) -> None:
    where: dict[str, str] = {}
    links: dict[str, tuple[str, ...]] = {}
    link_cells: dict[str, str] = {}
    for row in rows:
        rid = row.text("id")
        if not rid:
            rd.add(row.where("id"), "result has no ID", "blank")
            continue
        if rid in where:
            rd.add(
                row.where("id"),
                f"result ID {rid} is used twice (first at {where[rid]})",
                "duplicate",
            )
            continue
        where[rid] = row.where("id")
        statement = row.text("statement")
        if not statement:
            rd.add(row.where("statement"), f"result {rid} has no statement", "blank")
        layer = rd.choice(row, "layer", words.LAYERS, "process")
        targets = tuple(
            t.strip() for t in re.split(LIST_SEPARATORS, row.text("contributes_to")) if t.strip()
        )
        links[rid] = targets
        if "contributes_to" in row.cols:
            link_cells[rid] = row.where("contributes_to")
        model.results[rid] = domain.Result(
            rid, statement, layer, row.text("owner"), targets, row.text("notes")
        )
    for rid, targets in links.items():
        for t in targets:
            if t not in model.results:
                rd.add(
                    link_cells[rid],
                    f"result {rid} contributes to {t!r}, which is not a result ID",
                    "unknown_result",
                )
            elif t == rid:
                rd.add(link_cells[rid], f"result {rid} contributes to itself", "cycle")
    cycle = find_cycle({r: [t for t in ts if t != r] for r, ts in links.items()})
    if cycle:
        rd.add(
            link_cells.get(cycle[0], "Results"),
            "the Results Map has a cycle: "
            + " -> ".join(cycle)
            + " (cause and effect must not loop)",
            "cycle",
        )


def _measures(rd: TableReader, model: PumpModel, rows: list[Row]) -> dict[str, str]:
    """Reads Measures; returns a lookup from normalised ID or name to measure ID."""
    where: dict[str, str] = {}
    lookup: dict[str, str] = {}
    for row in rows:
        mid, name = row.text("id"), row.text("name")
        if not mid:
            rd.add(row.where("id"), f"measure {name!r} has no ID", "blank")
            continue
        if mid in where:
            rd.add(
                row.where("id"),
                f"measure ID {mid} is used twice (first at {where[mid]})",
                "duplicate",
            )
            continue
        where[mid] = row.where("id")
        if not name:
            rd.add(row.where("name"), f"measure {mid} has no name", "blank")
            name = mid
        label = name
        result = row.text("result")
        if result and result not in model.results:
            rd.add(
                row.where("result"),
                f"{result!r} is not a result ID on the Results sheet",
                "unknown_result",
                label,
            )
        freq = rd.choice(row, "frequency", words.FREQUENCIES, "monthly", label)
        direction = rd.choice(row, "direction", _DIRECTIONS, "neutral", label,
                              "Higher is better, Lower is better, Neutral (or Up, Down)")
        mtype = rd.choice(row, "type", words.MEASURE_TYPES, "outcome", label)
        rules = rd.choice(row, "rules", words.RULE_PRESETS, "pump", label)
        status = rd.choice(row, "status", words.STATUSES, "live", label)
        lo, hi = rd.number(row, "lower_bound", label), rd.number(row, "upper_bound", label)
        if lo is not None and hi is not None and lo >= hi:
            rd.add(
                row.where("upper_bound"),
                f"upper bound {hi:g} is not above the lower bound {lo:g}",
                "bad_bounds",
                label,
            )
            lo = hi = None
        audiences = tuple(
            a.strip() for a in re.split(LIST_SEPARATORS, row.text("audiences")) if a.strip()
        )
        if model.audiences:
            known = {a.lower(): a for a in model.audiences}
            fixed = []
            for a in audiences:
                if a.lower() not in known:
                    rd.add(
                        row.where("audiences"),
                        f"{a!r} is not an audience on the Audiences sheet",
                        "unknown_audience",
                        label,
                    )
                else:
                    fixed.append(known[a.lower()])
            audiences = tuple(fixed)
        model.measures[mid] = domain.Measure(
            id=mid,
            name=name,
            result=result,
            description=row.text("description"),
            formula=row.text("formula"),
            scope=row.text("scope"),
            data_items=row.text("data_items"),
            data_source=row.text("data_source"),
            frequency=freq,
            unit=row.text("unit"),
            direction=direction,
            type=mtype,
            owner=row.text("owner"),
            data_producer=row.text("data_producer"),
            lower_bound=lo,
            upper_bound=hi,
            audiences=audiences,
            decisions=row.text("decisions"),
            decision_makers=row.text("decision_makers"),
            rules=rules,
            status=status,
            notes=row.text("notes"),
            trend=rd.choice(row, "trend", words.TREND_CHOICES, "flat", label),
        )
        lookup[normalise(mid)] = mid
        lookup.setdefault(normalise(name), mid)
        lookup.setdefault(mid, mid)
    return lookup


def _measure_ref(
    rd: TableReader, row: Row, lookup: dict[str, str], unknown: dict[str, list[str]]
) -> str | None:
    raw = row.cells.get("measure")
    if isinstance(raw, str) and raw in lookup:  # the common case: an exact ID
        return lookup[raw]
    text = row.text("measure")
    if rd.error_cell(row, "measure"):
        return None
    if not text:
        rd.add(row.where("measure"), "no measure given", "blank")
        return None
    mid = lookup.get(normalise(text))
    if mid is None:
        unknown[text].append(row.where("measure"))
    return mid


def _simple(
    rd: TableReader, rows: list[Row], lookup: dict[str, str], build: Callable[[Row, str], None]
) -> None:
    """Rows that name a measure: each built with the measure's ID; unknown names reported."""
    unknown: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        mid = _measure_ref(rd, row, lookup, unknown)
        if mid is not None:
            build(row, mid)
    report_unknown(rd, unknown)


def _missing(rd: TableReader, row: Row, key: str, what: str, label: str) -> None:
    """Report a required cell that is blank (one that is wrong was reported when read)."""
    if not row.text(key):
        rd.add(row.where(key), f"no {what} given", "blank", label)


def _recalculations(
    rd: TableReader, model: PumpModel, rows: list[Row], lookup: dict[str, str]
) -> None:
    def build(row: Row, mid: str) -> None:
        label = model.measures[mid].name
        period = rd.date(row, "period", label)
        if period is None:
            return _missing(rd, row, "period", "first period", label)
        trend = rd.choice(row, "trend", words.TREND_CHOICES, "", label)
        model.recalculations.append(domain.Recalculation(mid, period, row.text("reason"), trend))

    _simple(rd, rows, lookup, build)


def _targets(rd: TableReader, model: PumpModel, rows: list[Row], lookup: dict[str, str]) -> None:
    def build(row: Row, mid: str) -> None:
        label = model.measures[mid].name
        value = rd.number(row, "value", label)
        if value is None:
            return _missing(rd, row, "value", "target value", label)
        period = rd.date(row, "period", label)
        kind = rd.choice(row, "type", words.TARGET_TYPES, "central line", label)
        model.targets.append(domain.Target(mid, value, period, kind, row.text("notes")))

    _simple(rd, rows, lookup, build)


def _commentary(rd: TableReader, model: PumpModel, rows: list[Row], lookup: dict[str, str]) -> None:
    def build(row: Row, mid: str) -> None:
        label = model.measures[mid].name
        period = rd.date(row, "period", label)
        if period is None:
            return _missing(rd, row, "period", "period", label)
        due = rd.date(row, "due", label)
        model.commentary.append(
            domain.Commentary(
                mid,
                period,
                row.text("happening"),
                row.text("why"),
                row.text("action"),
                row.text("who"),
                due,
            )
        )

    _simple(rd, rows, lookup, build)


def _engine_check(rd: TableReader, model: PumpModel) -> dict[str, AnalysedMeasure]:
    """Every measure analysed; settings the engine refuses (a recalculation leaving a phase
    with one value, a recalculation after the last period) are reported per measure."""
    analysed, failures = analyse_each(model)
    for exc in failures:
        sheet = "Recalculations" if exc.setting == "phases" else "Measures"
        rd.add(sheet, exc.reason, "engine", exc.measure[1] if exc.measure else None)
    return analysed
