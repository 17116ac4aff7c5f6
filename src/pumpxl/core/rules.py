"""Signal rules for XmR charts: which rules run and with which conventions (running them is
:mod:`pumpxl.core.detect`).

A rule turns values, central lines and natural process limits into *signals*: each names its
rule, its points (0-based indices) and which way it moved ("up" or "down"). Rule sets differ
between sources (PuMP, Wheeler, NHS Making Data Count, Anhoej), so every convention is a field
of :class:`RuleSet` and the named presets reproduce the published tools:

========== ======= ============ ============= ========== ========== =========== ============
preset     outlier mr_outlier   long_run      short_run  2 of 3     trend       Anhoej runs
========== ======= ============ ============= ========== ========== =========== ============
``pump``   yes     no           7             3 of 4     no         no          no
``wheeler`` yes    yes          8             3 of 4     no         no          no
``nhs``    yes     no           7             no         2 of 3     7           no
``anhoej`` yes     no           no            no         no         no          yes
========== ======= ============ ============= ========== ========== =========== ============

Conventions (defaults in brackets):

* ``on_limit`` ["inside"]: a point exactly on a limit (or on the halfway / two-thirds line) is
  inside it. "outside" counts it as beyond.
* ``on_centre`` ["break"]: a point exactly on the central line ends a run; "skip" ignores it
  (it neither breaks nor extends the run). The ``anhoej`` preset skips, as qicharts2 does.
* Runs and trends flag *every* point of the run, not only those after the threshold, and never
  continue across a phase boundary or across the edge of the series.
* ``short_run``: k of w successive points beyond the halfway line between the central line and
  a limit, on the same side (Wheeler's "three of four"). ``two_of_three``: k of w beyond two
  thirds of the way to a limit, same side (NHS "two of three"); points beyond the limit count,
  as in the Western Electric rule and PowerBI-SPC (NHSRplotthedots counts only points between
  the two-thirds line and the limit, and asks all three points to be on one side).
  Only the points beyond the line are flagged; the other points of the window are not.
* ``trend``: n points each strictly above (below) the one before; a tie ends the trend.
* ``runs_anhoej``: Anhoej's runs analysis per phase: the longest run of points on one side of
  the central line longer than ``round(log2(n)) + 3``, or fewer crossings of it than the 5 %
  quantile of Binomial(n - 1, 0.5), where n counts the points not on the line.
* ``mr_outlier``: a moving range above the upper range limit (Wheeler); the point is the
  second point of that moving range, the direction that of the jump.

Missing values are not points: rules run on the observed values in time order, so a gap
neither breaks nor extends a run (the caller decides whether moving ranges bridge it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from pumpxl.core.errors import InputError
from pumpxl.core.vocabulary import RULE_NAMES, RULE_PRESETS

__all__ = ["PRESETS", "RuleSet", "resolve_rules"]


@dataclass(frozen=True)
class RuleSet:
    """Which rules run and with which conventions. ``None`` or ``False`` turns a rule off.

    Build one from a preset and change what differs::

        >>> RuleSet.preset("nhs").replace(trend=5).trend
        5
    """

    outlier: bool = True
    mr_outlier: bool = False
    long_run: int | None = 7
    short_run: tuple[int, int] | None = (3, 4)
    two_of_three: tuple[int, int] | None = None
    trend: int | None = None
    runs_anhoej: bool = False
    on_limit: Literal["inside", "outside"] = "inside"
    on_centre: Literal["break", "skip"] = "break"
    name: str = field(default="custom", compare=False)

    def __post_init__(self) -> None:
        if self.on_limit not in ("inside", "outside"):
            raise InputError(
                f'on_limit must be "inside" or "outside", not {self.on_limit!r}', setting="rules"
            )
        if self.on_centre not in ("break", "skip"):
            raise InputError(
                f'on_centre must be "break" or "skip", not {self.on_centre!r}', setting="rules"
            )
        for name in ("long_run", "trend"):
            n = getattr(self, name)
            if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 2):
                raise InputError(
                    f"{name} must be a whole number of points of at least 2 (or None), not {n!r}",
                    setting="rules",
                )
        for name in ("short_run", "two_of_three"):
            kw = getattr(self, name)
            if kw is None:
                continue
            ok = (
                isinstance(kw, tuple)
                and len(kw) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in kw)
                and 1 <= kw[0] <= kw[1]
            )
            if not ok:
                raise InputError(
                    f"{name} must be a pair (k, w) with 1 <= k <= w, like (3, 4), not {kw!r}",
                    setting="rules",
                )

    @classmethod
    def preset(cls, name: str) -> RuleSet:
        """The named preset: ``"pump"``, ``"wheeler"``, ``"nhs"`` or ``"anhoej"``."""
        try:
            return PRESETS[name]
        except KeyError:
            known = ", ".join(f'"{k}"' for k in PRESETS)
            raise InputError(
                f"unknown rule preset {name!r}; use one of {known}", setting="rules"
            ) from None

    def replace(self, **changes: Any) -> RuleSet:
        """A copy with some fields changed (named ``custom`` unless a name is given)."""
        changes.setdefault("name", "custom")
        return replace(self, **changes)

    @property
    def active(self) -> tuple[str, ...]:
        """Names of the rules that run, in the order of :data:`RULE_NAMES`."""
        return tuple(r for r in RULE_NAMES if getattr(self, r) not in (None, False))


PRESETS: dict[str, RuleSet] = {
    "pump": RuleSet(name="pump"),
    "wheeler": RuleSet(mr_outlier=True, long_run=8, name="wheeler"),
    "nhs": RuleSet(long_run=7, short_run=None, two_of_three=(2, 3), trend=7, name="nhs"),
    "anhoej": RuleSet(
        long_run=None, short_run=None, runs_anhoej=True, on_centre="skip", name="anhoej"
    ),
}


def resolve_rules(rules: str | RuleSet | Mapping[str, Any] | None) -> RuleSet:
    """Turn a preset name, a :class:`RuleSet` or a mapping into a :class:`RuleSet`.

    A mapping starts from its ``"preset"`` key if it has one, else from every rule off, and
    sets the other keys: ``{"outlier": True, "long_run": 8}``.
    """
    if rules is None:
        return PRESETS["pump"]
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, str):
        return RuleSet.preset(rules.strip().lower())
    if isinstance(rules, Mapping):
        spec = dict(rules)
        base_name = spec.pop("preset", None)
        if base_name is not None:
            base = RuleSet.preset(str(base_name))
        else:
            base = RuleSet(outlier=False, long_run=None, short_run=None)
        known = {f.name for f in fields(RuleSet)}
        unknown = sorted(set(spec) - known)
        if unknown:
            raise InputError(
                f"unknown rule setting(s) {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(known - {'name'}))}",
                setting="rules",
            )
        for key in ("short_run", "two_of_three"):
            if isinstance(spec.get(key), list):
                spec[key] = tuple(spec[key])
        for key in ("long_run", "trend"):
            if spec.get(key) is False:
                spec[key] = None
        return base.replace(**spec)
    raise InputError(
        f"rules must be a preset name, a RuleSet or a mapping, not {type(rules).__name__}",
        setting="rules",
    )
assert tuple(PRESETS) == RULE_PRESETS
