"""A chart's new data put into a chart people may have formatted (``pumpxl refresh``).

Two ways, chosen by whether the chart's XML is still what pumpxl wrote (its mark's ``c``
digest, :func:`pumpxl.report.shapexml.xml_digest`):

- **as written**: the whole chart becomes this month's (series, markers, limits per phase,
  axis range and number formats, legend), and its embedded workbook too;
- **formatted by a person** (or re-saved by another program): each series keeps its
  formatting and takes this month's numbers, matched by name ("Upper limit (phase 2)",
  "Concern: outlier above"); series new this month are added as pumpxl draws them, those
  gone are removed, the order is this month's; the axes take this month's range, units and
  number formats; the legend's hidden entries follow the series; the plot area and legend
  stand where pumpxl puts them this month (its labels over the chart are placed for them);
  the embedded workbook is this month's. A chart whose type a person changed (to bars, say)
  is merged the same way, through its series.

The chart's frame (position and size) is the caller's business.
"""

from __future__ import annotations

import copy
import functools
import math
from typing import Any

from lxml import etree
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn as _qn

from pumpxl.core.chart_series import VALUE
from pumpxl.core.errors import InputError
from pumpxl.report.chart_part import WrittenChartPart
from pumpxl.report.shapexml import first_child
from pumpxl.report.xmlbits import insert_before

__all__ = ["KEPT_AS_IT_WAS", "merge_chart", "merged", "same_values", "series_name",
           "take_chart", "value_points"]

qn = functools.cache(_qn)  # (a chart's merge asks for a few names many times)
_EXTERNAL = qn("c:externalData")
#: what follows a chart type's series, in schema order
_AFTER_SERIES = frozenset(qn(f"c:{tag}") for tag in (
    "dLbls", "dropLines", "hiLowLines", "upDownBars", "marker", "smooth", "gapWidth", "overlap",
    "serLines", "axId", "extLst"))  # fmt: skip

_RELTYPE_PACKAGE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
)


def series_name(ser: Any) -> str:
    """A chart series' name (its ``c:ser``'s): "Value", "Upper limit (phase 2)"..."""
    tx = first_child(ser, _TX)
    v = next(tx.iter(_V), None) if tx is not None else None
    return str(v.text or "") if v is not None else ""


def value_points(space: Any) -> dict[str, float]:
    """The points of a chart's *Value* series (``space``: its ``c:chartSpace``), by their
    category's label."""
    ser = next((s for s in space.iter(_SER) if series_name(s) == VALUE), None)
    if ser is None:
        return {}
    cats, vals = (_points(first_child(ser, tag)) for tag in (_CAT, _VAL))
    out = {}
    for idx, text in vals.items():
        try:
            out[cats.get(idx, idx)] = float(text)
        except ValueError:
            continue
    return out


def _points(el: Any) -> dict[str, str]:
    """A series' category or value cache, by point index."""
    return {} if el is None else {pt.get("idx", ""): v.text or "" for pt in el.iter(_PT)
                                  if (v := first_child(pt, _V)) is not None}  # fmt: skip


def same_values(old: Any, new: Any) -> bool:
    """Whether a chart (``old``, a ``c:chartSpace``) shows the measure this month's chart
    (``new``) shows: at least half of its *Value* points stand in this month's at the same
    categories, and three in four of those hold the same value (a value restated since may
    differ)."""
    mine, theirs = value_points(old), value_points(new)
    common = [k for k in mine if k in theirs]
    if not mine or 2 * len(common) < len(mine):
        return False
    same = sum(math.isclose(mine[k], theirs[k], rel_tol=1e-9, abs_tol=1e-12) for k in common)
    return 4 * same >= 3 * len(common)


def _workbook_rel(part: Any) -> str | None:
    for rid, rel in part.rels.items():
        if rel.reltype == _RELTYPE_PACKAGE:
            return str(rid)
    return None


