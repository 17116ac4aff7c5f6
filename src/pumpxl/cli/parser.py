"""The ``pumpxl`` command line's parser: one declarative entry per command, with the option
groups it shares with others."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from pumpxl.cli.commands import (
    cmd_calc,
    cmd_check,
    cmd_gallery,
    cmd_lite,
    cmd_new,
    cmd_report,
    cmd_server,
    cmd_xmr,
)
from pumpxl.cli.cycle import cmd_collect, cmd_refresh

__all__ = ["COMMANDS", "Command", "build_parser"]


def _workbook_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "workbook",
        nargs="?",
        help="PuMP workbook (.xlsx), or a plain sheet/CSV with --plain "
        "(default: the bundled example)",
    )
    p.add_argument(
        "--plain",
        choices=["wide", "long"],
        help="read a plain sheet or CSV: wide (a column per measure) or long "
        "(measure, period, value columns)",
    )
    p.add_argument("--sheet", help="with --plain: the sheet to read (default: the first)")
    p.add_argument("--period-column", help="with --plain: the period column's header")
    p.add_argument("--measure-column", help="with --plain long: the measure column's header")
    p.add_argument("--value-column", help="with --plain: the value column's header")
    _reading_options(p)


def _reading_options(p: argparse.ArgumentParser) -> None:
    """How to read a CSV or numeric dates, when pumpxl cannot tell or guesses wrong."""
    p.add_argument("--encoding", help="a CSV's text encoding, e.g. utf-8, cp1252, utf-16")
    p.add_argument("--delimiter", help="a CSV's column separator: , or ; or tab")
    p.add_argument("--decimal", choices=[",", "."], metavar="SEPARATOR",
                   help="a CSV's decimal separator: , or .")
    p.add_argument(
        "--date-order",
        choices=["dmy", "mdy"],
        help="numeric dates like 03/04/2024 are day-month-year (dmy) or month-day-year (mdy)",
    )


def _xmr_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help="CSV file: first column periods, then values")
    p.add_argument("--column", help="value column to analyse (default: the first)")
    _reading_options(p)
    p.add_argument("--rules", default="pump", help="rule preset: pump, wheeler, nhs, anhoej")
    p.add_argument("--direction", help="up (higher is better), down or neutral")
    p.add_argument("--target", type=float, help="target value, for assurance")
    p.add_argument("--phases", nargs="*", default=[], help="periods where new phases start")
    p.add_argument("--centre", default="mean", choices=["mean", "median"])
    p.add_argument("--dispersion", default="mean", choices=["mean", "median"])
    p.add_argument("--constants", default="wheeler", choices=["wheeler", "sigma"])
    p.add_argument("--screen-mr", action="store_true", help="screen large moving ranges")
    p.add_argument("--lower-bound", type=float, help="natural lower bound, e.g. 0")
    p.add_argument("--upper-bound", type=float, help="natural upper bound, e.g. 100")
    p.add_argument(
        "--trend", choices=["half-averages", "least-squares"],
        help="trended limits for a measure that drifts steadily (default: flat)",
    )  # fmt: skip


def _new_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="where to write the .xlsx")
    p.add_argument(
        "--example", action="store_true", help="fill it with the Northwind IT Services example"
    )


def _lite_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", help="folder for main.py and requirements.txt (created)")
    p.add_argument(
        "--wheel-url",
        help="not needed: main.py carries pumpxl. With it, main.py imports pumpxl from this "
        "https address of a wheel you host instead",
    )


def _server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", help="folder for the xlwings Server project (created)")
    key = p.add_mutually_exclusive_group()
    key.add_argument(
        "--noncommercial",
        action="store_true",
        help="use xlwings' free license key for noncommercial use",
    )
    key.add_argument(
        "--license-key",
        metavar="KEY",
        help="your xlwings license key (default: XLWINGS_LICENSE_KEY from the environment)",
    )


def _report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--audience", action="append", help="only this audience (repeatable)")
    p.add_argument("--template", help="your organisation's .pptx or .potx for branding")
    p.add_argument(
        "--icons",
        choices=["pumpxl", "mdc"],
        default="pumpxl",
        help="pumpxl: symbols and words (default); mdc: NHS Making Data Count variation and "
        "assurance icons and their summary matrix too",
    )


def _where(p: argparse.ArgumentParser, output: str, kind: str) -> None:
    """-o or --in-place (one of them), for a command that changes a file people keep."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", help=output)
    where.add_argument(
        "--in-place", action="store_true",
        help=f"replace the {kind}, keeping a backup beside it (NAME-backup)",
    )  # fmt: skip


def _refresh_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("deck", help="last month's deck, as pumpxl built it and people edited it")
    _workbook_options(p)
    _where(p, "the refreshed deck (default: NAME-refreshed.pptx next to the deck, numbered)",
           "deck")  # fmt: skip
    p.add_argument("--audience", help="the audience, when the deck no longer says")


