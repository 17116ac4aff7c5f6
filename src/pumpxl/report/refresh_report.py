"""What a refresh (``pumpxl refresh``) says it did, page by page: pages replaced as pumpxl
builds them or refreshed around people's edits, each edit kept, pages added, kept and
marked, left deleted, people's own pages, and what could not be kept; and how it names a
page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pumpxl.report.marks import Mark, tree_page_title
from pumpxl.report.table_merge import Cell, Styled
from pumpxl.report.wear import NAMES, Worn

__all__ = ["Kept", "RefreshReport", "Said", "page_name", "page_title"]


@dataclass(frozen=True)
class Kept:
    """One thing a person did that the refresh kept (or a page it added, marked...): the
    slide number in the result, the page's title, and what."""

    slide: int
    page: str
    what: str

    def __str__(self) -> str:
        return f"slide {self.slide} ({self.page}): {self.what}"


@dataclass
class RefreshReport:
    """What the refresh did, for the person: pages replaced as pumpxl builds them, pages
    refreshed around people's edits (with each edit kept), pages added, kept and marked,
    left deleted, people's own pages kept, and what of a person's could not be kept."""

    replaced: int = 0
    refreshed: int = 0
    kept: list[Kept] = field(default_factory=list)
    added: list[Kept] = field(default_factory=list)
    retired: list[Kept] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    own: list[Kept] = field(default_factory=list)
    charts: int = 0
    #: what a person did that could not be kept (a link on words this month's text lacks)
    lost: list[Kept] = field(default_factory=list)


def page_title(slide: Any) -> str:
    """A slide's title; for a person's page without one, its first line of text."""
    return tree_page_title(slide.shapes._spTree)


def page_name(slide: Any, mark: Mark) -> str:
    """A page as a refresh's account names it: its title (else its key), with its measure
    where the title does not name it."""
    name, measure = page_title(slide) or mark.slide, mark.get("m")
    return f"{name}, measure {measure}" if measure and measure not in name else name


@dataclass(frozen=True)
class Said:
    """Where a refresh says what it did on a page: its account, the page's number in the
    result and its name there."""

    report: RefreshReport
    number: int
    page: str

    def kept(self, what: str) -> None:
        self.report.kept.append(Kept(self.number, self.page, what))

    def worn(self, named: str, worn: Worn) -> None:
        """What a refresh says of a shape a person formatted (``named``), which this month's
        shape wears (:func:`pumpxl.report.wear.wear`)."""
        if worn.carried:
            things = ", ".join(NAMES[k] for k in worn.carried)
            self.kept(f"{named}: your formatting ({things}) on this month's words" + (
                ", the words you formatted the same this month" if worn.whole else ""))
        if worn.lost:
            self.report.lost.append(Kept(self.number, self.page, _lost_words(named, worn)))

    def cells(self, table: str, cells: list[Cell], lost: list[Cell]) -> None:
        """What a refresh says of a table whose cells a person wrote in (``cells``; ``lost``:
        those this month's table on the page has no row or column for)."""
        kept = [c for c in cells if c not in lost]
        if kept:
            where = "; ".join(f"{c.row_label!r}, {c.column_label!r}" for c in kept[:3])
            more = f" and {len(kept) - 3} more" if len(kept) > 3 else ""
            self.kept(f"your words in {len(kept)} cell{'s' if len(kept) > 1 else ''} of "
                      f"{table} ({where}{more}); the rest of it is this month's")  # fmt: skip
        for c in lost:
            self.report.lost.append(Kept(
                self.number, self.page, f"your words {c.text!r} in {table} ({c.row_label!r}, "
                f"{c.column_label!r}): this month's table on this page has no such row or "
                "column (a measure gone from the report, or now on another page)"))  # fmt: skip

    def styled(self, table: str, worn: list[tuple[Styled, Worn]], lost: list[Styled], *,
               columns: int = 0) -> None:  # fmt: skip
        """What a refresh says of a table whose cells a person formatted (``worn``: each
        cell and what this month's wears; ``lost``: those this month's table on the page
        has no row or column for; ``columns``: how many the table has, so that a row
        formatted whole is named as one)."""
        carried = [(c, w) for c, w in worn if w.carried]
        if carried:
            order = list(NAMES)
            names = sorted({k for _, w in carried for k in w.carried}, key=order.index)
            where = _rows([c for c, _ in carried], columns)
            more = f" and {len(where) - 3} more row{'s' if len(where) > 4 else ''}" if (
                len(where) > 3) else ""  # fmt: skip
            self.kept(f"your formatting ({', '.join(NAMES[k] for k in names)}) of {table} "
                      f"({'; '.join(where[:3])}{more}), on this month's words")  # fmt: skip
        for c, w in worn:
            if w.lost:
                self.report.lost.append(Kept(self.number, self.page, _lost_words(
                    f"the cell of {table} in {_row(c, 'row ')}, column {c.column_label!r}", w,
                    "cell")))  # fmt: skip
        for gone in _rows(lost, columns):
            self.report.lost.append(Kept(
                self.number, self.page, f"your formatting of {table} ({gone}): this month's "
                "table on this page has no such row or column (a measure gone from the "
                "report, or now on another page)"))  # fmt: skip


def _lost_words(named: str, worn: Worn, kind: str = "shape") -> str:
    """What a refresh says of a person's formatting of words this month's shape (or cell:
    ``kind``; ``named``) could not wear (:attr:`Worn.lost`)."""
    if worn.bare:
        said = worn.lost[0] if len(worn.lost[0]) <= 60 else f"{worn.lost[0][:59]}…"
        return (f"your formatting of the words in {named} ({said!r}): this month's "
                f"{kind} holds no words to wear it")  # fmt: skip
    words = "; ".join(repr(w) for w in worn.lost[:3])
    more = f" and {len(worn.lost) - 3} more" if len(worn.lost) > 3 else ""
    return (f"your formatting of some words in {named} ({words}{more}): this month's words "
            "differ, so it could not follow them; they are in pumpxl's formatting")


def _row(cell: Styled, row: str = "") -> str:
    """A row of a table as a refresh names it: its measure (after ``row``), or "the
    header"."""
    return "the header" if cell.header else f"{row}{cell.row_label!r}"


def _rows(cells: list[Styled], columns: int) -> list[str]:
    """Cells of a table a person formatted as a refresh names them, row by row: "the row
    'Calls answered'" where the whole row (``columns`` cells), else "'Calls answered':
    'Now', 'Target'"."""
    rows: dict[str, list[str]] = {}
    for c in cells:
        rows.setdefault(_row(c), []).append(c.column_label)
    return [(f"the row {row}" if not row.startswith("the ") else row) if len(cols) == columns
            else f"{row}: {', '.join(map(repr, cols))}" for row, cols in rows.items()]