def _copy_workbook(old_part: Any, new_part: Any) -> None:
    """The new chart's embedded workbook, into the old chart (its own relationship kept)."""
    new_rid = _workbook_rel(new_part)
    if new_rid is None:
        return
    blob = new_part.related_part(new_rid).blob
    rid = _workbook_rel(old_part)
    external = old_part._element.find(qn("c:externalData"))
    if rid is not None and external is not None:
        external.set(qn("r:id"), rid)
        old_part.rels[rid].target_part._blob = blob
    else:
        old_part.chart_workbook.update_from_xlsx_blob(blob)


def merge_chart(old_part: Any, new_part: Any, *, as_written: bool) -> list[str]:
    """Put ``new_part``'s chart into ``old_part`` (both python-pptx ChartParts of one
    package); returns notes for the person (empty when nothing was kept or lost)."""
    if as_written:
        rid = _workbook_rel(old_part)
        written = getattr(new_part, "written_xml", None)
        if (isinstance(old_part, WrittenChartPart) and written is not None
                and written() is not None and rid is not None and rid == _workbook_rel(new_part)):
            # this month's chart as pumpxl wrote it, its workbook under the same id: its bytes
            old_part.take_written(new_part)
            old_part.related_part(rid)._blob = new_part.related_part(rid).blob
            return []
        old_part._element = copy.deepcopy(new_part._element)
        external = old_part._element.find(qn("c:externalData"))
        if external is not None and rid is not None:
            external.set(qn("r:id"), rid)
        _copy_workbook(old_part, new_part)
        return []
    # (a copy: pages people duplicated take this month's chart each, from one page)
    if not merged(old_part._element, copy.deepcopy(new_part._element)):
        return [KEPT_AS_IT_WAS]
    _copy_workbook(old_part, new_part)
    return []


#: what a refresh says of a chart it could not give this month's data
KEPT_AS_IT_WAS = "its series could not be found: kept as it was, without this month's data"


def take_chart(part: Any, xml: Any) -> list[str]:
    """This month's chart ``part`` (as pumpxl wrote it) taking last month's chart's ``xml``
    (bytes, or its ``c:chartSpace`` as python-pptx parses it) as a person left it (formatted,
    or written again by another program): that chart with this month's data (see
    :func:`merged`), its workbook this month's. Returns notes for the person (a chart whose
    series cannot be found is kept as it was)."""
    try:
        old = parse_xml(xml) if isinstance(xml, bytes) else xml
    except etree.XMLSyntaxError as exc:
        raise InputError(f"the deck's chart is damaged: {exc}", setting="deck") from None
    new = part._element
    notes = [] if merged(old, new) else [KEPT_AS_IT_WAS]
    book, mine = new.find(_EXTERNAL), old.find(_EXTERNAL)
    if mine is not None:
        old.remove(mine)
    if book is not None:  # (its relationship is this month's part's own)
        old._insert_externalData(book)
    part._element = old
    return notes


def merged(old: Any, new: Any) -> bool:
    """This month's chart ``new``'s data put into ``old``, a chart a person formatted (both
    ``c:chartSpace`` elements; see the module); False, nothing done, where ``old``'s series
    cannot be found. ``new`` gives its elements up to ``old`` (it is this month's chart,
    let go of once merged): moved, not copied."""
    old_sers = _series(old)
    if not old_sers:
        return False
    new_sers = _series(new)
    holder = old_sers[0].getparent()
    by_name = {series_name(s): s for s in old_sers}
    kept: list[Any] = []
    for k, fresh in enumerate(new_sers):
        mine = by_name.pop(series_name(fresh), None)
        if mine is None:  # new this month: as pumpxl draws it
            mine = fresh
        else:  # the person's formatting, this month's numbers
            for tag in _DATA:
                src, dst = first_child(fresh, tag), first_child(mine, tag)
                if src is None:
                    continue
                if dst is None:
                    mine.append(src)
                else:
                    mine.replace(dst, src)
        for tag in _NUMBERING:
            el = first_child(mine, tag)
            if el is not None:
                el.set("val", str(k))
        kept.append(mine)
    if kept != old_sers:  # (the same series in the same order: they stand where they are)
        for ser in old_sers:
            ser.getparent().remove(ser)
        # series sit before the chart type's axis ids and options, in schema order
        insert_before(holder, kept, _AFTER_SERIES)
    _axes(old, new)
    _legend(old, new)
    _layout(old, new)
    return True


