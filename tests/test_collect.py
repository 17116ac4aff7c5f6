"""pumpxl collect: the words owners confirmed or wrote in decks go back to the workbook's
Commentary sheet, and nothing else in the workbook changes.

Decks are built by pumpxl, edited with python-pptx the ways people edit them (a DRAFT label
deleted, an answer rewritten, boxes deleted, who and by when written) and re-saved by
LibreOffice. Workbooks are reopened (openpyxl, LibreOffice, pumpxl check and report) and read
as a person would: cell values, dates as dates, text as text; every other part of the package
is compared byte for byte."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import subprocess
import tracemalloc
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import python_calamine as pc
from faults import lying_member
from libre import convert
from pptx import Presentation

from pumpxl.cli import main
from pumpxl.core.collect import (
    EXCEL_CELL_LIMIT,
    Answer,
    PageWords,
    SheetRow,
    SheetRows,
    plan_commentary,
)
from pumpxl.core.example import example_model
from pumpxl.report.build import deck_filename
from pumpxl.report.collect import parse_due, split_action
from pumpxl.report.deckzip import open_deck
from pumpxl.report.marks import marked_shapes, shape_text, slide_mark
from pumpxl.workbook.sheet_xml import SheetXml
from pumpxl.workbook.template import write_pump_workbook

EXAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "pumpxl-example.xlsx"
AUDIENCE = "IT management"
DEC_2025 = dt.date(2025, 12, 1)
WHY_M04 = "The new triage script sends more calls to second line.\nWe saw it from March."
FORMULA_LIKE = "=SUM(A1) is what the board asked for: extend the knowledge base."
ACTION_M09 = "Keep the fast track for standard changes.\nWho: Mark Lee\nBy when: 30 Apr 2026"
BODIES = ("happening", "why", "action")


# ----------------------------------------------------------------------------------- helpers


def delete(shape: Any) -> None:
    shape._element.getparent().remove(shape._element)


def answer_boxes(deck: Path) -> dict[str, dict[str, Any]]:
    """Per measure id: its first page's marker fields, draft label presence and answers."""
    out: dict[str, dict[str, Any]] = {}
    for slide in Presentation(str(deck)).slides:
        page = slide_mark(slide)
        if page is None or page.slide != f"measure:{page.get('m')}":
            continue
        found: dict[str, Any] = {"draft": False, "d": page.get("d")}
        for shape, mark in marked_shapes(slide):
            if mark.role in BODIES:
                found[mark.role] = shape_text(shape)
            found["draft"] |= mark.role == "draft"
        out[page.get("m")] = found
    return out


def edit_deck(src: Path, dst: Path) -> None:
    """The edits people make, page by page (the example's IT management deck):
    M01 DRAFT label deleted (the three drafts confirmed); M04 Why rewritten, label kept;
    M06 the three answer boxes deleted; M03 (the workbook's words) action rewritten into
    text that looks like a formula, its Who and By when lines kept; M09 action rewritten
    with Who and By when lines, label kept; every other drafted page untouched."""
    prs = Presentation(str(src))
    for slide in prs.slides:
        page = slide_mark(slide)
        if page is None or not page.get("m"):
            continue
        mid = page.get("m")
        for shape, mark in list(marked_shapes(slide)):
            if mid == "M01" and mark.role == "draft":
                delete(shape)
            elif mid == "M04" and mark.role == "why":
                shape.text_frame.text = WHY_M04
            elif mid == "M06" and mark.role in BODIES:
                delete(shape)
            elif mid == "M03" and mark.role == "action":
                first = shape.text_frame.paragraphs[0]
                first.runs[0].text = FORMULA_LIKE
                for run in first.runs[1:]:
                    run._r.getparent().remove(run._r)
            elif mid == "M09" and mark.role == "action":
                shape.text_frame.text = ACTION_M09
    prs.save(str(dst))


def part_of(book: Path, sheet: str) -> str:
    """The package part of a sheet, from the workbook part and its relationships."""
    with zipfile.ZipFile(book) as z:
        xml = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="([^"]+)"', xml)
    assert rid is not None
    target = re.search(rf'Id="{rid[1]}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid[1]}"', rels
    )
    assert target is not None
    return "xl/" + target[1].lstrip("/").removeprefix("xl/")


