"""``pumpxl refresh`` keeps a person's formatting of pumpxl's shapes (a box filled, words made
bold or coloured, a title recoloured) on this month's words, month after month, and says so;
formatting that cannot follow this month's words is said lost, never dropped unsaid
(issue: the monthly cycle, part 1: "any formatting people applied stay")."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import test_refresh
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from test_refresh import refreshed_to

from pumpxl.report.looks import SHAPE, WORDS, cell_looks, element_look, look_changed, read_look
from pumpxl.report.marks import marked_shapes, marker_element, marker_manifest, slide_mark
from pumpxl.report.shapexml import cell_digest, element_text, table_cells, tree_digest
from pumpxl.report.table_merge import persons_cells, persons_looks, put_cells, put_looks
from pumpxl.report.wear import NAMES, wear

#: May's and June's council workbooks, May's deck and a fresh build of June's (the refresh
#: tests' fixture)
books = test_refresh.books
YELLOW, RED, GREEN, DARK_RED = "FFF200", "C00000", "00B050", "990000"


def _shapes(prs: Any) -> dict[tuple[str, str], Any]:
    """Every shape pumpxl marked, by its page's key and its role."""
    return {(m.slide, m.role): s for slide in prs.slides if slide_mark(slide) is not None
            for s, m in marked_shapes(slide)}  # fmt: skip


def _runs(shape: Any) -> list[Any]:
    return [r for p in shape.text_frame.paragraphs for r in p.runs if r.text]


def _colour(font: Any) -> str | None:
    fill = font.fill
    return str(fill.fore_color.rgb) if fill.type == 1 else None  # (1: solid)


def _format(deck: Path, out: Path) -> None:
    """A person's formatting: C1's state line filled yellow, the words of its "What is
    happening" bold and red, a Results Map box filled green, C2's title dark red."""
    prs = Presentation(str(deck))
    shapes = _shapes(prs)
    state = shapes[("measure:C1", "status")]
    state.fill.solid()
    state.fill.fore_color.rgb = RGBColor.from_string(YELLOW)
    for run in _runs(shapes[("measure:C1", "happening")]):
        run.font.bold = True
        run.font.color.rgb = RGBColor.from_string(RED)
    box = shapes[("map", "Result R2#1")]
    box.fill.solid()
    box.fill.fore_color.rgb = RGBColor.from_string(GREEN)
    for run in _runs(shapes[("measure:C2", "title")]):
        run.font.color.rgb = RGBColor.from_string(DARK_RED)
    prs.save(str(out))


def test_a_persons_formatting_stays_on_this_months_words_month_after_month(
    books: dict[str, Path], tmp_path: Path
) -> None:
    formatted = tmp_path / "formatted.pptx"
    _format(books["deck"], formatted)
    june = tmp_path / "june.pptx"
    said = refreshed_to(formatted, books["june"], june)
    fresh = _shapes(Presentation(str(books["fresh"])))
    for month, deck in (("june", june), ("again", tmp_path / "again.pptx")):
        if month == "again":  # the refreshed deck refreshed again: still theirs
            said = refreshed_to(june, books["june"], deck)
        got = _shapes(Presentation(str(deck)))
        for key in (("measure:C1", "status"), ("measure:C1", "happening"),
                    ("map", "Result R2#1"), ("measure:C2", "title")):  # fmt: skip
            assert got[key].text_frame.text == fresh[key].text_frame.text, (month, key)
        assert str(got[("measure:C1", "status")].fill.fore_color.rgb) == YELLOW
        assert str(got[("map", "Result R2#1")].fill.fore_color.rgb) == GREEN
        happening = _runs(got[("measure:C1", "happening")])
        assert happening and all(r.font.bold and _colour(r.font) == RED for r in happening)
        assert {_colour(r.font) for r in _runs(got[("measure:C2", "title")])} == {DARK_RED}
        # what nobody formatted is as June's fresh build writes it
        why = got[("measure:C1", "why")]
        assert element_look(why._element) == element_look(fresh[("measure:C1", "why")]._element)
        assert "the state line: your formatting (fill) on this month's words" in said
        assert "What is happening: your formatting (bold, text colour) on this" in said
        assert "Result R2: your formatting (fill)" in said
        assert "the title: your formatting (text colour)" in said


