"""Numbers at the edges (issue 26): values from 1e-300 to 1e300, values that never vary,
values whose limits would overflow. Every output is finite, non-empty where values exist and
agrees with the engine to the digits it shows; numbers are rounded half away from zero."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pptx import Presentation

import pumpxl
from pumpxl.cli import main
from pumpxl.core.errors import InputError
from pumpxl.core.narrative import reading_numbers
from pumpxl.core.present import Numbers, number_format, numbers_for
from pumpxl.core.table import xmr_table

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:E[+-]\d+)?")


def shown_value(text: str) -> tuple[float, float]:
    """A number as written, and half a unit of its last digit shown."""
    t = text.replace(",", "")
    mantissa, _, exp = t.partition("E")
    places = len(mantissa.split(".")[1]) if "." in mantissa else 0
    unit = Decimal(1).scaleb(-places + (int(exp) if exp else 0))
    return float(Decimal(t)), float(unit / 2)


def agrees(text: str, value: float) -> bool:
    """Whether ``text`` is ``value`` to the digits shown (rounding and the float's own last
    bits aside)."""
    shown, half = shown_value(text)
    return abs(shown - value) <= half * (1 + 1e-9) + abs(value) * 1e-14


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [
        (50.25, Numbers(1), "50.3"),  # half away from zero, as Excel shows it
        (-50.25, Numbers(1), "-50.3"),
        (2.5, Numbers(0), "3"),
        (0.125, Numbers(2), "0.13"),
        (-0.04, Numbers(1), "0.0"),  # no "-0.0"
        (1234567.891, Numbers(2), "1,234,567.89"),
        (1.25e-300, Numbers(0, 1), "1.3E-300"),
        (9.5e15, Numbers(0, 3), "9.500E+15"),
        (float("inf"), Numbers(2), "-"),
        (None, Numbers(2), "-"),
    ],
    ids=lambda v: str(v),
)
def test_numbers_are_written_as_excel_would(value: float | None, style: Numbers, text: str) -> None:
    assert style.text(value) == text


@pytest.mark.parametrize(
    ("values", "spread", "style", "value_text", "excel"),
    [
        ([99.56, 99.61, 99.58], 0.03, Numbers(3, None, 2), "99.56", "#,##0.000"),  # not 99.560
        ([72.1, 75.3], 3.1, Numbers(1, None, 1), "72.1", "#,##0.0"),
        ([5, 7, 9], 2.0, Numbers(1, None, 0), "5", "#,##0.0"),  # a count is "5"
        ([0.0] * 5, 0.0, Numbers(0, None, 0), "0", "#,##0"),
        ([1e-300, 2e-300, 1.5e-300], 6.2e-301, Numbers(302, 2, 301, 1), "1.0E-300", "0.00E+00"),
        ([9.5e15 + 1000 * i for i in range(5)], 1000.0, Numbers(0, 13, 0, 12),
         "9.500000000000E+15", "0.0000000000000E+00"),
    ],
    ids=["fine decimals", "one decimal", "counts", "no variation", "1e-300", "9.5e15"],
)  # fmt: skip
def test_a_measure_s_style_follows_its_data(
    values: list[float], spread: float, style: Numbers, value_text: str, excel: str
) -> None:
    got = numbers_for(values, spread)
    assert got == style
    assert got.value(values[0]) == value_text
    assert got.excel() == excel


magnitudes = st.integers(min_value=-300, max_value=300)
shapes = st.lists(st.floats(min_value=-9.0, max_value=9.0, allow_nan=False), min_size=6,
                  max_size=30)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(power=magnitudes, shape=shapes, offset=st.floats(min_value=-5, max_value=5))
def test_every_output_is_finite_and_agrees_with_the_engine(
    power: int, shape: list[float], offset: float
) -> None:
    """At any magnitude from 1e-300 to 1e300: the chart's numbers are finite, every number
    the reading writes reads back as the engine's value to the digits shown, and the words
    hold numbers, never "inf", "nan" or a run of zeros standing for a value."""
    scale = 10.0**power
    values = [(offset + v) * scale for v in shape]
    r = pumpxl.xmr(values, direction="up", target=offset * scale)
    assert all(math.isfinite(v) for v in (r.central_line, r.unpl, r.lnpl, r.url, r.mr_bar))
    rd = pumpxl.read(r)
    style = reading_numbers(rd)
    for v in (r.central_line, r.unpl, r.lnpl):
        text = style.text(v)
        assert NUMBER.fullmatch(text), text
        assert agrees(text, v), (text, v)
        if v and not style.scientific:
            assert float(text.replace(",", "")) != 0 or abs(v) < 10**-style.decimals
    words = pumpxl.describe(rd) + " " + pumpxl.status_line(rd)
    assert words.strip()
    assert not re.search(r"\binf\b|\bnan\b|0\.0000000", words, re.I), words
    table = xmr_table(r, rd)
    for col in table.numbers():
        assert not np.isinf(col).any()


@settings(max_examples=60, deadline=None)
@given(value=st.floats(min_value=-1e300, max_value=1e300, allow_nan=False), n=st.integers(6, 20))
def test_a_series_that_never_varies_is_told_so_with_no_limits(value: float, n: int) -> None:
    r = pumpxl.xmr([value] * n, direction="down", target=value + 1)
    rd = pumpxl.read(r)
    assert rd.no_variation
    status, text = pumpxl.status_line(rd), pumpxl.describe(rd)
    assert status.startswith("No variation: every value is ")
    shown = status.rsplit(" ", 1)[1]
    assert agrees(shown, value), (shown, value)
    assert "no limits to judge" in text and not re.search(r"\d to -?\d", text)  # no limits


def test_limits_beyond_the_float_maximum_are_refused_with_the_place() -> None:
    with pytest.raises(InputError, match=r"values: they reach 1\.000E\+308 .* larger unit"):
        pumpxl.xmr([1e308, -1e308] * 4)
    with pytest.raises(InputError, match=r"values in phase 2: they reach"):
        pumpxl.xmr([1.0, 2.0, 1.5, 1.2, 1e308, -1e308, 1e308, -1e308], phases=[4])


def test_pumpxl_xmr_writes_numbers_at_the_edges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = {
        "tiny.csv": "\n".join(["Concentration"] + [f"{v}e-300" for v in (1, 2, 1.5, 1.2, 1.8, 1.1)]),
        "zero.csv": "\n".join(["Defects"] + ["0"] * 8),
        "huge.csv": "\n".join(["Load"] + ["1e308", "-1e308"] * 4),
        "big.csv": "\n".join(["Count"] + [str(9_498_238_731_343_078 + 1000 * i) for i in range(8)]),
    }  # fmt: skip
    out: dict[str, tuple[int, str]] = {}
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text + "\n")
        code = main(["xmr", str(path)])
        got = capsys.readouterr()
        out[name] = (code, got.out + got.err)
    code, tiny = out["tiny.csv"]
    assert code == 0 and "around 1.43E-300 (limits -2.16E-301 to 3.08E-300)" in tiny
    assert "0.000000" not in tiny
    code, zero = out["zero.csv"]
    assert code == 0 and "No variation: every value is 0" in zero
    code, huge = out["huge.csv"]
    assert code != 0 and "values: they reach 1.000E+308" in huge and len(huge) < 400
    code, big = out["big.csv"]
    assert code == 0 and "9.4982387313" in big and "E+15" in big
    assert max(len(line) for line in big.splitlines() if "," not in line) < 200


def test_a_deck_at_the_edges_shows_numbers_not_zeros(tmp_path: Path) -> None:
    csv = tmp_path / "edges.csv"
    rows = ["Period,Concentration,Defects in audit,Bytes stored"]
    for m in range(12):
        tiny = (1 + (m * 7 % 5) / 10) * 1e-300
        big = 9_498_238_731_343_078 + 1000 * (m * 3 % 7)
        rows.append(f"2024-{m + 1:02d}-01,{tiny!r},0,{big}")
    csv.write_text("\n".join(rows) + "\n")
    assert main(["report", str(csv), "--plain", "wide", "-o", str(tmp_path / "out")]) == 0
    (deck,) = sorted((tmp_path / "out").glob("*.pptx"))
    text = "\n".join(
        sh.text_frame.text if sh.has_text_frame else "\n".join(c.text for c in sh.table.iter_cells())
        for slide in Presentation(str(deck)).slides
        for sh in slide.shapes
        if sh.has_text_frame or getattr(sh, "has_table", False)
    )
    assert "0.000000" not in text and "inf" not in text.split()
    assert "E-300" in text and "E+15" in text
    assert "No variation: every value is 0" in text
    assert not re.search(r"\d{4,}[,.]?\d*\s*/", text)  # no number broken across lines
    assert number_format(50.25, 1) == "50.3"


def test_the_calc_workbook_writes_numbers_at_the_edges(tmp_path: Path) -> None:
    """The calc workbook's cells carry the measure's number format (scientific at the
    edges), and LibreOffice prints every number, none as ### or 0.000000."""
    import subprocess

    import openpyxl
    from libre import convert

    csv = tmp_path / "edge.csv"
    rows = ["Period,Concentration,Bytes"]
    for m in range(1, 13):
        rows.append(f"2024-{m:02d}-01,1.{m % 5}e-300,{9_498_238_731_343_078 + m * 1000}")
    csv.write_text("\n".join(rows) + "\n")
    out = tmp_path / "edge.xlsx"
    assert main(["calc", str(csv), "-o", str(out)]) == 0
    ws = openpyxl.load_workbook(out)["Summary"]
    formats = {ws.cell(r, 1).value: ws.cell(r, 5).number_format for r in (5, 6)}
    assert formats == {"Concentration": "0.00E+00", "Bytes": "0.0000000000000E+00"}
    pdf = convert(out, tmp_path, "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "###" not in text and "0.000000" not in text
    assert "1.19E-300" in text and "9.4982387313" in text