def _series(space: Any) -> list[Any]:
    """A chart's series (``c:chartSpace``), each chart type's in its plot area in turn."""
    area = _part(space, _PLOT_AREA)
    return [] if area is None else [ser for kind in area for ser in kind.iterchildren(_SER)]


def _part(space: Any, tag: str) -> Any | None:
    """The plot area, the legend or an axis (``tag``) of a chart (``c:chartSpace``), where
    the schema puts them: in its ``c:chart``, the axes in its plot area (found without going
    through the series)."""
    chart = first_child(space, _CHART)
    if chart is None or tag not in _AXES:
        return first_child(chart, tag) if chart is not None else None
    area = first_child(chart, _PLOT_AREA)
    return first_child(area, tag) if area is not None else None


_SER, _TX, _V = qn("c:ser"), qn("c:tx"), qn("c:v")
_CAT, _VAL, _PT = qn("c:cat"), qn("c:val"), qn("c:pt")
_DATA = (qn("c:cat"), qn("c:val"), qn("c:tx"))
_NUMBERING = (qn("c:idx"), qn("c:order"))
_AXIS_PARTS = tuple(qn(f"c:{tag}") for tag in (
    "scaling", "numFmt", "majorUnit", "minorUnit", "baseTimeUnit", "majorTimeUnit"))  # fmt: skip
_LEGEND, _LEGEND_POS, _LEGEND_ENTRY = qn("c:legend"), qn("c:legendPos"), qn("c:legendEntry")
_LAYOUT, _CHART, _PLOT_AREA = qn("c:layout"), qn("c:chart"), qn("c:plotArea")
_AXES = (qn("c:valAx"), qn("c:dateAx"), qn("c:catAx"))


def _axes(old: Any, new: Any) -> None:
    """This month's axis range, units and number formats, on the person's axes."""
    for tag in _AXES:
        src, dst = _part(new, tag), _part(old, tag)
        if src is None or dst is None:
            continue
        for child in _AXIS_PARTS:
            s, d = first_child(src, child), first_child(dst, child)
            if s is not None and d is not None:
                dst.replace(d, s)


def _layout(old: Any, new: Any) -> None:
    """This month's places of the plot area and the legend inside the chart: pumpxl sizes
    them to the legend's rows and draws its labels and marks over the plot area where it
    puts it (a person's chart kept last month's, and the labels stood off their lines);
    unless a person put the legend elsewhere (its position is not pumpxl's)."""
    if _legend_position(old) != _legend_position(new):
        return  # a person put the legend elsewhere: their layout of the chart stays
    for name, after in ((_PLOT_AREA, ()), (_LEGEND, (_LEGEND_POS, _LEGEND_ENTRY))):
        src_in, dst_in = _part(new, name), _part(old, name)
        src = first_child(src_in, _LAYOUT) if src_in is not None else None
        if src is None or dst_in is None:
            continue
        dst = first_child(dst_in, _LAYOUT)
        if dst is not None:
            dst_in.replace(dst, src)
            continue
        before = [el for el in dst_in if el.tag in after]
        if before:
            before[-1].addnext(src)
        else:  # (the schema puts it first where nothing precedes it)
            dst_in.insert(0, src)


def _legend_position(space: Any) -> str | None:
    legend = _part(space, _LEGEND)
    pos = first_child(legend, _LEGEND_POS) if legend is not None else None
    return str(pos.get("val", "r")) if pos is not None else None


def _legend(old: Any, new: Any) -> None:
    """The legend's hidden entries (a line repeated per phase is named once) follow this
    month's series; the person's legend position and look stay."""
    src, dst = _part(new, _LEGEND), _part(old, _LEGEND)
    if src is None or dst is None:
        return
    for entry in list(dst.iterchildren(_LEGEND_ENTRY)):
        dst.remove(entry)
    pos = first_child(dst, _LEGEND_POS)
    for entry in reversed(list(src.iterchildren(_LEGEND_ENTRY))):
        if pos is not None:
            pos.addnext(entry)
        else:
            dst.insert(0, entry)
