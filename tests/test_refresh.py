"""``pumpxl refresh``: last month's deck, edited by people, brought up to this month's data
(issue: the monthly cycle, part 1).

A council deck built with data to May 2025 is edited the ways people edit decks (with
python-pptx, and once through a LibreOffice re-save), the workbook gains June 2025, and the
deck is refreshed. Every edit must be kept, every page nobody touched must equal a fresh build
of June's deck, June must be in every chart, and the result must render."""

from __future__ import annotations

import copy
import hashlib
import io
import itertools
import posixpath
import re
import shutil
import subprocess
import sys
import tracemalloc
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from faults import lying_member
from libre import convert as soffice_convert
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.action import PP_ACTION
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml.ns import qn
from pptx.util import Inches
from stories import council_model

from pumpxl.cli import main
from pumpxl.core.model import Commentary, Measure, PumpModel, Series
from pumpxl.report.looks import look_changed
from pumpxl.report.marks import (
    deck_manifest,
    digest,
    marked_shapes,
    marker_element,
    marker_manifest,
    readable_name,
    slide_manifest,
    slide_mark,
    write_manifest,
)
from pumpxl.report.old_deck import read_old_deck
from pumpxl.report.refresh import replaced_pages
from pumpxl.report.shapexml import PLACE_TOLERANCE, element_geometry, stands_at
from pumpxl.report.table_merge import persons_looks
from pumpxl.report.touched import text_edited
from pumpxl.workbook.template import write_pump_workbook


def _to_may(model: PumpModel, months: int = 1) -> PumpModel:
    """``model`` without its last ``months`` months (June's council data: to May)."""
    for k, s in model.series.items():
        model.series[k] = Series(s.dates[:-months], s.values[:-months], s.exclude[:-months])
    return model


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """May's and June's workbooks, May's deck and a fresh build of June's."""
    d = tmp_path_factory.mktemp("cycle")
    write_pump_workbook(d / "may.xlsx", _to_may(council_model()))
    write_pump_workbook(d / "june.xlsx", council_model())
    assert main(["report", str(d / "may.xlsx"), "-o", str(d / "may")]) == 0
    assert main(["report", str(d / "june.xlsx"), "-o", str(d / "june")]) == 0
    return {
        "dir": d,
        "may": d / "may.xlsx",
        "june": d / "june.xlsx",
        "deck": d / "may" / "report-leadership.pptx",
        "fresh": d / "june" / "report-leadership.pptx",
    }


def refreshed_to(deck: Path, book: Path, out: Path) -> str:
    """``pumpxl refresh DECK BOOK -o OUT``, which succeeds: what it said."""
    with redirect_stdout(io.StringIO()) as said:
        assert main(["refresh", str(deck), str(book), "-o", str(out)]) == 0
    return said.getvalue()


def pages(prs: Any) -> dict[str, Any]:
    return {m.slide: s for s in prs.slides if (m := slide_mark(s)) is not None}


def page_content(slide: Any) -> dict[str, Any]:
    """What a person sees on a page: each shape's text by role, each chart's series."""
    out: dict[str, Any] = {}
    for shape, mark in marked_shapes(slide):
        if mark.role == "slide":
            continue
        if shape.has_chart:
            out[mark.role] = [
                (s.name, [None if v is None else round(v, 9) for v in s.values])
                for s in shape.chart.plots[0].series
            ]
            out[f"{mark.role} categories"] = list(shape.chart.plots[0].categories)
        else:
            out[mark.role] = "\n".join(p.text for p in shape.text_frame.paragraphs) if (
                shape.has_text_frame) else [[c.text for c in r.cells] for r in shape.table.rows] if (
                shape.has_table) else None  # fmt: skip
        out[f"{mark.role} at"] = (
            (shape.begin_x, shape.begin_y, shape.end_x, shape.end_y)
            if hasattr(shape, "begin_x") else (shape.left, shape.top, shape.width, shape.height)
        )  # fmt: skip
    out["notes"] = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
    return out


def edit(deck: Path, out: Path) -> None:
    """People's edits: the C1 chart moved and resized, C1 retitled, their words in C1's Why,
    a page of their own after C1, the C3 page deleted, the C2 chart turned into bars."""
    prs = Presentation(str(deck))
    by_key = pages(prs)
    c1 = by_key["measure:C1"]
    chart = next(s for s in c1.shapes if s.has_chart)
    chart.left, chart.width = chart.left + Inches(0.3), chart.width - Inches(0.6)
    c1.shapes.title.text_frame.paragraphs[0].runs[0].text = "Calls answered: the good news"
    why = next(s for s, m in marked_shapes(c1) if m.role == "why")
    why.text_frame.paragraphs[0].runs[0].text = "The new rota put two more people on the phones."
    own = prs.slides.add_slide(prs.slide_layouts[6])
    own.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame.text = (
        "Our own notes on the rota"
    )
    ids = prs.slides._sldIdLst
    mine = ids[-1]
    ids.remove(mine)
    keys = [m.slide if (m := slide_mark(s)) else "" for s in prs.slides]
    ids.insert(max(i for i, k in enumerate(keys) if k.startswith("measure:C1")) + 1, mine)
    c3 = by_key["measure:C3"]
    for sld in list(ids):
        if prs.part.related_part(sld.rId) is c3.part:
            prs.part.drop_rel(sld.rId)
            ids.remove(sld)
    c2 = next(s for s in by_key["measure:C2"].shapes if s.has_chart)
    line = c2.chart._chartSpace.find(f".//{qn('c:lineChart')}")
    line.tag = qn("c:barChart")  # the person's bar chart: series and axes as they were
    bar_dir = line.makeelement(qn("c:barDir"), {"val": "col"})
    line.insert(0, bar_dir)
    for tag in ("c:marker", "c:smooth"):
        for el in line.findall(f".//{qn(tag)}"):
            el.getparent().remove(el)
    prs.save(str(out))


@pytest.fixture(scope="module")
def refreshed(books: dict[str, Path]) -> dict[str, Any]:
    edited = books["dir"] / "edited.pptx"
    edit(books["deck"], edited)
    before = edited.read_bytes()
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["refresh", str(edited), str(books["june"])]) == 0
    return {"edited": edited, "before": before, "path": books["dir"] / "edited-refreshed.pptx",
            "said": out.getvalue()}  # fmt: skip


def test_every_edit_is_kept_and_said(refreshed: dict[str, Any]) -> None:
    prs = Presentation(str(refreshed["path"]))
    by_key = pages(prs)
    c1 = by_key["measure:C1"]
    assert c1.shapes.title.text_frame.text == "Calls answered: the good news"
    why = next(s for s, m in marked_shapes(c1) if m.role == "why")
    assert why.text_frame.text == "The new rota put two more people on the phones."
    # this month's draft of the Why went to the speaker notes
    notes = c1.notes_slide.notes_text_frame.text
    assert "this month's drafts for the boxes you wrote" in notes and "Why: Not yet known" in notes
    chart = next(s for s in c1.shapes if s.has_chart)
    edited = Presentation(str(refreshed["edited"]))
    was = next(s for s in pages(edited)["measure:C1"].shapes if s.has_chart)
    assert (chart.left, chart.top, chart.width, chart.height) == (
        was.left, was.top, was.width, was.height
    )
    # the person's page stays right after C1's pages; C3 stays deleted
    titles = [(slide_mark(s).slide if slide_mark(s) else "own") for s in prs.slides]
    last_c1 = max(i for i, k in enumerate(titles) if k.startswith("measure:C1"))
    assert titles[last_c1 + 1] == "own"
    assert not any(k.startswith("measure:C3") for k in titles)
    said = refreshed["said"]
    assert "your title 'Calls answered: the good news'" in said
    assert "your words in Why; this month's draft is in the speaker notes" in said
    assert "Deleted since pumpxl wrote them, left deleted (1): Missed bin collections" in said
    assert "Our own notes on the rota): your own page, kept" in said
    # the input deck is never modified
    assert refreshed["edited"].read_bytes() == refreshed["before"]


def test_every_chart_holds_june(refreshed: dict[str, Any], books: dict[str, Path]) -> None:
    prs = Presentation(str(refreshed["path"]))
    june = council_model()
    for key, slide in pages(prs).items():
        for shape in slide.shapes:
            if not shape.has_chart:
                continue
            plot = shape.chart.plots[0]
            mid = key.split(":")[1]
            values = june.series[mid].values
            assert len(list(plot.categories)) == len(values), key
            series = {s.name: s.values for s in plot.series}
            assert series["Value"][-1] == pytest.approx(values[-1]), key
    # the person's bar chart kept its type and took June's numbers
    c2 = next(s for s in pages(prs)["measure:C2"].shapes if s.has_chart)
    assert c2.chart._chartSpace.find(f".//{qn('c:barChart')}") is not None


@pytest.fixture(scope="module")
def march_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deck of the workbook's data to March (three months before June's)."""
    d = tmp_path_factory.mktemp("march")
    write_pump_workbook(d / "march.xlsx", _to_may(council_model(), months=3))
    with redirect_stdout(io.StringIO()):
        assert main(["report", str(d / "march.xlsx"), "-o", str(d / "m")]) == 0
    return d / "m" / "report-leadership.pptx"


def _written_elsewhere(deck: Path, partname: str) -> None:
    """The chart part ``partname`` of ``deck`` as another program might write it: another
    XML declaration (so that it must be parsed to be compared) and its workbook under
    another relationship id."""
    member = partname.lstrip("/")
    rels = f"{posixpath.dirname(member)}/_rels/{posixpath.basename(member)}.rels"
    with zipfile.ZipFile(deck) as z:
        items = {n: z.read(n) for n in z.namelist()}
    xml = items[member].split(b"?>", 1)[1]
    items[member] = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml.replace(
        b'r:id="rId1"', b'r:id="rId9"')
    items[rels] = items[rels].replace(b'Id="rId1"', b'Id="rId9"')
    with zipfile.ZipFile(deck, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)


def _book(blob: bytes) -> list[tuple[Any, ...]]:
    """An embedded workbook's cells, row by row."""
    import openpyxl

    return list(openpyxl.load_workbook(io.BytesIO(blob)).worksheets[0].iter_rows(values_only=True))


@pytest.mark.parametrize("saved_by", ["python-pptx", "another program"])
def test_a_chart_a_person_formatted_keeps_its_look_with_this_months_plot_area(
    books: dict[str, Path], march_deck: Path, tmp_path: Path, saved_by: str
) -> None:
    """C1's chart in March's deck: its Value line made magenta (saved by python-pptx, or as
    another program writes the chart: parsed to be compared, its workbook under another
    id). Refreshed with June, the line stays magenta, and the plot area and legend stand
    where June's fresh build puts them: the labels pumpxl draws over the plot area are
    placed for that (with March's plot area, sized to March's legend, they stood off their
    lines)."""
    prs = Presentation(str(march_deck))
    chart = next(s for s in pages(prs)["measure:C1"].shapes if s.has_chart).chart
    line = next(s for s in chart.plots[0].series if s.name == "Value").format.line
    line.color.rgb = RGBColor(0xFF, 0x00, 0xAA)

    def layouts(space: Any) -> list[bytes]:
        return [etree.tostring(space.find(f".//{qn(t)}/{qn('c:layout')}"))
                for t in ("c:plotArea", "c:legend")]  # fmt: skip

    march_layouts = layouts(chart._chartSpace)
    prs.save(str(tmp_path / "edited.pptx"))
    if saved_by == "another program":
        _written_elsewhere(tmp_path / "edited.pptx", str(chart.part.partname))
    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "edited.pptx", books["june"], out)
    got = next(s for s in pages(Presentation(str(out)))["measure:C1"].shapes if s.has_chart)
    fresh = next(s for s in pages(Presentation(str(books["fresh"])))["measure:C1"].shapes
                 if s.has_chart)  # fmt: skip
    value = next(s for s in got.chart.plots[0].series if s.name == "Value")
    assert value.format.line.color.rgb == RGBColor(0xFF, 0x00, 0xAA)
    assert layouts(got.chart._chartSpace) == layouts(fresh.chart._chartSpace)
    assert layouts(fresh.chart._chartSpace) != march_layouts  # (June's legend has more rows)
    # nothing else on the page was touched: it is June's page, with the person's chart
    # holding June's data (texts, places, series, categories, notes)
    got_page = pages(Presentation(str(out)))["measure:C1"]
    fresh_page = pages(Presentation(str(books["fresh"])))["measure:C1"]
    assert page_content(got_page) == page_content(fresh_page)
    with zipfile.ZipFile(out) as z:  # one chart part per chart, none left over
        charts = [n for n in z.namelist() if n.startswith("ppt/charts/chart")]
    shown = sum(s.has_chart for slide in Presentation(str(out)).slides for s in slide.shapes)
    assert len(charts) == shown
    # and the refresh never opened March's page: June's took the chart from its XML
    old, _ = read_old_deck(tmp_path / "edited.pptx")
    assert old is not None
    c1 = next(p for p in old.pages if p.key == "measure:C1")
    assert not c1.untouched and set(c1.chart_xml) == {"chart"}
    assert isinstance(c1.chart_xml["chart"], bytes) == (saved_by == "python-pptx")
    assert c1.partname in replaced_pages(old.pages, lambda measure: True)
    # every relationship the chart names is there; its workbook is June's
    part = got.chart.part
    named = {v for el in part._element.iter() for k, v in el.attrib.items()
             if k.startswith(f"{{{_R_NS}}}")}  # fmt: skip
    assert named and named <= set(part.rels)
    book = part.related_part(part._element.find(qn("c:externalData")).get(qn("r:id")))
    assert _book(book.blob) == _book(fresh.chart.part.chart_workbook.xlsx_part.blob)


