"""The ``pumpxl`` command line: parse, call the library once, turn errors into messages and
exit codes.

Exit status: 0 success; 1 problems in the input (or an output that may not be written);
2 usage errors; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pumpxl.core.errors import OutputError, Problem, PumpxlError, WorkbookError

if TYPE_CHECKING:
    from pumpxl.workbook.reader import ReadResult

MAX_LISTED = 200  # problems printed in full; the rest are counted by kind


def _print_table(out: TextIO, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    out.write(fmt.format(*header).rstrip() + "\n")
    out.writelines(fmt.format(*r).rstrip() + "\n" for r in rows)


def _print_problems(out: TextIO, problems: Sequence[Problem], heading: str) -> None:
    if not problems:
        return
    summary = [p for p in problems if p.code == "more"]  # counted, not listed, by the reader
    listed = [p for p in problems if p.code != "more"]
    out.write(f"{heading} ({len(listed)}{' and more' if summary else ''}):\n")
    for p in listed[:MAX_LISTED]:
        out.write(f"  {p}\n")
    if len(listed) > MAX_LISTED:
        rest = Counter(p.code for p in listed[MAX_LISTED:])
        kinds = ", ".join(f"{n} {code}" for code, n in rest.most_common())
        out.write(f"  ... and {len(listed) - MAX_LISTED} more ({kinds})\n")
    for p in summary:
        out.write(f"  {p}\n")


def _read(args: argparse.Namespace) -> ReadResult:
    """The input of a command: the PuMP workbook or plain sheet/CSV named, or the example."""
    from pumpxl.workbook.sources import read_example, read_source

    if getattr(args, "workbook", None) is None:
        return read_example()
    return read_source(
        args.workbook,
        plain=args.plain,
        sheet=args.sheet,
        period=args.period_column,
        measure=args.measure_column,
        value=args.value_column,
    )


def _load(args: argparse.Namespace) -> ReadResult:
    """The input, or a WorkbookError listing every problem in it."""
    read = _read(args)
    if read.problems:
        raise WorkbookError(read.problems, source=Path(args.workbook).name)
    return read


# ---------------------------------------------------------------------------------- commands


def cmd_xmr(args: argparse.Namespace, out: TextIO) -> int:
    """Analyse one series from a CSV (or the bundled example) and print the XmR table."""
    from pumpxl.core.narrative import decimals_for, number_format
    from pumpxl.core.table import xmr_table
    from pumpxl.core.xmr import xmr
    from pumpxl.workbook.plain import read_series

    defaults: dict[str, Any] = {}
    if args.file is None:
        from pumpxl.core.example import example_model

        model = example_model()
        m = model.measures["M03"]
        series = model.series["M03"]
        defaults = {
            "direction": m.direction,
            "target": 75.0,
            "lower_bound": 0.0,
            "upper_bound": 100.0,
        }
    else:
        m, series = read_series(Path(args.file), column=args.column)

    def option(key: str) -> Any:
        given = getattr(args, key)
        return defaults.get(key) if given is None else given

    r = xmr(
        series.values,
        dates=series.index,
        rules=args.rules,
        direction=option("direction") or "neutral",
        target=option("target"),
        phases=args.phases or None,
        centre=args.centre,
        dispersion=args.dispersion,
        constants=args.constants,
        screen_mr=args.screen_mr,
        lower_bound=option("lower_bound"),
        upper_bound=option("upper_bound"),
    )
    d = decimals_for(r.mr_bar)
    table = xmr_table(r)
    weekly = m.frequency in ("daily", "weekly")
    labels = list(series.index.strftime("%Y-%m-%d" if weekly else "%Y-%m"))
    columns = [r.values, table.moving_range, table.central_line]
    columns += [table.lower_limit, table.upper_limit]
    rows = [
        [label, *(number_format(float(col[i]), d) for col in columns), table.signal[i]]
        for i, label in enumerate(labels)
    ]
    out.write(f"{m.name} ({m.unit})\n\n" if m.unit else f"{m.name}\n\n")
    _print_table(out, ["period", "value", "mR", "CL", "LNPL", "UNPL", "signal"], rows)
    out.write("\n" + r.description + "\n")
    if r.suggested_phases:
        starts = " ".join(labels[i] for i in r.suggested_phases)
        out.write(f"Suggested recalculation: --phases {starts}\n")
    return 0


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    """Write a fresh workbook from the template (or the filled example)."""
    from pumpxl.core.example import example_model
    from pumpxl.workbook.template import write_pump_workbook

    path = Path(args.path)
    write_pump_workbook(path, example_model() if args.example else None, overwrite=args.force)
    out.write(f"Wrote {path}\n")
    return 0


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    """List every problem in a workbook, then PuMP warnings; exit 1 on problems."""
    from pumpxl.core.audit import audit

    read = _read(args)
    name = Path(args.workbook).name if args.workbook else "the bundled example"
    if read.problems:
        _print_problems(out, read.problems, f"{name}: problems")
        out.write("Fix these and run pumpxl check again.\n")
        return 1
    model = read.model
    warnings = audit(model, read.analysed)
    out.write(
        f"{name}: no problems; {len(model.measures)} measures, "
        f"{len(model.results)} results, {len(model.audiences)} audiences.\n"
    )
    _print_problems(out, warnings, "PuMP warnings")
    return 0


def cmd_calc(args: argparse.Namespace, out: TextIO) -> int:
    """Write a new workbook with every measure's XmR table, signals and chart."""
    from pumpxl.workbook.calc import write_calc_workbook

    read = _load(args)
    source = Path(args.workbook).name if args.workbook else "the bundled example"
    write_calc_workbook(
        Path(args.output), read.model, read.analysed, overwrite=args.force, source=source
    )
    signals = sum(a.xmr.signal_count for a in read.analysed.values())
    out.write(f"Wrote {args.output}: {len(read.analysed)} measures, {signals} signals\n")
    return 0


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    """Build one PowerPoint deck per audience."""
    from pumpxl.report import build_reports

    read = _load(args)
    progress = _progress_printer(sys.stderr) if sys.stderr.isatty() else None
    results = build_reports(
        read.model,
        Path(args.output),
        audiences=args.audience or None,
        template=Path(args.template) if args.template else None,
        overwrite=args.force,
        progress=progress,
        analysed=read.analysed,
    )
    for r in results:
        warn = "  (warning: only activity/output measures)" if r.outputs_only else ""
        out.write(f"Wrote {r.path}: {r.audience}, {r.measures} measures, {r.slides} slides{warn}\n")
    return 0


