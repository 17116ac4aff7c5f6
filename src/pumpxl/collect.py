"""``pumpxl collect``, the second half of the monthly cycle: the words owners confirmed or wrote
in the decks go back to the workbook's Commentary sheet, and nothing else in the workbook is
touched.

One call, :func:`collect_commentary`: read the workbook (refused with every problem, as
``pumpxl check`` lists them), read the decks (:mod:`pumpxl.report.collect`), plan each
measure and period's row (:mod:`pumpxl.core.collect`), and write a new workbook (``output``)
or replace the workbook after keeping a backup (``in_place``) with
:mod:`pumpxl.workbook.commentary_writer`. Without either it only says what it would write.
Every problem found in the decks and the workbook is raised together, and then nothing is
written.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pumpxl.core.collect import PageWords, Plan, plan_commentary
from pumpxl.core.errors import OutputError, Problem, PumpxlError, WorkbookError
from pumpxl.core.narrative import period_label
from pumpxl.core.present import date_label
from pumpxl.files import atomic_output, check_output
from pumpxl.report.collect import DeckWords, lock_file, read_decks
from pumpxl.workbook.add_sheet import commentary_parts
from pumpxl.workbook.commentary_sheet import PART_ERRORS, CommentarySheet, find_commentary
from pumpxl.workbook.commentary_writer import Written, write_commentary
from pumpxl.workbook.layout import normalise
from pumpxl.workbook.reader import ReadResult, read_workbook

__all__ = ["CollectResult", "collect_commentary"]


@dataclass
class CollectResult:
    """What ``pumpxl collect`` found and did: the account per measure (``lines``), notes
    (pages skipped, rows outside the table...), the drafted pages nobody touched, the file
    written (None when nothing was), the backup kept, and the package parts changed."""

    lines: list[str]
    notes: list[Problem]
    untouched: list[str]
    plan: Plan
    written: Path | None = None
    backup: Path | None = None
    parts: list[str] = field(default_factory=list)

    @property
    def new_rows(self) -> int:
        return sum(1 for r in self.plan.rows if r.new and r.writes)

    @property
    def updated_rows(self) -> int:
        return sum(1 for r in self.plan.rows if not r.new and r.writes)

    @property
    def held(self) -> int:
        return sum(len(r.held) for r in self.plan.rows)

    def summary(self) -> str:
        """One sentence: what was written where, or why nothing was."""
        rows = f"{_count(self.new_rows, 'new row')}, {_count(self.updated_rows, 'row')} updated"
        held = (
            f"; {_count(self.held, 'answer')} held back (--replace replaces them)"
            if self.held
            else ""
        )
        if not self.plan.writes:
            return (
                "Nothing to collect: no answer was confirmed (DRAFT label removed) or "
                f"edited that is not already in the workbook{held}."
            )
        if self.written is None:
            return (
                f"Nothing written: give -o NEW_WORKBOOK or --in-place to write these "
                f"({rows}){held}."
            )
        kept = f"; the workbook as it was is kept as {self.backup.name}" if self.backup else ""
        return (
            f"Wrote {self.written}: {rows} on the Commentary sheet (parts changed: "
            f"{', '.join(self.parts)}; every other part copied byte for byte){kept}{held}."
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _file_problems(
    workbook: Path, output: Path | None, *, in_place: bool, overwrite: bool
) -> list[Problem]:
    """What cannot end well, found before reading: a workbook open elsewhere, a read-only
    workbook to replace, an output that would clobber or change the file's kind."""
    if not workbook.is_file():
        return []  # the reader says what is wrong with it
    out: list[Problem] = []

    def add(where: str, message: str, code: str) -> None:
        out.append(Problem(where, message, code))

    lock = lock_file(workbook)
    if lock is not None:
        add(
            workbook.name,
            f"is open in Excel or LibreOffice ({lock.name} beside it); save and "
            "close it first, so that nothing typed there is lost",
            "open_elsewhere",
        )
    if in_place:
        if not workbook.stat().st_mode & 0o222 or not os.access(workbook, os.W_OK):
            add(
                workbook.name,
                "is read-only, so it cannot be replaced; write a new workbook "
                "with -o NEW_WORKBOOK, or make it writable",
                "read_only",
            )
        if not os.access(workbook.parent, os.W_OK):
            add(str(workbook.parent), "is not writable: no backup can be kept there", "read_only")
    if output is not None:
        if output.resolve() == workbook.resolve():
            add(
                output.name,
                "is the workbook itself; use --in-place to replace it (a backup is kept)",
                "output_is_input",
            )
        elif output.suffix.lower() != workbook.suffix.lower():
            add(
                output.name,
                f"must keep the workbook's kind ({workbook.suffix}), or Excel refuses to open it",
                "output_kind",
            )
        try:
            check_output(output, overwrite=overwrite)
        except OutputError as exc:
            hint = "; pass --force to replace it" if exc.exists else ""
            add(output.name, exc.reason + hint, "output")
    return out