_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def test_a_chart_whose_series_a_person_removed_is_kept_and_said(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """C2's chart with every series removed by a person: nothing to give June's data to, so
    the chart stays as they left it, and the refresh says so."""
    prs = Presentation(str(books["deck"]))
    frame = next(s for s in pages(prs)["measure:C2"].shapes if s.has_chart)
    for ser in frame.chart.part._element.findall(f".//{qn('c:ser')}"):
        ser.getparent().remove(ser)
    prs.save(str(tmp_path / "emptied.pptx"))
    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "emptied.pptx", books["june"], out)
    assert "your chart: its series could not be found: kept as it was" in said
    old, _ = read_old_deck(tmp_path / "emptied.pptx")  # (June's page took it, unopened)
    assert old is not None
    c2 = next(p for p in old.pages if p.key == "measure:C2")
    assert c2.chart_xml and c2.partname in replaced_pages(old.pages, lambda measure: True)
    chart = next(s for s in pages(Presentation(str(out)))["measure:C2"].shapes if s.has_chart)
    assert chart.chart.part._element.find(f".//{qn('c:ser')}") is None


_TIMING = (
    '<p:timing xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
    '<p:tnLst><p:par><p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"/>'
    "</p:par></p:tnLst></p:timing>"
)
_P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
_NO_TRANSITION = (  # what LibreOffice's save gives every page
    f'<p:sld xmlns:p="{_P_NS}" xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><p:cSld/>'
    '<mc:AlternateContent><mc:Choice Requires="p14"><p:transition spd="slow" p14:dur="2000"/>'
    '</mc:Choice><mc:Fallback><p:transition spd="slow"/></mc:Fallback></mc:AlternateContent>'
    "</p:sld>"
)


def test_what_a_person_did_to_a_page_as_a_whole_is_kept(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """C1's page hidden and animated, its chart restyled; C2's page, otherwise untouched,
    hidden; the At a glance page given a fade: each is kept with what the person did (the
    page refreshed around it), never replaced by June's page without it."""
    from pumpxl.report.touched import persons_page

    prs = Presentation(str(books["deck"]))
    by_key = pages(prs)
    c1 = by_key["measure:C1"]
    c1._element.set("show", "0")
    c1._element.append(etree.fromstring(_TIMING))
    chart = next(s for s in c1.shapes if s.has_chart).chart
    line = next(s for s in chart.plots[0].series if s.name == "Value").format.line
    line.color.rgb = RGBColor(0xFF, 0x00, 0xAA)
    by_key["measure:C2"]._element.set("show", "0")
    by_key["glance"]._element.append(etree.fromstring(
        f'<p:transition xmlns:p="{_P_NS}" spd="med"><p:fade/></p:transition>'))
    prs.save(str(tmp_path / "hidden.pptx"))
    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "hidden.pptx", books["june"], out)
    got = pages(Presentation(str(out)))
    assert got["measure:C1"]._element.get("show") == "0"
    assert got["measure:C1"]._element.find(qn("p:timing")) is not None
    chart = next(s for s in got["measure:C1"].shapes if s.has_chart).chart
    value = next(s for s in chart.plots[0].series if s.name == "Value")
    assert value.format.line.color.rgb == RGBColor(0xFF, 0x00, 0xAA)
    assert value.values[-1] == pytest.approx(council_model().series["C1"].values[-1])
    assert got["measure:C2"]._element.get("show") == "0"
    assert got["glance"]._element.find(f"{qn('p:transition')}/{qn('p:fade')}") is not None
    assert "show" not in got["measure:C3"]._element.attrib  # (nobody hid it)
    # LibreOffice's empty transition is none; a fade is a person's
    assert not persons_page(etree.fromstring(_NO_TRANSITION), [])
    with_fade = _NO_TRANSITION.replace('spd="slow"/></mc:Fallback>',
                                       'spd="slow"><p:fade/></p:transition></mc:Fallback>')
    assert persons_page(etree.fromstring(with_fade), [])
    assert persons_page(etree.fromstring(f'<p:sld xmlns:p="{_P_NS}"><p:cSld/></p:sld>'),
                        ["http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                         "comments"])  # fmt: skip


def test_a_chart_related_to_a_persons_picture_keeps_it(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """C1's plot area filled with a person's picture (a part the chart relates to): the
    page is opened and refreshed around the chart, whose part keeps the picture, with
    June's data; nothing in the result points at a part that is not there."""
    from PIL import Image

    picture = tmp_path / "logo.png"
    Image.new("RGB", (8, 8), (200, 30, 90)).save(picture)
    prs = Presentation(str(books["deck"]))
    frame = next(s for s in pages(prs)["measure:C1"].shapes if s.has_chart)
    part = frame.chart.part
    image = part.package.get_or_add_image_part(str(picture))
    rid = part.relate_to(image, RT.IMAGE)
    plot = part._element.find(f".//{qn('c:plotArea')}")
    props = plot.find(qn("c:spPr"))
    if props is None:
        props = plot.makeelement(qn("c:spPr"), {})
        plot.append(props)
    for fill in list(props):
        if fill.tag in (qn("a:noFill"), qn("a:solidFill")):
            props.remove(fill)
    props.insert(0, etree.fromstring(
        f'<a:blipFill xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></a:blipFill>'))
    prs.save(str(tmp_path / "pictured.pptx"))
    old, _ = read_old_deck(tmp_path / "pictured.pptx")
    assert old is not None
    c1 = next(p for p in old.pages if p.key == "measure:C1")
    assert not c1.untouched and not c1.chart_xml  # not taken from its XML alone
    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "pictured.pptx", books["june"], out)
    chart = next(s for s in pages(Presentation(str(out)))["measure:C1"].shapes if s.has_chart)
    blip = chart.chart.part._element.find(f".//{qn('a:blip')}")
    assert blip is not None
    assert chart.chart.part.related_part(blip.get(qn("r:embed"))).blob == image.blob
    value = next(s for s in chart.chart.plots[0].series if s.name == "Value")
    assert value.values[-1] == pytest.approx(council_model().series["C1"].values[-1])


def test_untouched_pages_equal_a_fresh_build(
    refreshed: dict[str, Any], books: dict[str, Path]
) -> None:
    got = pages(Presentation(str(refreshed["path"])))
    fresh = pages(Presentation(str(books["fresh"])))
    edited_keys = {"measure:C1"}  # the one page people edited (C3 was deleted)
    compared = 0
    for key, slide in fresh.items():
        if key in edited_keys or key.startswith("measure:C3"):
            continue
        assert key in got, key
        assert page_content(got[key]) == page_content(slide), key
        compared += 1
    assert compared == len(fresh) - 2


def test_an_edited_page_gets_june_wherever_nobody_edited(
    refreshed: dict[str, Any], books: dict[str, Path]
) -> None:
    got = page_content(pages(Presentation(str(refreshed["path"])))["measure:C1"])
    fresh = page_content(pages(Presentation(str(books["fresh"])))["measure:C1"])
    # "What we are doing" is on this page where the text measures to fit beside the chart
    # (with the deck's font installed), else on the page after it
    roles = [r for r in ("happening", "action", "chart", "chart categories") if r in fresh]
    assert {"happening", "chart"} <= set(roles)
    for role in roles:
        assert got[role] == fresh[role], role
    # the state line is June's (where the decisions go, beside the chart or under it as
    # "Informs", depends on the room the person's words leave)
    assert got["status"].split(" · Informs")[0] == fresh["status"].split(" · Informs")[0]


def test_a_page_is_laid_out_around_a_persons_words(
    books: dict[str, Path], march_deck: Path, tmp_path: Path
) -> None:
    """C1's Why in March's deck holds its owner's one line; refreshed with June (whose
    drafted What is happening is longer: the step has shown since), June's blocks are laid
    out around their words: each heading right above its block and no block over the next
    (laid out for June's draft while their box stood where March put it, the What is
    happening block covered the Why heading), June's draft of the Why is in the notes, and
    the shapes the page gains have ids of their own."""
    prs = Presentation(str(march_deck))
    why = next(s for s, m in marked_shapes(pages(prs)["measure:C1"]) if m.role == "why")
    why.text_frame.text = "The new rota put two more people on the phones."
    prs.save(str(tmp_path / "edited.pptx"))
    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "edited.pptx", books["june"], out)
    slide = pages(Presentation(str(out)))["measure:C1"]
    roles = {m.role: s for s, m in marked_shapes(slide)}
    assert roles["why"].text_frame.text == "The new rota put two more people on the phones."
    column = [r for r in ("happening", "why", "action", "decisions") if r in roles]
    assert column[:2] == ["happening", "why"]
    for above, below in itertools.pairwise(column):
        heading = roles[f"heading:{below}"]
        assert roles[above].top + roles[above].height <= heading.top, (above, below)
        assert heading.top + heading.height == roles[below].top, below
    assert "Why: Not yet known" in slide.notes_slide.notes_text_frame.text
    # the step line and its label, new on the page since March, have ids of their own (they
    # came with June's, which other shapes of the page held: PowerPoint repairs such a file)
    assert {"Step#1", "Step label#1"} <= set(roles)
    for page in Presentation(str(out)).slides:
        ids = [el.get("id") for el in page._element.iter(qn("p:cNvPr"))]
        assert len(ids) == len(set(ids)), ids


def test_words_too_long_for_the_page_stay_where_their_person_left_them(
    books: dict[str, Path], march_deck: Path, tmp_path: Path
) -> None:
    """A Why too long for the page with June's blocks above it is not laid out (June's
    page would go on to a page of its own holding their words a second time): their box
    stays where they left it, once, said as their words with June's draft in the notes."""
    prs = Presentation(str(march_deck))
    why = next(s for s, m in marked_shapes(pages(prs)["measure:C1"]) if m.role == "why")
    words = " ".join(["The new rota put two more people on the phones, trained well."] * 12)
    why.text_frame.text = words
    prs.save(str(tmp_path / "edited.pptx"))
    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "edited.pptx", books["june"], out)
    assert "measure C1): your words in Why; this month's draft is in the speaker notes" in said
    got = pages(Presentation(str(out)))
    assert "measure:C1:2" not in got
    texts = [s.text_frame.text for page, slide in got.items() if page.startswith("measure:C1")
             for s, m in marked_shapes(slide) if m.role == "why"]  # fmt: skip
    assert texts == [words]


def test_words_on_a_measures_second_page_stay_on_it(tmp_path: Path) -> None:
    """C1's long action runs on to a second page; its person shortens it there. June's C1
    is laid out as pumpxl lays it out, not around their words (their words were put on the
    first page, which then counted as untouched and as pumpxl's, and were lost the month
    after): their words stay on their page, once."""
    long = " ".join(["We are recruiting four advisers and retraining the team."] * 24)
    books = {}
    for name, cut in (("may", 1), ("june", 0)):
        model = _to_may(council_model(), cut) if cut else council_model()
        model.commentary.append(Commentary("C1", date(2025, 6 - cut, 1), happening="Up.",
                                           why="The rota.", action=long))  # fmt: skip
        books[name] = tmp_path / f"{name}.xlsx"
        write_pump_workbook(books[name], model)
    with redirect_stdout(io.StringIO()):
        assert main(["report", str(books["may"]), "-o", str(tmp_path / "m")]) == 0
    prs = Presentation(str(tmp_path / "m" / "report-leadership.pptx"))
    assert "measure:C1:2" in pages(prs)
    action = next(s for s, m in marked_shapes(pages(prs)["measure:C1:2"]) if m.role == "action")
    action.text_frame.text = "Hiring two advisers."
    prs.save(str(tmp_path / "edited.pptx"))
    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "edited.pptx", books["june"], out)
    actions = [(key, s.text_frame.text) for key, slide in pages(Presentation(str(out))).items()
               if key.startswith("measure:C1") for s, m in marked_shapes(slide)
               if m.role == "action"]  # fmt: skip
    assert ("measure:C1:2", "Hiring two advisers.") in actions
    assert sum(text == "Hiring two advisers." for _, text in actions) == 1


def test_what_powerpoint_wraps_on_a_page_makes_it_a_persons(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """An equation (PowerPoint wraps it in mc:AlternateContent) a person put on a page: the
    page is not taken as untouched and replaced, and the equation stays."""
    prs = Presentation(str(books["deck"]))
    box = pages(prs)["measure:C2"].shapes.add_textbox(Inches(1), Inches(1), Inches(3),
                                                      Inches(1))  # fmt: skip
    box.text_frame.text = "E = mc2, the person's equation"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    tree = box._element.getparent()
    wrap = etree.SubElement(tree, f"{{{mc}}}AlternateContent", nsmap={"mc": mc})
    choice = etree.SubElement(wrap, f"{{{mc}}}Choice", Requires="a14")
    tree.remove(box._element)
    choice.append(box._element)
    prs.save(str(tmp_path / "edited.pptx"))
    old, _ = read_old_deck(tmp_path / "edited.pptx")
    assert old is not None
    assert not next(p for p in old.pages if p.key == "measure:C2").untouched
    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "edited.pptx", books["june"], out)
    c2 = pages(Presentation(str(out)))["measure:C2"]
    assert b"the person's equation" in etree.tostring(c2._element)