def _collect_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("workbook", help="the PuMP workbook (.xlsx or .xlsm) the decks were built from")
    p.add_argument("decks", nargs="+", metavar="DECK", help="decks people have read and edited")
    _where(p, "write a new workbook (.xlsx/.xlsm as the input)", "workbook")
    p.add_argument(
        "--replace", action="store_true",
        help="let the decks' words replace words already on the Commentary sheet",
    )  # fmt: skip
    p.add_argument(
        "--add-sheet", action="store_true",
        help="add a Commentary sheet to a workbook that has none",
    )  # fmt: skip


@dataclass(frozen=True)
class Command:
    """One subcommand: what it runs, its help, and which shared options it takes."""

    name: str
    run: Callable[[argparse.Namespace, TextIO], int]
    help: str
    description: str
    options: Callable[[argparse.ArgumentParser], None] | None = None
    workbook: bool = False  # takes a workbook (or plain sheet) argument
    output: dict[str, Any] | None = None  # keyword arguments of its -o/--output option
    force: str = ""  # help of its --force option, if it has one


COMMANDS: list[Command] = [
    Command(
        "xmr",
        cmd_xmr,
        "print one series' XmR table",
        "Analyse one series (a CSV with a period column and value columns) as an XmR chart. "
        "Without FILE, the example's first-contact resolution measure is used.",
        _xmr_options,
    ),
    Command(
        "new",
        cmd_new,
        "create a workbook from the template",
        "Write a new PuMP workbook from the template.",
        _new_options,
        force="replace the file if it exists",
    ),
    Command(
        "check",
        cmd_check,
        "list every problem in a workbook, and PuMP warnings",
        "Check a workbook: every problem with its cell (exit 1), then warnings about PuMP "
        "practice.",
        workbook=True,
    ),
    Command(
        "calc",
        cmd_calc,
        "write a workbook of XmR tables and charts",
        "Compute every measure's XmR chart into a new workbook (summary, tables, signals, "
        "native charts). The input is never modified.",
        workbook=True,
        output={"required": True, "help": "the new .xlsx to write"},
        force="replace the output if it exists",
    ),
    Command(
        "report",
        cmd_report,
        "build one PowerPoint deck per audience",
        "Build PowerPoint performance reports: one deck per audience with at-a-glance, "
        "Results Map and a page per measure. Without WORKBOOK, the bundled example is used.",
        _report_options,
        workbook=True,
        output={"default": "reports", "help": "folder for the decks (default: reports)"},
        force="replace decks that exist",
    ),
    Command(
        "refresh",
        cmd_refresh,
        "bring last month's edited deck up to the workbook's latest data",
        "Refresh a deck pumpxl built earlier and people have since edited: every chart gets "
        "the new data in place, every text pumpxl wrote is rewritten unless a person edited "
        "it, pages people added stay, pages people deleted stay deleted, new measures get "
        "their pages. The deck itself is not changed (see -o and --in-place).",
        _refresh_options,
        force="replace the -o deck if it exists",
    ),
    Command(
        "collect",
        cmd_collect,
        "bring owners' words from decks back to the workbook's Commentary sheet",
        "Read the answers people confirmed (DRAFT label removed) or edited on the measure "
        "pages of decks pumpxl built, and write them to the workbook's Commentary sheet: one "
        "row per measure and period, nothing else in the workbook touched. Without -o or "
        "--in-place it only says what it would write.",
        _collect_options,
        force="replace the -o workbook if it exists",
    ),
    Command(
        "gallery",
        cmd_gallery,
        "print Measure Gallery posters",
        "Measure Gallery posters (PuMP step 4): one A3 page per result with its draft "
        "measures and space for written feedback.",
        workbook=True,
        output={"default": "gallery.pptx", "help": "the .pptx to write"},
        force="replace the file if it exists",
    ),
    Command(
        "lite",
        cmd_lite,
        "files that put pumpxl's Excel functions into xlwings Lite",
        "Write main.py and requirements.txt for xlwings Lite (Excel on the web, Mac and "
        "Windows), so that =PUMP.XMR_TABLE(...) and the other functions work in a workbook. "
        "main.py carries pumpxl's core and Excel functions: paste the two files, nothing to "
        "host.",
        _lite_options,
        force="write into a folder that is not empty",
    ),
    Command(
        "server",
        cmd_server,
        "an xlwings Server project that serves pumpxl's Excel functions",
        "Create an xlwings Server project (needs pip install \"pumpxl[server]\") whose "
        "custom functions are pumpxl's, for an organisation that hosts them for its users. "
        "It needs an xlwings license key: --noncommercial for noncommercial use, else "
        "--license-key KEY.",
        _server_options,
        force="write into a folder that is not empty",
    ),
]


def build_parser() -> argparse.ArgumentParser:
    from pumpxl import __version__

    parser = argparse.ArgumentParser(
        prog="pumpxl",
        description="PuMP performance measures and XmR charts: workbooks in, reports out.",
    )
    parser.add_argument("--version", action="version", version=f"pumpxl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.description)
        if command.workbook:
            _workbook_options(p)
        if command.options is not None:
            command.options(p)
        if command.output is not None:
            p.add_argument("-o", "--output", **command.output)
        if command.force:
            p.add_argument("--force", action="store_true", help=command.force)
        p.set_defaults(run=command.run)
    return parser