def changed_members(before: Path, after: Path) -> set[str]:
    """Package members whose bytes differ (or that only one side has); the order of the
    members they share must be the same."""
    with zipfile.ZipFile(before) as a, zipfile.ZipFile(after) as b:
        names_a, names_b = a.namelist(), b.namelist()
        shared = [n for n in names_b if n in names_a]
        assert shared == [n for n in names_a if n in names_b]
        return {n for n in shared if a.read(n) != b.read(n)} | (set(names_a) ^ set(names_b))


def commentary(book: Path) -> dict[int, dict[str, Any]]:
    """The Commentary sheet's rows by Excel row number: header -> openpyxl cell."""
    ws = openpyxl.load_workbook(book)["Commentary"]
    head = [c.value for c in ws[1]]
    return {
        row[0].row: dict(zip(head, row, strict=False))
        for row in ws.iter_rows(min_row=2)
        if any(c.value is not None for c in row)
    }


def text_of(cell: Any) -> str:
    assert cell.data_type == "s", f"{cell.coordinate} is not text: {cell.value!r}"
    return str(cell.value)


def date_of(cell: Any) -> dt.date:
    assert cell.is_date, f"{cell.coordinate} is not a date cell: {cell.number_format}"
    return cell.value.date()


def to_xlsm(xlsx: Path, xlsm: Path) -> None:
    """A macro-enabled copy of a workbook, as Excel saves one after xlwings' *Import
    Functions*: a real VBA project part (xlwings' own quickstart workbook's) and the
    macro-enabled content type."""
    spec = importlib.util.find_spec("xlwings")
    assert spec is not None and spec.origin is not None
    with zipfile.ZipFile(Path(spec.origin).parent / "quickstart.xlsm") as q:
        vba = q.read("xl/vbaProject.bin")
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b"<Default ",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
                    b'vbaProject"/><Default ',
                    1,
                )
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                    b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            out.writestr(item, data)
        out.writestr("xl/vbaProject.bin", vba)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    said = capsys.readouterr()
    assert "Traceback" not in said.out + said.err
    return code, said.out, said.err


# ----------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's IT management deck as built, edited with python-pptx, and the edited
    deck re-saved by LibreOffice."""
    work = tmp_path_factory.mktemp("decks")
    assert main(["report", str(EXAMPLE), "-o", str(work / "built"), "--audience", AUDIENCE]) == 0
    built = work / "built" / deck_filename(AUDIENCE)
    edited = work / "edited.pptx"
    edit_deck(built, edited)
    return {"built": built, "edited": edited}


@pytest.fixture(scope="module")
def resaved(decks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert(decks["edited"], tmp_path_factory.mktemp("lo-deck"), "pptx")


@pytest.fixture(scope="module")
def collected(resaved: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The shipped example with the LibreOffice-saved deck collected into a new workbook."""
    work = tmp_path_factory.mktemp("collected")
    book = work / "example.xlsx"
    shutil.copy(EXAMPLE, book)
    out = work / "collected.xlsx"
    code = main(["collect", str(book), str(resaved), "-o", str(out)])
    return {"code": code, "book": book, "out": out, "work": work}


# ---------------------------------------------------------------------------- the round trip


@pytest.mark.slow  # LibreOffice, or the whole fault corpus: CI's second step
def test_marks_and_edits_survive_the_libreoffice_resave(resaved: Path, decks: dict) -> None:
    seen = answer_boxes(resaved)
    assert seen["M01"]["d"] == "1" and not seen["M01"]["draft"]
    assert seen["M04"]["why"] == WHY_M04 and seen["M04"]["draft"]
    assert not {"happening", "why", "action"} & set(seen["M06"])
    assert answer_boxes(decks["built"])["M01"]["draft"]  # the label was there