def test_a_legend_a_person_moved_keeps_their_layout_of_the_chart(
    books: dict[str, Path], tmp_path: Path
) -> None:
    prs = Presentation(str(books["deck"]))
    space = next(s for s in pages(prs)["measure:C1"].shapes if s.has_chart).chart._chartSpace
    legend = space.find(f".//{qn('c:legend')}")
    legend.find(qn("c:legendPos")).set("val", "r")  # PowerPoint's Legend > Right
    legend.remove(legend.find(qn("c:layout")))
    plot = etree.tostring(space.find(f".//{qn('c:plotArea')}/{qn('c:layout')}"))
    prs.save(str(tmp_path / "edited.pptx"))
    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "edited.pptx", books["june"], out)
    chart = next(s for s in pages(Presentation(str(out)))["measure:C1"].shapes if s.has_chart)
    legend = chart.chart._chartSpace.find(f".//{qn('c:legend')}")
    assert legend.find(qn("c:legendPos")).get("val") == "r"
    assert legend.find(qn("c:layout")) is None
    got = chart.chart._chartSpace.find(f".//{qn('c:plotArea')}/{qn('c:layout')}")
    assert etree.tostring(got) == plot


def test_notes_a_refresh_wrote_before_it_recorded_its_part_stay_a_persons(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """A page whose notes an earlier pumpxl refreshed (their words, then its calculation,
    with no record of which part was pumpxl's): their words stay."""
    prs = Presentation(str(books["deck"]))
    pages(prs)["measure:C2"].notes_slide.notes_text_frame.text = "Ask Sam about the depot"
    prs.save(str(tmp_path / "noted.pptx"))
    once = tmp_path / "once.pptx"
    refreshed_to(tmp_path / "noted.pptx", books["june"], once)
    prs = Presentation(str(once))  # as the earlier pumpxl left it: no "ours" on record
    marker = marker_element(pages(prs)["measure:C2"])
    assert marker is not None
    manifest = marker_manifest(marker[0])
    del manifest["ours"]
    manifest["notes"] = digest(pages(prs)["measure:C2"].notes_slide.notes_text_frame.text)
    write_manifest(marker[0], manifest)
    prs.save(str(tmp_path / "earlier.pptx"))
    out = tmp_path / "july.pptx"
    refreshed_to(tmp_path / "earlier.pptx", books["june"], out)
    notes = pages(Presentation(str(out)))["measure:C2"].notes_slide.notes_text_frame.text
    assert notes.startswith("Ask Sam about the depot\n\npumpxl refresh, this month's")
    assert notes.count("this month's calculation") == 1


def test_notes_a_person_emptied_stay_empty(books: dict[str, Path], tmp_path: Path) -> None:
    """C2's speaker notes emptied, and C1's too with the person's words in C1's Why: month
    after month C2's notes stay empty and C1's hold only this month's draft of the Why (the
    calculation does not come back), the emptying said the month it happened; then words the
    person writes in C2's notes are theirs, with this month's calculation below them."""
    prs = Presentation(str(books["deck"]))
    c1, c2 = pages(prs)["measure:C1"], pages(prs)["measure:C2"]
    for slide in (c1, c2):
        slide.notes_slide.notes_text_frame.text = ""
    why = next(s for s, m in marked_shapes(c1) if m.role == "why")
    why.text_frame.paragraphs[0].runs[0].text = "Our own words."
    prs.save(str(tmp_path / "emptied.pptx"))
    deck, said = tmp_path / "emptied.pptx", []
    for month in ("june", "july"):
        out = tmp_path / f"{month}.pptx"
        said.append(refreshed_to(deck, books["june"], out))
        prs = Presentation(str(out))
        notes = {k: pages(prs)[f"measure:{k}"].notes_slide.notes_text_frame.text
                 for k in ("C1", "C2")}  # fmt: skip
        assert notes["C2"] == ""
        assert notes["C1"].startswith("pumpxl refresh: this month's drafts for the boxes you")
        assert "\nWhy: " in notes["C1"] and "calculation" not in notes["C1"]
        deck = out
    assert "your speaker notes, emptied: they stay empty" in said[0]
    assert "stay empty" not in said[1]
    for key in ("C1", "C2"):  # the person writes in them again (C1's: above the drafts)
        frame = pages(prs)[f"measure:{key}"].notes_slide.notes_text_frame
        frame.text = "Ask Sam about the depot\n" + frame.text
    prs.save(str(tmp_path / "written.pptx"))
    refreshed_to(tmp_path / "written.pptx", books["june"], tmp_path / "aug.pptx")
    for key in ("C1", "C2"):
        notes = pages(Presentation(str(tmp_path / "aug.pptx")))[f"measure:{key}"].notes_slide
        text = notes.notes_text_frame.text
        assert text.startswith("Ask Sam about the depot\n\npumpxl refresh, this month's "
                               "calculation:")  # fmt: skip
        assert text.count("drafts for the boxes you wrote") == (key == "C1")

def test_notes_whose_body_a_person_deleted_refresh(books: dict[str, Path], tmp_path: Path) -> None:
    """C1's notes page without its body placeholder (deleted in PowerPoint's Notes Page
    view): the refresh does not fail, and says the notes stay empty."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    prs = Presentation(str(books["deck"]))
    notes = pages(prs)["measure:C1"].notes_slide
    body = next(s for s in notes.placeholders
                if s.placeholder_format.type == PP_PLACEHOLDER.BODY)  # fmt: skip
    body._element.getparent().remove(body._element)
    prs.save(str(tmp_path / "bodiless.pptx"))
    said = refreshed_to(tmp_path / "bodiless.pptx", books["june"], tmp_path / "june.pptx")
    assert "your speaker notes, emptied: they stay empty" in said

def _over(shape: Any, chart: Any) -> tuple[float, ...]:
    """Where a shape stands over a chart, in parts of the chart's frame (a line: its ends;
    any other shape: its centre)."""
    def at(x: int, y: int) -> tuple[float, float]:
        return (x - chart.left) / chart.width, (y - chart.top) / chart.height

    if hasattr(shape, "begin_x"):
        return (*at(shape.begin_x, shape.begin_y), *at(shape.end_x, shape.end_y))
    return at(shape.left + shape.width // 2, shape.top + shape.height // 2)


def test_what_is_drawn_over_a_chart_a_person_moved_follows_it(
    refreshed: dict[str, Any], books: dict[str, Path], tmp_path: Path
) -> None:
    """C1's chart was moved and narrowed: its line labels and the step's line and label sit
    over the person's chart where June's fresh build puts them over pumpxl's, this month
    and the next."""
    got = pages(Presentation(str(refreshed["path"])))["measure:C1"]
    fresh = pages(Presentation(str(books["fresh"])))["measure:C1"]
    roles = {m.role: s for s, m in marked_shapes(got)}
    chart, fresh_chart = roles["chart"], next(s for s in fresh.shapes if s.has_chart)
    assert chart.width < fresh_chart.width  # (the person's narrower chart)
    over = [(m.role, s) for s, m in marked_shapes(fresh)
            if m.role.startswith(("Line label", "Step"))]  # fmt: skip
    assert {"Step#1", "Step label#1", "Line label CL#1"} <= {r for r, _ in over}
    for role, shape in over:
        assert _over(roles[role], chart) == pytest.approx(_over(shape, fresh_chart),
                                                          abs=1e-6), role  # fmt: skip
    # a month later the chart is still where the person put it, and they still follow it
    again = tmp_path / "again.pptx"
    refreshed_to(refreshed["path"], books["june"], again)
    later = {m.role: s for s, m in marked_shapes(pages(Presentation(str(again)))["measure:C1"])}
    box = (chart.left, chart.top, chart.width, chart.height)
    assert (later["chart"].left, later["chart"].top, later["chart"].width,
            later["chart"].height) == box  # fmt: skip
    for role, shape in over:
        assert _over(later[role], later["chart"]) == pytest.approx(
            _over(shape, fresh_chart), abs=1e-6), role  # fmt: skip


def test_a_box_a_person_moved_keeps_their_place_with_this_months_words(
    books: dict[str, Path], tmp_path: Path
) -> None:
    prs = Presentation(str(books["deck"]))
    c2 = pages(prs)["measure:C2"]
    roles = {m.role: s for s, m in marked_shapes(c2)}
    status, rule = roles["status"], roles["Connector#1"]
    status.left, status.top = status.left + Inches(0.5), status.top + Inches(0.2)
    place = (status.left, status.top, status.width, status.height)
    rule.begin_y, rule.end_y = rule.begin_y + Inches(0.1), rule.end_y + Inches(0.1)
    edited = tmp_path / "moved.pptx"
    prs.save(str(edited))
    out = tmp_path / "out.pptx"
    refreshed_to(edited, books["june"], out)
    got = {m.role: s for s, m in marked_shapes(pages(Presentation(str(out)))["measure:C2"])}
    want = {m.role: s for s, m in marked_shapes(pages(Presentation(str(books["fresh"])))[
        "measure:C2"])}  # fmt: skip
    # the person's place, June's words
    assert (got["status"].left, got["status"].top, got["status"].width,
            got["status"].height) == place  # fmt: skip
    assert got["status"].text_frame.text == want["status"].text_frame.text
    assert got["status"].text_frame.text != status.text_frame.text  # (May's said otherwise)
    # a line a person moved is drawn where pumpxl draws it
    assert (got["Connector#1"].begin_y, got["Connector#1"].end_y) == (
        want["Connector#1"].begin_y, want["Connector#1"].end_y)
    # and the month after, the box stays where the person put it (its mark says the place
    # is theirs: the page is refreshed around it, not rebuilt as pumpxl lays it out)
    again = tmp_path / "again.pptx"
    refreshed_to(out, books["june"], again)
    later = {m.role: s for s, m in marked_shapes(pages(Presentation(str(again)))["measure:C2"])}
    assert (later["status"].left, later["status"].top) == place[:2]
    assert later["status"].text_frame.text == want["status"].text_frame.text


@pytest.mark.slow  # LibreOffice: CI's second step
def test_the_result_renders(refreshed: dict[str, Any], tmp_path: Path) -> None:
    pdf = soffice_convert(refreshed["path"], tmp_path, "pdf")
    pages_in_pdf = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    count = int(next(line.split()[-1] for line in pages_in_pdf.splitlines()
                     if line.startswith("Pages:")))  # fmt: skip
    assert count == len(Presentation(str(refreshed["path"])).slides)


@pytest.mark.slow  # LibreOffice: CI's second step
def test_a_deck_resaved_by_libreoffice_refreshes(
    books: dict[str, Path], tmp_path: Path
) -> None:
    edited = tmp_path / "edited.pptx"
    edit(books["deck"], edited)
    resaved = soffice_convert(edited, tmp_path / "lo", "pptx")
    out = tmp_path / "resaved-refreshed.pptx"
    said = io.StringIO()
    with redirect_stdout(said):
        assert main(["refresh", str(resaved), str(books["june"]), "-o", str(out)]) == 0
    prs = Presentation(str(out))
    by_key = pages(prs)
    assert "measure:C3" not in by_key  # deleted, stays deleted
    why = next(s for s, m in marked_shapes(by_key["measure:C1"]) if m.role == "why")
    assert why.text_frame.text == "The new rota put two more people on the phones."
    fresh = pages(Presentation(str(books["fresh"])))
    june = council_model()
    for key in ("measure:C1", "measure:C2"):
        chart = next(s for s in by_key[key].shapes if s.has_chart)
        values = {s.name: list(s.values) for s in chart.chart.plots[0].series}
        mid = key.split(":")[1]
        assert values["Value"][-1] == pytest.approx(june.series[mid].values[-1])
        assert len(values["Value"]) == len(june.series[mid].values)
    # pages nobody edited read as June's: their texts are the fresh build's
    for key in ("attention", "glance"):
        got = {m.role: s.text_frame.text for s, m in marked_shapes(by_key[key])
               if s.has_text_frame and m.role not in ("slide", "title")}  # fmt: skip
        want = {m.role: s.text_frame.text for s, m in marked_shapes(fresh[key])
                if s.has_text_frame and m.role not in ("slide", "title")}  # fmt: skip
        assert got == want, key
    # LibreOffice's save moved every shape a little: no page counts as edited for that
    # (its charts, which it rewrites, do): what is drawn over C2's chart stands where June's
    # fresh build draws it (as laid out on the slide LibreOffice saved, a few hundred EMU
    # wider), and a page without a chart nobody edited is not taken for an edited one
    c2 = {m.role: s for s, m in marked_shapes(by_key["measure:C2"])}
    for shape, mark in marked_shapes(fresh["measure:C2"]):
        if mark.role.startswith(("Line label", "Recalculation")):
            got_at = (c2[mark.role].left, c2[mark.role].top)
            assert got_at == pytest.approx((shape.left, shape.top), abs=PLACE_TOLERANCE)
    # (the Results Map: some thirty boxes and links, every one moved a few hundred EMU; a
    # table LibreOffice lays out taller than PowerPoint does is another matter: it grew)
    resaved_pages = {p.key: p for p in read_old_deck(resaved)[0].pages}  # type: ignore[union-attr]
    assert resaved_pages["map"].untouched and resaved_pages["title"].untouched
    # nor does its way of writing what a shape looks like (colours' case, runs split, the
    # defaults written out, shadows, a line as a connector) count as a person's formatting
    # (of the shapes whose words are pumpxl's: a person's words are theirs, look and all)
    looked = [(s, m) for slide in Presentation(str(resaved)).slides
              for s, m in marked_shapes(slide)
              if m.get("f") and not text_edited(s._element, m)]  # fmt: skip
    assert len(looked) > 60
    assert not [m.role for s, m in looked if look_changed(s._element, m.get("f"))]
    # nor At a glance's cells, which its save fills with the table style's bands
    tables = [(s, m, slide_manifest(slide)) for slide in Presentation(str(resaved)).slides
              for s, m in marked_shapes(slide) if m.role in slide_manifest(slide).get("looks", {})]
    assert tables and all(persons_looks(s._element, record["cells"][m.role],
                                        record["looks"][m.role]) == [] for s, m, record in tables)
    assert soffice_convert(out, tmp_path / "pdf", "pdf").exists()


def test_a_measure_new_to_the_audience_gets_its_page_and_one_gone_is_kept_and_marked(
    books: dict[str, Path], tmp_path: Path
) -> None:
    model = council_model()
    model.measures["C4"] = Measure("C4", "Complaints answered within 10 days", "R1", unit="%",
                                   direction="up", audiences=("Leadership",))  # fmt: skip
    model.series["C4"] = model.series["C1"]
    model.measures["C3"] = replace(model.measures["C3"], audiences=())
    book = tmp_path / "july.xlsx"
    write_pump_workbook(book, model)
    out = tmp_path / "out.pptx"
    said = io.StringIO()
    with redirect_stdout(said):
        assert main(["refresh", str(books["deck"]), str(book), "-o", str(out)]) == 0
    prs = Presentation(str(out))
    keys = [m.slide for s in prs.slides if (m := slide_mark(s)) is not None]
    fresh_order = [m.id for m in model.measure_order("Leadership")]
    measure_keys = [k.split(":")[1] for k in keys if k.startswith("measure:") and k.count(":") == 1]
    assert [k for k in measure_keys if k in fresh_order] == fresh_order  # Results Map order
    assert "C4" in measure_keys and "New pages" in said.getvalue()
    c3 = pages(prs)["measure:C3"]  # kept, and marked
    tag = [s for s in c3.shapes if readable_name(s.name).startswith("pumpxl refresh")]
    assert tag and "Not in Leadership's report any more" in tag[0].text_frame.text
    assert "measure C3 no longer in Leadership's report" in said.getvalue()


_P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"


def _sections(prs: Any) -> dict[str, list[int]]:
    """PowerPoint's sections of a deck: each one's pages' ids, by name."""
    return {sec.get("name"): [int(e.get("id")) for e in sec.iter(f"{{{_P14}}}sldId")]
            for sec in prs.part._element.iter(f"{{{_P14}}}section")}  # fmt: skip


