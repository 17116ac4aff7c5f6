"""Reading a PuMP workbook into the domain model, collecting every problem with its cell.

:func:`read_workbook` never stops at the first problem: it reads all sheets, checks every row
and returns the model with the full list of problems; :func:`load_workbook` raises one
:class:`~pumpxl.errors.WorkbookError` holding them all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pumpxl.analysis import analyse
from pumpxl.errors import InputError, Problem, WorkbookError
from pumpxl.model import (
    DIRECTIONS,
    FREQUENCIES,
    LAYERS,
    MEASURE_TYPES,
    STATUSES,
    TARGET_TYPES,
    Audience,
    Commentary,
    Measure,
    PumpModel,
    Recalculation,
    Result,
    Series,
    Target,
    find_cycle,
)
from pumpxl.rules import PRESETS
from pumpxl.workbook.cells import (
    NO_RESULT,
    Grid,
    column_letter,
    open_grids,
    parse_date,
    parse_number,
)
from pumpxl.workbook.layout import SHEET_BY_NAME, SHEETS, Sheet, normalise

__all__ = ["ReadResult", "load_workbook", "read_workbook"]

HEADER_SEARCH_ROWS = 10
MAX_PROBLEMS = 2000  # listed one by one; beyond this they are counted by kind


@dataclass
class ReadResult:
    model: PumpModel
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    """One table row: its Excel row number and a getter by column key."""

    grid: Grid
    index: int
    cells: dict[str, Any]
    cols: dict[str, int]

    def where(self, key: str) -> str:
        if key not in self.cols:
            return f"{self.grid.name}!{self.index + 1}"
        return self.grid.where(self.index, self.cols[key])

    def text(self, key: str) -> str:
        v = self.cells.get(key)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.more: dict[str, int] = {}

    def add(self, where: str, message: str, code: str, measure: str | None = None) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(where, message, code, measure))
        else:  # count the rest: a sheet of a million bad cells must not fill memory
            self.more[code] = self.more.get(code, 0) + 1

    def finish(self) -> list[Problem]:
        out = sorted(self.problems, key=_place)
        if self.more:
            kinds = ", ".join(f"{n:,} {code}" for code, n in sorted(self.more.items()))
            out.append(
                Problem(
                    self.source,
                    f"... and {sum(self.more.values()):,} more problems ({kinds})",
                    "more",
                )
            )
        return out

    # -------------------------------------------------------------------------- tables
    def header(self, grid: Grid, spec: Sheet) -> tuple[int, dict[str, int]] | None:
        """The header row and each known column's index, found by column names."""
        wanted = {normalise(c.header): c for c in spec.columns}
        required = {normalise(c.header) for c in spec.columns if c.required}
        header_at, cols = -1, dict[str, int]()
        for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
            found = {normalise(v): i for i, v in enumerate(row) if normalise(v) in wanted}
            if required <= set(found) or (len(found) > len(cols) and len(found) >= 2):
                header_at, cols = r, found
                if required <= set(found):
                    break
        if header_at < 0:
            heads = ", ".join(c.header for c in spec.columns if c.required)
            self.add(f"{grid.name}!1", f"no header row with the columns {heads}", "missing_headers")
            return None
        missing = [wanted[h].header for h in required - set(cols)]
        if missing:
            self.add(
                f"{grid.name}!{header_at + 1}",
                f"missing column(s) {', '.join(sorted(missing))}",
                "missing_column",
            )
            return None
        for i in cols.values():
            if grid.where(header_at, i).split("!")[1] in grid.errors:
                self.add(grid.where(header_at, i), "header is an Excel error", "error_value")
        used = set(cols.values())
        for r1, c1, r2, c2 in grid.merged:
            if r2 >= header_at and any(c1 <= c <= c2 for c in used):
                span = f"{grid.where(r1, c1)}:{column_letter(c2)}{r2 + 1}"
                self.add(
                    span,
                    "is a merged range; unmerge it so that every row has its own value",
                    "merged_cells",
                )
        return header_at, {wanted[h].key: i for h, i in cols.items()}

    def table(self, grid: Grid, spec: Sheet) -> list[_Row]:
        """Rows of a table whose header row is found by its column names."""
        found = self.header(grid, spec)
        if found is None:
            return []
        header_at, keys = found
        letters = {k: column_letter(i) for k, i in keys.items()}
        errors = grid.errors
        out = []
        for r in range(header_at + 1, len(grid.rows)):
            row = grid.rows[r]
            width = len(row)
            cells = {k: (row[i] if i < width else "") for k, i in keys.items()}
            blank = not any(v != "" and v is not None for v in cells.values())
            if blank and not (errors and any(f"{letters[k]}{r + 1}" in errors for k in keys)):
                continue
            if errors:
                for k in keys:
                    ref = f"{letters[k]}{r + 1}"
                    if ref in errors:
                        cells[k] = _ExcelError(errors[ref])
            out.append(_Row(grid, r, cells, keys))
        return out

    def error_cell(self, row: _Row, key: str, measure: str | None = None) -> bool:
        v = row.cells.get(key)
        if isinstance(v, _ExcelError) and v.code == NO_RESULT:
            self.add(
                row.where(key),
                "holds a formula with no saved result; open and save "
                "the workbook in Excel, or enter the value itself",
                "formula_no_result",
                measure,
            )
            return True
        if isinstance(v, _ExcelError):
            self.add(
                row.where(key),
                f"holds the Excel error {v.code}; fix the formula or enter a value",
                "error_value",
                measure,
            )
            return True
        return False

    def choice(
        self,
        row: _Row,
        key: str,
        allowed: dict[str, str] | tuple[str, ...],
        default: str,
        measure: str | None = None,
    ) -> str:
        if self.error_cell(row, key, measure):
            return default
        text = row.text(key).lower()
        if not text:
            return default
        options = allowed if isinstance(allowed, dict) else {a: a for a in allowed}
        if text not in options:
            shown = ", ".join(o.capitalize() for o in options)
            self.add(
                row.where(key), f"{row.text(key)!r} is not one of {shown}", "bad_choice", measure
            )
            return default
        return options[text]

    def number(self, row: _Row, key: str, measure: str | None = None) -> float | None:
        if key not in row.cells or self.error_cell(row, key, measure):
            return None
        value, why = parse_number(row.cells[key])
        if why:
            self.add(row.where(key), why, "not_a_number", measure)
        return value

    def date(self, row: _Row, key: str, measure: str | None = None) -> dt.date | None:
        if key not in row.cells or self.error_cell(row, key, measure):
            return None
        value, why = parse_date(row.cells[key])
        if why:
            self.add(row.where(key), why, "not_a_date", measure)
        return value