def _backup_path(workbook: Path) -> Path:
    """``my-backup.xlsx``, or ``my-backup-2.xlsx``... : the first name not taken."""
    k = 1
    while True:
        tail = "" if k == 1 else f"-{k}"
        candidate = workbook.with_name(f"{workbook.stem}-backup{tail}{workbook.suffix}")
        if not candidate.exists():
            return candidate
        k += 1


def _label(read: ReadResult, mid: str, period: date) -> str:
    """ "M03 First-contact resolution, Dec 2025": a measure and period as a person says them."""
    m = read.model.measures[mid]
    a = read.analysed.get(mid)
    days = [d.date() for d in a.xmr.dates] if a is not None and a.xmr.dates is not None else []
    when = (
        period_label(a.xmr, days.index(period), m.frequency)
        if a is not None and period in days
        else date_label(period)
    )
    return f"{mid} {m.name}, {when}"


def _unknown(words: DeckWords, read: ReadResult, workbook: str) -> list[Problem]:
    """Pages of measures the workbook does not have: a deck from another workbook."""
    known = read.model.measures
    unknown = {mid: where for mid, where in words.measures.items() if mid not in known}
    if unknown and len(unknown) == len(words.measures):
        decks = sorted({where.rsplit(" slide ", 1)[0] for where in unknown.values()})
        ids = ", ".join(sorted(unknown)[:8]) + (", ..." if len(unknown) > 8 else "")
        return [
            Problem(
                ", ".join(decks),
                f"no measure of its pages ({ids}) is on the Measures "
                f"sheet of {workbook}: the deck was built from another workbook",
                "other_workbook",
            )
        ]
    return [
        Problem(
            where,
            f"is the page of measure {mid!r}, which is not on the Measures sheet "
            f"of {workbook} (a deck built from another workbook?)",
            "unknown_measure",
        )
        for mid, where in unknown.items()
    ]


def _refused(workbook: Path) -> str:
    """The heading of a refusal: which workbook, and that nothing was written."""
    return f"collect into {workbook.name}, nothing written"


def _sheet(
    workbook: Path, read: ReadResult, *, add_sheet: bool
) -> tuple[CommentarySheet | None, dict[str, bytes] | None]:
    """The workbook's Commentary sheet, or with ``add_sheet`` a new one and its parts."""
    model = read.model
    lookup = {
        **{normalise(m.name): mid for mid, m in model.measures.items()},
        **{normalise(mid): mid for mid in model.measures},
        **{mid: mid for mid in model.measures},
    }
    sheet = find_commentary(workbook, lookup)
    if sheet is None and add_sheet:
        try:
            with zipfile.ZipFile(workbook) as zf:
                return commentary_parts(zf)
        except PART_ERRORS as exc:
            problem = Problem(workbook.name, f"a sheet cannot be added to it ({exc})", "bad_xml")
            raise WorkbookError([problem], source=_refused(workbook)) from None
    return sheet, None


def _later(pages: list[PageWords], read: ReadResult) -> list[Problem]:
    """Pages reporting a period after the workbook's latest value (a later workbook's deck)."""
    out = []
    for page in pages:
        a = read.analysed.get(page.measure)
        if a is not None and a.latest_date is not None and page.period > a.latest_date:
            out.append(
                Problem(
                    page.where,
                    f"reports {date_label(page.period)}, after the "
                    "workbook's latest value: a deck of a later version of it?",
                    "later_period",
                    a.measure.name,
                    severity="warning",
                )
            )
    return out