def test_powerpoints_sections_keep_their_pages(books: dict[str, Path], tmp_path: Path) -> None:
    """May's deck in two PowerPoint sections (the pages before the measures; the rest), C2's
    page deleted by a person; in June, with C4 new to the audience, every page keeps its id
    (sections name pages by id), each section lists the same pages, C4's page joins the
    section of the page before it, and the sections list every page once, in order."""
    prs = Presentation(str(books["deck"]))
    by_key = pages(prs)
    c2 = by_key["measure:C2"].part
    for sld in list(prs.slides._sldIdLst):
        if prs.part.related_part(sld.rId) is c2:
            prs.part.drop_rel(sld.rId)
            prs.slides._sldIdLst.remove(sld)
    may_ids = {m.slide: s.slide_id for s in prs.slides if (m := slide_mark(s)) is not None}
    order = [s.slide_id for s in prs.slides]
    split = order.index(may_ids["map"]) + 1
    extensions = prs.part._element.find(qn("p:extLst"))
    if extensions is None:  # (the presentation's last element)
        extensions = etree.SubElement(prs.part._element, qn("p:extLst"))
    ext = etree.SubElement(extensions, qn("p:ext"), uri="{521415D9-36F7-43E2-AB2F-B90AF26B5E84}")
    listing = etree.SubElement(ext, f"{{{_P14}}}sectionLst", nsmap={"p14": _P14})
    for k, (name, ids) in enumerate((("Overview", order[:split]), ("Measures", order[split:]))):
        section = etree.SubElement(listing, f"{{{_P14}}}section", name=name,
                                   id=f"{{{k:08d}-0000-0000-0000-000000000000}}")  # fmt: skip
        held = etree.SubElement(section, f"{{{_P14}}}sldIdLst")
        for i in ids:
            etree.SubElement(held, f"{{{_P14}}}sldId", id=str(i))
    prs.save(str(tmp_path / "sections.pptx"))
    model = council_model()
    model.measures["C4"] = Measure("C4", "Complaints answered within 10 days", "R1", unit="%",
                                   direction="up", audiences=("Leadership",))  # fmt: skip
    model.series["C4"] = model.series["C1"]
    write_pump_workbook(tmp_path / "june.xlsx", model)

    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "sections.pptx", tmp_path / "june.xlsx", out)
    june = Presentation(str(out))
    ids = {m.slide: s.slide_id for s in june.slides if (m := slide_mark(s)) is not None}
    assert {k: ids[k] for k in may_ids} == may_ids  # every page of May's keeps its id
    assert "measure:C2" not in ids and "measure:C4" in ids  # (C2: deleted, left deleted)
    got = _sections(june)
    assert got["Overview"] == [may_ids[k] for k in ("title", "attention", "glance", "map")]
    assert ids["measure:C4"] in got["Measures"]
    assert got["Overview"] + got["Measures"] == [s.slide_id for s in june.slides]


def test_a_deck_nobody_touched_refreshes_whole_with_nothing_said_kept(
    example_decks: dict[str, Path], example_xlsx: Path, tmp_path: Path
) -> None:
    """Every page of a deck nobody edited is taken for untouched, pages pumpxl retitles once
    it knows their number ("At a glance (1 of 3)") too: nothing is reported as a person's."""
    deck = example_decks["IT management"]
    glance = [k for k in pages(Presentation(str(deck))) if k.startswith("glance")]
    assert len(glance) > 1  # the case: a first page retitled "(1 of n)"
    out, said = tmp_path / "same.pptx", io.StringIO()
    with redirect_stdout(said):
        assert main(["refresh", str(deck), str(example_xlsx), "-o", str(out)]) == 0
    slides = len(Presentation(str(deck)).slides)
    assert f"{slides} pages as pumpxl builds them, 0 refreshed around your edits" in said.getvalue()
    assert "Kept as you left" not in said.getvalue()


def test_the_deck_records_its_pages_in_order(
    refreshed: dict[str, Any], books: dict[str, Path]
) -> None:
    """The record a deck carries (what next month's refresh knows was there) lists its pages
    in order; a refreshed deck's also those a person deleted, so that they stay deleted."""
    fresh = Presentation(str(books["fresh"]))
    keys = [m.slide for s in fresh.slides if (m := slide_mark(s)) is not None]
    assert deck_manifest(fresh)["slides"] == keys
    prs = Presentation(str(refreshed["path"]))
    record = deck_manifest(prs)["slides"]
    keys = [m.slide for s in prs.slides if (m := slide_mark(s)) is not None]
    assert [k for k in record if not k.startswith("measure:C3")] == keys
    assert "measure:C3" in record


def _split_run(paragraph: Any, words: str) -> Any:
    """``paragraph``'s run holding ``words`` split so that they stand in a run of their own:
    that run (as a person selecting those words in PowerPoint makes it)."""
    run = next(r for r in paragraph.runs if words in r.text)
    before, _, after = run.text.partition(words)
    run.text = before
    middle = copy.deepcopy(run._r)
    run._r.addnext(middle)
    tail = copy.deepcopy(run._r)
    middle.addnext(tail)
    middle.find(qn("a:t")).text, tail.find(qn("a:t")).text = words, after
    return next(r for r in paragraph.runs if r.text == words)


def test_a_persons_links_on_pumpxls_words_follow_them(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """A person links C1's title to a dashboard, the owner's name in its subtitle to a
    directory, the UNPL label (the shape) to a note on limits, the words UNPL and the number
    in that label to one spreadsheet (one relationship), the number in the LNPL label to
    another, and C2's state line to the next slide (an action, no relationship), changing
    no words: in June the title, subtitle and labels carry June's words and the links, each
    on the same words (the run split round them) or shape; the numbers, which June's labels
    no longer show, take their links with them and the refresh says so; the spreadsheet
    UNPL still leads to keeps its relationship, the other goes. Everything else on the page
    is June's fresh build."""
    prs = Presentation(str(books["deck"]))
    c1 = pages(prs)["measure:C1"]
    c1.shapes.title.text_frame.paragraphs[0].runs[0].hyperlink.address = (
        "https://dash.example/calls")
    shapes = {m.role: s for s, m in marked_shapes(c1)}
    _split_run(shapes["subtitle"].text_frame.paragraphs[0], "Priya Shah").hyperlink.address = (
        "https://people.example/priya")
    unpl = shapes["Line label UNPL#1"]
    assert unpl.text_frame.text == "UNPL 82.6"  # May's; June's is 82.8
    unpl.click_action.hyperlink.address = "https://wiki.example/limits"
    for words in ("82.6", "UNPL"):
        _split_run(unpl.text_frame.paragraphs[0], words).hyperlink.address = (
            "https://files.example/may.xlsx")
    lnpl = shapes["Line label LNPL#1"]
    assert lnpl.text_frame.text == "LNPL 73.2"  # May's; June's is 73.1
    _split_run(lnpl.text_frame.paragraphs[0], "73.2").hyperlink.address = (
        "https://files.example/lnpl.xlsx")
    assert len({r.hyperlink._hlinkClick.rId for r in unpl.text_frame.paragraphs[0].runs
                if r.text in ("82.6", "UNPL")}) == 1  # (python-pptx shares one relationship)
    c2_status = next(s for s, m in marked_shapes(pages(prs)["measure:C2"]) if m.role == "status")
    c2_status.click_action.hyperlink.address = "https://wiki.example/c2"  # (for its element)
    link = c2_status._element.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}/{qn('a:hlinkClick')}")
    rid = link.get(qn("r:id"))
    link.set(qn("r:id"), "")  # an action without a relationship: "next slide"
    pages(prs)["measure:C2"].part.drop_rel(rid)
    link.set("action", "ppaction://hlinkshowjump?jump=nextslide")
    prs.save(str(tmp_path / "linked.pptx"))

    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "linked.pptx", books["june"], out)
    got = pages(Presentation(str(out)))["measure:C1"]
    fresh = pages(Presentation(str(books["fresh"])))["measure:C1"]
    assert page_content(got) == page_content(fresh)
    (title_run,) = got.shapes.title.text_frame.paragraphs[0].runs
    assert title_run.hyperlink.address == "https://dash.example/calls"
    shapes = {m.role: s for s, m in marked_shapes(got)}
    runs = shapes["subtitle"].text_frame.paragraphs[0].runs
    assert [(r.text, r.hyperlink.address) for r in runs] == [
        ("Evidence of: Residents reach us quickly · Owner: ", None),
        ("Priya Shah", "https://people.example/priya"),
    ]
    assert runs[0].font.size == runs[1].font.size is not None  # the look pumpxl gave them
    label = shapes["Line label UNPL#1"]
    assert label.text_frame.text == "UNPL 82.8"
    assert label.click_action.hyperlink.address == "https://wiki.example/limits"
    assert [(r.text, r.hyperlink.address) for r in label.text_frame.paragraphs[0].runs] == [
        ("UNPL", "https://files.example/may.xlsx"), (" 82.8", None)]
    assert shapes["Line label LNPL#1"].text_frame.text == "LNPL 73.1"
    assert "https://files.example/lnpl.xlsx" not in [  # (its relationship gone with it)
        r.target_ref for r in got.part.rels.values() if r.is_external]
    c2 = next(s for s, m in marked_shapes(pages(Presentation(str(out)))["measure:C2"])
              if m.role == "status")  # fmt: skip
    assert c2.click_action.action == PP_ACTION.NEXT_SLIDE  # (its page: a person's)
    assert "Could not be kept (2):" in said
    assert ("your link on '82.6' in Line label UNPL (to https://files.example/may.xlsx): "
            "those words are not in this month's text") in said
    assert "your link on '73.2' in Line label LNPL (to https://files.example/lnpl.xlsx)" in said
    # and next month (here June again): the links still follow their words
    refreshed_to(out, books["june"], tmp_path / "again.pptx")
    again = pages(Presentation(str(tmp_path / "again.pptx")))["measure:C1"]
    assert again.shapes.title.text_frame.paragraphs[0].runs[0].hyperlink.address == (
        "https://dash.example/calls")
    subtitle = next(s for s, m in marked_shapes(again) if m.role == "subtitle")
    runs = subtitle.text_frame.paragraphs[0].runs
    assert [r.hyperlink.address for r in runs] == [None, "https://people.example/priya"]


def _jump(part: Any, element: Any, to: Any) -> None:
    """A person's link on ``element`` (a run's or shape's properties, of a slide whose part is
    ``part``) to the page whose part is ``to``, as PowerPoint's *Place in This Document*."""
    link = etree.SubElement(element, qn("a:hlinkClick"))
    link.set(qn("r:id"), part.relate_to(to, RT.SLIDE))
    link.set("action", "ppaction://hlinksldjump")