@dataclass(frozen=True)
class _ExcelError:
    code: str

    def __str__(self) -> str:
        return self.code


def read_workbook(path: Path | str) -> ReadResult:
    """Read and check a PuMP workbook; returns the model and every problem found."""
    path = Path(path)
    rd = _Reader(path.name)
    grids = {normalise(g.name): g for g in open_grids(path, set(SHEET_BY_NAME))}
    model = PumpModel()
    tables: dict[str, list[_Row]] = {}
    data_grid = grids.get("data")
    for spec in SHEETS:
        if spec.name == "Data":
            continue  # read column-wise below: it is the big one
        grid = grids.get(normalise(spec.name))
        if grid is None:
            if spec.required:
                rd.add(path.name, f'has no sheet "{spec.name}" ({spec.purpose})', "missing_sheet")
            tables[spec.name] = []
            continue
        tables[spec.name] = rd.table(grid, spec)
    _settings(rd, model, tables["Settings"])
    _audiences(rd, model, tables["Audiences"])
    _results(rd, model, tables["Results"])
    lookup = _measures(rd, model, tables["Measures"])
    if data_grid is None:
        rd.add(path.name, 'has no sheet "Data" (measure values)', "missing_sheet")
    else:
        _data(rd, model, data_grid, lookup)
    _recalculations(rd, model, tables["Recalculations"], lookup)
    _targets(rd, model, tables["Targets"], lookup)
    _commentary(rd, model, tables["Commentary"], lookup)
    if not rd.problems:
        _engine_check(rd, model)
    return ReadResult(model, rd.finish())


