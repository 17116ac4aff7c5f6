"""The monthly cycle's commands: ``pumpxl refresh`` (last month's deck, this month's data) and
``pumpxl collect`` (owners' words back to the workbook). Each calls the library once and
prints its account."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from pumpxl.cli.commands import _load, print_problems
from pumpxl.core.present import plural

__all__ = ["cmd_collect", "cmd_refresh"]


def cmd_refresh(args: argparse.Namespace, out: TextIO) -> int:
    """Bring last month's edited deck up to the workbook's latest data."""
    from pumpxl.refresh import refresh_deck

    read = _load(args)
    result = refresh_deck(
        Path(args.deck),
        read.model,
        read.analysed,
        output=Path(args.output) if args.output else None,
        in_place=args.in_place,
        overwrite=args.force,
        audience=args.audience,
    )
    rep = result.report
    out.write(
        f"Wrote {result.path}: {result.audience}, to {result.period}, {result.slides} slides; "
        f"{plural(rep.replaced, 'page')} as pumpxl builds them, {rep.refreshed} refreshed around "
        f"your edits, {plural(rep.charts, 'chart')} given the new data in place\n"
    )
    if result.backup is not None:
        out.write(f"The deck as it was: {result.backup}\n")
    for heading, items in (
        ("Kept as you left them", rep.kept),
        ("New pages", rep.added),
        ("Kept and marked (no longer in this report)", rep.retired),
        ("Your own pages, kept where they were", rep.own),
        ("Could not be kept", rep.lost),
    ):
        if items:
            out.write(f"{heading} ({len(items)}):\n")
            out.writelines(f"  {item}\n" for item in items)
    if rep.deleted:
        out.write(f"Deleted since pumpxl wrote them, left deleted ({len(rep.deleted)}): "
                  + "; ".join(rep.deleted) + "\n")  # fmt: skip
    if rep.removed:
        out.write("No longer needed, removed (nobody had edited them): "
                  + "; ".join(rep.removed) + "\n")  # fmt: skip
    return 0


def cmd_collect(args: argparse.Namespace, out: TextIO) -> int:
    """Bring the answers owners confirmed or edited in decks back to the Commentary sheet."""
    from pumpxl.collect import collect_commentary

    result = collect_commentary(
        args.workbook,
        args.decks,
        output=args.output,
        in_place=args.in_place,
        replace=args.replace,
        add_sheet=args.add_sheet,
        overwrite=args.force,
    )
    out.writelines(line + "\n" for line in result.lines)
    print_problems(out, result.notes, "Notes")
    if result.untouched:
        out.write(
            f"Not collected, drafts nobody confirmed or edited ({len(result.untouched)}): "
            + "; ".join(result.untouched)
            + "\n"
        )
    out.write(result.summary() + "\n")
    return 0 if result.plan.writes else 1