def test_links_to_pages_lead_to_this_months_pages(books: dict[str, Path], tmp_path: Path) -> None:
    """An At a glance row linked to C2's page, and a page of a person's own linking to C3's:
    C2's and C3's pages nobody touched are this month's pages in June, and the links lead to
    them (not to May's pages, left in the file outside the show); a link to a page no longer
    in the deck is said."""
    prs = Presentation(str(books["deck"]))
    by_key = pages(prs)
    glance, c2, c3 = by_key["glance"], by_key["measure:C2"], by_key["measure:C3"]
    name = c2.shapes.title.text_frame.text
    table = next(s for s in glance.shapes if s.has_table).table
    run = next(r for row in table.rows for cell in row.cells
               for p in cell.text_frame.paragraphs for r in p.runs if r.text == name)  # fmt: skip
    _jump(glance.part, run._r.get_or_add_rPr(), c2.part)
    own = prs.slides.add_slide(prs.slide_layouts[6])
    box = own.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1))
    box.text_frame.text = "Agenda: housing benefit"
    _jump(own.part, box._element.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}"), c3.part)
    gone = prs.slides.add_slide(prs.slide_layouts[6])  # a page of theirs, linked, then deleted
    gone.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text = "Our spare page"
    box = own.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1))
    box.text_frame.text = "Spare"
    _jump(own.part, box._element.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}"), gone.part)
    ids = prs.slides._sldIdLst
    ids.remove(ids[-1])
    # (python-pptx names the pages listed slide1.xml on; the next name, this page's, is
    # one a refresh's new pages come to: it must not write two members of that name)
    gone.part.partname = PackURI(f"/ppt/slides/slide{len(ids) + 1}.xml")
    prs.save(str(tmp_path / "linked.pptx"))
    with zipfile.ZipFile(tmp_path / "linked.pptx") as z:  # (the deleted page stays in the file)
        assert len([n for n in z.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", n)]) == (
            len(prs.slides) + 1)

    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "linked.pptx", books["june"], out)
    june = Presentation(str(out))
    shown = {slide.part: slide_mark(slide) for slide in june.slides}

    def led_to(slide: Any) -> list[str]:
        return [m.slide if (m := shown.get(slide.part.related_part(el.get(qn("r:id"))))) else
                "outside the show" for el in slide._element.iter(qn("a:hlinkClick"))]  # fmt: skip

    got = pages(june)
    assert led_to(got["glance"]) == ["measure:C2"]
    theirs = next(s for s in june.slides if slide_mark(s) is None)
    assert led_to(theirs) == ["measure:C3", "outside the show"]
    c2_now = next(s for s in got["measure:C2"].shapes if s.has_chart).chart.plots[0].series[0]
    assert c2_now.values[-1] == pytest.approx(council_model().series["C2"].values[-1])
    assert "your link to 'Our spare page': that page is not in this month's deck" in said
    with zipfile.ZipFile(out) as z:  # May's C2 and C3 pages are not carried along
        slides = [n for n in z.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", n)]
    assert len(slides) == len(june.slides) + 1  # (and the person's deleted page, linked)


def test_a_chart_a_person_grouped_with_its_labels_is_refreshed_in_the_group(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """C1's chart grouped with its UNPL and CL labels, the chart moved half an inch right in
    the group and the group an inch right on the page: in June the chart in the group holds
    June's data, the labels in it June's words over the chart where it stands in the group,
    the labels left on the page follow it an inch and a half right; nothing is said to stay
    deleted; and next month again. Then the group squeezed to half its width: the labels on
    the page follow the chart's squeezed frame, those in it keep their size on the page."""
    fresh = pages(Presentation(str(books["fresh"])))["measure:C1"]
    theirs = {m.role: s for s, m in marked_shapes(fresh)}
    grouped = ["chart", "Line label UNPL#1", "Line label CL#1"]
    on_page = ["Line label Target#1", "Line label LNPL#1"]

    def grouped_deck(name: str, shift: int, width: float) -> Path:
        prs = Presentation(str(books["deck"]))
        c1 = pages(prs)["measure:C1"]
        shapes = {m.role: s for s, m in marked_shapes(c1)}
        group = c1.shapes.add_group_shape([shapes[role] for role in grouped])
        shapes["chart"].left += shift  # (in the group's own space)
        group.left += Inches(1)  # (the group's place on the page; its members' own stay)
        group.width = int(group.width * width)  # (its own space squeezed onto the page)
        prs.save(str(tmp_path / name))
        return tmp_path / name

    def labels(deck: Path) -> tuple[dict[str, Any], Any]:
        got = pages(Presentation(str(deck)))["measure:C1"]
        mine = {m.role: s for s, m in marked_shapes(got)}
        (in_group,) = [s for s in got.shapes if s.shape_type == MSO_SHAPE_TYPE.GROUP]
        assert sorted(m.role for s, m in marked_shapes(got) if s in list(in_group.shapes)) == (
            sorted(grouped))  # fmt: skip
        assert page_content(got)["chart"] == page_content(fresh)["chart"]
        for role in grouped[1:] + on_page:
            assert mine[role].text_frame.text == theirs[role].text_frame.text
        return mine, in_group

    def moved(deck: Path) -> None:
        mine, _ = labels(deck)
        for role, by in [(r, Inches(0.5)) for r in grouped[1:]] + [
                (r, Inches(1.5)) for r in on_page]:  # fmt: skip
            assert abs(mine[role].left - theirs[role].left - by) <= 1, role
            assert abs(mine[role].top - theirs[role].top) <= 1, role

    out = tmp_path / "june.pptx"
    said = refreshed_to(grouped_deck("moved.pptx", Inches(0.5), 1), books["june"], out)
    assert "stays deleted" not in said
    assert "1 chart given the new data in place" in said
    moved(out)
    refreshed_to(out, books["june"], tmp_path / "again.pptx")
    moved(tmp_path / "again.pptx")

    out = tmp_path / "squeezed-june.pptx"
    refreshed_to(grouped_deck("squeezed.pptx", 0, 0.5), books["june"], out)
    mine, group = labels(out)
    chart = theirs["chart"]  # (where the chart stands in the group: where pumpxl put it)
    left = group.left + (chart.left - group._element.chOff.x) * 0.5  # on the page
    for role in on_page:  # their centres where they were over the chart, squeezed
        centre = left + (theirs[role].left + theirs[role].width / 2 - chart.left) * 0.5
        assert abs(mine[role].left + mine[role].width / 2 - centre) <= 2, role  # (EMU)
        assert mine[role].width == theirs[role].width
    for role in grouped[1:]:  # twice as wide in the squeezed space: as wide on the page
        assert abs(mine[role].width - 2 * theirs[role].width) <= 1, role


def _duplicated(prs: Any, slide: Any) -> Any:
    """A copy of ``slide`` at the end of the deck, as PowerPoint's *Duplicate Slide* makes
    it: the same shapes (marks and all), each chart a part of its own (its workbook
    shared here)."""
    copy_ = prs.slides.add_slide(slide.slide_layout)
    tree = copy_.shapes._spTree
    for el in list(tree.iterchildren(qn("p:sp"))):
        tree.remove(el)
    for el in slide.shapes._spTree.iterchildren(qn("p:sp"), qn("p:graphicFrame"),
                                                qn("p:cxnSp"), qn("p:pic")):  # fmt: skip
        tree.append(_shape_copy(prs, slide, el, copy_))
    return copy_


def _shape_copy(prs: Any, slide: Any, el: Any, onto: Any) -> Any:
    """A copy of the shape element ``el`` of ``slide`` for the slide ``onto``, as PowerPoint
    copies it (name and mark kept; a chart gets a part of its own, its workbook shared
    here)."""
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.parts.chart import ChartPart

    el = copy.deepcopy(el)
    ref = next(el.iter(qn("c:chart")), None)
    if ref is not None:
        old = slide.part.related_part(ref.get(qn("r:id")))
        package = prs.part.package
        chart = ChartPart.load(package.next_partname(ChartPart.partname_template),
                               CT.DML_CHART, package, old.blob)  # fmt: skip
        book = chart._element.find(qn("c:externalData"))
        book.set(qn("r:id"), chart.relate_to(old.chart_workbook.xlsx_part, RT.PACKAGE))
        ref.set(qn("r:id"), onto.part.relate_to(chart, RT.CHART))
    return el


def test_a_page_a_person_duplicated_takes_this_months_chart_in_each_copy(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """C1's page with its chart restyled, then duplicated (both copies carry C1's marks):
    in June each copy's chart holds June's data and keeps the person's colour."""
    prs = Presentation(str(books["deck"]))
    c1 = pages(prs)["measure:C1"]
    chart = next(s for s in c1.shapes if s.has_chart).chart
    value = next(s for s in chart.plots[0].series if s.name == "Value")
    value.format.line.color.rgb = RGBColor(0xFF, 0x00, 0xAA)
    _duplicated(prs, c1)
    prs.save(str(tmp_path / "twice.pptx"))
    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "twice.pptx", books["june"], out)
    copies = [s for s in Presentation(str(out)).slides
              if (m := slide_mark(s)) is not None and m.slide == "measure:C1"]  # fmt: skip
    assert len(copies) == 2
    june = council_model().series["C1"].values
    for slide in copies:
        series = {s.name: s for s in next(s for s in slide.shapes if s.has_chart).chart.plots[0]
                  .series}  # fmt: skip
        assert list(series["Value"].values) == pytest.approx(list(june))
        assert series["Value"].format.line.color.rgb == RGBColor(0xFF, 0x00, 0xAA)
        assert len(series) > 3  # (the limits too)


def test_a_copy_a_person_edited_of_a_page_nobody_touched_stays(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """C2's page, untouched, duplicated, and the person's words written in the copy's Why:
    in June the first is June's page, the copy stays with the person's words and June's
    chart; neither is lost."""
    prs = Presentation(str(books["deck"]))
    copy_ = _duplicated(prs, pages(prs)["measure:C2"])
    why = next(s for s, m in marked_shapes(copy_) if m.role == "why")
    why.text_frame.paragraphs[0].runs[0].text = "Our own words in the copy."
    prs.save(str(tmp_path / "copied.pptx"))
    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "copied.pptx", books["june"], out)
    june = Presentation(str(out))
    copies = [s for s in june.slides
              if (m := slide_mark(s)) is not None and m.slide == "measure:C2"]  # fmt: skip
    assert len(copies) == 2 and len(june.slides) == len(prs.slides)
    fresh = pages(Presentation(str(books["fresh"])))["measure:C2"]
    assert page_content(copies[0]) == page_content(fresh)
    assert "Our own words in the copy." in page_content(copies[1])["why"]
    assert page_content(copies[1])["chart"] == page_content(fresh)["chart"]
    assert "your words in Why" in said


def test_copies_of_a_page_keep_each_its_own_words(books: dict[str, Path], tmp_path: Path) -> None:
    """C1's page duplicated twice, the person's words in the first's Why and other words in
    the first copy's: in June each keeps its own, neither shows the other's, the copy nobody
    edited shows June's draft, and the blocks nobody edited are June's drafts on all three."""
    prs = Presentation(str(books["deck"]))
    first = pages(prs)["measure:C1"]
    second = _duplicated(prs, first)
    _duplicated(prs, first)
    for slide, words in ((first, "The first page's words."), (second, "The copy's words.")):
        why = next(s for s, m in marked_shapes(slide) if m.role == "why")
        why.text_frame.paragraphs[0].runs[0].text = words
    prs.save(str(tmp_path / "copies.pptx"))
    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "copies.pptx", books["june"], out)
    copies = [page_content(s) for s in Presentation(str(out)).slides
              if (m := slide_mark(s)) is not None and m.slide == "measure:C1"]  # fmt: skip
    fresh = page_content(pages(Presentation(str(books["fresh"])))["measure:C1"])
    assert [c["why"] for c in copies] == ["The first page's words.", "The copy's words.",
                                          fresh["why"]]  # fmt: skip
    for c in copies:
        assert (c["happening"], c["action"], c["chart"]) == (
            fresh["happening"], fresh["action"], fresh["chart"])


def test_a_shape_pumpxl_no_longer_draws_stays_with_a_persons_link(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """A label of pumpxl's on C1's page that June's page no longer has (a role pumpxl does
    not draw in June) goes, unless a person linked it: then it stays and is said."""
    prs = Presentation(str(books["deck"]))
    c1 = pages(prs)["measure:C1"]
    label = next(s for s, m in marked_shapes(c1) if m.role == "Line label UNPL#1")
    for role, linked in (("Line label Gone#1", False), ("Line label Kept#1", True)):
        el = copy.deepcopy(label._element)
        props = el.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}")
        props.set("name", props.get("name").replace("Line%20label%20UNPL%231",
                                                    role.replace(" ", "%20").replace("#", "%23")))
        props.set("id", str(c1.shapes._next_shape_id))
        c1.shapes._spTree.append(el)
        if linked:
            c1.shapes[-1].click_action.hyperlink.address = "https://wiki.example/kept"
    marked = {m.role for _, m in marked_shapes(c1)}
    assert {"Line label Gone#1", "Line label Kept#1"} <= marked
    prs.save(str(tmp_path / "old-labels.pptx"))
    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "old-labels.pptx", books["june"], out)
    got = {m.role: s for s, m in marked_shapes(pages(Presentation(str(out)))["measure:C1"])}
    assert "Line label Gone#1" not in got
    assert got["Line label Kept#1"].click_action.hyperlink.address == "https://wiki.example/kept"
    assert "your Line label Kept (pumpxl no longer draws it)" in said


