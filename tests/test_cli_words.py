"""The command line's words (issue 23): plurals, audiences named in any case with a "did you
mean", help without Python's choice syntax, the same verdicts from check and report on a
plain sheet, and calc refusing a workbook without values as report and gallery do."""

from __future__ import annotations

from pathlib import Path

import pytest

from pumpxl.cli import main


def test_plurals_and_audience_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "-o", str(tmp_path / "a"), "--audience", "board"]) == 0
    out = capsys.readouterr().out
    assert "Board, " in out and " 1 measures" not in out
    assert (tmp_path / "a" / "report-board.pptx").exists()
    assert main(["report", "-o", str(tmp_path / "b"), "--audience", "Bored"]) == 1
    err = capsys.readouterr().err
    assert "no audience 'Bored'; did you mean 'Board'?" in err
    csv = tmp_path / "one.csv"
    csv.write_text("Period,Defects\n" + "".join(f"2024-{m:02d}-01,{m % 3}\n" for m in range(1, 13)))
    assert main(["calc", str(csv), "-o", str(tmp_path / "one.xlsx")]) == 0
    assert ": 1 measure, " in capsys.readouterr().out


def test_help_names_the_decimal_separators(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = capsys.readouterr().out
    assert "{,,.}" not in text and "--decimal SEPARATOR" in text


def test_check_and_report_agree_on_a_plain_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "plain.csv"
    csv.write_text("Period,Returns\n" + "".join(f"2024-{m:02d}-01,{3 + m % 2}\n" for m in range(1, 13)))
    assert main(["check", str(csv), "--plain", "wide"]) == 0
    assert "goes to no audience" not in capsys.readouterr().out
    assert main(["report", str(csv), "--plain", "wide", "-o", str(tmp_path / "r")]) == 0
    assert "All measures, 1 measure" in capsys.readouterr().out


def test_calc_refuses_a_workbook_without_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.xlsx"
    assert main(["new", str(empty)]) == 0
    for command in (["calc", str(empty), "-o", str(tmp_path / "x.xlsx")],
                    ["report", str(empty), "-o", str(tmp_path / "r")]):  # fmt: skip
        assert main(command) == 1
        assert "no values yet" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
