"""pumpxl's errors: one tree, each error builds its own message from its context.

::

    PumpxlError                    every error pumpxl raises on purpose
    ├── InputError (ValueError)    values or settings given to the engine are unusable
    ├── WorkbookError              a workbook (or CSV) has problems; holds every Problem found
    └── OutputError                an output cannot be written (exists, not writable)

Adapters (the CLI, the Excel functions) turn these into messages, exit codes or Excel error
values; the library itself only raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["InputError", "OutputError", "Problem", "PumpxlError", "WorkbookError"]


MAX_MESSAGE = 300


class PumpxlError(Exception):
    """Base class of every error pumpxl raises on purpose."""


class InputError(PumpxlError, ValueError):
    """Values or settings that the XmR engine cannot use.

    ``setting`` names the argument at fault (``"values"``, ``"phases"``...), so an adapter can
    point at the right cell or option.
    """

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


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
    """An output file cannot be written: it exists (and overwriting was not asked) or the
    place is not writable."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
