"""Formula text for pumpxl's Excel functions, built by keyword from the function's own
signature: arguments land in the position the function declares, so adding an optional
argument to a function can never shift the arguments of the formulas pumpxl writes."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["formula", "number_literal", "text_literal"]


def formula(function: Callable[..., Any], /, **args: str) -> str:
    """``=NAME(arg1,arg2,...)`` for ``function`` (desktop add-in name: the function's name in
    capitals), each keyword's formula text at its parameter's position; parameters not given
    are left empty, and trailing empty ones are dropped.

    >>> def xmr_demo(values, dates=None, rules=None): ...
    >>> formula(xmr_demo, values="A1:A9", rules='"nhs"')
    '=XMR_DEMO(A1:A9,,"nhs")'
    """
    names = list(inspect.signature(function).parameters)
    unknown = sorted(set(args) - set(names))
    if unknown:
        raise TypeError(f"{function.__name__} has no parameter(s) {', '.join(unknown)}")
    parts = [args.get(name, "") for name in names]
    while parts and parts[-1] == "":
        parts.pop()
    return f"={function.__name__.upper()}({','.join(parts)})"


def number_literal(value: float | None) -> str:
    """A number as formula text (15 significant digits, as Excel keeps); "" for none."""
    return "" if value is None else format(float(value), ".15g")


def text_literal(text: str) -> str:
    """A string as formula text: in double quotes, inner quotes doubled."""
    return '"' + text.replace('"', '""') + '"'
