"""The slide XML pumpxl writes directly for speed (report/xmlbits.py, report/chart_book.py,
the chart series' look) reads back through python-pptx, openpyxl and calamine as what the
slow setters would have written: sizes, weights, colours, alignment, margins, fills, row
heights, and each chart's embedded workbook holding the chart's own numbers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pytest
import python_calamine as pc
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from pumpxl.core.analysis import analyse
from pumpxl.core.chart_plan import PALETTE
from pumpxl.core.example import example_model
from pumpxl.report.build import build_deck
from pumpxl.report.chart import (
    DASHES,
    MARKER_STYLES,
    _manual,
    add_xmr_chart,
    chart_layout,
    label_step,
    measure_plan,
)
from pumpxl.report.chart_book import XmrChartData
from pumpxl.report.design import GOOD, LIGHT, RULE, Box, fit_text, panel, table_cell
from pumpxl.report.marks import slide_mark
from pumpxl.report.package import save
from pumpxl.report.xmlbits import add_table, column_widths, grid, row_heights, textbox


def test_text_and_cells_read_back_as_python_pptx_writes_them() -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
    assert fit_text(box, "Two lines\nof text", size=14, bold=True, italic=True,
                    colour=GOOD, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE,
                    inset=int(Inches(0.2)))  # fmt: skip
    tf = box.text_frame
    assert [p.text for p in tf.paragraphs] == ["Two lines", "of text"]
    for p in tf.paragraphs:
        assert p.alignment == PP_ALIGN.CENTER
        (run,) = p.runs
        assert run.font.size == Pt(14) and run.font.bold and run.font.italic
        assert run.font.color.rgb == GOOD
    assert tf.word_wrap and tf.vertical_anchor == MSO_ANCHOR.MIDDLE
    assert tf.margin_left == tf.margin_right == Inches(0.2)
    assert tf.margin_top == tf.margin_bottom == Inches(0.05)
    table = slide.shapes.add_table(2, 2, 0, 0, Inches(4), Inches(1)).table
    cells = grid(table)
    table_cell(cells[1][1], "Cell", size=13, bold=True, fill=LIGHT, then=(("note", GOOD),))
    cell = table.cell(1, 1)
    first, second = cell.text_frame.paragraphs
    assert first.runs[0].font.size == Pt(13) and first.runs[0].font.bold
    assert second.runs[0].font.size == Pt(12) and not second.runs[0].font.bold
    assert second.runs[0].font.color.rgb == GOOD
    assert cell.fill.fore_color.rgb == LIGHT and cell.vertical_anchor == MSO_ANCHOR.MIDDLE
    assert cell.margin_left == Inches(0.06) and cell.margin_top == Inches(0.03)
    row_heights(table, [Inches(0.5), Inches(0.75)])
    assert [r.height for r in table.rows] == [Inches(0.5), Inches(0.75)]
    column_widths(table, [Inches(1.5), Inches(3)])
    assert [c.width for c in table.columns] == [Inches(1.5), Inches(3)]
    frame = next(s for s in slide.shapes if s.has_table)
    assert frame.height == Inches(1.25) and frame.width == Inches(4.5)
    # a text box as python-pptx adds it, with the next free shape id
    ids = [s.shape_id for s in slide.shapes]
    box2 = textbox(slide, int(Inches(1)), int(Inches(3)), int(Inches(2)), int(Inches(0.5)))
    theirs = slide.shapes.add_textbox(Inches(1), Inches(4), Inches(2), Inches(0.5))
    assert box2.shape_id == max(ids) + 1 and theirs.shape_id == box2.shape_id + 1
    assert box2.shape_type == theirs.shape_type and not box2.is_placeholder
    assert (box2.left, box2.top, box2.width, box2.height) == (
        Inches(1), Inches(3), Inches(2), Inches(0.5)
    )
    shape = panel(slide, Box(0, 0, int(Inches(2)), int(Inches(1))))
    assert shape.fill.fore_color.rgb == LIGHT and shape.line.color.rgb == RULE
    assert RGBColor.from_string(str(LIGHT)) == LIGHT


@pytest.fixture(scope="module")
def chart_frames() -> list:
    model = example_model()
    prs, _ = build_deck(model, analyse(model), "IT management")
    return [
        next(s for s in slide.shapes if s.has_chart)
        for slide in prs.slides
        if (m := slide_mark(slide)) and m.slide.startswith("measure:") and m.slide.count(":") == 1
    ]


def test_each_charts_workbook_holds_its_numbers(chart_frames: list) -> None:
    assert len(chart_frames) >= 8
    for frame in chart_frames:
        chart = frame.chart
        blob = chart.part.chart_workbook.xlsx_part.blob
        series = list(chart.plots[0].series)
        ws = openpyxl.load_workbook(io.BytesIO(blob)).active
        assert [ws.cell(1, k + 2).value for k in range(len(series))] == [s.name for s in series]
        dates = [ws.cell(r + 2, 1).value for r in range(len(chart.plots[0].categories))]
        epoch = dt.date(1899, 12, 30)  # the chart caches its dates as Excel serial numbers
        serials = [float((d.date() - epoch).days) for d in dates]
        assert serials == [float(c) for c in chart.plots[0].categories]
        for k, s in enumerate(series):
            got = [ws.cell(r + 2, k + 2).value for r in range(len(s.values))]
            assert got == [None if v is None else pytest.approx(v) for v in s.values], s.name
        rows = pc.load_workbook(io.BytesIO(blob)).get_sheet_by_index(0).to_python()
        assert rows[0][1] == series[0].name and len(rows) == len(dates) + 1


def test_series_look_reads_back(chart_frames: list) -> None:
    for frame in chart_frames:
        for s in frame.chart.plots[0].series:
            assert s.smooth is False
            line = s.format.line
            if s.name == "Value":
                assert line.width == Pt(1.5) and s.marker.style is not None
            if s.name.startswith(("Improvement:", "Concern:", "Signal:")):
                assert s.marker.size >= 5 and s.marker.format.fill.fore_color.rgb is not None


def _same_xml(ours: bytes, theirs: bytes) -> bool:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(ours, parser)) == etree.tostring(
        etree.fromstring(theirs, parser)
    )


def test_chart_xml_is_python_pptx_s_own() -> None:
    """The chart part written directly holds what python-pptx's writer writes, element for
    element: dates before and after Excel's 1 March 1900, a date-time, gaps, names and
    formats that need escaping, a series with a format of its own."""
    data = XmrChartData(number_format='0.0" %"')
    data.categories = [dt.date(1900, 1, 1) + dt.timedelta(days=40 * i) for i in range(36)] + [
        dt.datetime(2024, 5, 1, 13, 0)
    ]
    data.add_series("Values <&> \"q\"", [i * 1.25 - 3 for i in range(36)] + [None])
    data.add_series("Centre", [None] * 5 + [50.0] * 32, number_format="0.00")
    data.add_series("Empty", [None] * 37)
    ours = data.xml_bytes(XL_CHART_TYPE.LINE_MARKERS)
    assert _same_xml(ours, CategoryChartData.xml_bytes(data, XL_CHART_TYPE.LINE_MARKERS))
    # other chart types and text categories are python-pptx's own writing
    words = XmrChartData()
    words.categories = ["a", "b"]
    words.add_series("S", [1.0, 2.0])
    assert words.xml_bytes(XL_CHART_TYPE.LINE_MARKERS) == CategoryChartData.xml_bytes(
        words, XL_CHART_TYPE.LINE_MARKERS
    )
    assert data.xml_bytes(XL_CHART_TYPE.LINE) == CategoryChartData.xml_bytes(
        data, XL_CHART_TYPE.LINE
    )


def test_deck_charts_read_back_with_their_values(chart_frames: list) -> None:
    for frame in chart_frames:
        plot = frame.chart.plots[0]
        cats = list(plot.categories)
        assert cats and cats == sorted(cats)  # the dates, as Excel day numbers, in order
        for s in plot.series:
            assert len(s.values) == len(cats) and any(v is not None for v in s.values), s.name


def _styled_by_python_pptx(slide: Any, a: Any, box: Box, plan: Any, legend: bool) -> Any:
    """The measure's chart made with python-pptx's writer and drawn through its own setters
    (and lxml where it has none: layouts, legend entries, time units): the reference for
    the chart pumpxl writes directly."""
    data = CategoryChartData(number_format=plan.numbers.excel())
    data.categories = [d.date() for d in a.dates]
    for ln in plan.lines:
        data.add_series(ln.name, list(ln.values))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, box.left, box.top, box.width,
                                   box.height, data).chart  # fmt: skip
    chart.font.size = Pt(12)
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    for ln, series in zip(plan.lines, chart.plots[0].series, strict=True):
        line = series.format.line
        if ln.width:
            line.width = Pt(ln.width)
            line.color.rgb = RGBColor.from_string(ln.colour)
            if ln.dash in DASHES:
                line.dash_style = DASHES[ln.dash]
        else:
            line.fill.background()
        series.marker.style = MARKER_STYLES[ln.marker]
        if ln.marker != "none":
            series.marker.size = ln.marker_size
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = RGBColor.from_string(ln.colour)
            if ln.kind.startswith("signal:"):
                series.marker.format.line.width = Pt(1.25)
            series.marker.format.line.color.rgb = RGBColor.from_string(
                ln.marker_edge or ln.colour
            )
    space = chart._chartSpace
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    if legend:
        pos = space.find(f".//{c}legendPos")
        for i in reversed([i for i, ln in enumerate(plan.lines) if not ln.legend]):
            entry = etree.Element(f"{c}legendEntry")
            etree.SubElement(entry, f"{c}idx", val=str(i))
            etree.SubElement(entry, f"{c}delete", val="1")
            pos.addnext(entry)
    axis = chart.category_axis
    axis.tick_labels.number_format = plan.date_format
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(12)
    date_ax = space.find(f".//{c}dateAx")
    date_ax.find(f"{c}txPr")[0].attrib.update({"rot": "0", "vert": "horz"})
    date_ax.remove(date_ax.find(f"{c}baseTimeUnit"))
    area, legend_at = chart_layout(a, box, 12, legend)
    step = label_step(len(a.dates), plan.weekly, Emu(box.width).pt * area[2], 12)
    unit = "days" if plan.weekly else "months"
    for tag, val in (("majorTimeUnit", unit), ("majorUnit", str(step * 7 if plan.weekly
                                                                 else step)),
                     ("baseTimeUnit", unit)):  # fmt: skip
        date_ax.find(f"{c}lblOffset").addnext(etree.Element(f"{c}{tag}", val=val))
    value = chart.value_axis
    value.minimum_scale, value.maximum_scale = plan.low, plan.high
    value.major_unit = plan.step
    value.has_major_gridlines = True
    value.major_gridlines.format.line.color.rgb = RGBColor.from_string(PALETTE["grid"])
    value.tick_labels.number_format = plan.tick_numbers.excel()
    value.tick_labels.number_format_is_linked = False
    value.tick_labels.font.size = Pt(12)
    if plan.unit:
        value.has_title = True
        value.axis_title.text_frame.text = plan.unit
        value.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    plot = space.find(f".//{c}plotArea")
    plot.insert(0, etree.fromstring(_manual_xml(*area, inner=True)))
    if legend:
        legend_el = space.find(f".//{c}legend")
        legend_el.remove(legend_el.find(f"{c}layout"))
        anchor = (legend_el.findall(f"{c}legendEntry") or [legend_el.find(f"{c}legendPos")])[-1]
        anchor.addnext(etree.fromstring(_manual_xml(*legend_at, inner=False)))
    return chart


def _manual_xml(*at: float, inner: bool) -> str:
    ns = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
    return _manual(*at, inner=inner).replace("<c:layout>", f"<c:layout {ns}>", 1)


@pytest.mark.parametrize("legend", [True, False])
def test_the_chart_drawn_directly_is_what_python_pptx_s_setters_draw(legend: bool) -> None:
    """Every measure of the example (monthly and weekly, with and without a unit, signals of
    every kind), its chart as pumpxl writes it and as python-pptx's setters draw it: the same
    elements and values."""
    model = example_model()
    prs = Presentation()
    box = Box(Inches(0.5), Inches(1), Inches(8), Inches(5))
    compared = 0
    for a in analyse(model).values():
        if a.xmr.latest_index is None:
            continue
        plan = measure_plan(a, box, 12, legend)
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        ours = add_xmr_chart(slide, a, box, font_size=12, legend=legend, plan=plan).chart
        theirs = _styled_by_python_pptx(slide, a, box, plan, legend)
        assert _same_xml(etree.tostring(ours._chartSpace), etree.tostring(theirs._chartSpace)), (
            a.measure.id
        )
        compared += 1
    assert compared >= 8


@pytest.mark.parametrize("rows, cols, width, height", [(1, 1, 914400, 457200),
                                                       (14, 2, 4_000_003, 3_000_007),
                                                       (5, 7, 100, 33)])  # fmt: skip
def test_a_table_is_python_pptx_s_own(rows: int, cols: int, width: int, height: int) -> None:
    """A table added in one piece of XML holds what python-pptx's ``add_table`` adds, shape
    ids and names included (the width and height shared out, remainders last)."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    theirs = slide.shapes.add_table(rows, cols, Emu(10), Emu(20), Emu(width), Emu(height))
    ours = add_table(slide, rows, cols, 10, 20, width, height)
    theirs_again = slide.shapes.add_table(rows, cols, Emu(10), Emu(20), Emu(width), Emu(height))
    assert ours.shape_id == theirs.shape_id + 1 and ours.name == f"Table {ours.shape_id - 1}"
    assert theirs_again.shape_id == ours.shape_id + 1  # python-pptx counts ours too
    plain = etree.tostring(theirs._element).replace(
        f'id="{theirs.shape_id}" name="{theirs.name}"'.encode(),
        f'id="{ours.shape_id}" name="{ours.name}"'.encode(),
    )
    assert _same_xml(etree.tostring(ours._element), plain)
    assert len(ours.table.rows) == rows and len(ours.table.columns) == cols


