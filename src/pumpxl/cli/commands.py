"""What each ``pumpxl`` command does: read its input once, call the library, print a short
account. Problems reach :func:`pumpxl.cli.main` as errors, which turns them into messages."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pumpxl.cli.checks import _audiences, _has_values
from pumpxl.core.errors import Problem, WorkbookError

if TYPE_CHECKING:
    from pumpxl.workbook.reader import ReadResult

__all__ = [
    "cmd_calc",
    "cmd_check",

    "cmd_gallery",
    "cmd_lite",
    "cmd_new",
    "cmd_report",
    "cmd_server",
    "cmd_xmr",
    "print_problems",
    "read_input",
]

MAX_LISTED = 200  # problems printed in full; the rest are counted by kind


def _print_table(out: TextIO, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    out.write(fmt.format(*header).rstrip() + "\n")
    out.writelines(fmt.format(*r).rstrip() + "\n" for r in rows)


def print_problems(out: TextIO, problems: Sequence[Problem], heading: str) -> None:
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


def read_input(args: argparse.Namespace) -> ReadResult:
    """The input of a command: the PuMP workbook or plain sheet/CSV named, or the example."""
    from pumpxl.workbook.sources import read_example, read_source

    if getattr(args, "workbook", None) is None:
        return read_example()
    from pumpxl.workbook.plain import PLAIN_SUFFIXES, PlainOptions

    plain = None
    if args.plain or Path(args.workbook).suffix.lower() in PLAIN_SUFFIXES:
        plain = PlainOptions(
            layout=args.plain or "wide",
            sheet=args.sheet,
            period=args.period_column,
            measure=args.measure_column,
            value=args.value_column,
            csv=_csv_options(args),
            date_order=args.date_order,
        )
    return read_source(args.workbook, plain=plain, date_order=args.date_order)


def _csv_options(args: argparse.Namespace) -> Any:
    from pumpxl.workbook.csvfile import CsvOptions

    delimiter = {"tab": "\t", "\\t": "\t"}.get(args.delimiter or "", args.delimiter)
    return CsvOptions(encoding=args.encoding, delimiter=delimiter, decimal=args.decimal)


def _load(args: argparse.Namespace) -> ReadResult:
    """The input, or a WorkbookError listing every problem in it."""
    read = read_input(args)
    if read.problems:
        raise WorkbookError(read.problems, source=Path(args.workbook).name)
    return read


# ---------------------------------------------------------------------------------- commands


def cmd_xmr(args: argparse.Namespace, out: TextIO) -> int:
    """Analyse one series from a CSV (or the bundled example) and print the XmR table."""
    from pumpxl.core.interpret import read
    from pumpxl.core.narrative import (
        describe,
        meaning_label,
        number_format,
        status_line,
        step_label,
    )
    from pumpxl.core.present import date_label, month_label, numbers_for
    from pumpxl.core.table import xmr_table
    from pumpxl.core.xmr import xmr
    from pumpxl.workbook.plain import read_series

    defaults: dict[str, Any] = {}
    numbered = False
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
        m, series, numbered = read_series(
            Path(args.file), column=args.column, csv=_csv_options(args), date_order=args.date_order
        )

    def option(key: str) -> Any:
        given = getattr(args, key)
        return defaults.get(key) if given is None else given

    r = xmr(
        series.values,
        dates=None if numbered else series.index,
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
        trend=args.trend,
    )
    frequency = None if numbered else m.frequency
    reading = read(r, frequency=frequency)
    chart = reading.chart  # with provisional limits after an unrecorded step
    d = numbers_for(chart.values, chart.mr_bar)
    table = xmr_table(chart, reading)
    if numbered:
        labels = [str(k) for k in range(1, len(series) + 1)]
        out.write(f"{args.file}: one column of values and no periods; periods numbered 1 to ")
        out.write(f"{len(series)}.\n")
    else:
        weekly = m.frequency in ("daily", "weekly")
        label = date_label if weekly else month_label
        labels = [label(t) for t in series.index]
    prov = reading.provisional
    columns = [chart.values, table.moving_range, table.central_line]
    columns += [table.lower_limit, table.upper_limit]
    rows = [
        [
            label + ("*" if prov is not None and i >= prov.start else ""),
            d.value(float(chart.values[i])),
            *(number_format(float(col[i]), d) for col in columns[1:]),
            table.signal[i],
        ]
        for i, label in enumerate(labels)
    ]
    out.write(f"{m.name} ({m.unit})\n\n" if m.unit else f"{m.name}\n\n")
    _print_table(out, ["period", "value", "mR", "CL", "LNPL", "UNPL", "signal"], rows)
    if prov is not None:
        out.write(
            f"* provisional limits from {labels[prov.start]}: as if recalculated at the step, "
            "which is not recorded yet\n"
        )
    out.write(f"\nNow: {status_line(reading)}\n")
    changes = ["new: " + step_label(reading)] if reading.new_step else []
    changes += [f"new: {meaning_label(s)}" for s in reading.new]
    changes += [f"ended: {meaning_label(s)}" for s in reading.ended]
    if changes:
        out.write("Since the previous period: " + "; ".join(changes) + "\n")
    out.write(describe(reading) + "\n")
    if reading.recalculate_from is not None:
        given = " ".join(str(p) for p in args.phases)
        start = _phase_arg(series, reading.recalculate_from, m.frequency)
        out.write(
            "Suggested recalculation, once its cause is known: --phases "
            f"{(given + ' ') if given else ''}{start}\n"
        )
    return 0


def _phase_arg(series: Any, i: int, frequency: str) -> str:
    """Period ``i`` as ``--phases`` reads it back: its date (ISO; the month alone for a
    monthly measure), or its number."""
    when = series.index[i]
    if not hasattr(when, "date"):
        return str(i + 1)
    iso = str(when.date().isoformat())
    return iso[:7] if frequency == "monthly" else iso


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    """Write a fresh workbook from the template (or the filled example)."""
    from pumpxl.core.example import example_model
    from pumpxl.workbook.template import write_pump_workbook

    path = Path(args.path)
    write_pump_workbook(path, example_model() if args.example else None, overwrite=args.force)
    out.write(f"Wrote {path}\n")
    return 0


def cmd_lite(args: argparse.Namespace, out: TextIO) -> int:
    """Write the two files xlwings Lite needs to offer pumpxl's Excel functions."""
    from pumpxl.core.present import size_kb
    from pumpxl.runtimes import write_lite_project

    folder = Path(args.folder)
    written = write_lite_project(folder, wheel_url=args.wheel_url, overwrite=args.force)
    for path in written:
        out.write(f"Wrote {path} ({size_kb(path.stat().st_size)})\n")
    out.write(
        "In Excel, open xlwings Lite: paste main.py into its main.py tab and the lines of "
        "requirements.txt into its requirements.txt tab. The functions are then "
        "=PUMP.XMR_TABLE(...), =PUMP.XMR_LIMITS(...) and so on.\n"
    )
    if args.wheel_url is not None:
        out.write(f"main.py imports pumpxl from {args.wheel_url}, which must be reachable.\n")
    return 0