_SHEET_RANK = {normalise(s.name): i for i, s in enumerate(SHEETS)}


def _place(p: Problem) -> tuple[int, int, int, str]:
    """Sort key: sheets in workbook order, then row, then column (file-level first)."""
    sheet, _, cell = p.where.partition("!")
    rank = _SHEET_RANK.get(normalise(sheet), -1 if not cell else len(_SHEET_RANK))
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return rank, int(digits) if digits else 0, col, p.message


def load_workbook(path: Path | str) -> PumpModel:
    """The workbook's model, or a WorkbookError listing every problem."""
    result = read_workbook(path)
    if result.problems:
        raise WorkbookError(result.problems, source=Path(path).name)
    return result.model


# ----------------------------------------------------------------------------------- sheets


def _settings(rd: _Reader, model: PumpModel, rows: list[_Row]) -> None:
    for row in rows:
        key = normalise(row.text("setting"))
        value = row.text("value")
        if key == "organisation":
            model.organisation = value
        elif key == "reporttitle":
            model.title = value or model.title
        elif key == "firmlimitsfrom":
            n = rd.number(row, "value")
            if n is not None and (n < 2 or not float(n).is_integer()):
                rd.add(
                    row.where("value"), "must be a whole number of values, 2 or more", "bad_setting"
                )
            elif n is not None:
                model.settings["firm_points"] = str(int(n))
        model.settings[key] = value
    model.settings.setdefault("organisation", model.organisation)


def _audiences(rd: _Reader, model: PumpModel, rows: list[_Row]) -> None:
    seen: dict[str, str] = {}
    for row in rows:
        name = row.text("name")
        if not name:
            rd.add(row.where("name"), "audience has no name", "blank")
            continue
        if name.lower() in seen:
            rd.add(
                row.where("name"),
                f'audience "{name}" is listed twice (first at {seen[name.lower()]})',
                "duplicate",
            )
            continue
        seen[name.lower()] = row.where("name")
        model.audiences[name] = Audience(name, row.text("description"), row.text("meets"))


