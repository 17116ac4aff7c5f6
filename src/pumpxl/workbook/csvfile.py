"""Reading CSV and text exports as their authors' spreadsheets wrote them, or refusing them
with the line that shows why. Every choice can be given instead of detected.

* **Encoding**: a byte-order mark decides (UTF-8, or UTF-16 as Excel's "Unicode Text" export
  writes it); without one, UTF-8 if the whole file is valid UTF-8, else Windows-1252 (Excel's
  "CSV" export on Western Windows). Bytes that are text in neither are refused, naming the
  line. A character-set detector would guess on a short file of numbers and names, and a wrong
  guess silently changes names, so none is used: ``encoding`` says it instead.
* **Delimiter**: comma, semicolon or tab, whichever splits the first lines into the same number
  (two or more) of columns; a file that two delimiters split equally well is refused.
* **Decimal separator**: with a comma delimiter, a point (a comma-decimal Excel writes
  semicolons). Otherwise from the numbers themselves: ``12,5``, ``1.234,5`` or ``0,25`` mean a
  decimal comma, ``12.5``, ``1,234.5`` or ``0.25`` a decimal point; a file with both is refused
  (naming a line of each), and so is one whose numbers could be read either way (``1.234``).
  Thousands separators must group digits by three.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pumpxl.core.errors import Problem, WorkbookError
from pumpxl.core.present import count

__all__ = ["MAX_CSV_BYTES", "CsvOptions", "Line", "number", "read_csv"]

MAX_CSV_BYTES = 512 * 1024 * 1024
DELIMITERS = (",", ";", "\t")
SNIFF_LINES = 200
Decimal = Literal[",", "."]
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

_SIGN = r"[+-]?"
_EXP = r"(?:[eE][+-]?\d+)?"
#: Numbers as each decimal separator writes them (thousands grouped by three, or none).
_NUMBER: dict[str, re.Pattern[str]] = {
    ".": re.compile(rf"^{_SIGN}(?:\d+|\d{{1,3}}(?:,\d{{3}})+)(?:\.\d+)?{_EXP}$"),
    ",": re.compile(rf"^{_SIGN}(?:\d+|\d{{1,3}}(?:\.\d{{3}})+)(?:,\d+)?{_EXP}$"),
}
_ONE_SEPARATOR = re.compile(rf"^{_SIGN}(\d+)([.,])(\d+)$")
_GROUPED = {
    ".": re.compile(rf"^{_SIGN}\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?$"),  # 1,234.5 or 1,234,567
    ",": re.compile(rf"^{_SIGN}\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?$"),  # 1.234,5 or 1.234.567
}


@dataclass(frozen=True)
class CsvOptions:
    """What the user says about a CSV file (None: detect it)."""

    encoding: str | None = None
    delimiter: str | None = None
    decimal: Decimal | None = None


@dataclass(frozen=True)
class Line:
    """One non-blank row of the file with its 1-based line number (as an editor shows it)."""

    number: int
    cells: list[Any]


def _fail(path: Path, message: str, code: str) -> WorkbookError:
    return WorkbookError([Problem(path.name, message, code)], source=path.name)


def _decode(path: Path, raw: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            message = f"{encoding!r} is not an encoding Python knows"
            raise _fail(path, message, "bad_option") from None
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _fail(path, _undecodable(raw, exc, encoding), "encoding") from None
    if raw.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        name = "utf-16"
    else:
        if b"\0" in raw[:4096]:
            raise _fail(
                path,
                "holds NUL bytes and no byte-order mark: it is a binary file (or UTF-16 "
                "without a byte-order mark: say --encoding utf-16-le), not CSV text",
                "not_text",
            )
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            name = "cp1252"
    try:
        return raw.decode(name)
    except UnicodeDecodeError as exc:
        tried = "UTF-8 or Windows-1252" if name == "cp1252" else name.upper()
        raise _fail(path, _undecodable(raw, exc, tried), "encoding") from None


def _undecodable(raw: bytes, exc: UnicodeDecodeError, tried: str) -> str:
    line = raw[: exc.start].count(b"\n") + 1
    byte = raw[exc.start : exc.start + 1].hex().upper()
    return (
        f"line {line}: byte 0x{byte} is not text in {tried}; save the file as UTF-8, or say "
        "its encoding (--encoding)"
    )


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, fields) of every record, quoted line breaks included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for fields in reader:
        yield start, fields
        start = reader.line_num + 1


def _sniff(path: Path, text: str) -> str:
    """The delimiter that splits the first non-blank lines into equal rows of 2+ columns."""
    scores: dict[str, tuple[float, int]] = {}
    for d in DELIMITERS:
        widths: list[int] = []
        try:
            for _, fields in _records(text, d):
                if any(f.strip() for f in fields):
                    widths.append(len(fields))
                if len(widths) >= SNIFF_LINES:
                    break
        except csv.Error:
            continue
        if widths and widths[0] >= 2:
            scores[d] = (sum(w == widths[0] for w in widths) / len(widths), widths[0])
    if not scores:
        return ","  # one column: nothing to split
    best = max(scores.values())
    winners = [d for d, s in scores.items() if s == best]
    if len(winners) > 1:
        names = " and ".join(_DELIMITER_NAMES[d] for d in winners)
        raise _fail(
            path,
            f"line 1 splits into {best[1]} columns by {names} alike; say which separates the "
            "columns (--delimiter)",
            "ambiguous_csv",
        )
    return winners[0]


def _decimal(path: Path, rows: list[Line], delimiter: str) -> Decimal:
    """The file's decimal separator, decided from its numbers (see the module's notes)."""
    if delimiter == ",":
        return "."
    evidence: dict[str, tuple[int, str]] = {}
    ambiguous: tuple[int, str] | None = None
    for row in rows:
        for cell in row.cells:
            text = cell.strip()
            if "," not in text and "." not in text:
                continue
            for sep in (".", ","):
                if _GROUPED[sep].match(text) and (text.count(",") + text.count(".")) > 1:
                    evidence.setdefault(sep, (row.number, text))
            m = _ONE_SEPARATOR.match(text)
            if m is None:
                continue
            whole, sep, fraction = m.groups()
            if len(fraction) != 3 or whole == "0" or len(whole) > 3:
                evidence.setdefault(sep, (row.number, text))
            else:
                ambiguous = ambiguous or (row.number, text)
    if "." in evidence and "," in evidence:
        (pl, pt), (cl, ct) = evidence["."], evidence[","]
        raise _fail(
            path,
            f"mixes decimal separators: line {cl} has {ct!r} (decimal comma), line {pl} has "
            f"{pt!r} (decimal point); make them one, or say which (--decimal)",
            "ambiguous_csv",
        )
    if evidence:
        return "." if "." in evidence else ","
    if ambiguous is not None:
        line, shown = ambiguous
        raise _fail(
            path,
            f"line {line}: {shown!r} could be a decimal or a number with a thousands "
            "separator, and no other number settles it; say the decimal separator "
            "(--decimal , or --decimal .)",
            "ambiguous_csv",
        )
    return "."


def number(text: str, decimal: Decimal) -> float | None:
    """The number in ``text`` written with ``decimal``, else None."""
    t = text.strip()
    if not t or not _NUMBER[decimal].match(t):
        return None
    if decimal == ",":
        t = t.replace(".", "").replace(",", ".")
    else:
        t = t.replace(",", "")
    return float(t)


def read_csv(path: Path, options: CsvOptions | None = None) -> list[Line]:
    """The file's non-blank rows, numbers as floats, the rest as stripped text."""
    options = options or CsvOptions()
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            message = f"is {count(size)} bytes; pumpxl reads CSV files up to {count(MAX_CSV_BYTES)}"
            raise _fail(path, message, "too_large")
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"cannot be read: {exc.strerror}", "unreadable") from None
    text = _decode(path, raw, options.encoding)
    if "\0" in text:
        raise _fail(path, "holds NUL characters: it is a binary file, not CSV text", "not_text")
    delimiter = options.delimiter or _sniff(path, text)
    if delimiter not in DELIMITERS:
        message = f"--delimiter must be a comma, semicolon or tab, not {delimiter!r}"
        raise _fail(path, message, "bad_option")
    try:
        rows = [
            Line(n, [f.strip() for f in fields])
            for n, fields in _records(text, delimiter)
            if any(f.strip() for f in fields)
        ]
    except csv.Error as exc:
        raise _fail(path, f"cannot be read as CSV ({exc})", "bad_csv") from None
    decimal = options.decimal or _decimal(path, rows, delimiter)
    for row in rows:
        row.cells[:] = [_cell(c, decimal) for c in row.cells]
    return rows


def _cell(text: str, decimal: Decimal) -> Any:
    value = number(text, decimal) if any(ch.isdigit() for ch in text) else None
    return text if value is None else value
