"""The Results Map on a slide: results as boxes in four bands (purpose at the top, team at
the bottom), arrows from each driver result to the result it contributes to, and each result
marked with its measures' states."""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Sequence
from typing import Any

from lxml import etree
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.model import PumpModel
from pumpxl.core.vocabulary import LAYERS
from pumpxl.report.design import GREY, INK, LAYER_COLOURS, RULE, Box, Deck, fit_text
from pumpxl.report.fonts import line_count
from pumpxl.report.slides import measure_state

__all__ = ["MAP_LEGEND", "results_map_slide"]

MAP_LEGEND = (
    "Arrow: a result contributes to the one it points at  ·  measures: ▲ improvement  "
    "▼ concern  ◆ signal  ● routine variation  ·  the audience's own measures in bold"
)


def _arrow_end(connector: Any) -> None:
    line = connector.line._get_or_add_ln()
    tail = etree.SubElement(line, qn("a:tailEnd"))
    tail.set("type", "triangle")
    tail.set("w", "lg")
    tail.set("len", "lg")


def _links(
    slide: Any, model: PumpModel, boxes: dict[str, Box], shapes: dict[str, Any]
) -> None:
    """An arrow from each driver result to the result it contributes to, as a connector glued
    to both boxes (it follows when a box is dragged), drawn behind the boxes."""
    first_box = min((s._element for s in shapes.values()), key=lambda e: e.getparent().index(e))
    for rid, res in model.results.items():
        for target in res.contributes_to:
            if rid not in shapes or target not in shapes:
                continue
            below = boxes[rid].top > boxes[target].top
            conn = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, 0, 0, 1, 1)
            conn.begin_connect(shapes[rid], 0 if below else 2)  # top or bottom of the driver
            conn.end_connect(shapes[target], 2 if below else 0)
            conn.name = f"Link {rid} -> {target}"
            conn.line.color.rgb = GREY
            conn.line.width = Pt(1.75)
            _arrow_end(conn)
            first_box.addprevious(conn._element)  # behind the boxes


def _shrink_to_fit(shape: Any, box: Box) -> None:
    """The box's text a point smaller at a time until it fits at its final weights (the
    audience's own measures are set bold after fitting, and bold is wider)."""
    tf = shape.text_frame
    width = Emu(box.width - int(Inches(0.2))).pt
    room = Emu(box.height - int(Inches(0.1))).pt
    runs = [r for p in tf.paragraphs for r in p.runs]
    size = max(r.font.size.pt for r in runs if r.font.size is not None)

    def need(pt: float) -> float:
        total = 0.0
        for p in tf.paragraphs:
            text = "".join(r.text for r in p.runs)
            bold = any(r.font.bold for r in p.runs)
            total += line_count(text, width, pt, bold) * pt * 1.2
        return total

    while size > 7 and need(size) > room:
        size -= 1
    for r in runs:
        r.font.size = Pt(size)


