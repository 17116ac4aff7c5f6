"""The ``pumpxl`` command line: parse, call the library once, turn errors into messages and
exit codes. Exit status: 0 success, 1 problems found in the input, 2 usage errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from pumpxl.errors import PumpxlError, WorkbookError

EXAMPLE_SERIES = "example_series.csv"


def _print_table(out: TextIO, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    out.write(fmt.format(*header).rstrip() + "\n")
    out.writelines(fmt.format(*r).rstrip() + "\n" for r in rows)


def cmd_xmr(args: argparse.Namespace, out: TextIO) -> int:
    """Analyse one series from a CSV (or the bundled example) and print the XmR table."""
    from pumpxl.narrative import decimals_for, number_format
    from pumpxl.workbook.plain import read_series
    from pumpxl.xmr import xmr

    if args.file is None:
        source = resources.files("pumpxl") / "data" / EXAMPLE_SERIES
        with resources.as_file(source) as path:
            series = read_series(path, column=args.column)
    else:
        series = read_series(Path(args.file), column=args.column)
    r = xmr(
        series.values,
        dates=series.dates,
        rules=args.rules,
        direction=args.direction,
        target=args.target,
        phases=args.phases or None,
        centre=args.centre,
        dispersion=args.dispersion,
        constants=args.constants,
        screen_mr=args.screen_mr,
        lower_bound=args.lower_bound,
        upper_bound=args.upper_bound,
    )
    d = decimals_for(r.mr_bar)
    frame = r.to_frame()
    columns = [
        frame[c].to_numpy(dtype=float)
        for c in ("value", "moving_range", "central_line", "lnpl", "unpl")
    ]
    signal = frame["signal"].tolist()
    rows = [
        [label, *(number_format(float(col[i]), d) for col in columns), str(signal[i])]
        for i, label in enumerate(series.labels)
    ]
    out.write(f"{series.name}\n\n")
    _print_table(out, ["period", "value", "mR", "CL", "LNPL", "UNPL", "signal"], rows)
    out.write("\n" + r.description + "\n")
    if r.suggested_phases:
        starts = ", ".join(series.labels[i] for i in r.suggested_phases)
        out.write(f"Suggested recalculation: --phases {starts}\n")
    return 0


def _add_xmr(sub: Any) -> None:
    p = sub.add_parser(
        "xmr",
        help="analyse one series from a CSV file and print its XmR table",
        description="Analyse one series (a CSV with a period column and a value column) as an "
        "XmR chart. Without FILE, the bundled example series is used.",
    )
    p.add_argument("file", nargs="?", help="CSV file: first column periods, then values")
    p.add_argument(
        "--column", help="value column to analyse (default: the first after the periods)"
    )
    p.add_argument("--rules", default="pump", help="rule preset: pump, wheeler, nhs or anhoej")
    p.add_argument("--direction", default="neutral", help="up (higher is better), down or neutral")
    p.add_argument("--target", type=float, help="target value, for assurance")
    p.add_argument("--phases", nargs="*", default=[], help="periods where new phases start")
    p.add_argument("--centre", default="mean", choices=["mean", "median"])
    p.add_argument("--dispersion", default="mean", choices=["mean", "median"])
    p.add_argument("--constants", default="wheeler", choices=["wheeler", "sigma"])
    p.add_argument("--screen-mr", action="store_true", help="screen large moving ranges")
    p.add_argument("--lower-bound", type=float, help="natural lower bound, e.g. 0")
    p.add_argument("--upper-bound", type=float, help="natural upper bound, e.g. 100")
    p.set_defaults(run=cmd_xmr)


COMMANDS: list[Callable[[Any], None]] = [_add_xmr]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pumpxl",
        description="PuMP performance measures and XmR charts: workbooks in, reports out.",
    )
    from pumpxl import __version__

    parser.add_argument("--version", action="version", version=f"pumpxl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
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
        sys.stderr.write(f"pumpxl: {exc}\n")
        return 1
    except PumpxlError as exc:
        sys.stderr.write(f"pumpxl: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("pumpxl: interrupted; no output was left half-written\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
