"""``pumpxl refresh``, the first half of the monthly cycle: last month's deck, as people left
it, brought up to the workbook's latest data (:mod:`pumpxl.report.refresh` says how pages and
shapes are matched and what is kept).

One call, :func:`refresh_deck`: open the deck (refused with a clear message when it is not a
deck pumpxl made, is open in PowerPoint, damaged or password-protected, or was made from
another workbook), build this month's pages for the deck's audience into it, merge, and write
the result to a new file next to it (never over a file unless asked) or, with ``in_place``,
over the deck after keeping a backup. The deck itself is never changed otherwise.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.errors import InputError, OutputError
from pumpxl.core.model import PumpModel
from pumpxl.core.present import period_label
from pumpxl.files import atomic_output
from pumpxl.report.build import Icons, add_report_slides
from pumpxl.report.design import Deck
from pumpxl.report.measure import KeptWords
from pumpxl.report.old_deck import read_old_deck
from pumpxl.report.package import collected, counted_partnames, save
from pumpxl.report.refresh import (
    RefreshReport,
    refresh_slides,
    replaced_pages,
    reusable_pages,
)

__all__ = ["RefreshResult", "refresh_deck"]


@dataclass
class RefreshResult:
    """What ``pumpxl refresh`` did: the deck written, the backup kept (``in_place``), the
    audience, the period the deck now reports, and the account of pages and edits."""

    path: Path
    audience: str
    period: str
    report: RefreshReport
    slides: int
    backup: Path | None = None


def _numbered(path: Path, suffix: str) -> Path:
    """``NAME-<suffix>.pptx``, or ``-<suffix>-2``, ``-3``... : a name nothing has yet."""
    k = 1
    while True:
        tail = suffix if k == 1 else f"{suffix}-{k}"
        candidate = path.with_name(f"{path.stem}-{tail}{path.suffix}")
        if not candidate.exists():
            return candidate
        k += 1


def _audience(model: PumpModel, manifest: dict[str, Any], given: str | None, deck: str) -> str:
    name = given or manifest.get("audience")
    known = list(model.audiences) or sorted({a for m in model.measures.values()
                                              for a in m.audiences})  # fmt: skip
    if not name:
        raise InputError(
            f"{deck}: the deck does not record its audience (its first pages were deleted); "
            f"say which with --audience (one of {', '.join(known)})",
            setting="audience",
        )
    if name not in known:
        match = next((k for k in known if k.casefold() == str(name).casefold()), None)
        if match is not None:
            return match
        raise InputError(
            f"{deck}: the deck was made for the audience {name!r}, which the workbook does not "
            f"have; its audiences are {', '.join(known)} (--audience chooses one)",
            setting="audience",
        )
    return str(name)


def _period(analysed: dict[str, AnalysedMeasure], mine: set[str]) -> str:
    """The latest period the audience's measures report, in words ("Jun 2025")."""
    dated = [analysed[m] for m in mine if analysed[m].xmr.latest_index is not None]
    if not dated:
        return "no values yet"
    a = max(dated, key=lambda x: x.dates[x.xmr.latest_index or 0])
    return period_label(a.xmr, a.xmr.latest_index or 0, a.measure.frequency)


def refresh_deck(
    deck: Path,
    model: PumpModel,
    analysed: dict[str, AnalysedMeasure],
    *,
    output: Path | None = None,
    in_place: bool = False,
    overwrite: bool = False,
    audience: str | None = None,
) -> RefreshResult:
    """Refresh ``deck`` with the workbook's ``model`` (analysed) and write the result: to
    ``output``, or next to the deck as ``NAME-refreshed.pptx`` (numbered, never over a file),
    or over the deck with ``in_place`` after copying it to ``NAME-backup.pptx``."""
    deck = Path(deck)
    if in_place and output is not None:
        raise InputError("give -o or --in-place, not both", setting="output")
    with collected():  # last month's deck and this month's, let go of and collected after
        return _refresh(deck, model, analysed, output=output, in_place=in_place,
                        overwrite=overwrite, audience=audience)  # fmt: skip


def _refresh(
    deck: Path,
    model: PumpModel,
    analysed: dict[str, AnalysedMeasure],
    *,
    output: Path | None,
    in_place: bool,
    overwrite: bool,
    audience: str | None,
) -> RefreshResult:
    old, problem = read_old_deck(deck, why_closed="so that the edits refreshed are the ones saved")
    if problem is not None:
        raise InputError(f"{deck.name}: {problem.message}", setting="deck")
    assert old is not None
    marks = [p.mark for p in old.pages if p.mark is not None]
    if not marks:
        raise InputError(
            f"{deck.name}: not a deck pumpxl made (none of its slides carries pumpxl's marks; "
            "decks from pumpxl before refresh existed cannot be refreshed: build one with "
            "pumpxl report)",
            setting="deck",
        )
    measures = {m.get("m") for m in marks if m.get("m")}
    if measures and not measures & set(model.measures):
        raise InputError(
            f"{deck.name}: made from another workbook: none of its measures "
            f"({', '.join(sorted(measures)[:6])}) is in this workbook",
            setting="deck",
        )
    manifest = old.manifest
    name = _audience(model, manifest, audience, deck.name)
    target = deck if in_place else (Path(output) if output is not None
                                    else _numbered(deck, "refreshed"))  # fmt: skip
    if not in_place and target.exists() and not overwrite:
        raise OutputError(str(target), "already exists", exists=True)
    mine = {m.id for m in model.measure_order(name) if m.id in analysed}
    prs, old_pages = old.open(replaced_pages(old.pages, lambda mid: mid in mine))
    counted_partnames(prs)
    built = Deck(prs, branded=manifest.get("branded") == "1")
    built.reusable = reusable_pages(old.pages)
    icons: Icons = "mdc" if manifest.get("icons") == "mdc" else "pumpxl"
    kept = KeptWords()  # people's words in a measure page's blocks: laid out around them
    # (on its first page, the one laid out beside the chart; not on a page people copied,
    # each copy of which keeps its own words where they are)
    copied = {k for k, n in Counter(p.key for p in old.pages).items() if n > 1}
    for page in old.pages:
        mid = page.mark.get("m") if page.mark is not None else None
        if mid and page.words and page.key not in copied and page.key == f"measure:{mid}":
            kept.words[mid] = page.words
    add_report_slides(built, model, analysed, name, icons=icons, kept=kept)
    when = _period(analysed, mine)
    report = refresh_slides(
        prs, old_pages, recorded=list(manifest.get("slides") or []),
        still_measured=lambda mid: mid in mine,
        audience=name, when=when, order=built.keys, reused=set(built.reused),
        drafts=kept.drafts,
    )  # fmt: skip
    backup = None
    if in_place:
        backup = _numbered(deck, "backup")
        shutil.copy2(deck, backup)
    with atomic_output(target, overwrite=in_place or overwrite) as tmp:
        save(prs, str(tmp))
        if in_place:
            os.chmod(tmp, deck.stat().st_mode & 0o777)
    return RefreshResult(target, name, when, report, len(prs.slides), backup)