def cmd_gallery(args: argparse.Namespace, out: TextIO) -> int:
    """Print Measure Gallery posters: one A3 page per result."""
    from pumpxl.report import build_gallery

    read = _load(args)
    n = build_gallery(read.model, Path(args.output), overwrite=args.force)
    out.write(f"Wrote {args.output}: {n} posters\n")
    return 0


def _progress_printer(stream: TextIO) -> Callable[[str, int, int], None]:
    def show(audience: str, done: int, total: int) -> None:
        stream.write(f"\r{audience}: measure {done} of {total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


# ------------------------------------------------------------------------------------ parser


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


def _xmr_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help="CSV file: first column periods, then values")
    p.add_argument("--column", help="value column to analyse (default: the first)")
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


def _new_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="where to write the .xlsx")
    p.add_argument(
        "--example", action="store_true", help="fill it with the Northwind IT Services example"
    )


def _report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--audience", action="append", help="only this audience (repeatable)")
    p.add_argument("--template", help="your organisation's .pptx or .potx for branding")


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
        "gallery",
        cmd_gallery,
        "print Measure Gallery posters",
        "Measure Gallery posters (PuMP step 4): one A3 page per result with its draft "
        "measures and space for written feedback.",
        workbook=True,
        output={"default": "gallery.pptx", "help": "the .pptx to write"},
        force="replace the file if it exists",
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


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(out)
        return 2
    try:
        return int(args.run(args, out))
    except WorkbookError as exc:
        name = exc.source or "input"
        _print_problems(sys.stderr, list(exc.problems), f"pumpxl: {name}: problems")
        return 1
    except OutputError as exc:
        hint = "; pass --force to replace it" if exc.exists else ""
        sys.stderr.write(f"pumpxl: {exc}{hint}\n")
        return 1
    except PumpxlError as exc:
        sys.stderr.write(f"pumpxl: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("pumpxl: interrupted; no output was left half-written\n")
        return 130
    except BrokenPipeError:
        # the reader went away (| head); say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