def test_collect_writes_confirmed_and_edited_words_as_new_rows(
    collected: dict[str, Any], decks: dict[str, Path]
) -> None:
    assert collected["code"] == 0
    built = answer_boxes(decks["built"])
    rows = commentary(collected["out"])
    assert len(rows) == 9  # the example's six rows and three new ones
    m01, m04, m09 = rows[8], rows[9], rows[10]
    assert text_of(m01["Measure"]) == "M01" and date_of(m01["Period"]) == DEC_2025
    for header, role in [
        ("What is happening", "happening"),
        ("Why", "why"),
        ("What we are doing", "action"),
    ]:
        assert text_of(m01[header]) == built["M01"][role]  # the words the owner confirmed
    assert m01["Who"].value is None and m01["By when"].value is None
    assert text_of(m04["Measure"]) == "M04" and text_of(m04["Why"]) == WHY_M04
    assert m04["What is happening"].value is None  # an untouched draft is not collected
    assert text_of(m09["What we are doing"]) == "Keep the fast track for standard changes."
    assert text_of(m09["Who"]) == "Mark Lee"
    assert date_of(m09["By when"]) == dt.date(2026, 4, 30)
    assert m09["By when"].number_format == rows[2]["By when"].number_format  # the sheet's own
    assert date_of(m04["Period"]) == DEC_2025
    # the workbook's words for M03 were not replaced without --replace
    assert text_of(rows[2]["What we are doing"]).startswith("Extend the knowledge base")
    sheet = openpyxl.load_workbook(collected["out"])["Commentary"]
    assert sheet.tables["CommentaryTable"].ref == "A1:G10"  # the Table grew with its rows
    assert "M06" not in {text_of(r["Measure"]) for r in rows.values()}  # boxes deleted


def test_nothing_else_in_the_workbook_changes(collected: dict[str, Any]) -> None:
    out, book = collected["out"], collected["book"]
    assert book.read_bytes() == EXAMPLE.read_bytes()  # the input is never modified
    with zipfile.ZipFile(out) as z:
        table = next(n for n in z.namelist() if b"CommentaryTable" in z.read(n))
    assert changed_members(EXAMPLE, out) == {part_of(EXAMPLE, "Commentary"), table}
    with zipfile.ZipFile(out) as z:
        sheet = z.read(part_of(out, "Commentary")).decode()
    assert "<f>" not in sheet and 't="inlineStr"' in sheet  # text, never formulas


def test_what_collect_says_per_measure(
    decks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["collect", str(EXAMPLE), str(decks["edited"])], capsys)  # no -o
    assert code == 0
    assert "M01 Productive hours lost to IT issues, Dec 2025 (edited.pptx slide " in out
    assert "new row 8 of Commentary" in out and "new row 10 of Commentary" in out
    assert 'Why (edited): "The new triage script sends more calls' in out
    assert "What is happening (confirmed)" in out
    assert 'held back, Commentary!E2 already holds "Extend the knowledge base' in out
    assert "its answer boxes were deleted: nothing collected" in out  # M06, reported
    assert "still has its DRAFT label" in out  # M04: the other two stay drafts
    assert re.search(r"Not collected, drafts nobody confirmed or edited \(\d+\):.*M16", out)
    assert "Nothing written: give -o NEW_WORKBOOK or --in-place" in out
    assert not list(tmp_path.iterdir())


