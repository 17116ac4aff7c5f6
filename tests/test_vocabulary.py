"""One vocabulary (issue 23): the Measures sheet, xmr(), the Excel functions' cells and the
Initiatives sheet read a direction, an exclusion or a yes/no word the same way."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

import pumpxl
from pumpxl.core.vocabulary import DIRECTION_WORDS, YES_WORDS, parse_direction
from pumpxl.excel.cells import YES as EXCEL_YES
from pumpxl.workbook.data_sheet import YES as DATA_YES
from pumpxl.workbook.reader import read_workbook


def _measures_direction(path: Path, words: list[str]) -> None:
    """Write ``words`` into the Measures sheet's Direction column, one per measure row."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Measures"]
    head = [c.value for c in ws[1]]
    col = head.index("Direction") + 1
    for row, word in zip(range(2, ws.max_row + 1), words, strict=False):
        ws.cell(row, col).value = word
    wb.save(path)


WORDS = [("up", "up"), ("Higher", "up"), ("HIGHER IS BETTER", "up"), ("down", "down"),
         ("lower", "down"), ("Decrease", "down"), ("neutral", "neutral")]  # fmt: skip


@pytest.fixture(scope="module")
def read_words(example_xlsx: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One example workbook whose first measures' Direction cells hold each word, read once:
    word -> the direction its measure was read with."""
    path = tmp_path_factory.mktemp("words") / "book.xlsx"
    shutil.copy(example_xlsx, path)
    words = [w for w, _ in WORDS]
    _measures_direction(path, words)
    read = read_workbook(path)
    assert read.ok, [str(p) for p in read.problems][:3]
    measures = list(read.model.measures.values())[: len(words)]
    return {w: m.direction for w, m in zip(words, measures, strict=True)}


@pytest.mark.parametrize(("word", "direction"), WORDS)
def test_the_measures_sheet_reads_direction_words_as_xmr_does(
    read_words: dict[str, str], word: str, direction: str
) -> None:
    assert read_words[word] == direction == parse_direction(word)
    assert pumpxl.xmr([1, 2, 3, 2, 1, 2], direction=word).direction == direction


def test_an_unknown_direction_word_names_the_choices(example_xlsx: Path, tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(example_xlsx, path)
    _measures_direction(path, ["sideways"])
    read = read_workbook(path)
    (problem,) = [p for p in read.problems if "sideways" in str(p)]
    assert "Measures!" in str(problem)
    assert "Higher is better, Lower is better, Neutral (or Up, Down)" in str(problem)


def test_exclusion_words_are_one_set() -> None:
    assert DATA_YES == EXCEL_YES == set(YES_WORDS)
    assert {"up", "higher", "down", "lower"} <= set(DIRECTION_WORDS)