def test_a_renamed_layout_is_no_persons_layout(books: dict[str, Path], tmp_path: Path) -> None:
    """The layout May's pages stand on renamed (in the slide master, or by another program's
    save: LibreOffice renames most layouts), a person's words in C1's Why: no page counts as
    given another layout, this month nor the next (C1's page records the layout it stands
    on as it is now)."""
    prs = Presentation(str(books["deck"]))
    layout = next(lay for lay in prs.slide_layouts if lay.name == "Title Only")
    layout._element.cSld.set("name", "Heading only")
    why = next(s for s, m in marked_shapes(pages(prs)["measure:C1"]) if m.role == "why")
    why.text_frame.paragraphs[0].runs[0].text = "Our own words."
    prs.save(str(tmp_path / "renamed.pptx"))
    for month in ("june", "july"):
        deck = tmp_path / ("renamed.pptx" if month == "june" else "june.pptx")
        said = refreshed_to(deck, books["june"], tmp_path / f"{month}.pptx")
        assert "your layout" not in said, month
        assert " 1 refreshed around your edits" in said, month  # (C1's page, for its words)


def test_a_groups_space_on_the_page() -> None:
    """Where a shape in a group stands on the page: the group's own space mapped onto its
    place (a squeezed, moved group); a rotated or flipped group: not told."""
    from pumpxl.report.places import page_box, space_scale

    def grouped(xfrm: str) -> Any:
        group = etree.fromstring(
            f'<p:grpSp xmlns:p="{_P_NS}" xmlns:a="http://schemas.openxmlformats.org/drawingml/'
            f'2006/main"><p:nvGrpSpPr/><p:grpSpPr>{xfrm}</p:grpSpPr><p:sp><p:nvSpPr>'
            '<p:cNvPr id="2" name="x"/></p:nvSpPr><p:spPr><a:xfrm><a:off x="300" y="400"/>'
            '<a:ext cx="100" cy="50"/></a:xfrm></p:spPr></p:sp></p:grpSp>')  # fmt: skip
        return group[2]

    squeezed = ('<a:xfrm{}><a:off x="1000" y="2000"/><a:ext cx="500" cy="1000"/>'
                '<a:chOff x="200" y="400"/><a:chExt cx="1000" cy="1000"/></a:xfrm>')
    shape = grouped(squeezed.format(""))
    assert page_box(shape) == (1050, 2000, 50, 50)  # x: 1000 + (300 - 200) / 2
    assert space_scale(shape) == (0.5, 1.0)
    for turned in (' rot="5400000"', ' flipH="1"'):
        assert page_box(grouped(squeezed.format(turned))) is None
        assert space_scale(grouped(squeezed.format(turned))) == (0.5, 1.0)


def test_a_link_to_a_page_drawn_again_leads_to_it(books: dict[str, Path], tmp_path: Path) -> None:
    """A page of a person's own after the Results Map, linking to it; in June a result is
    restated, so the map (which stands while what it shows is the same) is drawn again: the
    link leads to June's map, not to another page."""
    prs = Presentation(str(books["deck"]))
    own = prs.slides.add_slide(prs.slide_layouts[6])
    box = own.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1))
    box.text_frame.text = "Agenda: the map"
    _jump(own.part, box._element.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}"),
          pages(prs)["map"].part)  # fmt: skip
    ids = prs.slides._sldIdLst
    mine = ids[-1]
    ids.remove(mine)
    keys = [m.slide if (m := slide_mark(s)) else "" for s in prs.slides]
    ids.insert(keys.index("map") + 1, mine)
    prs.save(str(tmp_path / "agenda.pptx"))
    model = council_model()
    rid = next(iter(model.results))
    model.results[rid] = replace(model.results[rid], statement="Residents trust the council")
    write_pump_workbook(tmp_path / "june.xlsx", model)
    out = tmp_path / "june.pptx"
    refreshed_to(tmp_path / "agenda.pptx", tmp_path / "june.xlsx", out)
    june = Presentation(str(out))
    theirs = next(s for s in june.slides if slide_mark(s) is None)
    (link,) = theirs._element.iter(qn("a:hlinkClick"))
    target = theirs.part.related_part(link.get(qn("r:id")))
    assert target in [s.part for s in june.slides]
    assert slide_mark(target.slide).slide == "map"
    assert "Residents trust the council" in str(page_content(target.slide))


def test_a_layout_a_person_chose_for_a_page_stays(books: dict[str, Path], tmp_path: Path) -> None:
    """C2's page given another layout (Title and Content), nothing else touched: in June it
    keeps that layout, with June's content, and the refresh says so."""
    prs = Presentation(str(books["deck"]))
    c2 = pages(prs)["measure:C2"]
    layout = next(lay for lay in prs.slide_layouts if lay.name == "Title and Content")
    assert c2.slide_layout.name != layout.name
    rid = next(r for r, rel in c2.part.rels.items() if rel.reltype == RT.SLIDE_LAYOUT)
    c2.part.drop_rel(rid)
    c2.part.relate_to(layout.part, RT.SLIDE_LAYOUT)
    prs.save(str(tmp_path / "relaid.pptx"))
    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "relaid.pptx", books["june"], out)
    got = pages(Presentation(str(out)))["measure:C2"]
    fresh = pages(Presentation(str(books["fresh"])))["measure:C2"]
    assert got.slide_layout.name == "Title and Content"
    assert page_content(got) == page_content(fresh)
    assert "your layout 'Title and Content'" in said
    assert "1 refreshed around your edits" in said


def _refreshed_and_fresh(model: PumpModel, deck: Path, run: Path
                         ) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    """``deck`` refreshed with ``model``'s workbook, and a fresh build of it: their pages."""
    book, out = run.with_suffix(".xlsx"), run.with_suffix(".pptx")
    write_pump_workbook(book, model)
    refreshed_to(deck, book, out)
    with redirect_stdout(io.StringIO()):
        assert main(["report", str(book), "-o", str(run)]) == 0
    fresh = run / "report-leadership.pptx"
    return pages(Presentation(str(out))), pages(Presentation(str(fresh)))


def _whose(slide: Any) -> str | None:
    """A detail no page of pumpxl's has (the slide's own name): whose page it is."""
    name: str | None = slide._element.find(qn("p:cSld")).get("name")
    return name