def _box(prs: Any, words: list[str], colour: str) -> Any:
    """A text box of pumpxl's look: one paragraph per line, each run of ``colour``."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(0, 0, 3_000_000, 1_000_000)
    box.text_frame.text = words[0]
    for line in words[1:]:
        box.text_frame.add_paragraph().text = line
    for run in _runs(box):
        run.font.size = 1_400 * 127  # 14 pt
        run.font.bold = False
        run.font.color.rgb = RGBColor.from_string(colour)
    return box


def test_what_the_person_changed_is_told_from_what_this_months_data_changed() -> None:
    prs = Presentation()
    may = _box(prs, ["Concern: above the upper limit"], RED)  # pumpxl's, last month
    recorded = element_look(may._element)
    for run in _runs(may):  # the person made it bold
        run.font.bold = True
    assert look_changed(may._element, recorded)
    june = _box(prs, ["Improvement: step down since March"], GREEN)  # pumpxl's colour changed
    worn = wear(june._element, may._element, recorded)
    assert worn.carried == ["b"] and not worn.lost
    assert all(r.font.bold and _colour(r.font) == GREEN for r in _runs(june))
    # a person who recoloured it when pumpxl's colour changed too: their colour, as they chose
    may2 = _box(prs, ["Concern: above the upper limit"], RED)
    recorded2 = element_look(may2._element)
    for run in _runs(may2):
        run.font.color.rgb = RGBColor.from_string("000000")
    june2 = _box(prs, ["Improvement: step down since March"], GREEN)
    assert wear(june2._element, may2._element, recorded2).carried == ["colour"]
    assert {_colour(r.font) for r in _runs(june2)} == {"000000"}


def test_formatting_of_some_words_follows_the_same_words_else_is_said_lost() -> None:
    prs = Presentation()
    may = _box(prs, ["No signals: the process runs predictably"], "262626")
    recorded = element_look(may._element)
    paragraph = may.text_frame.paragraphs[0]
    run = paragraph.runs[0]  # the person made "No signals" bold, the rest as it was
    rest = copy.deepcopy(run._r)
    run.text, rest.find("{*}t").text = "No signals", ": the process runs predictably"
    run._r.addnext(rest)
    run.font.bold = True
    assert element_text(may._element) == "No signals: the process runs predictably"
    same = _box(prs, ["No signals: the process runs predictably"], "262626")
    for r in _runs(same):  # (this month's size, fitted to another layout: pumpxl's)
        r.font.size = 1_100 * 127
    worn = wear(same._element, may._element, recorded)
    assert worn.whole and worn.carried == ["b"] and not worn.lost
    assert [(r.text, bool(r.font.bold), r.font.size) for r in _runs(same)] == [
        ("No signals", True, 1_100 * 127), (": the process runs predictably", False, 1_100 * 127)]
    other = _box(prs, ["A run of eight below the centre line"], "262626")
    worn = wear(other._element, may._element, recorded)
    assert worn.lost == ["No signals"] and not worn.whole and not worn.carried
    assert not any(r.font.bold for r in _runs(other))  # pumpxl's look, and said so


def test_a_box_whose_shape_a_person_formatted_keeps_it_and_this_months_fill_otherwise() -> None:
    prs = Presentation()
    may = _box(prs, ["R2"], "262626")
    may.fill.solid()
    may.fill.fore_color.rgb = RGBColor.from_string("D9D9D9")  # pumpxl's fill last month
    recorded = element_look(may._element)
    may.line.color.rgb = RGBColor.from_string("0070C0")  # the person's outline
    may.line.width = 38_100
    june = _box(prs, ["R2"], "262626")
    june.fill.solid()
    june.fill.fore_color.rgb = RGBColor.from_string("FDE9D9")  # pumpxl's fill this month
    worn = wear(june._element, may._element, recorded)
    assert worn.carried == ["outline"]
    assert str(june.fill.fore_color.rgb) == "FDE9D9"
    assert str(june.line.color.rgb) == "0070C0" and june.line.width == 38_100


def test_a_copy_a_person_pasted_and_formatted_takes_this_months_words_in_their_look(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """C3's state line pasted onto C1's page (as PowerPoint pastes it: name and mark kept)
    and filled yellow there: in June it holds C3's June state line, still yellow."""
    prs = Presentation(str(books["deck"]))
    shapes = _shapes(prs)
    c1 = next(s for s in prs.slides if (m := slide_mark(s)) and m.slide == "measure:C1")
    pasted = copy.deepcopy(shapes[("measure:C3", "status")]._element)
    next(pasted.iter("{*}cNvPr")).set("id", str(c1.shapes._next_shape_id))
    c1.shapes._spTree.append(pasted)
    copied = c1.shapes[-1]
    copied.top += 300_000
    copied.fill.solid()
    copied.fill.fore_color.rgb = RGBColor.from_string(YELLOW)
    prs.save(str(tmp_path / "pasted.pptx"))
    said = refreshed_to(tmp_path / "pasted.pptx", books["june"], tmp_path / "june.pptx")
    got = Presentation(str(tmp_path / "june.pptx"))
    page = next(s for s in got.slides if (m := slide_mark(s)) and m.slide == "measure:C1")
    copies = [s for s, m in marked_shapes(page) if m.slide == "measure:C3"]
    fresh = _shapes(Presentation(str(books["fresh"])))
    assert len(copies) == 1 and copies[0].text_frame.text == (
        fresh[("measure:C3", "status")].text_frame.text)  # fmt: skip
    assert str(copies[0].fill.fore_color.rgb) == YELLOW
    assert "your copy of the state line from 'Missed bin collections': your formatting (fill)" in (
        said)  # fmt: skip


