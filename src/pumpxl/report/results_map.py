"""The Results Map on a slide: results as boxes in four bands (purpose at the top, team at
the bottom), arrows from each driver result to the result it contributes to, and each result
marked with its measures' states."""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.model import PumpModel
from pumpxl.core.vocabulary import LAYERS
from pumpxl.report.design import GREY, INK, LAYER_COLOURS, RULE, Box, Deck, fit_text
from pumpxl.report.slides import measure_state

__all__ = ["results_map_slide"]


def _arrow_end(connector: Any) -> None:
    line = connector.line._get_or_add_ln()
    tail = etree.SubElement(line, qn("a:tailEnd"))
    tail.set("type", "triangle")
    tail.set("w", "med")
    tail.set("len", "med")


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
    label_w = int(Inches(1.25))
    band_gap = int(Inches(0.32))
    band_h = (area.height - band_gap * (len(layers) - 1)) // len(layers)
    boxes: dict[str, Box] = {}
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
        ids = [rid for rid in model.result_order() if model.results[rid].layer == layer]
        span = area.width - label_w
        gap = int(Inches(0.2))
        w = (span - gap * (len(ids) - 1)) // max(len(ids), 1)
        w = min(w, int(Inches(3.4)))
        total = w * len(ids) + gap * (len(ids) - 1)
        left = area.left + label_w + (span - total) // 2
        for j, rid in enumerate(ids):
            boxes[rid] = Box(left + j * (w + gap), top, w, band_h)
    # arrows first, so boxes sit on top of them
    for rid, res in model.results.items():
        for target in res.contributes_to:
            if rid not in boxes or target not in boxes:
                continue
            a, b = boxes[rid], boxes[target]
            start = (a.left + a.width // 2, a.top if a.top > b.top else a.bottom)
            end = (b.left + b.width // 2, b.bottom if a.top > b.top else b.top)
            conn = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, *start, *end)
            conn.line.color.rgb = RULE
            conn.line.width = Pt(1.5)
            _arrow_end(conn)
    for rid, box in boxes.items():
        res = model.results[rid]
        shape = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, box.left, box.top, box.width, box.height
        )
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