def _results(rd: _Reader, model: PumpModel, rows: list[_Row]) -> None:
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
        layer = rd.choice(row, "layer", tuple(LAYERS), "process")
        targets = tuple(
            t.strip() for t in row.text("contributes_to").replace(";", ",").split(",") if t.strip()
        )
        links[rid] = targets
        if "contributes_to" in row.cols:
            link_cells[rid] = row.where("contributes_to")
        model.results[rid] = Result(
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


def _measures(rd: _Reader, model: PumpModel, rows: list[_Row]) -> dict[str, str]:
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
        freq = rd.choice(row, "frequency", tuple(FREQUENCIES), "monthly", label)
        direction = rd.choice(row, "direction", DIRECTIONS, "neutral", label)
        mtype = rd.choice(row, "type", MEASURE_TYPES, "outcome", label)
        rules = rd.choice(row, "rules", tuple(PRESETS), "pump", label)
        status = rd.choice(row, "status", STATUSES, "live", label)
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
            a.strip() for a in row.text("audiences").replace(";", ",").split(",") if a.strip()
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
        model.measures[mid] = Measure(
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
        )
        lookup[normalise(mid)] = mid
        lookup.setdefault(normalise(name), mid)
        lookup.setdefault(mid, mid)
    return lookup


def _measure_ref(
    rd: _Reader, row: _Row, lookup: dict[str, str], unknown: dict[str, list[str]]
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


def _report_unknown(rd: _Reader, unknown: dict[str, list[str]], sheet: str) -> None:
    for text, cells in unknown.items():
        more = f" and {len(cells) - 1} more row(s)" if len(cells) > 1 else ""
        rd.add(
            cells[0],
            f"{text!r} is not a measure ID or name on the Measures sheet{more}",
            "unknown_measure",
        )


def _data(rd: _Reader, model: PumpModel, grid: Grid, lookup: dict[str, str]) -> None:
    """The Data sheet, column by column: one pass per column, checks per measure in numpy."""
    spec = SHEET_BY_NAME["data"]
    found = rd.header(grid, spec)
    if found is None:
        return
    header_at, keys = found
    body = grid.rows[header_at + 1 :]
    first = header_at + 1  # 0-based row of body[0]

    def column(key: str) -> list[Any]:
        i = keys.get(key)
        if i is None:
            return [""] * len(body)
        return [row[i] if i < len(row) else "" for row in body]

    meas, per_, vals = column("measure"), column("period"), column("value")
    excl, notes = column("exclude"), column("note")
    letter = {k: column_letter(i) for k, i in keys.items()}
    errors = grid.errors
    if errors:  # error cells (rare) become markers the per-cell checks below report
        for k, col in (("measure", meas), ("period", per_), ("value", vals)):
            if k not in letter:
                continue
            for j in range(len(body)):
                ref = f"{letter[k]}{first + j + 1}"
                if ref in errors:
                    col[j] = _ExcelError(errors[ref])

    def where(key: str, j: int) -> str:
        return f"{grid.name}!{letter.get(key, 'A')}{first + j + 1}"

    unknown: dict[str, list[str]] = defaultdict(list)
    rows_of: dict[str, list[int]] = defaultdict(list)
    dates: list[dt.date | None] = [None] * len(body)
    days = np.zeros(len(body), dtype=np.int64)  # days since 1970-01-01
    values = np.full(len(body), np.nan)
    epoch = dt.date(1970, 1, 1).toordinal()
    for j, (m, p, v) in enumerate(zip(meas, per_, vals, strict=True)):
        if m == "" and p == "" and v == "" and not excl[j] and not notes[j]:
            continue
        mid = lookup.get(m) if isinstance(m, str) else None
        if mid is None:
            if isinstance(m, _ExcelError):
                rd.add(where("measure", j), f"holds the Excel error {m.code}", "error_value")
                continue
            text = str(m).strip() if m is not None else ""
            if isinstance(m, float) and m.is_integer():
                text = str(int(m))
            if not text:
                rd.add(where("measure", j), "no measure given", "blank")
                continue
            mid = lookup.get(normalise(text))
            if mid is None:
                unknown[text].append(where("measure", j))
                continue
        label = model.measures[mid].name
        if type(p) is dt.date:
            dates[j] = p
        elif type(p) is dt.datetime:
            dates[j] = p.date()
        elif isinstance(p, _ExcelError):
            rd.add(where("period", j), f"holds the Excel error {p.code}", "error_value", label)
            continue
        else:
            d, why = parse_date(p)
            if d is None:
                rd.add(
                    where("period", j),
                    why or "no period given",
                    "not_a_date" if why else "blank",
                    label,
                )
                continue
            dates[j] = d
        days[j] = dates[j].toordinal() - epoch  # type: ignore[union-attr]
        if type(v) is float:
            values[j] = v
        elif isinstance(v, _ExcelError):
            rd.add(
                where("value", j),
                "holds a formula with no saved result; open and save "
                "the workbook in Excel, or enter the value itself"
                if v.code == NO_RESULT
                else f"holds the Excel error {v.code}; fix the formula or enter a value",
                "formula_no_result" if v.code == NO_RESULT else "error_value",
                label,
            )
        elif v != "" and v is not None:
            number, why = parse_number(v)
            if why:
                rd.add(where("value", j), why, "not_a_number", label)
            elif number is not None:
                values[j] = number
        rows_of[mid].append(j)
    for text, cells in unknown.items():
        more = f" and {len(cells) - 1} more row(s)" if len(cells) > 1 else ""
        rd.add(
            cells[0],
            f"{text!r} is not a measure ID or name on the Measures sheet{more}",
            "unknown_measure",
        )
    yes = {"yes", "y", "true", "x", "1"}
    for mid, idx in rows_of.items():
        m = model.measures[mid]
        ix = np.array(idx)
        stamps = days[ix].astype("datetime64[D]")
        v = values[ix]
        if stamps.shape[0] > 1:
            step = np.diff(stamps).astype(np.int64)
            for pos in np.flatnonzero(step <= 0).tolist():
                j = idx[pos + 1]
                earlier = stamps[: pos + 1]
                same = np.flatnonzero(earlier == stamps[pos + 1])
                if same.shape[0]:
                    rd.add(
                        where("period", j),
                        f"period {dates[j]} appears twice for this "
                        f"measure (first at {where('period', idx[int(same[0])])})",
                        "duplicate_period",
                        m.name,
                    )
                else:
                    rd.add(
                        where("period", j),
                        f"period {dates[j]} comes after "
                        f"{earlier.max()}; keep each measure's rows in time order",
                        "unordered_period",
                        m.name,
                    )
        for bound, name, bad in (
            (m.lower_bound, "below the measure's natural lower bound", v < (m.lower_bound or 0)),
            (m.upper_bound, "above the measure's natural upper bound", v > (m.upper_bound or 0)),
        ):
            if bound is None:
                continue
            for pos in np.flatnonzero(bad).tolist():
                rd.add(
                    where("value", idx[pos]),
                    f"{v[pos]:g} is {name} {bound:g}",
                    "beyond_bound",
                    m.name,
                )
        model.series[mid] = Series(
            stamps.astype("datetime64[ns]"),
            v,
            np.array([str(excl[j]).strip().lower() in yes for j in idx], dtype=bool),
            tuple(str(notes[j]).strip() if notes[j] not in ("", None) else "" for j in idx),
        )


def _simple(
    rd: _Reader,
    rows: list[_Row],
    lookup: dict[str, str],
    sheet: str,
    build: Callable[[_Row, str], None],
) -> None:
    unknown: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        mid = _measure_ref(rd, row, lookup, unknown)
        if mid is not None:
            build(row, mid)
    _report_unknown(rd, unknown, sheet)


def _recalculations(
    rd: _Reader, model: PumpModel, rows: list[_Row], lookup: dict[str, str]
) -> None:
    def build(row: _Row, mid: str) -> None:
        label = model.measures[mid].name
        period = rd.date(row, "period", label)
        if period is None:
            if not row.text("period"):
                rd.add(row.where("period"), "no first period given", "blank", label)
            return
        model.recalculations.append(Recalculation(mid, period, row.text("reason")))

    _simple(rd, rows, lookup, "Recalculations", build)


def _targets(rd: _Reader, model: PumpModel, rows: list[_Row], lookup: dict[str, str]) -> None:
    def build(row: _Row, mid: str) -> None:
        label = model.measures[mid].name
        value = rd.number(row, "value", label)
        if value is None:
            if not row.text("value"):
                rd.add(row.where("value"), "no target value given", "blank", label)
            return
        period = rd.date(row, "period", label)
        kind = rd.choice(row, "type", TARGET_TYPES, "central line", label)
        model.targets.append(Target(mid, value, period, kind, row.text("notes")))

    _simple(rd, rows, lookup, "Targets", build)


def _commentary(rd: _Reader, model: PumpModel, rows: list[_Row], lookup: dict[str, str]) -> None:
    def build(row: _Row, mid: str) -> None:
        label = model.measures[mid].name
        period = rd.date(row, "period", label)
        if period is None:
            if not row.text("period"):
                rd.add(row.where("period"), "no period given", "blank", label)
            return
        due = rd.date(row, "due", label)
        model.commentary.append(
            Commentary(
                mid,
                period,
                row.text("happening"),
                row.text("why"),
                row.text("action"),
                row.text("who"),
                due,
            )
        )

    _simple(rd, rows, lookup, "Commentary", build)


def _engine_check(rd: _Reader, model: PumpModel) -> None:
    """Settings the engine would refuse (a recalculation leaving a phase with one value, a
    recalculation after the last period), reported per measure."""
    try:
        analyse(model)
        return
    except InputError:
        pass  # find every measure at fault, not only the first
    for mid, m in model.measures.items():
        try:
            analyse(model, measures=[mid])
        except InputError as exc:
            text = str(exc).split(": ", 1)[-1]
            sheet = "Recalculations" if exc.setting == "phases" else "Measures"
            rd.add(sheet, text, "engine", m.name)