def test_a_look_reads_the_same_whatever_the_prefixes_and_runs_it_is_written_with() -> None:
    """What one sees is what counts: the same shape written with other prefixes, its runs
    split, its defaults written out and its colours in lower case looks the same; bold on
    one word, a fill or a thicker outline does not."""
    prs = Presentation()
    box = _box(prs, ["On track: within the limits"], "1F6FB5")
    box.fill.solid()
    box.fill.fore_color.rgb = RGBColor.from_string("F2F2F2")
    ours = element_look(box._element)
    xml = etree.tostring(box._element, encoding="unicode")
    other = (xml.replace("<a:", "<d:").replace("</a:", "</d:").replace("xmlns:a=", "xmlns:d=")
             .replace("1F6FB5", "1f6fb5").replace('b="0"', 'b="0" strike="noStrike"'))
    assert element_look(etree.fromstring(other)) == ours
    split = copy.deepcopy(box._element)
    run = split.find(".//{*}r")
    half = copy.deepcopy(run)
    run.find("{*}t").text, half.find("{*}t").text = "On track: ", "within the limits"
    run.addnext(half)
    assert element_text(split) == element_text(box._element)
    assert element_look(split) == ours
    run.find("{*}rPr").set("b", "1")
    assert element_look(split) != ours
    box.line.width = 25_400
    box.line.color.rgb = RGBColor.from_string("BFBFBF")
    assert element_look(box._element) != ours


