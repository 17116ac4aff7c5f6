"""The Results Map on a slide: results as boxes in bands by layer (purpose at the top, team at
the bottom), arrows from each driver result to the result it contributes to, and each result
listing its measures with their states.

The layout is a layered (Sugiyama) drawing: a link that skips a band passes through a lane of
its own in each band between (so it never runs behind a box), and the order of boxes and lanes
in each band is chosen for the fewest crossing links. Crossings happen only in the gaps between
adjacent bands, so the total is a sum over gaps of a cost that depends on two bands' orders;
the best orders are found exactly by dynamic programming over the bands for maps of up to 7
boxes and lanes a band, by barycentre sweeps beyond. Graph-layout packages that do this
(igraph, grandalf) are GPL-licensed and Graphviz needs a system binary, so the few dozen lines
live here. A map too large to read on one slide (text under 10 pt) continues on further
slides, one group of branches each; each slide records what it shows, so that a refresh keeps
a map that did not change (:mod:`pumpxl.report.reuse`). Its 530-odd lines are that one
layout: ordering, lanes, pagination and drawing share their geometry."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.model import PumpModel, Result
from pumpxl.core.vocabulary import LAYERS
from pumpxl.report import slides as slides_module
from pumpxl.report.design import GREY, INK, LAYER_COLOURS, RULE, Box, Deck, fit_text
from pumpxl.report.fonts import line_count, text_width_pt
from pumpxl.report.reuse import drawn_by, new_page
from pumpxl.report.slides import measure_state
from pumpxl.report.xmlbits import set_notes, textbox

__all__ = [
    "MAP_FLOOR",
    "MAP_LEGEND",
    "MapLayout",
    "is_lane",
    "layout_for",
    "map_layout",
    "map_nodes",
    "map_pages",
    "results_map_slide",
]

MAP_LEGEND = (
    "Arrow: a result contributes to the one it points at  ·  measures: ▲ improvement  "
    "▼ concern  ◆ signal  ● routine variation  ·  the audience's own measures in bold"
)
MAP_FLOOR = 12  # pt: the smallest text in a box; a map that needs less continues on a new slide
MAP_SIZE = 12  # pt: the text size boxes start from
GAP = int(Inches(0.2))  # between boxes in a band
LANE = int(Inches(0.3))  # the width of a lane a layer-skipping link passes through
MAX_BOX = int(Inches(3.4))
BAND_GAP = int(Inches(0.32))
LABEL_W = int(Inches(1.25))
DP_LIMIT = 7  # boxes and lanes in a band up to which every ordering is tried

Link = tuple[str, str]


def _lane(link: Link, band: int) -> str:
    """The id of a link's lane in a band (NUL cannot occur in a workbook's result id)."""
    return f"\0{link[0]}>{link[1]}@{band}"


def is_lane(node: str) -> bool:
    return node.startswith("\0")


def map_links(results: Mapping[str, Result]) -> list[Link]:
    """Each (driver, result it contributes to) among ``results``."""
    return [(rid, t) for rid, r in results.items() for t in r.contributes_to
            if t in results and t != rid]  # fmt: skip


@dataclass(frozen=True)
class MapLayout:
    """Where everything goes: ``order`` the nodes (results and lanes) of each band left to
    right, ``boxes`` each node's box, ``paths`` each link's points from driver to result."""

    order: list[list[str]]
    boxes: dict[str, Box]
    paths: dict[Link, list[tuple[int, int]]]


def _bands(results: Mapping[str, Result], layers: Sequence[str]) -> tuple[
    list[list[str]], dict[Link, list[str]]
]:
    """Each band's nodes in workbook order (lanes after the results), and each link's chain of
    nodes from driver to result."""
    band = {rid: layers.index(r.layer) for rid, r in results.items()}
    nodes = [[rid for rid in results if band[rid] == k] for k in range(len(layers))]
    chains: dict[Link, list[str]] = {}
    for a, b in map_links(results):
        step = 1 if band[b] > band[a] else -1
        lanes = [(k, _lane((a, b), k)) for k in range(band[a] + step, band[b], step)]
        for k, lane in lanes:
            nodes[k].append(lane)
        chains[(a, b)] = [a, *(lane for _, lane in lanes), b]
    return nodes, chains


def _gap_edges(chains: dict[Link, list[str]], nodes: list[list[str]]) -> list[list[Link]]:
    """For each gap between band k and k+1, the link pieces crossing it as (upper, lower)."""
    band = {n: k for k, ids in enumerate(nodes) for n in ids}
    gaps: list[list[Link]] = [[] for _ in range(max(len(nodes) - 1, 0))]
    for chain in chains.values():
        for u, v in itertools.pairwise(chain):
            if band[u] == band[v]:
                continue  # a link within a band crosses no gap
            upper, lower = (u, v) if band[u] < band[v] else (v, u)
            gaps[min(band[u], band[v])].append((upper, lower))
    return gaps


def _gap_cost(edges: list[Link], upper: dict[str, int], lower: dict[str, int]) -> int:
    """Crossing pairs among straight pieces from the upper band to the lower (pieces that
    share an end do not cross)."""
    count = 0
    for i, (u1, l1) in enumerate(edges):
        for u2, l2 in edges[i + 1 :]:
            if u1 != u2 and l1 != l2 and (upper[u1] - upper[u2]) * (lower[l1] - lower[l2]) < 0:
                count += 1
    return count


def best_order(nodes: list[list[str]], gaps: list[list[Link]]) -> list[list[str]]:
    """The order of each band's nodes with the fewest crossings: exact by dynamic programming
    when every band has at most DP_LIMIT nodes, else barycentre sweeps keeping the best seen.
    Ties keep the workbook's order."""
    if not nodes:
        return []
    if all(len(ids) <= DP_LIMIT for ids in nodes):
        perms = [[dict((n, i) for i, n in enumerate(p)) for p in itertools.permutations(ids)]
                 for ids in nodes]  # fmt: skip
        cost = [0] * len(perms[0])
        back: list[list[int]] = []
        for k in range(1, len(nodes)):
            new, arg = [], []
            for cur in perms[k]:
                best_j, best_c = 0, -1
                for j, prev in enumerate(perms[k - 1]):
                    c = cost[j] + _gap_cost(gaps[k - 1], prev, cur)
                    if best_c < 0 or c < best_c:
                        best_j, best_c = j, c
                new.append(best_c)
                arg.append(best_j)
            cost, back = new, [*back, arg]
        j = min(range(len(cost)), key=lambda i: cost[i])
        picks = [j]
        for arg in reversed(back):
            j = arg[j]
            picks.append(j)
        picks.reverse()
        return [sorted(perms[k][p], key=perms[k][p].__getitem__) for k, p in enumerate(picks)]
    return _sweeps(nodes, gaps)