def collect_commentary(
    workbook: Path | str,
    decks: Sequence[Path | str],
    *,
    output: Path | str | None = None,
    in_place: bool = False,
    replace: bool = False,
    add_sheet: bool = False,
    overwrite: bool = False,
) -> CollectResult:
    """Collect the answers people confirmed or edited in ``decks`` into the Commentary sheet
    of ``workbook``: written to ``output`` (a new workbook), or, with ``in_place``, over the
    workbook after a backup copy is kept beside it; with neither, nothing is written and the
    result says what would be. ``replace`` lets the decks' words replace words already in
    the sheet; ``add_sheet`` adds a Commentary sheet to a workbook without one; ``overwrite``
    lets ``output`` replace an existing file. Raises a :class:`WorkbookError` listing every
    problem in the workbook or the decks, and then writes nothing."""
    workbook = Path(workbook)
    target = Path(output) if output is not None else None
    if target is not None and in_place:
        raise PumpxlError("give -o NEW_WORKBOOK or --in-place, not both")
    problems = _file_problems(workbook, target, in_place=in_place, overwrite=overwrite)
    before = _digest(workbook) if in_place and workbook.is_file() else ""
    try:
        read: ReadResult | None = read_workbook(workbook)
    except WorkbookError as exc:
        read = None
        problems += exc.problems
    names = {mid: m.name for mid, m in read.model.measures.items()} if read else {}
    words = read_decks([Path(d) for d in decks], names)
    problems += words.problems
    if read is None or read.problems:
        raise WorkbookError(
            [*(read.problems if read else []), *problems], source=_refused(workbook)
        )
    problems += _unknown(words, read, workbook.name)
    pages = [p for p in words.pages if p.measure in read.model.measures]
    sheet, added = _sheet(workbook, read, add_sheet=add_sheet)
    if sheet is None:
        problems.append(
            Problem(
                workbook.name,
                "has no Commentary sheet, where owners' words "
                "are kept; pass --add-sheet to add one",
                "missing_sheet",
            )
        )
        raise WorkbookError(problems, source=_refused(workbook))
    plan = plan_commentary(pages, sheet.rows, replace=replace, names=names)
    problems += plan.problems
    if sheet.blocked and any(r.new and r.writes for r in plan.rows):
        problems.append(Problem(sheet.name, sheet.blocked, "total_row"))
    if problems:
        raise WorkbookError(problems, source=_refused(workbook))
    notes = [*words.notes, *_later(pages, read), *plan.notes]
    result = CollectResult(
        plan.lines(lambda mid, period: _label(read, mid, period)),
        notes,
        [f"{mid} {names.get(mid, mid)} ({where})" for mid, where in words.untouched],
        plan,
    )
    if not plan.writes or (target is None and not in_place):
        return result
    if target is not None:
        _record(result, _write(workbook, target, sheet, plan, added, overwrite=overwrite))
        result.written = target
        return result
    backup = _backup_path(workbook)
    try:
        with atomic_output(backup) as tmp:
            shutil.copy2(workbook, tmp)
    except OSError as exc:
        raise OutputError(str(backup), f"cannot be written ({exc.strerror or exc})") from None
    result.backup = backup
    _record(result, _write(workbook, workbook, sheet, plan, added, overwrite=True, before=before))
    result.written = workbook
    return result


def _record(result: CollectResult, written: Written) -> None:
    result.parts = written.parts
    result.notes += [
        Problem(where, what, "written", severity="warning") for where, what in written.notes
    ]


def _write(
    workbook: Path,
    target: Path,
    sheet: CommentarySheet,
    plan: Plan,
    added: dict[str, bytes] | None,
    *,
    overwrite: bool,
    before: str = "",
) -> Written:
    """Write the new package to ``target`` atomically; with ``before`` (replacing the
    workbook), refuse when the workbook changed since it was read."""
    try:
        with atomic_output(target, overwrite=overwrite) as tmp:
            written = write_commentary(workbook, tmp, sheet, plan, added=added)
            if before:
                shutil.copymode(workbook, tmp)
                if _digest(workbook) != before:
                    raise OutputError(
                        str(workbook),
                        "changed while pumpxl was working; nothing replaced (the backup was kept)",
                    )
    except PART_ERRORS as exc:
        problem = Problem(workbook.name, f"has a part that cannot be read ({exc})", "bad_xml")
        raise WorkbookError([problem], source=_refused(workbook)) from None
    except OSError as exc:
        raise OutputError(str(target), f"cannot be written ({exc.strerror or exc})") from None
    return written
