"""pumpxl's errors: one tree, each error builds its own message from its context.

::

    PumpxlError                    every error pumpxl raises on purpose
    ├── InputError (ValueError)    values or settings given to the engine are unusable
    │   └── CellError              the cells given to an Excel function are unusable
    ├── WorkbookError              a workbook (or CSV) has problems; holds every Problem found
    └── OutputError                an output cannot be written (exists, not writable)

:class:`ProblemList` collects problems for a WorkbookError: every one of them, up to a cap,
then a count by kind (a sheet of a million bad cells must not fill memory).

Adapters (the CLI, the Excel functions) turn these into messages, exit codes or Excel error
values; the library itself only raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CellError",
    "InputError",
    "OutputError",
    "Problem",
    "ProblemList",
    "PumpxlError",
    "WorkbookError",
]


MAX_MESSAGE = 300
MAX_PROBLEMS = 2000  # listed one by one; beyond this they are counted by kind


class PumpxlError(Exception):
    """Base class of every error pumpxl raises on purpose."""


class InputError(PumpxlError, ValueError):
    """Values or settings that the XmR engine cannot use.

    ``setting`` names the argument at fault (``"values"``, ``"phases"``...), so an adapter can
    point at the right cell or option; ``measure`` names the measure (id, name) when the values
    came from a workbook. ``reason`` is the message without the measure.
    """

    def __init__(
        self, reason: str, *, setting: str | None = None, measure: tuple[str, str] | None = None
    ) -> None:
        about = f'measure "{measure[1]}" ({measure[0]}): ' if measure else ""
        super().__init__(about + reason)
        self.reason = reason
        self.setting = setting
        self.measure = measure


class CellError(InputError):
    """The cells given to an Excel function cannot be used; the message goes into the cell."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or, with ``severity="warning"``, questionable) in a workbook.

    ``where`` is a place a person can find: ``"Data!C14"``, ``"Measures"`` or a file name.
    """

    where: str
    message: str
    code: str
    measure: str | None = None
    severity: str = "error"

    def __post_init__(self) -> None:
        # Text from a workbook can be enormous (a 100,000-character cell); a message quotes
        # at most MAX_MESSAGE characters of it, so a list of problems stays readable and small.
        for name in ("where", "message", "measure"):
            value = getattr(self, name)
            if isinstance(value, str) and len(value) > MAX_MESSAGE:
                cut = f"{value[: MAX_MESSAGE - 30]}... ({len(value):,} characters)"
                object.__setattr__(self, name, cut)

    def __str__(self) -> str:
        about = f' (measure "{self.measure}")' if self.measure else ""
        return f"{self.where}{about}: {self.message}"


class WorkbookError(PumpxlError):
    """A workbook has one or more problems; all of them are in ``problems``."""

    def __init__(self, problems: Iterable[Problem], *, source: str | None = None) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{head}{count} {noun} found"] + [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class OutputError(PumpxlError):
    """An output file cannot be written: it exists (``exists`` true: replacing it was not
    asked for) or the place is not writable."""

    def __init__(self, path: str, reason: str, *, exists: bool = False) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.exists = exists


class ProblemList:
    """Problems in the order found: the first ``cap`` kept whole, the rest counted by code."""

    def __init__(self, source: str, *, cap: int = MAX_PROBLEMS) -> None:
        self.source = source
        self.cap = cap
        self.items: list[Problem] = []
        self.more: dict[str, int] = {}

    def add(self, problem: Problem) -> None:
        if len(self.items) < self.cap:
            self.items.append(problem)
        else:
            self.more[problem.code] = self.more.get(problem.code, 0) + 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items) + sum(self.more.values())

    def finish(self, key: Callable[[Problem], Any] | None = None) -> list[Problem]:
        """The kept problems (sorted by ``key`` when given), then one line counting the rest."""
        out = sorted(self.items, key=key) if key is not None else list(self.items)
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

    def error(self, key: Callable[[Problem], Any] | None = None) -> WorkbookError:
        """A WorkbookError holding every problem."""
        return WorkbookError(self.finish(key), source=self.source)
