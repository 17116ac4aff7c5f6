"""Reading owners' words back from decks pumpxl built (``pumpxl collect``).

A measure page carries a hidden marker (:mod:`pumpxl.report.marks`) with the measure's id
(``m``), the period it reports (``p``) and ``d=1`` when pumpxl drafted its three answers. Each
answer's box is marked with its role (``happening``, ``why``, ``action``) and the digest of
the text pumpxl wrote. From every page (and its continuation slides) this collects:

- every answer of a drafted page whose DRAFT label a person removed (*confirmed*);
- every answer whose text differs from what pumpxl wrote (*edited*), on any page.

Untouched drafts are not collected. A page whose answer boxes were deleted is skipped and
reported. The action's last lines ``Who: ...`` and ``By when: ...`` (as pages show the
workbook's who and by when) become the Who and By when columns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pumpxl.core.collect import LABELS, Answer, Field, How, PageWords
from pumpxl.core.errors import Problem
from pumpxl.core.parsing import parse_date
from pumpxl.report.deckfile import lock_file
from pumpxl.report.deckzip import open_deck
from pumpxl.report.marks import Mark, digest, marked_shapes, shape_text
from pumpxl.report.measure import DUE_LABEL, WHO_LABEL

__all__ = ["DeckWords", "lock_file", "read_decks", "split_action"]

ANSWER_ROLES: tuple[Field, ...] = ("happening", "why", "action")


@dataclass
class DeckWords:
    """What the decks say: the pages with words to collect, the problems that stop the
    collection, notes (pages skipped, and why), the untouched drafted pages, and every
    measure id the decks' pages name (with the first place each was seen)."""

    pages: list[PageWords] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    untouched: list[tuple[str, str]] = field(default_factory=list)  # (measure, where)
    measures: dict[str, str] = field(default_factory=dict)


@dataclass
class _Page:
    """One measure page of a deck and its continuation slides, as found."""

    measure: str
    period: str
    drafted: bool
    first: int | None  # slide number of the page itself (None: only continuations remain)
    slides: list[int] = field(default_factory=list)
    boxes: dict[str, list[tuple[Any, Mark, int]]] = field(default_factory=dict)
    draft_label: bool = False


def _open(path: Path, out: DeckWords) -> Any | None:
    """The deck, or None with a problem that says what is wrong with the file."""
    prs, problem = open_deck(
        path, why_closed="so that the words collected are the ones saved"
    )
    if problem is not None:
        out.problems.append(problem)
    return prs


def _pages(prs: Any, deck: str, out: DeckWords) -> list[_Page]:
    """The deck's measure pages, each with its marked boxes by role."""
    pages: list[_Page] = []
    for number, slide in enumerate(prs.slides, start=1):
        marks = list(marked_shapes(slide))
        marker = next((m for _, m in marks if m.role == "slide"), None)
        if marker is None or not marker.slide.startswith("measure:") or not marker.get("m"):
            orphans = {m.slide for _, m in marks if m.role in ANSWER_ROLES}
            if marker is None and orphans:
                out.notes.append(
                    Problem(
                        f"{deck} slide {number}",
                        "has pumpxl's answer boxes but not its page marker, so the measure and "
                        "period are unknown: skipped",
                        "no_marker",
                        severity="warning",
                    )
                )
            continue
        mid = marker.get("m")
        key = f"measure:{mid}"
        out.measures.setdefault(mid, f"{deck} slide {number}")
        if (
            marker.slide == key
            or not pages
            or (pages[-1].measure, pages[-1].period) != (mid, marker.get("p"))
        ):
            pages.append(
                _Page(
                    mid,
                    marker.get("p"),
                    marker.get("d") == "1",
                    number if marker.slide == key else None,
                )
            )
        page = pages[-1]
        page.slides.append(number)
        for shape, mark in marks:
            if mark.slide != key and not mark.slide.startswith(key + ":"):
                continue  # a box pasted from another measure's page
            if mark.role == "draft" and shape_text(shape).strip():
                page.draft_label = page.draft_label or marker.slide == key
            if mark.role in ANSWER_ROLES:
                page.boxes.setdefault(mark.role, []).append((shape, mark, number))
    return pages


