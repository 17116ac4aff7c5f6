"""What the commands check of their input beyond the workbook's own problems: that there are
values at all (``calc``, like ``report`` and ``gallery``), and which audiences were asked for,
as the workbook spells them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pumpxl.core.errors import InputError

if TYPE_CHECKING:
    from pumpxl.workbook.reader import ReadResult

__all__ = ["_audiences", "_has_values"]


def _has_values(read: ReadResult) -> None:
    """Refuse a workbook without a single value, as ``report`` and ``gallery`` do."""
    import numpy as np

    if not any(len(s) and not np.isnan(s.values).all() for s in read.model.series.values()):
        raise InputError(
            "there are no values yet (the Data sheet is empty): no XmR table to calculate",
            setting="workbook",
        )


def _audiences(read: ReadResult, names: list[str] | None) -> list[str]:
    """The audiences asked for, as the workbook spells them (case and spaces aside); an
    unknown one is refused with the nearest name."""
    import difflib

    known = list(read.model.audiences)
    if not names or not known:
        return list(names or [])
    by_key = {" ".join(k.lower().split()): k for k in known}
    out = []
    for name in names:
        key = " ".join(name.lower().split())
        if key in by_key:
            out.append(by_key[key])
            continue
        near = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.5)
        hint = f"; did you mean {by_key[near[0]]!r}?" if near else ""
        raise InputError(
            f"no audience {name!r}{hint} Audiences are {', '.join(known)}",
            setting="audience",
        )
    return out