def test_a_deck_is_saved_as_python_pptx_saves_it() -> None:
    """pumpxl's writer gives the package python-pptx's ``save`` gives, member by member and
    byte for byte (relationships in their order, relative targets, an external link)."""
    model = example_model()
    prs, _ = build_deck(model, analyse(model), "IT management", icons="mdc")
    box = prs.slides[3].shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1))
    run = box.text_frame.paragraphs[0].add_run()
    run.text = "source"
    run.hyperlink.address = 'https://example.org/data?a=1&b="2"'
    theirs, ours = io.BytesIO(), io.BytesIO()
    prs.save(theirs)
    save(prs, ours)
    with zipfile.ZipFile(theirs) as t, zipfile.ZipFile(ours) as o:
        assert [i.filename for i in o.infolist()] == [i.filename for i in t.infolist()]
        for item in t.infolist():
            assert o.read(item.filename) == t.read(item), item.filename
        assert any(b'TargetMode="External"' in o.read(n) for n in o.namelist()
                   if n.endswith(".rels"))  # fmt: skip


def test_a_chart_part_is_kept_as_written_and_reads_back_alike() -> None:
    """A chart's part holds its XML as written until something reads it: those bytes are what
    lxml gives on parsing and writing them again (so the part saved, and the digest marks
    keep of it, are the same either way), even for a unit of awkward characters."""
    from dataclasses import replace

    model = example_model()
    mid = next(iter(model.measures))
    unit = 'kg & "m" <x>\'s\r\n\tΩ\x0b'
    model.measures[mid] = replace(model.measures[mid], unit=unit)
    a = analyse(model)[mid]
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    frame = add_xmr_chart(slide, a, Box(Inches(0.5), Inches(1), Inches(8), Inches(5)))
    part = frame.chart_part
    written, blob = part.written_xml(), part.blob
    assert written is not None
    assert etree.tostring(etree.fromstring(blob)) == written  # what marks digest
    # read, it is the chart python-pptx sees, and saved as it would save it
    title = frame.chart.value_axis.axis_title.text_frame.text
    assert title == " ".join(unit.replace("\x0b", "").split())
    assert part.written_xml() is None and part.blob == blob