def cmd_server(args: argparse.Namespace, out: TextIO) -> int:
    """Create an xlwings Server project that serves pumpxl's Excel functions."""
    from pumpxl.runtimes import NONCOMMERCIAL, write_server_project

    folder = Path(args.folder)
    key = NONCOMMERCIAL if args.noncommercial else args.license_key
    write_server_project(folder, license_key=key, overwrite=args.force)
    out.write(
        f"Created the xlwings Server project {folder}: its custom_functions import pumpxl's, "
        f"and {folder / '.env'} holds the license key. Serve it, e.g.\n"
        f"  XLWINGS_PROJECT_DIR={folder} uvicorn xlwings_server.main:main_app "
        "--host 127.0.0.1 --port 8000\n"
        "and sideload its manifest (/manifest). In Excel: =XLWINGS.PUMP.XMR_TABLE(...).\n"
    )
    return 0


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    """List every problem in a workbook, then PuMP warnings; exit 1 on problems."""
    from pumpxl.core.audit import audit
    from pumpxl.core.present import plural

    read = read_input(args)
    name = Path(args.workbook).name if args.workbook else "the bundled example"
    if read.problems:
        print_problems(out, read.problems, f"{name}: problems")
        out.write("Fix these and run pumpxl check again.\n")
        return 1
    model = read.model
    warnings = audit(model, read.analysed)
    out.write(
        f"{name}: no problems; {plural(len(model.measures), 'measure')}, "
        f"{plural(len(model.results), 'result')}, {plural(len(model.audiences), 'audience')}.\n"
    )
    print_problems(out, read.notices, "Read with notes")
    print_problems(out, warnings, "PuMP warnings")
    return 0


def cmd_calc(args: argparse.Namespace, out: TextIO) -> int:
    """Write a new workbook with every measure's XmR table, signals and chart."""
    from pumpxl.core.present import plural
    from pumpxl.workbook.calc import write_calc_workbook

    read = _load(args)
    source = Path(args.workbook).name if args.workbook else "the bundled example"
    _has_values(read)
    write_calc_workbook(
        Path(args.output), read.model, read.analysed, overwrite=args.force, source=source
    )
    signals = sum(a.xmr.signal_count for a in read.analysed.values())
    out.write(
        f"Wrote {args.output}: {plural(len(read.analysed), 'measure')}, "
        f"{plural(signals, 'signal')}\n"
    )
    return 0


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    """Build one PowerPoint deck per audience."""
    from pumpxl.core.present import plural
    from pumpxl.report import build_reports

    read = _load(args)
    progress = _progress_printer(sys.stderr) if sys.stderr.isatty() else None
    results = build_reports(
        read.model,
        Path(args.output),
        audiences=_audiences(read, args.audience) or None,
        template=Path(args.template) if args.template else None,
        overwrite=args.force,
        progress=progress,
        analysed=read.analysed,
        icons=args.icons,
    )
    for r in results:
        warn = "  (warning: only activity/output measures)" if r.outputs_only else ""
        out.write(
            f"Wrote {r.path}: {r.audience}, {plural(r.measures, 'measure')}, "
            f"{plural(r.slides, 'slide')}{warn}\n"
        )
    return 0


def cmd_gallery(args: argparse.Namespace, out: TextIO) -> int:
    """Print Measure Gallery posters: one A3 page per result."""
    from pumpxl.core.present import plural
    from pumpxl.report import build_gallery

    read = _load(args)
    n = build_gallery(read.model, Path(args.output), overwrite=args.force, analysed=read.analysed)
    out.write(f"Wrote {args.output}: {plural(n, 'poster')}\n")
    return 0


def _progress_printer(stream: TextIO) -> Callable[[str, int, int], None]:
    def show(audience: str, done: int, total: int) -> None:
        stream.write(f"\r{audience}: measure {done} of {total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


# ------------------------------------------------------------------------------------ parser