def test_replace_takes_the_decks_words_and_shows_the_old(
    decks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "replaced.xlsx"
    code, said, _ = run(
        ["collect", str(EXAMPLE), str(decks["edited"]), "-o", str(out), "--replace"], capsys
    )
    assert code == 0
    assert "updates Commentary!E2" in said
    assert 'replaces Commentary!E2: "Extend the knowledge base to the top 20' in said
    row = commentary(out)[2]
    assert text_of(row["What we are doing"]) == FORMULA_LIKE  # text that looks like a formula
    assert text_of(row["Who"]) == "Aisha Khan"  # unchanged: the deck showed the same
    assert date_of(row["By when"]) == dt.date(2026, 3, 31)
    code, said, _ = run(["check", str(out)], capsys)
    assert code == 0, said


def test_check_and_report_read_the_owners_words(
    collected: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    out, work = collected["out"], collected["work"]
    code, said, _ = run(["check", str(out)], capsys)
    assert code == 0, said
    folder = work / "next"
    code, said, err = run(["report", str(out), "-o", str(folder), "--audience", AUDIENCE], capsys)
    assert code == 0, err
    nxt = answer_boxes(folder / deck_filename(AUDIENCE))
    confirmed = commentary(out)[8]
    assert not nxt["M01"]["draft"]
    assert nxt["M01"]["d"] == ""  # the page is the owner's words now, not a draft
    assert nxt["M01"]["why"] == text_of(confirmed["Why"])
    assert nxt["M04"]["why"] == WHY_M04 and not nxt["M04"]["draft"]
    assert nxt["M09"]["action"] == ACTION_M09  # who and by when shown as they were read
    assert nxt["M16"]["draft"]  # untouched drafts stay drafts
    # collecting the new deck again finds nothing new
    code, said, _ = run(["collect", str(out), str(folder / deck_filename(AUDIENCE))], capsys)
    assert code == 1 and "Nothing to collect" in said


@pytest.mark.slow  # LibreOffice, or the whole fault corpus: CI's second step
def test_libreoffice_opens_the_result(collected: dict[str, Any], decks: dict[str, Path]) -> None:
    resaved = convert(collected["out"], collected["work"], "xlsx")
    sheet = pc.CalamineWorkbook.from_path(str(resaved)).get_sheet_by_name("Commentary")
    rows = sheet.to_python()
    assert len(rows) == 10
    assert rows[7][:3] == ["M01", DEC_2025, answer_boxes(decks["built"])["M01"]["happening"]]
    assert rows[8][3] == WHY_M04
    assert rows[9][5:7] == ["Mark Lee", dt.date(2026, 4, 30)]  # a date cell, read as a date
    assert rows[1][4].startswith("Extend the knowledge base")


@pytest.mark.slow  # LibreOffice, or the whole fault corpus: CI's second step
def test_the_commentary_sheet_and_next_page_render(
    collected: dict[str, Any], tmp_path: Path
) -> None:
    """Rendered for a person to look at (LibreOffice -> PDF -> PNG): the Commentary sheet
    with the new rows, and the next deck's page showing the owner's words."""
    pdf = convert(collected["out"], tmp_path, "pdf")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    page = next(i for i, p in enumerate(pages, 1) if "Measure" in p and "M04" in p and "Why" in p)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(tmp_path / "commentary"),
        ],
        check=True,
        timeout=120,
    )
    from PIL import Image

    png = next(tmp_path.glob("commentary*.png"))
    assert np.asarray(Image.open(png).convert("L"), dtype=float).std() > 20
    assert "The new triage script sends more calls to second line." in pages[page - 1]