def test_a_page_read_back_as_written_is_known_by_one_digest(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """Every page's record holds the digest of its shapes as written (``b``): a deck saved
    again by python-pptx gives each page's again, so its shapes need no reading one by one;
    a page one shape of which a person formatted does not."""
    prs = Presentation(str(books["deck"]))
    prs.save(str(tmp_path / "again.pptx"))
    again = Presentation(str(tmp_path / "again.pptx"))
    records = 0
    for slide in again.slides:
        found = marker_element(slide)
        if found is None:
            continue
        records += 1
        assert tree_digest(slide.shapes._spTree, found[0]) == marker_manifest(found[0])["b"]
    assert records == len(again.slides)
    formatted = tmp_path / "formatted.pptx"
    _format(books["deck"], formatted)
    for slide in Presentation(str(formatted)).slides:
        found = marker_element(slide)
        key = slide_mark(slide).slide  # type: ignore[union-attr]
        same = tree_digest(slide.shapes._spTree, found[0]) == marker_manifest(found[0])["b"]
        assert same == (key not in ("measure:C1", "measure:C2", "map")), key


def test_every_feature_a_look_records_has_a_name_a_person_knows() -> None:
    assert set(NAMES) == set(SHAPE) | set(WORDS)


def _two_runs(prs: Any, first: str, rest: str, colour: str, size: int) -> Any:
    """A box of pumpxl's look with a bold lead-in (``first``) and the ``rest`` plain."""
    box = _box(prs, [first], colour)
    run = box.text_frame.paragraphs[0].runs[0]
    other = copy.deepcopy(run._r)
    other.find("{*}t").text = rest
    run._r.addnext(other)
    for k, r in enumerate(_runs(box)):
        r.font.bold = k == 0
        r.font.size = size * 127
    return box


def test_only_the_features_a_person_changed_are_carried_even_where_pumpxls_changed_too() -> None:
    prs = Presentation()
    # pumpxl's state line: a bold lead-in, 13 pt, red; the person makes all of it dark blue
    may = _two_runs(prs, "Concern: ", "above the upper limit", RED, 1_300)
    recorded = element_look(may._element)
    for run in _runs(may):
        run.font.color.rgb = RGBColor.from_string("1F3864")
    # June: pumpxl's colour (green) and size (12 pt, fitted to longer words) both changed
    june = _two_runs(prs, "Improvement: ", "step down since March, below the target", GREEN,
                     1_200)  # fmt: skip
    worn = wear(june._element, may._element, recorded)
    assert worn.carried == ["colour"] and not worn.lost
    assert [(_colour(r.font), r.font.size, bool(r.font.bold)) for r in _runs(june)] == [
        ("1F3864", 1_200 * 127, True), ("1F3864", 1_200 * 127, False)]
    # all of it made bold, over pumpxl's bold lead-in: all of June's bold
    may2 = _two_runs(prs, "Concern: ", "above the upper limit", RED, 1_300)
    recorded2 = element_look(may2._element)
    for run in _runs(may2):
        run.font.bold = True
    june2 = _two_runs(prs, "Improvement: ", "step down", GREEN, 1_200)
    assert wear(june2._element, may2._element, recorded2).carried == ["b"]
    assert all(r.font.bold for r in _runs(june2))


def test_what_is_not_seen_is_no_formatting_and_a_tinted_colour_is_read() -> None:
    prs = Presentation()
    box = _box(prs, ["No signals"], "262626")
    ours = element_look(box._element)
    spaced = copy.deepcopy(box._element)  # a space after the words: nobody's formatting
    spaced.find(".//{*}t").text = "No signals "
    assert element_look(spaced) == ours
    indented = etree.fromstring(etree.tostring(box._element, encoding="unicode").replace(
        "<a:r><a:rPr", "<a:r>\n  <a:rPr"))  # (a save that indents its XML)
    assert element_look(indented) == ours
    tinted = etree.fromstring(etree.tostring(box._element, encoding="unicode").replace(
        '<a:srgbClr val="262626"/>',
        '<a:schemeClr val="tx1"><a:tint val="75000"/></a:schemeClr>'))  # fmt: skip
    look = read_look(tinted)
    assert look.uniform("colour") == "solidFill schemeClr=tx1 tint=75000"
    assert look.text["b"] == (("", len("Nosignals")),)


def test_the_words_said_lost_are_those_the_person_formatted_and_an_odd_record_tells_nothing(
) -> None:  # fmt: skip
    prs = Presentation()
    may = _box(prs, ["No signals: the process runs predictably"], "262626")
    recorded = element_look(may._element)
    run = may.text_frame.paragraphs[0].runs[0]  # "process runs" made bold by the person
    middle, rest = copy.deepcopy(run._r), copy.deepcopy(run._r)
    run.text, middle.find("{*}t").text, rest.find("{*}t").text = (
        "No signals: the ", "process runs", " predictably")  # fmt: skip
    run._r.addnext(middle)
    middle.addnext(rest)
    middle.find("{*}rPr").set("b", "1")
    june = _box(prs, ["A run of eight below the centre line"], "262626")
    assert wear(june._element, may._element, recorded).lost == ["process runs"]
    for odd in ("", "0e94fda4.fad5a549", "a.b", ".", "not a look"):  # (none, or not one
        assert not look_changed(may._element, odd)  # a mark records: nothing to tell)
        worn = wear(june._element, may._element, odd)
        assert not worn.carried and not worn.lost


def _glance(prs: Any) -> tuple[Any, Any]:
    """At a glance's first page's table (its python-pptx shape) and the page."""
    for slide in prs.slides:
        mark = slide_mark(slide)
        if mark is not None and mark.slide.startswith("glance"):
            return next(s for s, m in marked_shapes(slide) if s.has_table), slide
    raise AssertionError("no At a glance page")


def _row(table: Any, k: int) -> list[Any]:
    return list(table.rows[k].cells)


def test_a_persons_formatting_of_at_a_glance_cells_stays_on_this_months_rows(
    books: dict[str, Path], tmp_path: Path
) -> None:
    prs = Presentation(str(books["deck"]))
    table = _glance(prs)[0].table
    measure = _row(table, 2)[0].text  # (the second measure's row: highlighted)
    for cell in _row(table, 2):
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor.from_string(YELLOW)
    now = [c.text for c in _row(table, 0)].index("Now")
    for p in _row(table, 1)[now].text_frame.paragraphs:  # (the first row's "Now": bold red)
        for run in p.runs:
            run.font.bold = True
            run.font.color.rgb = RGBColor.from_string(RED)
    first = _row(table, 1)[0].text
    formatted = tmp_path / "formatted.pptx"
    prs.save(str(formatted))
    june = tmp_path / "june.pptx"
    said = refreshed_to(formatted, books["june"], june)
    fresh = _glance(Presentation(str(books["fresh"])))[0].table
    for month, deck in (("june", june), ("again", tmp_path / "again.pptx")):
        if month == "again":  # the refreshed deck refreshed again: still theirs
            said = refreshed_to(june, books["june"], deck)
        got = _glance(Presentation(str(deck)))[0].table
        rows = {r.cells[0].text: k for k, r in enumerate(got.rows)}
        # June's words in every cell, as June's fresh build writes them
        assert [[c.text for c in r.cells] for r in got.rows] == [
            [c.text for c in r.cells] for r in fresh.rows], month
        for k, (mine, theirs) in enumerate(zip(got.rows, fresh.rows, strict=True)):
            for j, (a, b) in enumerate(zip(mine.cells, theirs.cells, strict=True)):
                if k == rows[measure]:  # the row the person highlighted: yellow
                    assert a.fill.type == 1 and str(a.fill.fore_color.rgb) == YELLOW
                elif k == rows[first] and j == now:  # their bold red "Now", on June's words
                    runs = [r for p in a.text_frame.paragraphs for r in p.runs if r.text]
                    assert runs and all(r.font.bold and _colour(r.font) == RED for r in runs)
                    assert element_look(a._tc) != element_look(b._tc)
                else:  # the rest as June's fresh build draws them
                    assert element_look(a._tc) == element_look(b._tc), (month, k, j)
        assert (f"your formatting (fill, bold, text colour) of the table ({first!r}: 'Now'; "
                f"the row {measure!r}), on this month's words") in said, said
        assert "could not" not in said


def test_a_cell_formatted_under_a_header_the_person_renamed_stays(
    books: dict[str, Path], tmp_path: Path
) -> None:
    prs = Presentation(str(books["deck"]))
    table = _glance(prs)[0].table
    now = [c.text for c in _row(table, 0)].index("Now")
    _row(table, 0)[now].text = "Status"  # their words in the header
    cell = _row(table, 1)[now]  # and a cell under it filled
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string(YELLOW)
    measure = _row(table, 1)[0].text
    formatted = tmp_path / "formatted.pptx"
    prs.save(str(formatted))
    said = refreshed_to(formatted, books["june"], tmp_path / "june.pptx")
    got = _glance(Presentation(str(tmp_path / "june.pptx")))[0].table
    assert _row(got, 0)[now].text == "Status"
    filled = next(r for r in got.rows if r.cells[0].text == measure).cells[now]
    assert str(filled.fill.fore_color.rgb) == YELLOW
    assert f"your formatting (fill) of the table ({measure!r}: 'Status')" in said, said
    assert "Could not be kept" not in said


def _table(rows: int = 3) -> Any:
    """A two-column table of pumpxl's kind ("Measure", "Now"; a row per measure, "M1 0"...)
    with pumpxl's own fill on the "Now" header, as a python-pptx graphic frame."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    frame = slide.shapes.add_table(rows, 2, 0, 0, 4_000_000, 1_000_000)
    for k, row in enumerate(frame.table.rows):
        for j, cell in enumerate(row.cells):
            cell.text = ["Measure", "Now"][j] if k == 0 else f"M{k} {j}"
    frame.table.cell(0, 1).fill.solid()
    frame.table.cell(0, 1).fill.fore_color.rgb = RGBColor.from_string(GREEN)
    return frame


def _record(frame: Any) -> tuple[list[list[str]], list[list[str]]]:
    """What a page's record keeps of a table: each cell's words' digest, and its look."""
    el = frame._element
    return [[cell_digest(t) for t in row] for row in table_cells(el)], cell_looks(el)


def _bold(tc: Any) -> None:
    """A person's bold on a cell's first run."""
    run = next(tc.iter(f"{{{_A}}}r"))
    if run.find(f"{{{_A}}}rPr") is None:
        run.insert(0, etree.Element(f"{{{_A}}}rPr"))
    run.find(f"{{{_A}}}rPr").set("b", "1")


def _where(found: list[Any]) -> list[tuple[str, str]]:
    return [(s.row_label, s.column_label) for s in found]


def _said(table: Any, found: list[Any], skip: Any = ()) -> tuple[list[str], list[str]]:
    """This month's table (``table``, a graphic frame) wearing the cells ``found``: what a
    refresh says it kept, and what it says it could not."""
    from pumpxl.report.refresh_report import RefreshReport, Said

    report = RefreshReport()
    said = Said(report, 3, "At a glance")
    said.styled("the table", *put_looks(table._element, found, skip), columns=2)
    return [k.what for k in report.kept], [k.what for k in report.lost]


def test_a_table_whose_style_another_program_wrote_into_its_cells_is_told_by_pumpxls_fills(
) -> None:
    """LibreOffice's save writes the table's style into every cell (a band's fill in each)
    and names no style any more: a cell's fill there is compared, and carried, only where
    pumpxl wrote one of its own; the words' features are compared as ever."""
    frame = _table()
    el = frame._element
    cells, looks = _record(frame)
    assert persons_looks(el, cells, looks) == []
    banded = copy.deepcopy(el)  # another program's save: the style written into each cell
    style = next(banded.iter(f"{{{_A}}}tableStyleId"))
    style.getparent().remove(style)
    tcs = list(banded.iter(f"{{{_A}}}tc"))
    for tc in tcs:
        props = tc.find(f"{{{_A}}}tcPr")
        props = props if props is not None else etree.SubElement(tc, f"{{{_A}}}tcPr")
        for old in props.findall(f"{{{_A}}}solidFill"):
            props.remove(old)
        fill = etree.SubElement(props, f"{{{_A}}}solidFill")
        etree.SubElement(fill, f"{{{_A}}}srgbClr", val="d0d8e7")
    # pumpxl's green cell, banded now, is told; the cells the style filled are not
    assert _where(persons_looks(banded, cells, looks)) == [("Measure", "Now")]
    _bold(tcs[2])  # a person's bold in a banded cell: told, and carried without the band
    found = persons_looks(banded, cells, looks)
    assert _where(found) == [("Measure", "Now"), ("M1 0", "Measure")]
    june = _table()
    kept, lost = _said(june, found[1:])
    assert kept == ["your formatting (bold) of the table ('M1 0': 'Measure'), on this "
                    "month's words"] and not lost
    carried = june.table.cell(1, 0)
    assert carried.fill.type is None  # (the table's style fills it, as pumpxl draws it)
    assert [r.font.bold for p in carried.text_frame.paragraphs for r in p.runs] == [True]
    # while the table names its style, a fill a person gave a cell the style fills is told
    frame.table.cell(1, 1).fill.solid()
    frame.table.cell(1, 1).fill.fore_color.rgb = RGBColor.from_string(YELLOW)
    assert _where(persons_looks(el, cells, looks)) == [("M1 0", "Now")]


def test_a_cells_no_fill_its_words_and_fill_and_rows_gone_are_each_kept_or_said() -> None:
    may = _table(4)
    cells, looks = _record(may)
    table = may.table
    table.cell(1, 0).fill.background()  # "No Fill": the style's band taken away
    table.cell(2, 1).text = "Our own words"  # a person's words, and a fill, in one cell
    table.cell(2, 1).fill.solid()
    table.cell(2, 1).fill.fore_color.rgb = RGBColor.from_string(YELLOW)
    for j in (0, 1):  # a row highlighted whose measure is gone this month
        table.cell(3, j).fill.solid()
        table.cell(3, j).fill.fore_color.rgb = RGBColor.from_string(YELLOW)
    found = persons_looks(may._element, cells, looks)
    assert _where(found) == [("M1 0", "Measure"), ("M2 0", "Now"), ("M3 0", "Measure"),
                             ("M3 0", "Now")]  # fmt: skip
    june = _table(3)
    words = persons_cells(may._element, cells)
    assert words is not None and [c.text for c in words] == ["Our own words"]
    put_cells(june._element, words)
    kept, lost = _said(june, found, {(c.row, c.column) for c in words})
    assert kept == ["your formatting (fill) of the table ('M1 0': 'Measure'; 'M2 0': 'Now'), "
                    "on this month's words"]  # fmt: skip
    assert lost == ["your formatting of the table (the row 'M3 0'): this month's table on "
                    "this page has no such row or column (a measure gone from the report, or "
                    "now on another page)"]  # fmt: skip
    got = june.table
    assert got.cell(1, 0).fill.type == 5  # (5: background, "No Fill")
    assert got.cell(2, 1).text == "Our own words"
    assert str(got.cell(2, 1).fill.fore_color.rgb) == YELLOW
    # a record of another form tells nothing
    assert persons_looks(may._element, cells, [[None] * 2] * 4) == []
    assert persons_looks(may._element, cells, "looks") == []  # type: ignore[arg-type]


def test_formatting_this_months_empty_words_cannot_wear_is_said() -> None:
    may = _table()
    cells, looks = _record(may)
    _bold(may.table.cell(1, 1)._tc)  # all its words bold
    words = may.table.cell(2, 1).text_frame.paragraphs[0]  # one of its words bold
    words.runs[0].text = "M2"
    words.add_run().text = " 1"
    words.runs[0].font.bold = True
    june = _table()
    june.table.cell(1, 1).text = ""  # (this month: nothing to say there)
    june.table.cell(2, 1).text = ""
    kept, lost = _said(june, persons_looks(may._element, cells, looks))
    assert not kept
    assert lost == [f"your formatting of the words in the cell of the table in row 'M{k} 0', "
                    f"column 'Now' ('M{k} 1'): this month's cell holds no words to wear it"
                    for k in (1, 2)]  # fmt: skip


_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