def _total(order: list[list[str]], gaps: list[list[Link]]) -> int:
    where = [{n: i for i, n in enumerate(ids)} for ids in order]
    return sum(_gap_cost(e, where[k], where[k + 1]) for k, e in enumerate(gaps))


def _sweeps(nodes: list[list[str]], gaps: list[list[Link]]) -> list[list[str]]:
    """The barycentre heuristic: each band sorted by the mean position of its neighbours in
    the band above (sweeping down) or below (sweeping up)."""
    up: dict[str, list[str]] = {n: [] for ids in nodes for n in ids}
    down: dict[str, list[str]] = {n: [] for ids in nodes for n in ids}
    for edges in gaps:
        for u, lo in edges:
            down[u].append(lo)
            up[lo].append(u)
    order = [list(ids) for ids in nodes]
    best, best_cost = [list(ids) for ids in order], _total(order, gaps)
    for sweep in range(8):
        downward = sweep % 2 == 0
        bands = range(1, len(order)) if downward else range(len(order) - 2, -1, -1)
        for k in bands:
            ref = {n: i for i, n in enumerate(order[k - 1] if downward else order[k + 1])}
            here = {n: i for i, n in enumerate(order[k])}

            side = up if downward else down

            def centre(
                n: str, ref: dict[str, int] = ref, here: dict[str, int] = here,
                side: dict[str, list[str]] = side,
            ) -> float:
                near = [ref[m] for m in side[n] if m in ref]
                return sum(near) / len(near) if near else float(here[n])

            order[k] = sorted(order[k], key=centre)
        c = _total(order, gaps)
        if c < best_cost:
            best, best_cost = [list(ids) for ids in order], c
    return best


