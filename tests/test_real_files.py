"""Files from real users' machines (tests/real_files.py): each is read to the values its case
gives, or refused with the located message its case gives; no traceback either way. Whatever
``check`` accepts, ``calc``, ``report`` and ``gallery`` accept too."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from faults import FAULTS, Corpus
from pptx import Presentation
from real_files import CASES, Case, Cases, first

from pumpxl.cli import build_parser, main
from pumpxl.cli.commands import read_input


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Cases:
    """Each case's file, written when a test first reads it."""
    return Cases(tmp_path_factory.mktemp("real"))


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_file_is_read_right_or_refused_with_its_place(
    case: Case, files: Cases
) -> None:
    path = files[case.id]
    before = path.read_bytes()
    code, text = run("check", str(path), *case.options)
    assert "Traceback" not in text
    assert path.read_bytes() == before
    if case.refused is not None:
        assert code == 1, text
        assert case.refused in text, text
        return
    assert code == 0, text
    if case.notice:
        assert case.notice in text
    read = read_input(build_parser().parse_args(["check", str(path), *case.options]))
    for measure, expected in case.values.items():
        got = read.model.series[measure].values
        assert first(got, len(expected)) == pytest.approx(expected, rel=1e-12), measure
    for measure, iso in case.dates.items():
        got = [str(d)[:10] for d in read.model.series[measure].dates[: len(iso)]]
        assert got == iso, measure


def test_line_breaks_separate_audiences(files: Cases) -> None:
    read = read_input(build_parser().parse_args(["check", str(files["audiences_on_lines"])]))
    assert read.model.measures["M02"].audiences == ("Board", "IT management", "Customer forum")


def test_the_real_data_sheet_is_read_not_its_backup(files: Cases) -> None:
    read = read_input(build_parser().parse_args(["check", str(files["backup_data_sheet"])]))
    assert 1.0 not in read.model.series["M02"].values.tolist()


ACCEPTED = [c.id for c in CASES if c.refused is None and c.name.endswith(".xlsx")]


@pytest.mark.slow  # every accepted real file through calc, report and gallery
@pytest.mark.parametrize("case_id", ACCEPTED)
def test_what_check_accepts_every_command_accepts(
    case_id: str, files: Cases, tmp_path: Path
) -> None:
    path = str(files[case_id])
    for argv in (
        ["calc", path, "-o", str(tmp_path / "calc.xlsx")],
        ["report", path, "-o", str(tmp_path / "decks")],
        ["gallery", path, "-o", str(tmp_path / "gallery.pptx")],
    ):
        code, text = run(*argv)
        assert code == 0 and "Traceback" not in text, (argv[0], text)


@pytest.mark.slow  # the whole fault corpus through check and calc
def test_the_fault_corpus_has_no_file_that_only_check_accepts(
    fault_corpus: Corpus, tmp_path: Path
) -> None:
    small = [f for f in FAULTS if f.id not in {"million_rows", "zip_bomb", "xml_bomb"}]
    for fault in small:
        path = str(fault_corpus[fault.id])
        if run("check", path, *fault.options)[0] != 0:
            continue
        for argv in (["calc", path, "-o", str(tmp_path / f"{fault.id}.xlsx")],):
            code, text = run(*argv, *fault.options)
            assert code == 0 and "Traceback" not in text, (fault.id, text)


def test_a_measure_without_values_gets_a_slide_that_says_so(
    files: Cases, tmp_path: Path
) -> None:
    for case_id in ("no_values", "blank_values"):
        out = tmp_path / case_id
        assert run("report", str(files[case_id]), "-o", str(out), "--audience", "Board")[0] == 0
        prs = Presentation(str(out / "report-board.pptx"))
        slide = next(
            s for s in prs.slides if s.shapes.title and "availability" in s.shapes.title.text
        )
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        assert any(t.startswith("No values yet") for t in texts), texts
        assert not any(sh.has_chart for sh in slide.shapes)


def test_audiences_whose_names_share_a_file_name_get_their_own_decks(
    files: Cases, tmp_path: Path
) -> None:
    code, text = run("report", str(files["arabic_audiences"]), "-o", str(tmp_path))
    assert code == 0, text
    decks = sorted(p.name for p in tmp_path.glob("*.pptx"))
    assert "report-مجلس-الإدارة.pptx" in decks and "report-فريق-الخدمة.pptx" in decks
    assert len(decks) == 6
    for deck in decks:
        title = Presentation(str(tmp_path / deck)).slides[0]
        assert any("For " in sh.text_frame.text for sh in title.shapes if sh.has_text_frame)