@pytest.mark.parametrize("kind", [".xlsx", pytest.param(".xlsm", marks=pytest.mark.slow)])
def test_round_trip_on_a_new_workbook_in_place(
    kind: str, resaved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = tmp_path / "made.xlsx"
    assert main(["new", str(made), "--example"]) == 0
    book = tmp_path / f"ours{kind}"
    if kind == ".xlsm":
        to_xlsm(made, book)
    else:
        shutil.copy(made, book)
    original = book.read_bytes()
    code, said, err = run(["collect", str(book), str(resaved), "--in-place"], capsys)
    assert code == 0, err
    backup = tmp_path / f"ours-backup{kind}"
    assert backup.read_bytes() == original and f"kept as {backup.name}" in said
    assert changed_members(backup, book) == {
        part_of(book, "Commentary"),
        "xl/tables/table7.xml",
    }  # vbaProject.bin and everything else byte for byte
    rows = commentary(book)
    assert text_of(rows[9]["Why"]) == WHY_M04 and date_of(rows[10]["By when"]).year == 2026
    assert run(["check", str(book)], capsys)[0] == 0
    if kind == ".xlsm":
        with zipfile.ZipFile(book) as z:
            assert "xl/vbaProject.bin" in z.namelist()
        again = convert(book, tmp_path, "xlsx")  # LibreOffice opens the macro workbook
        sheet = pc.CalamineWorkbook.from_path(str(again)).get_sheet_by_name("Commentary")
        assert sheet.to_python()[8][3] == WHY_M04
    code, said, _ = run(["collect", str(book), str(resaved), "--in-place"], capsys)
    assert code == 1 and not (tmp_path / f"ours-backup-2{kind}").exists()


def test_an_empty_commentary_table_gets_its_first_rows(
    decks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "fresh.xlsx"  # the template's empty Commentary table (A1:G2)
    write_pump_workbook(book, replace(example_model(), commentary=[]))
    out = tmp_path / "filled.xlsx"
    code, _, err = run(["collect", str(book), str(decks["edited"]), "-o", str(out)], capsys)
    assert code == 0, err
    rows = commentary(out)
    assert [text_of(r["Measure"]) for r in rows.values()] == ["M01", "M04", "M03", "M09"]
    assert list(rows) == [2, 3, 4, 5]
    assert text_of(rows[4]["What we are doing"]) == FORMULA_LIKE  # nothing to replace here
    assert rows[2]["Why"].alignment.wrap_text  # no row above to follow: plain wrapped text
    assert rows[2]["Period"].number_format == "yyyy-mm-dd"  # the column's date format
    assert date_of(rows[4]["By when"]) == dt.date(2026, 3, 31)
    assert openpyxl.load_workbook(out)["Commentary"].tables["CommentaryTable"].ref == "A1:G5"
    assert run(["check", str(out)], capsys)[0] == 0


# -------------------------------------------------------------------------------- bad input


def marks_renamed(src: Path, dst: Path, old: str, new: str) -> None:
    """A deck whose measure pages name other measure ids (a deck of another workbook)."""
    prs = Presentation(str(src))
    for slide in prs.slides:
        for shape, _ in list(marked_shapes(slide)):
            shape.name = shape.name.replace(f"m={old}", f"m={new}").replace(
                f"%3A{old}", f"%3A{new}"
            )
    prs.save(str(dst))


def test_a_deck_member_lying_about_its_size_is_refused_without_inflating_it(
    decks: dict[str, Path], tmp_path: Path
) -> None:
    """A deck given to collect whose page inflates to far more than the size the file
    declares for it: a problem, and never inflated past that size (zipfile's own reader,
    which python-pptx uses, inflates it whole first)."""
    deck = tmp_path / "lying.pptx"
    lying_member(next(iter(decks.values())), deck, "ppt/slides/slide2.xml", 64 << 20)
    tracemalloc.start()
    try:
        prs, problem = open_deck(deck)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert prs is None and problem is not None
    assert "not the size or content the file declares" in problem.message
    assert peak < 32 << 20


def test_a_deck_of_another_workbook_writes_nothing(
    decks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.pptx"
    marks_renamed(decks["edited"], other, "M", "Z")
    out = tmp_path / "out.xlsx"
    code, _, err = run(["collect", str(EXAMPLE), str(other), "-o", str(out)], capsys)
    assert code == 1 and not out.exists()
    assert "other.pptx: no measure of its pages (Z01, Z02" in err
    assert "built from another workbook" in err
    one = tmp_path / "one.pptx"  # one page of an unknown measure among known ones
    marks_renamed(decks["edited"], one, "M04", "Q99")
    code, _, err = run(["collect", str(EXAMPLE), str(one), "-o", str(out)], capsys)
    assert code == 1 and not out.exists()
    assert re.search(r"one\.pptx slide \d+: is the page of measure 'Q99'", err)


def test_every_problem_in_one_pass_and_nothing_written(
    decks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = tmp_path / "long.pptx"
    prs = Presentation(str(decks["edited"]))
    for slide in prs.slides:
        page = slide_mark(slide)
        for shape, mark in marked_shapes(slide):
            if page is not None and page.get("m") == "M01" and mark.role == "why":
                shape.text_frame.text = "x" * (EXCEL_CELL_LIMIT + 1)
            if page is not None and page.get("m") == "M09" and mark.role == "action":
                shape.text_frame.text = "Keep it.\nBy when: next Friday"
    prs.save(str(long))
    (tmp_path / "notes.pptx").write_text("not a deck")
    out = tmp_path / "out.xlsx"
    argv = [
        "collect",
        str(EXAMPLE),
        str(long),
        str(tmp_path / "notes.pptx"),
        str(tmp_path / "gone.pptx"),
        "-o",
        str(out),
    ]
    code, _, err = run(argv, capsys)
    assert code == 1 and not out.exists()
    assert "nothing written" in err
    assert re.search(
        r"long\.pptx slide \d+ \(measure \"Productive hours lost to IT issues\"\): "
        r"'Why' is 32,768 characters long, more than an Excel cell holds",
        err,
    )
    assert "By when: 'next Friday' is not a date" in err
    assert "notes.pptx: is not a .pptx deck" in err and "gone.pptx: no such file" in err


def test_two_decks_that_disagree(
    decks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "board-copy.pptx"
    prs = Presentation(str(decks["edited"]))
    for slide in prs.slides:
        page = slide_mark(slide)
        for shape, mark in marked_shapes(slide):
            if page is not None and page.get("m") == "M04" and mark.role == "why":
                shape.text_frame.text = "Something else entirely."
    prs.save(str(other))
    code, _, err = run(["collect", str(EXAMPLE), str(decks["edited"]), str(other)], capsys)
    assert code == 1
    assert re.search(
        r"edited\.pptx slide \d+ and board-copy\.pptx slide \d+ .*give different "
        r"words for 'Why'",
        err,
    )
    # the same words in two decks are one answer
    code, said, _ = run(
        ["collect", str(EXAMPLE), str(decks["edited"]), str(decks["edited"])], capsys
    )
    assert code == 0 and said.count("new row 9 of Commentary") == 1


def test_a_workbook_open_elsewhere_or_read_only(
    decks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "team.xlsx"
    shutil.copy(EXAMPLE, book)
    for lock in ("~$team.xlsx", ".~lock.team.xlsx#"):
        (tmp_path / lock).write_text("someone")
        argv = ["collect", str(book), str(decks["edited"]), str(tmp_path / "gone.pptx")]
        code, _, err = run([*argv, "--in-place"], capsys)
        assert code == 1 and f"team.xlsx: is open in Excel or LibreOffice ({lock}" in err
        assert "gone.pptx: no such file" in err  # reported together
        (tmp_path / lock).unlink()
    book.chmod(0o444)
    code, _, err = run(["collect", str(book), str(decks["edited"]), "--in-place"], capsys)
    assert code == 1 and "team.xlsx: is read-only" in err
    assert book.read_bytes() == EXAMPLE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team.xlsx"]  # no backup either
    out = tmp_path / "new.xlsx"  # a read-only workbook can still be collected into a new one
    assert run(["collect", str(book), str(decks["edited"]), "-o", str(out)], capsys)[0] == 0
    code, _, err = run(["collect", str(book), str(decks["edited"]), "-o", str(out)], capsys)
    assert code == 1 and "already exists; pass --force" in err
    code, _, err = run(
        ["collect", str(book), str(decks["edited"]), "-o", str(tmp_path / "new.xlsm")], capsys
    )
    assert code == 1 and "must keep the workbook's kind (.xlsx)" in err


def test_a_workbook_without_a_commentary_sheet(
    decks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = openpyxl.load_workbook(EXAMPLE)  # the user's workbook, saved by another program
    del wb["Commentary"]
    book = tmp_path / "bare.xlsx"
    wb.save(book)
    out = tmp_path / "out.xlsx"
    code, _, err = run(["collect", str(book), str(decks["edited"]), "-o", str(out)], capsys)
    assert code == 1 and "has no Commentary sheet" in err and "--add-sheet" in err
    assert not out.exists()
    argv = ["collect", str(book), str(decks["edited"]), "-o", str(out), "--add-sheet"]
    assert run(argv, capsys)[0] == 0
    added = part_of(out, "Commentary")
    assert changed_members(book, out) == {
        added,
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    rows = commentary(out)
    assert [text_of(r["Measure"]) for r in rows.values()] == ["M01", "M04", "M03", "M09"]
    assert date_of(rows[2]["Period"]) == DEC_2025
    assert run(["check", str(out)], capsys)[0] == 0


def test_a_formula_in_the_sheet_is_never_replaced(
    decks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "formula.xlsx"
    part = part_of(EXAMPLE, "Commentary")
    with zipfile.ZipFile(EXAMPLE) as src, zipfile.ZipFile(book, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:  # E2, the action, computed (with its saved result)
                data = re.sub(
                    rb'<c r="E2"([^>]*) t="s"><v>\d+</v></c>',
                    rb'<c r="E2"\1 t="str"><f>"Extend"&amp;" it"</f><v>Extend it</v></c>',
                    data,
                )
                assert b"<f>" in data
            out.writestr(item, data)
    out_path = tmp_path / "out.xlsx"
    argv = ["collect", str(book), str(decks["edited"]), "-o", str(out_path), "--replace"]
    code, said, _ = run(argv, capsys)
    assert code == 0 and "Commentary!E2 holds a formula; not replaced" in said
    with zipfile.ZipFile(out_path) as z:
        assert b'<f>"Extend"&amp;" it"</f>' in z.read(part)


# ------------------------------------------------------------------------------- the pieces


def page(field: str, value: Any, how: str = "edited", where: str = "d.pptx slide 3") -> PageWords:
    return PageWords("M1", DEC_2025, where, (Answer(field, value, how, where),))


SHEET = SheetRows(
    "Commentary",
    {"happening": "C", "why": "D", "action": "E", "who": "F", "due": "G"},
    (
        SheetRow(
            5,
            "M1",
            DEC_2025,
            {"why": "Old words", "happening": "", "due": None},
            frozenset({"action"}),
        ),
    ),
    9,
)


@pytest.mark.parametrize(
    ("pages", "replace_", "writes", "held", "same", "kept"),
    [
        ([page("happening", "New")], False, ["happening"], [], [], []),
        ([page("why", "Old words  ")], False, [], [], ["why"], []),
        ([page("why", "New words")], False, [], ["why"], [], []),
        ([page("why", "New words")], True, ["why"], [], [], []),
        ([page("action", "Anything")], True, [], [], [], ["action"]),
        ([page("due", dt.date(2026, 1, 31))], False, ["due"], [], [], []),
        ([page("why", "")], True, [], [], [], []),  # a blank never clears a cell
        (
            [page("why", "Mine", "confirmed"), page("why", "Theirs", "edited", "e.pptx slide 4")],
            True,
            ["why"],
            [],
            [],
            [],
        ),
    ],
    ids=[
        "fills-blank",
        "same-words",
        "held-back",
        "replaced",
        "formula-kept",
        "date",
        "blank-ignored",
        "edit-beats-confirmed",
    ],
)
def test_plan_rules(
    pages: list[PageWords],
    replace_: bool,
    writes: list[str],
    held: list[str],
    same: list[str],
    kept: list[str],
) -> None:
    plan = plan_commentary(pages, SHEET, replace=replace_)
    assert not plan.problems
    (row,) = plan.rows
    assert row.row == 5 and not row.new
    assert [c.field for c in row.writes] == writes
    assert [c.field for c in row.held] == held
    assert row.same == same and [c.field for c in row.kept] == kept


def test_plan_new_rows_take_the_next_free_rows_and_conflicts_are_problems() -> None:
    pages = [
        PageWords("M2", DEC_2025, "a", (Answer("why", "A", "edited", "a"),)),
        PageWords("M3", DEC_2025, "b", (Answer("why", "B", "edited", "b"),)),
        PageWords("M3", DEC_2025, "c", (Answer("why", "C", "edited", "c"),)),
    ]
    plan = plan_commentary(pages, SHEET)
    assert [(r.measure, r.row, r.new) for r in plan.rows] == [("M2", 9, True), ("M3", 10, True)]
    (problem,) = plan.problems
    assert problem.where == "b and c" and problem.code == "conflict"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Do it.\nWho: Sam\nBy when: 31 Mar 2026", ("Do it.", "Sam", "31 Mar 2026")),
        ("Do it.\nby when: 2026-03-31\nwho:  Sam ", ("Do it.", "Sam", "2026-03-31")),
        ("Do it.\nWho we call: the desk", ("Do it.\nWho we call: the desk", None, None)),
        ("Who: Sam", ("", "Sam", None)),
        ("Line one\nLine two", ("Line one\nLine two", None, None)),
    ],
)
def test_who_and_by_when_lines_are_read_back(text: str, expected: tuple) -> None:
    assert split_action(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31 Mar 2026", dt.date(2026, 3, 31)),
        ("1 March 2026", dt.date(2026, 3, 1)),
        ("March 31, 2026", dt.date(2026, 3, 31)),
        ("2026-03-31", dt.date(2026, 3, 31)),
        ("31 Feb 2026", None),
        ("03/04/2026", None),  # day and month could be either way
        ("next Friday", None),
    ],
)
def test_by_when_dates(text: str, expected: dt.date | None) -> None:
    assert parse_due(text) == expected


def test_sheet_xml_without_addresses_and_with_a_prefix() -> None:
    """Writers may leave out row and cell addresses, and may prefix the main namespace."""
    xml = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:dimension ref="A1:B2"/><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>a</x:t>'
        b"</x:is></x:c><x:c><x:v>1</x:v></x:c></x:row><x:row><x:c/><x:c><x:v>2</x:v></x:c>"
        b"</x:row></x:sheetData></x:worksheet>"
    )
    sheet = SheetXml(xml)
    assert sheet.has_value(2, 1) and not sheet.has_value(2, 0)
    sheet.set_text(2, 0, "=1+1")  # an existing cell: the row keeps its implied places
    sheet.set_text(1, 3, "d")  # a cell inserted: the row's cells get their addresses
    sheet.set_number(4, 2, 46000)
    sheet.fit_dimension()
    text = sheet.tobytes().decode()
    assert '<x:row r="2"><x:c t="inlineStr"><x:is><x:t>=1+1</x:t></x:is></x:c><x:c>' in text
    assert '<x:row r="1"><x:c t="inlineStr" r="A1">' in text and '<x:c r="B1">' in text
    assert '<x:c r="D1" t="inlineStr"><x:is><x:t>d</x:t></x:is></x:c></x:row>' in text
    assert '<x:row r="4"><x:c r="C4"><x:v>46000</x:v></x:c></x:row>' in text
    assert '<x:dimension ref="A1:D4"/>' in text and "xmlns:ns0" not in text
    again = SheetXml(sheet.tobytes())
    assert again.last_row_with_values(0, 2) == 4 and again.last_row_with_values(3, 3) == 1


@pytest.mark.slow  # LibreOffice, or the whole fault corpus: CI's second step
def test_malformed_workbooks_get_a_message_never_a_traceback(
    decks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every malformed workbook of tests/faults.py, and a Commentary part that declares
    entities: a message naming the file, exit 1, nothing written."""
    from faults import FAULTS, base_workbook

    base = base_workbook(tmp_path)
    cases = []
    for fault in FAULTS:
        if fault.options or fault.id == "million_rows":  # plain sheets; the slow one
            continue
        path = tmp_path / f"{fault.id}-{fault.name}"
        fault.build(base, path)
        cases.append(path)
    entities = tmp_path / "entities.xlsx"
    part = part_of(EXAMPLE, "Commentary")
    with zipfile.ZipFile(EXAMPLE) as src, zipfile.ZipFile(entities, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                data = data.replace(b"?>", b'?><!DOCTYPE worksheet [<!ENTITY e "x">]>', 1)
            out.writestr(item, data)
    cases.append(entities)
    assert len(cases) >= 30
    for path in cases:
        target = tmp_path / f"out-{path.stem}{path.suffix}"
        code, _, err = run(["collect", str(path), str(decks["edited"]), "-o", str(target)], capsys)
        assert code == 1, path.name
        assert path.name in err or path.stem in err, (path.name, err)
        assert not target.exists()
