"""The ``pumpxl`` command line: parse, call the library once, turn errors into messages and
exit codes.

Exit status: 0 success; 1 problems in the input (or an output that may not be written);
2 usage errors; 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from pumpxl.cli.commands import print_problems
from pumpxl.cli.parser import build_parser
from pumpxl.core.errors import OutputError, PumpxlError, WorkbookError

__all__ = ["build_parser", "main"]


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
        print_problems(sys.stderr, list(exc.problems), f"pumpxl: {name}: problems")
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