def test_appendix_pages_nobody_touched_stand_and_a_changed_definition_is_drawn_again(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """A page of definitions that did not change, nobody touched, is last month's page as it
    stands (a refresh need not draw it again); one whose definition changed, or that a person
    edited, is drawn from this month's definitions (with the person's words kept)."""
    may = Presentation(str(books["deck"]))
    by_key = pages(may)
    appendix = sorted(k for k in by_key if k.startswith("appendix"))
    assert appendix == ["appendix", "appendix:2"]
    for key in appendix:  # a detail no page of pumpxl's has: it shows whose page it is
        by_key[key]._element.find(qn("p:cSld")).set("name", f"May's {key}")
    marked = tmp_path / "may.pptx"
    may.save(str(marked))

    def refreshed_pages(model: PumpModel, deck: Path, run: str
                        ) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
        return _refreshed_and_fresh(model, deck, tmp_path / run)

    # June: the same definitions, so both pages stand as they were
    got, fresh = refreshed_pages(council_model(), marked, "same")
    assert [_whose(got[k]) for k in appendix] == ["May's appendix", "May's appendix:2"]
    for key in appendix:
        assert page_content(got[key]) == page_content(fresh[key]), key
    # C2's description changes: its page is drawn again, the other stands
    model = council_model()
    (c2_page,) = [k for k in appendix if "C2" in str(page_content(by_key[k]))
                  or model.measures["C2"].name in str(page_content(by_key[k]))]  # fmt: skip
    model.measures["C2"] = replace(model.measures["C2"], description="Bins missed, per week.")
    got, fresh = refreshed_pages(model, marked, "changed")
    assert _whose(got[c2_page]) is None
    assert "Bins missed, per week." in str(page_content(got[c2_page]))
    assert page_content(got[c2_page]) == page_content(fresh[c2_page])
    other = next(k for k in appendix if k != c2_page)
    assert _whose(got[other]) == f"May's {other}"
    # a person's words in a definition: that page is refreshed around them, not kept whole
    edited = Presentation(str(marked))
    table = next(s for s in pages(edited)[other].shapes if s.has_table)
    table.table.cell(0, 1).text_frame.paragraphs[0].runs[0].text = "Our own wording"
    mine = tmp_path / "mine.pptx"
    edited.save(str(mine))
    got, fresh = refreshed_pages(council_model(), mine, "edited")
    assert "Our own wording" in str(page_content(got[other]))


def test_a_results_map_nobody_touched_stands_until_what_it_shows_changes(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """The Results Map nobody touched is last month's page as it stands while everything it
    shows is the same (results, their measures' states, the audience); a result restated
    draws it again, as a fresh build draws it."""
    may = Presentation(str(books["deck"]))
    pages(may)["map"]._element.find(qn("p:cSld")).set("name", "May's map")
    marked = tmp_path / "may.pptx"
    may.save(str(marked))

    got, fresh = (p["map"] for p in _refreshed_and_fresh(_to_may(council_model()), marked,
                                                          tmp_path / "same"))  # fmt: skip
    assert _whose(got) == "May's map"
    assert page_content(got) == page_content(fresh)
    model = _to_may(council_model())
    rid = next(iter(model.results))
    model.results[rid] = replace(model.results[rid], statement="Residents trust the council")
    got, fresh = (p["map"] for p in _refreshed_and_fresh(model, marked, tmp_path / "restated"))
    assert _whose(got) is None
    assert "Residents trust the council" in str(page_content(got))
    assert page_content(got) == page_content(fresh)


def test_a_refresh_opens_only_the_pages_it_keeps(books: dict[str, Path]) -> None:
    """Last month's pages nobody touched that this month's build replaces are read from the
    file's XML and never opened: neither they nor their notes, charts and charts' workbooks
    are in the package the refresh builds into; the pages it may keep are, unparsed."""
    old, problem = read_old_deck(books["deck"])
    assert old is not None, problem
    assert all(p.untouched for p in old.pages)  # May's deck as pumpxl wrote it
    left_out = replaced_pages(old.pages, lambda measure: True)
    kept = [p.key for p in old.pages if p.partname not in left_out]
    assert kept == ["map", "appendix", "appendix:2"]  # the pages that record what drew them
    prs, pages_ = old.open(left_out)
    assert [page.key for page, part in pages_ if part is not None] == kept
    assert len(prs.slides) == 3
    names = [str(part.partname) for part in prs.part.package.iter_parts()]
    assert not [n for n in names if "/charts/" in n or "/embeddings/" in n]
    assert len([n for n in names if "/notesSlides/" in n]) == 3
    assert all(part._parsed is None for _, part in pages_ if part is not None)  # unparsed


def test_speaker_notes_a_person_wrote_keep_their_line_breaks(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """A person's speaker notes with a soft line break (PowerPoint's Shift+Enter): kept as
    they wrote them, the break still a line break, with this month's calculation below."""
    prs = Presentation(str(books["deck"]))
    c1 = pages(prs)["measure:C1"]
    c1.notes_slide.notes_text_frame.text = "Ask Priya first\vthen the rota team"
    deck = tmp_path / "noted.pptx"
    prs.save(str(deck))
    out = tmp_path / "out.pptx"
    with redirect_stdout(io.StringIO()) as said:
        assert main(["refresh", str(deck), str(books["june"]), "-o", str(out)]) == 0
    assert "your speaker notes" in said.getvalue()
    notes = pages(Presentation(str(out)))["measure:C1"].notes_slide.notes_text_frame
    assert notes.text.startswith("Ask Priya first\vthen the rota team\n")
    assert notes.paragraphs[0]._p.find(qn("a:br")) is not None
    assert "this month's calculation" in notes.text


def test_a_place_is_recorded_as_numbers_and_a_save_s_rounding_is_no_move() -> None:
    """Where a shape stands is recorded in EMU and compared within a tenth of a millimetre:
    LibreOffice's save moves every shape by a few hundred EMU (measured on its re-save of a
    pumpxl deck: up to about 500), which is no person's move; a pixel's nudge (9,525 EMU at
    100% zoom) is. Marks of version 1 held the digest of the numbers, compared exactly."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(3), Inches(1))
    line = slide.shapes.add_connector(1, Inches(5), Inches(3), Inches(4), Inches(1))
    g_box, g_line = element_geometry(box._element), element_geometry(line._element)
    assert g_box == f"{Inches(1)}.{Inches(2)}.{Inches(3)}.{Inches(1)}"
    assert g_line == f"{Inches(5)}.{Inches(3)}.{Inches(4)}.{Inches(1)}"  # its two ends
    box.left, box.width = box.left + 450, box.width - 330  # LibreOffice's rounding
    assert stands_at(box._element, g_box)
    box.left += 9525 - 450  # a person's nudge
    assert not stands_at(box._element, g_box)
    line.begin_x, line.end_x = line.end_x, line.begin_x  # the same line, drawn the other way
    assert not stands_at(line._element, g_line)
    # version 1: sha256 of "x,y,cx,cy" (its first 8 hex digits), as pumpxl wrote it before
    moved = box._element
    numbers = ",".join(element_geometry(moved).split("."))
    v1 = hashlib.sha256(numbers.encode()).hexdigest()[:8]
    assert stands_at(moved, v1)
    box.left += 1
    assert not stands_at(moved, v1)


def test_a_persons_speaker_notes_stay_theirs_month_after_month(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """Notes a person wrote on a page they did not otherwise touch: kept at every refresh
    with one calculation below them, this month's (not left out the second month, when
    the notes as the first refresh wrote them counted as pumpxl's and were replaced); words
    they add between refreshes are theirs too."""
    prs = Presentation(str(books["deck"]))
    pages(prs)["measure:C2"].notes_slide.notes_text_frame.text = "Ask Sam about the depot"
    month = tmp_path / "noted.pptx"
    prs.save(str(month))
    fresh = pages(Presentation(str(books["fresh"])))["measure:C2"]
    calculation = fresh.notes_slide.notes_text_frame.text
    said = ""
    for k in range(3):
        out = tmp_path / f"month{k}.pptx"
        said = refreshed_to(month, books["june"], out)
        assert "(Housing benefit claim processing time, measure C2): your speaker notes" in said
        notes = pages(Presentation(str(out)))["measure:C2"].notes_slide.notes_text_frame.text
        words = "Ask Sam about the depot" + ("\nand the new vans" if k == 2 else "")
        assert notes == (f"{words}\n\npumpxl refresh, this month's calculation:\n"
                         f"{calculation}"), k  # fmt: skip
        month = out
        if k == 1:  # the person adds a line to their words
            prs = Presentation(str(month))
            frame = pages(prs)["measure:C2"].notes_slide.notes_text_frame
            frame.text = frame.text.replace("the depot\n", "the depot\nand the new vans\n", 1)
            month = tmp_path / "added.pptx"
            prs.save(str(month))


def test_a_page_inflating_past_its_declared_size_is_refused_without_inflating_it(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """A zip member whose data inflates to far more than the size the file declares for it
    (how a zip bomb hides): refused as damaged, with the page named, never inflated past the
    declared size (zipfile's own reader inflates such a member whole before it finds out)."""
    deck = tmp_path / "lying.pptx"
    lying_member(books["deck"], deck, "ppt/slides/slide3.xml", 64 << 20)
    tracemalloc.start()
    try:
        said = _fails(["refresh", str(deck), str(books["june"])])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "slide 3 (ppt/slides/slide3.xml) is damaged" in said
    assert peak < 32 << 20  # the 64 MB were never inflated
    assert not (tmp_path / "lying-refreshed.pptx").exists()


def test_a_page_a_custom_show_names_keeps_its_reference(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """A custom show (PowerPoint's Slide Show > Custom Slide Show) naming one of pumpxl's
    pages nobody touched: it names this month's page after the refresh, and no reference in
    the presentation points nowhere."""
    prs = Presentation(str(books["deck"]))
    c2 = pages(prs)["measure:C2"]
    rid = next(s.rId for s in prs.slides._sldIdLst if prs.part.related_part(s.rId) is c2.part)
    shows = etree.fromstring(
        '<p:custShowLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<p:custShow name="Short" id="0"><p:sldLst><p:sld r:id="{rid}"/></p:sldLst>'
        "</p:custShow></p:custShowLst>"
    )
    prs.part._element.find(qn("p:notesSz")).addnext(shows)
    deck, out = tmp_path / "shows.pptx", tmp_path / "out.pptx"
    prs.save(str(deck))
    refreshed_to(deck, books["june"], out)
    got = Presentation(str(out))
    named = [el.get(qn("r:id")) for el in got.part._element.iter() if el.get(qn("r:id"))]
    assert all(r in got.part.rels for r in named)
    (shown,) = [el.get(qn("r:id")) for el in got.part._element.iter(qn("p:sld"))]
    assert got.part.related_part(shown) is pages(got)["measure:C2"].part


def _page_names(deck: Path) -> dict[str, bytes]:
    """Each marked page's member name in the file, by key."""
    old, problem = read_old_deck(deck)
    assert old is not None, problem
    return {p.key: p.partname.lstrip("/").encode() for p in old.pages if p.key}


def _page_bytes(deck: Path) -> dict[str, bytes]:
    """Each marked page's XML as the file holds it, by key."""
    with zipfile.ZipFile(deck) as z:
        return {key: z.read(name.decode()) for key, name in _page_names(deck).items()}


def test_pages_kept_as_they_stand_are_written_as_they_were_read(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """A refresh does not parse and write again the pages it keeps as they stand: their XML
    is the file's, byte for byte, as another program wrote it (here laid out on many lines,
    which pumpxl and python-pptx never write); the pages it replaces equal a fresh build."""
    laid_out = tmp_path / "laid-out.pptx"
    keys = {name.decode(): key for key, name in _page_names(books["deck"]).items()}
    with zipfile.ZipFile(books["deck"]) as src, zipfile.ZipFile(laid_out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if keys.get(item.filename, "").startswith("appendix"):
                data = etree.tostring(etree.fromstring(data), pretty_print=True,
                                      xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item, data)
    before = _page_bytes(laid_out)
    assert before["appendix"].count(b"\n") > 50
    out = tmp_path / "out.pptx"
    refreshed_to(laid_out, books["june"], out)
    after = _page_bytes(out)
    assert after["appendix"] == before["appendix"]
    assert after["appendix:2"] == before["appendix:2"]
    got, fresh = pages(Presentation(str(out))), pages(Presentation(str(books["fresh"])))
    assert list(got) == list(fresh)
    for key in fresh:
        assert page_content(got[key]) == page_content(fresh[key]), key


def test_output_names_never_clobber_and_in_place_keeps_a_backup(
    books: dict[str, Path], tmp_path: Path
) -> None:
    deck = tmp_path / "deck.pptx"
    shutil.copy(books["deck"], deck)
    with redirect_stdout(io.StringIO()):
        assert main(["refresh", str(deck), str(books["june"])]) == 0
        assert main(["refresh", str(deck), str(books["june"])]) == 0
    assert (tmp_path / "deck-refreshed.pptx").exists()
    assert (tmp_path / "deck-refreshed-2.pptx").exists()
    err = io.StringIO()
    with redirect_stderr(err):
        assert main(["refresh", str(deck), str(books["june"]), "-o",
                     str(tmp_path / "deck-refreshed.pptx")]) == 1  # fmt: skip
    assert "already exists" in err.getvalue()
    before = deck.read_bytes()
    with redirect_stdout(io.StringIO()):
        assert main(["refresh", str(deck), str(books["june"]), "--in-place"]) == 0
    assert (tmp_path / "deck-backup.pptx").read_bytes() == before
    assert deck.read_bytes() != before


def _fails(argv: list[str]) -> str:
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        assert main(argv) == 1
    assert "Traceback" not in err.getvalue()
    return err.getvalue()


def test_bad_decks_get_a_clear_message_and_nothing_is_written(
    books: dict[str, Path], tmp_path: Path
) -> None:
    june = str(books["june"])
    plain = tmp_path / "plain.pptx"
    Presentation().save(str(plain))
    assert "not a deck pumpxl made" in _fails(["refresh", str(plain), june])
    other = tmp_path / "other.pptx"
    assert main(["report", "-o", str(tmp_path / "example"), "--audience", "Board"]) == 0
    shutil.copy(tmp_path / "example" / "report-board.pptx", other)
    assert "made from another workbook" in _fails(["refresh", str(other), june])
    locked = tmp_path / "locked.pptx"
    shutil.copy(books["deck"], locked)
    (tmp_path / "~$locked.pptx").write_bytes(b"")
    assert "open in PowerPoint or LibreOffice" in _fails(["refresh", str(locked), june])
    broken = tmp_path / "broken.pptx"
    broken.write_bytes(books["deck"].read_bytes()[:5000])
    assert "damaged" in _fails(["refresh", str(broken), june])
    torn = tmp_path / "torn.pptx"  # one page's XML cut short: which one is said
    with zipfile.ZipFile(books["deck"]) as src, zipfile.ZipFile(torn, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            out.writestr(item, data[: len(data) // 2] if item.filename.endswith("slide3.xml")
                         else data)  # fmt: skip
    assert "slide 3 (ppt/slides/slide3.xml) is damaged" in _fails(["refresh", str(torn), june])
    secret = tmp_path / "secret.pptx"
    secret.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512)
    assert "password-protected" in _fails(["refresh", str(secret), june])
    bad_book = tmp_path / "bad.xlsx"
    shutil.copy(books["june"], bad_book)
    import openpyxl

    wb = openpyxl.load_workbook(bad_book)
    wb["Data"]["C3"] = "about 70"
    wb.save(bad_book)
    err = _fails(["refresh", str(books["deck"]), str(bad_book)])
    assert "Data!C3" in err
    written = {p.name for p in tmp_path.iterdir()} | {p.name for p in books["dir"].iterdir()}
    assert not {n for n in written if n.startswith(("plain-", "other-", "locked-", "broken-",
                                                    "torn-", "secret-"))}  # fmt: skip


def test_a_deck_on_a_corporate_template_with_icons_refreshes_on_its_template(
    books: dict[str, Path], corporate_potx: Path, tmp_path: Path
) -> None:
    assert main(["report", str(books["may"]), "-o", str(tmp_path / "brand"), "--template",
                 str(corporate_potx), "--icons", "mdc"]) == 0  # fmt: skip
    deck = tmp_path / "brand" / "report-leadership.pptx"
    fresh = tmp_path / "fresh"
    assert main(["report", str(books["june"]), "-o", str(fresh), "--template",
                 str(corporate_potx), "--icons", "mdc"]) == 0  # fmt: skip
    out = tmp_path / "out.pptx"
    refreshed_to(deck, books["june"], out)
    got, want = Presentation(str(out)), Presentation(str(fresh / "report-leadership.pptx"))
    assert got.slide_width == want.slide_width == 12192000  # the template's 16:9 size
    assert [s.slide_layout.name for s in got.slides] == [s.slide_layout.name for s in want.slides]
    assert {k: page_content(s) for k, s in pages(got).items()} == {
        k: page_content(s) for k, s in pages(want).items()
    }  # nobody edited it: equal to a fresh build, icons and matrix included
    assert "mdc" in pages(got)


def _pasted(prs: Any, slide: Any, role: str, onto: Any, dx: int = 0, width: int = 0) -> Any:
    """pumpxl's shape of ``role`` on ``slide`` pasted onto the slide ``onto``, as PowerPoint
    pastes it (its name, mark and all; a chart with a part of its own, its workbook shared
    here), ``dx`` EMU to the right and, given a ``width``, that wide: the pasted shape."""
    shape = next(s for s, m in marked_shapes(slide) if m.role == role)
    el = _shape_copy(prs, slide, shape._element, onto)
    next(el.iter(qn("p:cNvPr"))).set("id", str(onto.shapes._next_shape_id))
    onto.shapes._spTree.append(el)
    pasted = onto.shapes[-1]
    pasted.left += dx
    if width:
        pasted.width = width
    return pasted


def _values(shape: Any) -> list[float]:
    return list(next(s for s in shape.chart.plots[0].series if s.name == "Value").values)


@pytest.mark.parametrize("moved", [False, True], ids=["in place", "moved"])
def test_a_chart_a_person_pasted_onto_another_measures_page_takes_june_beside_its_own(
    books: dict[str, Path], tmp_path: Path, moved: bool
) -> None:
    """C3's chart pasted onto C1's page (where it stood on C3's, or moved and narrowed), and
    C1's own chart duplicated on it: in June each chart holds its own measure's June data
    where the person put it; none is lost, none takes another's data."""
    prs = Presentation(str(books["deck"]))
    c1, c3 = pages(prs)["measure:C1"], pages(prs)["measure:C3"]
    c3_copy = _pasted(prs, c3, "chart", c1, *((Inches(1), Inches(5)) if moved else ()))
    own_copy = _pasted(prs, c1, "chart", c1, Inches(2), Inches(4))
    places = [(s.left, s.width) for s in (c3_copy, own_copy)]
    prs.save(str(tmp_path / "pasted.pptx"))
    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "pasted.pptx", books["june"], out)
    charts = [s for s in pages(Presentation(str(out)))["measure:C1"].shapes if s.has_chart]
    june = council_model().series
    assert [_values(s) for s in charts] == [pytest.approx(list(june[m].values))
                                            for m in ("C1", "C3", "C1")]  # fmt: skip
    assert [(s.left, s.width) for s in charts[1:]] == places
    assert "your copy of the chart from 'Missed bin collections'" in said


def test_pumpxls_shapes_a_person_copied_onto_their_own_page_take_june(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """A page of the person's own with copies of pumpxl's shapes: C1's chart (narrowed,
    its Value line in the person's colour), C2's chart twice, C2's state line, and C1's Why
    with the person's words. In June each chart holds its measure's June data where the
    person put it, in their colour; the state line says June's; the person's words stay;
    and the refresh says so."""
    prs = Presentation(str(books["deck"]))
    c1, c2 = pages(prs)["measure:C1"], pages(prs)["measure:C2"]
    own = prs.slides.add_slide(prs.slide_layouts[5])
    own.shapes.title.text = "Our summary"
    chart = _pasted(prs, c1, "chart", own, 0, Inches(5))
    value = next(s for s in chart.chart.plots[0].series if s.name == "Value")
    value.format.line.color.rgb = RGBColor(0xFF, 0x00, 0xAA)
    _pasted(prs, c2, "chart", own, Inches(5), Inches(4))
    _pasted(prs, c2, "chart", own, Inches(6), Inches(3))
    _pasted(prs, c2, "status", own)
    why = _pasted(prs, c1, "why", own, Inches(1))
    why.text_frame.paragraphs[0].runs[0].text = "Our own reading of the rota."
    prs.save(str(tmp_path / "summary.pptx"))
    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "summary.pptx", books["june"], out)
    summary = Presentation(str(out)).slides[len(prs.slides) - 1]
    charts = [s for s in summary.shapes if s.has_chart]
    june = council_model().series
    assert [_values(s) for s in charts] == [pytest.approx(list(june[m].values))
                                            for m in ("C1", "C2", "C2")]  # fmt: skip
    assert [s.width for s in charts] == [Inches(5), Inches(4), Inches(3)]
    value = next(s for s in charts[0].chart.plots[0].series if s.name == "Value")
    assert value.format.line.color.rgb == RGBColor(0xFF, 0x00, 0xAA)
    fresh = page_content(pages(Presentation(str(books["fresh"])))["measure:C2"])
    texts = {m.role: s.text_frame.text for s, m in marked_shapes(summary) if s.has_text_frame}
    assert texts["status"] == fresh["status"]
    assert texts["why"] == "Our own reading of the rota."
    assert "your copy of the chart from 'Calls answered within 60 seconds'" in said
    assert "your words in your copy of Why" in said

def test_copies_stay_where_people_put_them_and_are_never_dropped_unsaid(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """On a page of the person's own: a copy of C3's Why (its words pumpxl's) while the
    person wrote their own words in C3's Why itself; C1's heading line, moved down; C3's
    chart with its Target label, in a month whose workbook drops C3's target; a copy of
    C3's chart whose series the person removed; and C1's title. In June: the Why copy shows
    June's draft, not the person's words from C3's page; the line stays where the person put
    it; the Target label stays and is said; the chart without series is said kept, not
    counted as refreshed; the title slide's own title is refreshed beside C1's pasted title."""
    model = council_model()
    model.targets[:] = [t for t in model.targets if t.measure != "C3"]
    book = tmp_path / "june.xlsx"
    write_pump_workbook(book, model)
    prs = Presentation(str(books["deck"]))
    c1, c3 = pages(prs)["measure:C1"], pages(prs)["measure:C3"]
    own = prs.slides.add_slide(prs.slide_layouts[5])
    own.shapes.title.text = "Our summary"
    _pasted(prs, c3, "why", own)
    why = next(s for s, m in marked_shapes(c3) if m.role == "why")
    why.text_frame.text = "Two crews were off sick all month."
    line = _pasted(prs, c1, "Connector#1", own)
    line.top += Inches(2)
    line_at = (line.begin_x, line.begin_y, line.end_x, line.end_y)
    _pasted(prs, c3, "chart", own)
    _pasted(prs, c3, "Line label Target#1", own)
    bare = _pasted(prs, c3, "chart", own, Inches(1), Inches(4))
    for ser in list(bare.chart._chartSpace.iter(qn("c:ser"))):
        ser.getparent().remove(ser)
    _pasted(prs, c1, "title", pages(prs)["title"])
    prs.save(str(tmp_path / "copies.pptx"))
    out = tmp_path / "out.pptx"
    said = refreshed_to(tmp_path / "copies.pptx", book, out)
    got = Presentation(str(out))
    summary = {m.role: s for s, m in marked_shapes(got.slides[len(prs.slides) - 1])}
    draft = next(s for s, m in marked_shapes(pages(got)["measure:C3"]) if m.role == "why")
    assert draft.text_frame.text == "Two crews were off sick all month."  # the person's, kept
    notes = pages(got)["measure:C3"].notes_slide.notes_text_frame.text
    june_draft = notes[notes.rindex("\nWhy: ") + len("\nWhy: "):]
    assert summary["why"].text_frame.text == june_draft != why.text_frame.text
    moved = summary["Connector#1"]
    assert (moved.begin_x, moved.begin_y, moved.end_x, moved.end_y) == line_at
    assert "Line label Target#1" in summary
    assert "your copy of Line label Target from 'Missed bin collections' (pumpxl no longer " \
           "draws it)" in said
    assert said.count("its series could not be found") == 1
    assert "the chart and Line label Target from" not in said
    assert "2 charts given the new data in place" in said  # C3's page, and the one copy
    titles = [s.text_frame.text for s, m in marked_shapes(pages(got)["title"])
              if m.role == "title"]  # fmt: skip
    fresh_title = [s.text_frame.text for s, m in marked_shapes(
        pages(Presentation(str(books["fresh"])))["title"]) if m.role == "title"]  # fmt: skip
    assert titles == [*fresh_title, "Calls answered within 60 seconds"]

def _table(slide: Any) -> list[list[str]]:
    table = next(s for s in slide.shapes if s.has_table).table
    return [[c.text for c in row.cells] for row in table.rows]


def test_a_table_a_person_wrote_in_is_this_months_but_for_their_cells(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """At a glance with the person's words in C3's Target cell: in June every other cell
    is June's (as a fresh build has it) and theirs stays, said; a month on, the same; and
    when C3 leaves the audience, their words are listed as not kept."""
    prs = Presentation(str(books["deck"]))
    glance = next(s for s in pages(prs)["glance"].shapes if s.has_table).table
    rows = [r.cells[0].text for r in glance.rows]
    columns = [c.text for c in glance.rows[0].cells]
    at = (rows.index("Missed bin collections"), columns.index("Target"))
    glance.cell(*at).text = "Ask Priya on Tuesday"
    prs.save(str(tmp_path / "noted.pptx"))
    fresh = _table(pages(Presentation(str(books["fresh"])))["glance"])
    want = [[("Ask Priya on Tuesday" if (row[0], columns[j]) == ("Missed bin collections",
              "Target") else text) for j, text in enumerate(row)] for row in fresh]  # fmt: skip
    assert want != fresh
    deck = tmp_path / "noted.pptx"
    for month in ("june", "july"):
        out = tmp_path / f"{month}.pptx"
        said = refreshed_to(deck, books["june"], out)
        assert _table(pages(Presentation(str(out)))["glance"]) == want
        assert "your words in 1 cell of the table ('Missed bin collections', 'Target'); " \
               "the rest of it is this month's" in said
        deck = out
    model = council_model()
    model.measures["C3"] = replace(model.measures["C3"], audiences=())
    write_pump_workbook(tmp_path / "without.xlsx", model)
    said = refreshed_to(deck, tmp_path / "without.xlsx", tmp_path / "aug.pptx")
    assert "Ask Priya on Tuesday" not in str(_table(pages(Presentation(
        str(tmp_path / "aug.pptx")))["glance"]))  # fmt: skip
    assert "Could not be kept" in said and "your words 'Ask Priya on Tuesday' in the " \
           "table ('Missed bin collections', 'Target')" in said

def _council_of(n: int) -> PumpModel:
    """The council's workbook with ``n`` measures (its three, copied under other ids and
    names), all for Leadership."""
    base = council_model()
    model = PumpModel(settings=base.settings, results=base.results, audiences=base.audiences)
    measures = list(base.measures.values())
    for i in range(n):
        src = measures[i % len(measures)]
        mid = f"X{i:02d}"
        model.measures[mid] = replace(src, id=mid, name=f"{src.name} ({i + 1})",
                                      audiences=("Leadership",))  # fmt: skip
        model.series[mid] = base.series[src.id]
    return model


def test_words_in_a_row_at_a_glance_moved_to_another_page_are_said_lost(
    tmp_path: Path,
) -> None:
    """Twelve measures at a glance in May, thirteen in June (rows fall on other pages): the
    person's words in a row of May's second page that June shows on another page are listed
    as not kept (never put in a table other pages feed), and every At a glance page is
    June's as a fresh build has it."""
    may, june = _to_may(_council_of(12)), _council_of(13)
    for name, model in (("may", may), ("june", june)):
        write_pump_workbook(tmp_path / f"{name}.xlsx", model)
        assert main(["report", str(tmp_path / f"{name}.xlsx"), "-o", str(tmp_path / name)]) == 0
    fresh = pages(Presentation(str(tmp_path / "june" / "report-leadership.pptx")))
    in_june = {r[0]: k for k, s in fresh.items() if k.startswith("glance") for r in _table(s)}
    prs = Presentation(str(tmp_path / "may" / "report-leadership.pptx"))
    table = next(s for s in pages(prs)["glance:2"].shapes if s.has_table).table
    row = next(i for i, r in enumerate(table.rows)
               if i and in_june[r.cells[0].text] != "glance:2")  # (on another page in June)
    measure = table.cell(row, 0).text
    column = [c.text for c in table.rows[0].cells].index("Target")
    table.cell(row, column).text = "Ask Priya on Tuesday"
    prs.save(str(tmp_path / "noted.pptx"))
    said = refreshed_to(tmp_path / "noted.pptx", tmp_path / "june.xlsx", tmp_path / "out.pptx")
    got = {k: _table(s) for k, s in pages(Presentation(str(tmp_path / "out.pptx"))).items()
           if k.startswith("glance")}  # fmt: skip
    assert got == {k: _table(fresh[k]) for k in got}
    assert f"your words 'Ask Priya on Tuesday' in the table ({measure!r}, 'Target'): this " \
           "month's table on this page has no such row or column" in said

@pytest.mark.parametrize("edit", ["a definition", "cells merged", "a measure's name",
                                  "a link on a cell left as it was"])
def test_a_table_not_told_cell_by_cell_is_kept_whole(
    books: dict[str, Path], tmp_path: Path, edit: str
) -> None:
    """Where a person's cells cannot be placed by their measure and column (the appendix's
    definitions, whose rows are fields; At a glance with cells merged, a measure's name
    changed, or a link on a cell they did not write in) the table is kept as they left it,
    and said: never their words in another measure's row, nor a link lost."""
    prs = Presentation(str(books["deck"]))
    key = "appendix" if edit == "a definition" else "glance"
    table = next(s for s in pages(prs)[key].shapes if s.has_table).table
    if edit == "cells merged":
        table.cell(1, 3).merge(table.cell(1, 4))
    elif edit.startswith("a link"):
        table.cell(1, 7).text = "Our own words"
        table.cell(2, 0).text_frame.paragraphs[0].runs[0].hyperlink.address = "https://x.org/a"
    else:
        table.cell(1, 1 if edit == "a definition" else 0).text = "Our own words"
    before = [[c.text for c in r.cells] for r in table.rows]
    prs.save(str(tmp_path / "kept.pptx"))
    said = refreshed_to(tmp_path / "kept.pptx", books["june"], tmp_path / "out.pptx")
    assert _table(pages(Presentation(str(tmp_path / "out.pptx")))[key]) == before
    assert "your words in the table" in said and "cell of the table" not in said

def test_a_chart_a_person_renamed_takes_june_under_their_name(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """C1's chart renamed (as in PowerPoint's Selection Pane: the new name drops pumpxl's
    mark) and its Value line in the person's colour: in June it holds June's data in their
    colour under their name, pumpxl's mark after it, and the refresh says so (not that the
    chart stays deleted)."""
    prs = Presentation(str(books["deck"]))
    chart = next(s for s in pages(prs)["measure:C1"].shapes if s.has_chart)
    chart.name = "Calls chart"
    value = next(s for s in chart.chart.plots[0].series if s.name == "Value")
    value.format.line.color.rgb = RGBColor(0xFF, 0x00, 0xAA)
    prs.save(str(tmp_path / "renamed.pptx"))
    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "renamed.pptx", books["june"], out)
    charts = [s for s in pages(Presentation(str(out)))["measure:C1"].shapes if s.has_chart]
    assert len(charts) == 1
    assert _values(charts[0]) == pytest.approx(list(council_model().series["C1"].values))
    value = next(s for s in charts[0].chart.plots[0].series if s.name == "Value")
    assert value.format.line.color.rgb == RGBColor(0xFF, 0x00, 0xAA)
    assert readable_name(charts[0].name) == "Calls chart"
    assert "your chart's name 'Calls chart'" in said and "stays deleted" not in said
    july = tmp_path / "july.pptx"  # (a month on, still theirs: their name, June's data)
    refreshed_to(out, books["june"], july)
    charts = [s for s in pages(Presentation(str(july)))["measure:C1"].shapes if s.has_chart]
    assert [readable_name(s.name) for s in charts] == ["Calls chart"]
    assert _values(charts[0]) == pytest.approx(list(council_model().series["C1"].values))


@pytest.mark.parametrize("theirs", ["own chart", "copy of C3's"])
def test_a_persons_own_chart_is_never_taken_for_pumpxls(
    books: dict[str, Path], tmp_path: Path, theirs: str
) -> None:
    """C1's chart deleted, and in its place the person's own chart of a series named
    "Value", or a copy of C3's chart renamed (neither under pumpxl's mark): in June it holds
    what it held, and the refresh says C1's chart stays deleted."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE

    prs = Presentation(str(books["deck"]))
    c1, c3 = pages(prs)["measure:C1"], pages(prs)["measure:C3"]
    chart = next(s for s in c1.shapes if s.has_chart)
    chart._element.getparent().remove(chart._element)
    if theirs == "own chart":
        data = CategoryChartData()
        data.categories = ["North", "South", "East"]
        data.add_series("Value", (1, 2, 3))
        mine = c1.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(0.5), Inches(1.6),
                                   Inches(6), Inches(4), data)  # fmt: skip
        held = [1.0, 2.0, 3.0]
    else:
        mine = _pasted(prs, c3, "chart", c1)
        held = list(council_model().series["C3"].values[:-1])
    mine.name = "Our chart"
    prs.save(str(tmp_path / "theirs.pptx"))
    out = tmp_path / "june.pptx"
    said = refreshed_to(tmp_path / "theirs.pptx", books["june"], out)
    charts = [s for s in pages(Presentation(str(out)))["measure:C1"].shapes if s.has_chart]
    assert [s.name for s in charts] == ["Our chart"]
    assert _values(charts[0]) == pytest.approx(held)
    assert "the chart stays deleted" in said

def test_refresh_is_documented_as_the_monthly_cycle() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "pumpxl refresh" in readme and "### Refreshing last month's deck" in readme


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