def clean(text: str) -> str:
    """Box text as a cell holds it: line breaks as newlines, no trailing spaces, no control
    characters (which no cell can hold)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


_LABELLED = re.compile(rf"^\s*({re.escape(WHO_LABEL)}|{re.escape(DUE_LABEL)})\s*:\s*(.*)$", re.I)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


def parse_due(text: str) -> dt.date | None:
    """A by-when date as people write it: 31 Mar 2026, March 31, 2026, 2026-03-31."""
    text = text.strip()
    day_first = _DAY_MONTH_YEAR.match(text)
    month_first = _MONTH_DAY_YEAR.match(text)
    if day_first or month_first:
        if day_first:
            day, month, year = day_first.groups()
        else:
            assert month_first is not None
            month, day, year = month_first.groups()
        first, why = parse_date(f"{month} {year}")
        if first is None or why:
            return None
        try:
            return first.replace(day=int(day))
        except ValueError:
            return None
    found, why = parse_date(text)
    return found if why is None else None


def split_action(text: str) -> tuple[str, str | None, str | None]:
    """(action, who, by-when text) from an action box: its last lines ``Who: ...`` and
    ``By when: ...`` (either order) are taken off; None where a line is not there."""
    lines = text.split("\n")
    who: str | None = None
    due: str | None = None
    while lines:
        m = _LABELLED.match(lines[-1])
        if m is None:
            break
        if m.group(1).lower() == WHO_LABEL.lower() and who is None:
            who = m.group(2).strip()
        elif m.group(1).lower() != WHO_LABEL.lower() and due is None:
            due = m.group(2).strip()
        else:
            break
        lines.pop()
    return "\n".join(lines).strip(), who, due


def _answers(page: _Page, deck: str, out: DeckWords, label: str) -> list[Answer]:
    """The answers of one page that a person confirmed or edited."""
    confirmed = page.drafted and page.first is not None and not page.draft_label
    answers: list[Answer] = []
    for role in ANSWER_ROLES:
        boxes = page.boxes.get(role, [])
        if not boxes:
            continue
        texts = {clean(shape_text(s)) for s, _, _ in boxes}
        where = f"{deck} slide {boxes[0][2]}"
        edited = any(digest(shape_text(s)) != m.digest for s, m, _ in boxes)
        if len(texts) > 1:
            out.notes.append(
                Problem(
                    where,
                    f"has {len(boxes)} {LABELS[role]!r} boxes with different words: not collected",
                    "duplicate_box",
                    label,
                    severity="warning",
                )
            )
            continue
        if not (confirmed or edited):
            continue
        how: How = "edited" if edited else "confirmed"
        text = texts.pop()
        body, who, due = split_action(text) if role == "action" else (text, None, None)
        body = "" if body == "-" else body  # "-" is how a page shows a blank cell
        if not body and who is None and not due:
            if edited:
                out.notes.append(
                    Problem(
                        where,
                        f"{LABELS[role]!r} was emptied: nothing collected (a blank never "
                        "clears the workbook's words)",
                        "emptied",
                        label,
                        severity="warning",
                    )
                )
            continue
        answers.append(Answer(role, body, how, where))
        if who is not None:
            answers.append(Answer("who", who, how, where))
        if due:
            when = parse_due(due)
            if when is None:
                out.problems.append(
                    Problem(
                        where,
                        f"{DUE_LABEL}: {due!r} is not a date; write it like 31 Mar 2026 "
                        "or 2026-03-31",
                        "not_a_date",
                        label,
                    )
                )
            else:
                answers.append(Answer("due", when, how, where))
    return answers


def _collect(page: _Page, deck: str, out: DeckWords, label: str) -> None:
    first = page.first or page.slides[0]
    where = f"{deck} slide {first}"
    if not page.boxes:
        out.notes.append(
            Problem(
                where,
                "its answer boxes were deleted: nothing collected",
                "boxes_deleted",
                label,
                severity="warning",
            )
        )
        return
    try:
        period = dt.date.fromisoformat(page.period)
    except ValueError:
        out.notes.append(
            Problem(
                where,
                "says no period (the measure had no values when the "
                "deck was built): nothing collected",
                "no_period",
                label,
                severity="warning",
            )
        )
        return
    answers = _answers(page, deck, out, label)
    if not answers:
        if page.drafted:
            out.untouched.append((page.measure, where))
        return
    missing = [LABELS[r] for r in ANSWER_ROLES if r not in page.boxes]
    if missing:
        out.notes.append(
            Problem(
                where,
                f"has no {' or '.join(repr(m) for m in missing)} box "
                "(deleted?): the other answers are collected",
                "box_deleted",
                label,
                severity="warning",
            )
        )
    given = {a.field for a in answers}
    left = [LABELS[r] for r in ANSWER_ROLES if r in page.boxes and r not in given]
    if page.drafted and page.draft_label and left:
        out.notes.append(
            Problem(
                where,
                "still has its DRAFT label, so only the edited answers are collected; "
                f"{' and '.join(repr(x) for x in left)} stay unconfirmed drafts (the next "
                "report shows '-' there): remove the label to confirm them too",
                "partly_confirmed",
                label,
                severity="warning",
            )
        )
    out.pages.append(PageWords(page.measure, period, where, tuple(answers)))


def read_decks(paths: Sequence[Path], names: Mapping[str, str] | None = None) -> DeckWords:
    """The words to collect from every deck, with every problem and note found on the way
    (places are the deck's file name and slide number; ``names`` names measures by id)."""
    names = names or {}
    out = DeckWords()
    for path in paths:
        path = Path(path)
        prs = _open(path, out)
        if prs is None:
            continue
        pages = _pages(prs, path.name, out)
        if not pages:
            out.problems.append(
                Problem(
                    path.name,
                    "has no measure pages marked by pumpxl (built by another tool, or "
                    "by a pumpxl older than pumpxl collect)",
                    "not_pumpxl",
                )
            )
        for page in pages:
            _collect(page, path.name, out, names.get(page.measure, page.measure))
    return out