def band_boxes(
    order: list[list[str]], plan: Box, band_h: int, band_gap: int
) -> dict[str, Box]:
    """Each result's box: a band per layer (``order``, top to bottom), boxes centred in it."""
    boxes: dict[str, Box] = {}
    gap = int(Inches(0.2))
    for k, ids in enumerate(order):
        top = plan.top + k * (band_h + band_gap)
        w = min((plan.width - gap * (len(ids) - 1)) // max(len(ids), 1), int(Inches(3.4)))
        total = w * len(ids) + gap * (len(ids) - 1)
        left = plan.left + (plan.width - total) // 2
        for j, rid in enumerate(ids):
            boxes[rid] = Box(left + j * (w + gap), top, w, band_h)
    return boxes


def link_segments(model: PumpModel, boxes: dict[str, Box]) -> list[tuple[str, tuple[float, ...]]]:
    """Each link as the straight segment its connector draws: from the driver's top (or
    bottom) centre to the bottom (or top) centre of the result it contributes to."""
    out: list[tuple[str, tuple[float, ...]]] = []
    for rid, res in model.results.items():
        for target in res.contributes_to:
            if rid not in boxes or target not in boxes:
                continue
            a, b = boxes[rid], boxes[target]
            below = a.top > b.top
            ay = a.top if below else a.bottom
            by = b.bottom if below else b.top
            ends = (a.left + a.width / 2, float(ay), b.left + b.width / 2, float(by))
            out.append((f"{rid}>{target}", ends))
    return out


def crossings(segments: list[tuple[str, tuple[float, ...]]]) -> int:
    """How many pairs of links cross (links that share an end do not count)."""

    def side(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> float:
        return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)

    count = 0
    for i, (_, (x1, y1, x2, y2)) in enumerate(segments):
        for _, (x3, y3, x4, y4) in segments[i + 1 :]:
            ends = {(x1, y1), (x2, y2)}
            if (x3, y3) in ends or (x4, y4) in ends:
                continue
            d1, d2 = side(x3, y3, x4, y4, x1, y1), side(x3, y3, x4, y4, x2, y2)
            d3, d4 = side(x1, y1, x2, y2, x3, y3), side(x1, y1, x2, y2, x4, y4)
            if d1 * d2 < 0 and d3 * d4 < 0:
                count += 1
    return count


EXHAUSTIVE = 5_000  # orderings tried one by one up to this many; beyond, barycentre sweeps


def best_order(
    model: PumpModel, layers: Sequence[str], plan: Box, band_h: int, band_gap: int
) -> list[list[str]]:
    """The order of the results in each band with the fewest crossing links: every ordering
    for a map small enough (the example's has 216), else the barycentre heuristic of layered
    (Sugiyama) drawing, sweeping down and up the bands, keeping the best seen. Ties keep the
    Results sheet's order."""
    start = [[rid for rid in model.result_order() if model.results[rid].layer == layer]
             for layer in layers]  # fmt: skip

    def cost(order: list[list[str]]) -> int:
        return crossings(link_segments(model, band_boxes(order, plan, band_h, band_gap)))

    total = 1
    for ids in start:
        total *= math.factorial(len(ids))
    if total <= EXHAUSTIVE:
        orders = (
            [list(ids) for ids in o]
            for o in itertools.product(*(itertools.permutations(ids) for ids in start))
        )
        return min(orders, key=cost)
    neighbours: dict[str, set[str]] = {rid: set() for ids in start for rid in ids}
    for rid, res in model.results.items():
        for target in res.contributes_to:
            if rid in neighbours and target in neighbours:
                neighbours[rid].add(target)
                neighbours[target].add(rid)
    best, best_cost = [list(ids) for ids in start], cost(start)
    order = [list(ids) for ids in start]
    for sweep in range(8):
        bands = range(1, len(order)) if sweep % 2 == 0 else range(len(order) - 2, -1, -1)
        for k in bands:
            ref = order[k - 1] if sweep % 2 == 0 else order[k + 1]
            where = {rid: i for i, rid in enumerate(ref)}

            def centre(rid: str, where: dict[str, int] = where, k: int = k) -> float:
                near = [where[n] for n in neighbours[rid] if n in where]
                return sum(near) / len(near) if near else order[k].index(rid)

            order[k] = sorted(order[k], key=centre)
        c = cost(order)
        if c < best_cost:
            best, best_cost = [list(ids) for ids in order], c
    return best


def results_map_slide(
    deck: Deck, model: PumpModel, analysed: dict[str, AnalysedMeasure], audience: str
) -> Any:
    slide, area = deck.slide(
        "Results Map",
        subtitle="Results linked cause to effect; each "
        f"shows the state of its measures ({audience}'s in bold)",
    )
    layers = [layer for layer in LAYERS if any(r.layer == layer for r in model.results.values())]
    if not layers:
        box = slide.shapes.add_textbox(area.left, area.top, area.width, int(Inches(1)))
        fit_text(box, "The workbook has no Results Map yet.", size=18)
        return slide
    legend_h = int(Inches(0.55))
    legend = slide.shapes.add_textbox(area.left, area.bottom - legend_h, area.width, legend_h)
    legend.name = "Legend"
    fit_text(legend, MAP_LEGEND, size=12, min_size=10, colour=GREY)
    area = Box(area.left, area.top, area.width, area.height - legend_h - int(Inches(0.1)))
    label_w = int(Inches(1.25))
    band_gap = int(Inches(0.32))
    band_h = (area.height - band_gap * (len(layers) - 1)) // len(layers)
    for k, layer in enumerate(layers):
        top = area.top + k * (band_h + band_gap)
        label = slide.shapes.add_textbox(area.left, top, label_w, band_h)
        fit_text(
            label,
            layer.capitalize(),
            size=14,
            min_size=10,
            bold=True,
            colour=GREY,
            anchor=MSO_ANCHOR.MIDDLE,
        )
    plan = Box(area.left + label_w, area.top, area.width - label_w, area.height)
    order = best_order(model, layers, plan, band_h, band_gap)
    boxes = band_boxes(order, plan, band_h, band_gap)
    shapes: dict[str, Any] = {}
    for rid, box in boxes.items():
        res = model.results[rid]
        shape = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, box.left, box.top, box.width, box.height
        )
        shape.name = f"Result {rid}"
        shapes[rid] = shape
        shape.fill.solid()
        shape.fill.fore_color.rgb = LAYER_COLOURS.get(res.layer, LAYER_COLOURS["process"])
        shape.line.color.rgb = RULE
        shape.shadow.inherit = False
        mine = [analysed[m.id] for m in model.measures_of(rid) if m.id in analysed]
        names = [a.measure.name for a in mine] or ["no measure yet"]
        fit_text(
            shape,
            "\n".join([res.statement, *(f"● {n}" for n in names)]),
            size=12,
            min_size=8,
            colour=INK,
            align=PP_ALIGN.CENTER,
            anchor=MSO_ANCHOR.MIDDLE,
        )
        paras = shape.text_frame.paragraphs
        for para, am in zip(paras[1:], mine, strict=False):
            # each measure with its state's symbol in its meaning's colour; the audience's
            # own measures in bold, the others in grey
            state, ours = measure_state(am), audience in am.measure.audiences
            name_run = para.runs[0]
            size = name_run.font.size
            name_run.text = f" {am.measure.name}"
            name_run.font.bold = ours
            name_run.font.color.rgb = INK if ours else GREY
            name_run._r.addprevious(copy.deepcopy(name_run._r))  # a run for the symbol
            sym = para.runs[0]
            sym.text = state.symbol
            sym.font.color.rgb = state.colour
            sym.font.bold = True
            sym.font.size = size
        if not mine:
            paras[-1].runs[0].font.color.rgb = GREY
        _shrink_to_fit(shape, box)
    _links(slide, model, boxes, shapes)
    lines = []
    for rid in model.result_order():
        res = model.results[rid]
        ms = [analysed[m.id] for m in model.measures_of(rid) if m.id in analysed]
        words = "; ".join(f"{a.measure.name}: {measure_state(a).word}" for a in ms)
        lines.append(
            f"{res.layer.capitalize()} {rid}: {res.statement}"
            + (f" -> contributes to {', '.join(res.contributes_to)}" if res.contributes_to else "")
            + (f". Measures: {words}" if words else "")
        )
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)
    return slide