def _row(ids: Sequence[str], top: int, plan: Box, band_h: int) -> dict[str, Box]:
    """The boxes of one band's nodes, centred in the plan (lanes narrow, results wide)."""
    lanes = sum(is_lane(n) for n in ids)
    results = len(ids) - lanes
    free = plan.width - GAP * (len(ids) - 1) - LANE * lanes
    w = min(free // max(results, 1), MAX_BOX)
    total = w * results + LANE * lanes + GAP * (len(ids) - 1)
    x = plan.left + (plan.width - total) // 2
    out: dict[str, Box] = {}
    for n in ids:
        width = LANE if is_lane(n) else w
        out[n] = Box(x, top, width, band_h)
        x += width + GAP
    return out


def band_height(plan: Box, bands: int) -> int:
    return (plan.height - BAND_GAP * (bands - 1)) // max(bands, 1)


def map_nodes(results: Mapping[str, Result], layers: Sequence[str]) -> list[list[str]]:
    """Each band's nodes (results, then the lanes of links passing through) in workbook order."""
    return _bands(results, layers)[0]


def map_layout(results: Mapping[str, Result], layers: Sequence[str], plan: Box) -> MapLayout:
    """The map of ``results`` (in workbook order) in bands for ``layers`` within ``plan``,
    ordered for the fewest crossings."""
    nodes, chains = _bands(results, layers)
    return layout_for(best_order(nodes, _gap_edges(chains, nodes)), results, layers, plan)


def layout_for(
    order: list[list[str]], results: Mapping[str, Result], layers: Sequence[str], plan: Box
) -> MapLayout:
    """The map with each band's nodes in the ``order`` given."""
    _, chains = _bands(results, layers)
    band_h = band_height(plan, len(layers))
    boxes: dict[str, Box] = {}
    for k, ids in enumerate(order):
        boxes.update(_row(ids, plan.top + k * (band_h + BAND_GAP), plan, band_h))
    paths: dict[Link, list[tuple[int, int]]] = {}
    for (a, b), chain in chains.items():
        up = boxes[a].top > boxes[b].top  # the driver sits below the result it drives
        points = [(boxes[a].left + boxes[a].width // 2, boxes[a].top if up else boxes[a].bottom)]
        for lane in chain[1:-1]:
            x, box = boxes[lane].left + LANE // 2, boxes[lane]
            points += [(x, box.bottom), (x, box.top)] if up else [(x, box.top), (x, box.bottom)]
        end = boxes[b]
        points.append((end.left + end.width // 2, end.bottom if up else end.top))
        paths[(a, b)] = points
    return MapLayout(order, boxes, paths)


def _needs(statement: str, names: Sequence[str], box: Box, size: float) -> bool:
    """Whether a result's text fits its box at ``size`` (measure names measured bold, the
    wider of the two weights they are set in)."""
    width = Emu(box.width - int(Inches(0.2))).pt
    room = Emu(box.height - int(Inches(0.1))).pt
    shown, more = listing(statement, names, box, size)
    lines = line_count(statement, width, size) + len(shown) + (1 if more else 0)
    return lines * size * 1.2 <= room


def listing(statement: str, names: Sequence[str], box: Box, size: float) -> tuple[list[str], int]:
    """The measure names a result's box lists at ``size`` (each on one line, abridged at a
    word where longer) and how many more it only counts ("● and 2 more"): as many as fit
    under the statement (the measures' own pages and the slide's notes name them all)."""
    width = Emu(box.width - int(Inches(0.2))).pt
    room = Emu(box.height - int(Inches(0.1))).pt
    lines = int(room // (size * 1.2)) - line_count(statement, width, size)
    short = [one_line(n, width, size) for n in names]
    if len(short) <= lines:
        return short, 0
    keep = max(0, lines - 1)
    return short[:keep], len(short) - keep


def one_line(name: str, width: float, size: float) -> str:
    """A measure's name as a map box lists it: whole when it fits one line of ``width``
    points at ``size``, else cut at a word with "…" (its page and the notes name it whole)."""
    if text_width_pt(f"● {name}", size, True) <= width:
        return name
    words = name.split(" ")
    while len(words) > 1 and text_width_pt(f"● {' '.join(words)}…", size, True) > width:
        words.pop()
    return " ".join(words).rstrip(",;:(") + "…"


def _layers(results: Mapping[str, Result]) -> list[str]:
    return [layer for layer in LAYERS if any(r.layer == layer for r in results.values())]


def fits(results: Mapping[str, Result], names: Mapping[str, Sequence[str]], plan: Box) -> bool:
    """Whether every box of this map takes its text at MAP_FLOOR or larger (box sizes depend
    only on how many results and lanes each band holds, not on their order)."""
    layers = _layers(results)
    nodes, _ = _bands(results, layers)
    band_h = band_height(plan, len(layers))
    for ids in nodes:
        row = _row(ids, plan.top, plan, band_h)
        for rid in ids:
            if is_lane(rid):
                continue
            if not _needs(results[rid].statement, names[rid], row[rid], MAP_FLOOR):
                return False
    return True


def _reach(start: str, step: Mapping[str, Iterable[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for n in step.get(todo.pop(), ()):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


def map_pages(
    model: PumpModel, names: Mapping[str, Sequence[str]], plan: Box
) -> list[list[str]]:
    """The results on each slide of the map: all of them when they fit, else groups of
    branches (a result of the second band with everything that drives it and everything it
    drives), as many to a slide as fit; a branch too large for a slide goes result by result.
    Each list is in Results Map order; a result on several branches is on each one's slide."""
    order = model.result_order()
    if fits(model.results, names, plan):
        return [order]
    drives = {rid: [t for t in r.contributes_to if t in model.results]
              for rid, r in model.results.items()}  # fmt: skip
    driven_by: dict[str, list[str]] = {rid: [] for rid in model.results}
    for rid, targets in drives.items():
        for t in targets:
            driven_by[t].append(rid)
    layers = _layers(model.results)
    roots = [rid for rid in order if model.results[rid].layer == layers[min(1, len(layers) - 1)]]
    units = [_reach(r, drives) | _reach(r, driven_by) for r in roots]
    covered = set().union(*units) if units else set()
    units += [{rid} for rid in order if rid not in covered]
    pages: list[set[str]] = []

    def ok(ids: set[str]) -> bool:
        return fits({r: model.results[r] for r in order if r in ids}, names, plan)

    for unit in units:
        pieces = [unit] if ok(unit) else [{rid} for rid in order if rid in unit]
        for piece in pieces:
            if pages and ok(pages[-1] | piece):
                pages[-1] |= piece
            else:
                pages.append(set(piece))
    return [[rid for rid in order if rid in page] for page in pages]


def _arrow_end(connector: Any) -> None:
    line = connector.line._get_or_add_ln()
    tail = etree.SubElement(line, qn("a:tailEnd"))
    tail.set("type", "triangle")
    tail.set("w", "lg")
    tail.set("len", "lg")


def _links(slide: Any, layout: MapLayout, shapes: dict[str, Any]) -> None:
    """Each link as connectors drawn behind the boxes: the first glued to the driver's box,
    the last to the result's (so they follow when a box is dragged), straight pieces through
    the lanes between, an arrowhead at the result."""
    first_box = min((s._element for s in shapes.values()), key=lambda e: e.getparent().index(e))
    for (a, b), points in layout.paths.items():
        up = layout.boxes[a].top > layout.boxes[b].top
        pieces = list(itertools.pairwise(points))
        for i, ((x1, y1), (x2, y2)) in enumerate(pieces):
            conn = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, x1, y1, x2, y2)
            if i == 0:
                conn.begin_connect(shapes[a], 0 if up else 2)  # top or bottom of the driver
            if i == len(pieces) - 1:
                conn.end_connect(shapes[b], 2 if up else 0)
                _arrow_end(conn)
            part = f" ({i + 1} of {len(pieces)})" if len(pieces) > 1 else ""
            conn.name = f"Link {a} -> {b}{part}"
            conn.line.color.rgb = GREY
            conn.line.width = Pt(1.75)
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

    while size > MAP_FLOOR and need(size) > room:
        size -= 1
    for r in runs:
        r.font.size = Pt(size)


def _result_box(
    slide: Any, res: Result, box: Box, mine: list[AnalysedMeasure], audience: str
) -> Any:
    shape = slide.shapes.add_shape(
        MSO_SHAPE.ROUNDED_RECTANGLE, box.left, box.top, box.width, box.height
    )
    shape.name = f"Result {res.id}"
    shape.fill.solid()
    shape.fill.fore_color.rgb = LAYER_COLOURS.get(res.layer, LAYER_COLOURS["process"])
    shape.line.color.rgb = RULE
    shape.shadow.inherit = False
    names, more = listing(res.statement, [a.measure.name for a in mine], box, MAP_FLOOR)
    if not mine:
        names = ["no measure yet"]
    fit_text(
        shape,
        "\n".join([res.statement, *(f"● {n}" for n in names),
                   *([f"and {more} more"] if more else [])]),
        size=MAP_SIZE,
        min_size=MAP_FLOOR,
        colour=INK,
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.MIDDLE,
    )
    paras = shape.text_frame.paragraphs
    for para, am, short in zip(paras[1:], mine, names, strict=False):
        # each measure with its state's symbol in its meaning's colour; the audience's own
        # measures in bold, the others in grey
        state, ours = measure_state(am), audience in am.measure.audiences
        name_run = para.runs[0]
        size = name_run.font.size
        name_run.text = f" {short}"
        name_run.font.bold = ours
        name_run.font.color.rgb = INK if ours else GREY
        name_run._r.addprevious(copy.deepcopy(name_run._r))  # a run for the symbol
        sym = para.runs[0]
        sym.text = state.symbol
        sym.font.color.rgb = state.colour
        sym.font.bold = True
        sym.font.size = size
    if not mine or more:
        paras[-1].runs[0].font.color.rgb = GREY
    _shrink_to_fit(shape, box)
    return shape


def _plan(deck: Deck) -> tuple[Box, Box]:
    """The area for the bands (right of their labels, above the legend) and the legend's."""
    area = deck.content_area(subtitle=True)
    legend_h = int(Inches(0.55))
    legend = Box(area.left, area.bottom - legend_h, area.width, legend_h)
    height = area.height - legend_h - int(Inches(0.1))
    return Box(area.left + LABEL_W, area.top, area.width - LABEL_W, height), legend


def results_map_slide(
    deck: Deck, model: PumpModel, analysed: dict[str, AnalysedMeasure], audience: str
) -> list[Any]:
    """The Results Map: one slide, or as many as it takes to keep its text at MAP_FLOOR."""
    if not model.results:
        slide, area = deck.slide("Results Map")
        box = textbox(slide, area.left, area.top, area.width, int(Inches(1)))
        fit_text(box, "The workbook has no Results Map yet.", size=18)
        return [slide]
    mine = {rid: [analysed[m.id] for m in model.measures_of(rid) if m.id in analysed]
            for rid in model.results}  # fmt: skip
    names = {rid: [a.measure.name for a in ms] or ["no measure yet"] for rid, ms in mine.items()}
    plan, legend_box = _plan(deck)
    pages = map_pages(model, names, plan)
    # everything the map shows: a refresh keeps a page nobody touched drawn from the same
    shown = [drawn_by(__file__, slides_module.__file__), deck.branded, plan, legend_box,
             audience, list(model.results.values()),
             {rid: [(a.measure.name, measure_state(a), audience in a.measure.audiences)
                    for a in ms]
              for rid, ms in mine.items()}, pages]  # fmt: skip
    slides = []
    for n, ids in enumerate(pages, start=1):
        results = {rid: model.results[rid] for rid in ids}
        layers = _layers(results)
        title = "Results Map" if len(pages) == 1 else f"Results Map ({n} of {len(pages)})"
        what = ""
        if len(pages) > 1:
            tops = [rid for rid in ids if results[rid].layer == layers[min(1, len(layers) - 1)]]
            what = f"; this part: {', '.join(tops)} and what drives them"
        made = new_page(
            deck, [*shown, n], title,
            subtitle="Results linked cause to effect; each shows the state of its measures "
            f"({audience}'s in bold){what}",
        )  # fmt: skip
        if made is None:
            continue
        slide, _ = made
        legend = textbox(
            slide,
            legend_box.left, legend_box.top, legend_box.width, legend_box.height
        )
        legend.name = "Legend"
        fit_text(legend, MAP_LEGEND, size=12, min_size=12, colour=GREY)
        layout = map_layout(results, layers, plan)
        band_h = band_height(plan, len(layers))
        for k, layer in enumerate(layers):
            top = plan.top + k * (band_h + BAND_GAP)
            label = textbox(slide, plan.left - LABEL_W, top, LABEL_W, band_h)
            fit_text(label, layer.capitalize(), size=14, min_size=12, bold=True,
                     colour=GREY, anchor=MSO_ANCHOR.MIDDLE)  # fmt: skip
        shapes = {
            rid: _result_box(slide, results[rid], layout.boxes[rid], mine[rid], audience)
            for ids_ in layout.order for rid in ids_ if not is_lane(rid)
        }
        _links(slide, layout, shapes)
        lines = []
        for rid in ids:
            res = results[rid]
            words = "; ".join(f"{a.measure.name}: {measure_state(a).word}" for a in mine[rid])
            to = ", ".join(res.contributes_to)
            lines.append(
                f"{res.layer.capitalize()} {rid}: {res.statement}"
                + (f" -> contributes to {to}" if to else "")
                + (f". Measures: {words}" if words else "")
            )
        set_notes(slide, "\n".join(lines))
        slides.append(slide)
    return slides
