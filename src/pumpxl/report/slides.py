"""The slides of a performance report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches

from pumpxl.core.analysis import AnalysedMeasure, predictability_verdict
from pumpxl.core.model import PumpModel
from pumpxl.core.narrative import decimals_for, number_format, point_label
from pumpxl.core.vocabulary import DIRECTION_LABELS, RULE_LABELS
from pumpxl.report.chart import add_xmr_chart
from pumpxl.report.design import (
    ASSURANCE,
    DRAFT,
    GREY,
    INK,
    LIGHT,
    NAVY,
    RULE,
    WHITE,
    Box,
    Deck,
    State,
    fit_text,
    state_of,
    table_cell,
)

NO_VALUES = State("–", "No values yet", GREY)

__all__ = [
    "glance_slides",
    "measure_slide",
    "measure_state",
    "three_questions",
    "title_slide",
]

GLANCE_ROWS = 8


def measure_state(a: AnalysedMeasure) -> State:
    r = a.xmr
    if r.latest_index is None:
        return NO_VALUES
    has_limits = bool(r.phases) and r.phases[-1].has_limits
    return state_of([s.assessment for s in r.latest_signals], has_limits)


def _fmt(a: AnalysedMeasure, v: float | None) -> str:
    return number_format(v, decimals_for(a.xmr.mr_bar))


def _month(d: dt.date | None) -> str:
    return d.strftime("%B %Y") if d else "no data yet"


def title_slide(deck: Deck, model: PumpModel, audience: str, period: dt.date | None) -> Any:
    layout = deck.layout("Title Slide", "Title")
    slide = deck.prs.slides.add_slide(layout)
    title = slide.shapes.title
    heading = model.settings.title or "Performance report"
    lines = [f"For {audience}", f"Performance to {_month(period)}"]
    if model.settings.organisation:
        lines.insert(0, model.settings.organisation)
    sub = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
    if not deck.branded or title is None or sub is None:
        for ph in list(slide.placeholders):
            ph._element.getparent().remove(ph._element)
        m = deck.margin
        band = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, 0, int(Inches(2.2)), deck.width, int(Inches(2.6))
        )
        band.fill.solid()
        band.fill.fore_color.rgb = NAVY
        band.line.fill.background()
        title = slide.shapes.add_textbox(
            m * 2, int(Inches(2.45)), deck.width - 4 * m, int(Inches(1.2))
        )
        fit_text(
            title, heading, size=40, min_size=24, bold=True, colour=WHITE, anchor=MSO_ANCHOR.MIDDLE
        )
        sub = slide.shapes.add_textbox(
            m * 2, int(Inches(3.7)), deck.width - 4 * m, int(Inches(1.0))
        )
        fit_text(sub, " · ".join(lines), size=20, min_size=12, colour=WHITE)
        foot = slide.shapes.add_textbox(
            m * 2, deck.height - int(Inches(1.0)), deck.width - 4 * m, int(Inches(0.5))
        )
        fit_text(
            foot,
            "XmR charts separate signals from routine variation: react to signals,"
            " not to every up and down.",
            size=12,
            colour=GREY,
        )
    else:
        title.text = heading
        sub.text = "\n".join(lines)
    slide.notes_slide.notes_text_frame.text = (
        f"Report for {audience}, built by pumpxl from the workbook's measures, data, targets "
        "and commentary. Each measure page answers: what is performance doing, why, and what "
        "are we doing about it."
    )
    return slide


def glance_slides(deck: Deck, measures: list[AnalysedMeasure], audience: str) -> list[Any]:
    """Every measure's state on one page (or more, eight rows a page)."""
    pages = [measures[i : i + GLANCE_ROWS] for i in range(0, len(measures), GLANCE_ROWS)]
    slides = []
    heads = ["Measure", "Latest", "Central line", "Limits", "Now", "Target"]
    widths = [4.1, 1.2, 1.3, 1.8, 2.3, 2.0]
    for k, page in enumerate(pages):
        more = f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""
        slide, area = deck.slide(
            f"At a glance{more}",
            subtitle=f"{audience}: where each measure stands, judged by its XmR chart",
        )
        scale = area.width / Emu(Inches(sum(widths)))
        row_h = int(Inches(0.55))
        shape = slide.shapes.add_table(
            len(page) + 1, len(heads), area.left, area.top, area.width, row_h * (len(page) + 1)
        )
        table = shape.table
        for c, w in enumerate(widths):
            table.columns[c].width = int(Inches(w) * scale)
        for c, h in enumerate(heads):
            table_cell(table.cell(0, c), h, size=12, bold=True, colour=WHITE, fill=NAVY)
        for r, a in enumerate(page, start=1):
            x = a.xmr
            i = x.latest_index
            latest = _fmt(a, float(x.values[i])) if i is not None else "no values"
            if x.phases and x.phases[-1].has_limits:
                limits = f"{_fmt(a, x.lnpl)} – {_fmt(a, x.unpl)}"
            else:
                limits = "too few values" if i is not None else "-"
            state = measure_state(a)
            signal_words = sorted({RULE_LABELS[s.rule][0] for s in x.latest_signals})
            now = state.label + (f" ({', '.join(signal_words)})" if signal_words else "")
            assurance = ASSURANCE.get(x.assurance or "")
            target = (
                f"{assurance.symbol} {assurance.word} ({_fmt(a, x.latest_target)})"
                if assurance
                else "no target"
            )
            fill = LIGHT if r % 2 == 0 else None
            unit = f" {a.measure.unit}" if i is not None and 0 < len(a.measure.unit) <= 8 else ""
            values = [a.measure.name, latest + unit, _fmt(a, x.central_line), limits, now, target]
            for c, text in enumerate(values):
                colour = (
                    state.colour if c == 4 else (assurance.colour if c == 5 and assurance else INK)
                )
                table_cell(
                    table.cell(r, c),
                    text,
                    size=11,
                    colour=colour,
                    fill=fill,
                    bold=c == 4 and state.word != "Routine variation",
                )
            table.rows[r].height = row_h
        table.rows[0].height = int(Inches(0.45))
        key = slide.shapes.add_textbox(
            area.left, area.bottom - int(Inches(0.45)), area.width, int(Inches(0.45))
        )
        fit_text(
            key,
            "▲ improvement  ▼ concern  ◆ signal  ● routine variation    ·    "
            "✓ will consistently pass  ✗ will consistently fail  ~ hit and miss (limits "
            "straddle the target)",
            size=11,
            min_size=9,
            colour=GREY,
        )
        lines = [f"{a.measure.name}: {a.xmr.status}" for a in page]
        slide.notes_slide.notes_text_frame.text = "\n".join(lines)
        slides.append(slide)
    return slides


def three_questions(a: AnalysedMeasure) -> tuple[list[tuple[str, str]], bool]:
    """(heading, text) for what is happening, why, and what we are doing, from the
    workbook's commentary for the latest period; else a drafted interpretation (True)."""
    c = a.commentary
    latest = a.latest_date
    if c is not None and latest is not None and c.period >= latest:  # written for this period
        action = c.action
        if c.who or c.due:
            extra = ", ".join(p for p in (c.who, f"by {c.due:%d %b %Y}" if c.due else "") if p)
            action = f"{action} ({extra})" if action else extra
        return [
            ("What is happening", c.happening or "-"),
            ("Why", c.why or "-"),
            ("What we are doing", action or "-"),
        ], False
    r = a.xmr
    state = measure_state(a)
    owner = a.measure.owner or "the measure's owner"
    happening = r.description
    if state is NO_VALUES:
        why = "No values have been recorded for this measure yet."
        act = f"{owner} to start collecting the data the Measure Definition describes."
    elif state.word == "Too few values":
        why = "Too few values to tell signals from routine variation yet."
        act = "Keep collecting: limits come from 5 or more values, firm ones from about 20."
    elif state.word == "Routine variation":
        why = (
            "Routine variation: the process is doing what it always does, so there is no "
            "single cause to look for."
        )
        if r.assurance == "consistently fail":
            act = (
                "The target lies beyond the limits: only a change to the process will "
                "reach it. Decide whether to change the process or the target."
            )
        else:
            act = "No reaction to single points; keep watching for signals."
    elif state.word == "Concern":
        why = f"Not yet known: {owner} to find what changed when the signal began."
        act = "Find the cause of the signal; remove it if it is harmful, then confirm."
    elif state.word == "Improvement":
        why = f"Not yet known: {owner} to confirm which change produced the improvement."
        act = (
            "Hold the gain: make the change standard. Recalculate the limits once the "
            "new level is sustained and its cause known."
        )
    else:
        why = f"{owner} to explain the signal."
        act = "Decide whether the signal needs action."
    return [("What is happening", happening), ("Why", why), ("What we are doing", act)], True


def measure_slide(deck: Deck, model: PumpModel, a: AnalysedMeasure) -> Any:
    m, r = a.measure, a.xmr
    result = model.results.get(m.result)
    subtitle_bits = []
    if result:
        subtitle_bits.append(f"Evidence of: {result.statement}")
    subtitle_bits.append(f"Owner: {m.owner or 'none named'}")
    slide, area = deck.slide(m.name, subtitle=" · ".join(subtitle_bits))
    gap = int(Inches(0.25))
    chart_w = int(area.width * 0.62)
    side = Box(area.left + chart_w + gap, area.top, area.width - chart_w - gap, area.height)
    status_h = int(Inches(0.75))
    chart_box = Box(area.left, area.top, chart_w, area.height - status_h - int(Inches(0.1)))
    if a.xmr.latest_index is None:
        empty = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, chart_box.left, chart_box.top, chart_box.width, chart_box.height
        )
        empty.fill.solid()
        empty.fill.fore_color.rgb = LIGHT
        empty.line.color.rgb = RULE
        empty.shadow.inherit = False
        fit_text(
            empty,
            "No values yet: the workbook has no values for this measure"
            + (f" ({len(a.series)} periods, all blank)" if len(a.series) else "")
            + ", so there is no chart.",
            size=16,
            min_size=12,
            colour=GREY,
            anchor=MSO_ANCHOR.MIDDLE,
        )
    else:
        add_xmr_chart(slide, a, chart_box)
    # status under the chart: state, target assurance, unit and direction
    state = measure_state(a)
    assurance = ASSURANCE.get(r.assurance or "")
    signal_words = sorted({RULE_LABELS[x.rule][0] for x in r.latest_signals})
    facts = [
        state.label
        + (f" ({', '.join(signal_words)})" if signal_words else "")
        + (" at the latest value" if state is not NO_VALUES else "")
    ]
    if assurance and r.latest_target is not None:
        facts.append(
            f"Target {_fmt(a, r.latest_target)}: {assurance.symbol} {assurance.word.lower()}"
        )
    predictability = predictability_verdict(a)
    if predictability:
        facts.append(predictability)
    facts.append(f"{m.unit or 'value'}, {DIRECTION_LABELS[m.direction]}")
    status = slide.shapes.add_textbox(
        area.left, chart_box.bottom + int(Inches(0.05)), chart_w, status_h
    )
    fit_text(status, "  ·  ".join(facts), size=13, min_size=10, colour=state.colour, bold=True)
    # the three questions
    questions, drafted = three_questions(a)
    top = side.top
    if drafted:
        tag = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, side.left, top, side.width, int(Inches(0.4))
        )
        tag.fill.solid()
        tag.fill.fore_color.rgb = DRAFT
        tag.line.fill.background()
        fit_text(
            tag,
            f"DRAFT: drafted by pumpxl for {m.owner or 'the owner'} to confirm",
            size=12,
            min_size=9,
            bold=True,
            colour=WHITE,
            anchor=MSO_ANCHOR.MIDDLE,
        )
        top += int(Inches(0.5))
    decisions = m.decisions or "not recorded"
    who = f" ({m.decision_makers})" if m.decision_makers else ""
    blocks = [*questions, ("Decisions it informs", decisions + who)]
    heading_h = int(Inches(0.32))
    free = side.bottom - top - len(blocks) * (heading_h + int(Inches(0.08)))
    weights = [max(1, len(text)) ** 0.6 + 6 for _, text in blocks]
    weights[-1] = min(weights[-1], 8)
    total = sum(weights)
    for (heading, text), w in zip(blocks, weights, strict=True):
        h = int(free * w / total)
        label = slide.shapes.add_textbox(side.left, top, side.width, heading_h)
        fit_text(
            label, heading, size=13, min_size=11, bold=True, colour=NAVY, anchor=MSO_ANCHOR.BOTTOM
        )
        top += heading_h
        body = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, side.left, top, side.width, h)
        body.fill.solid()
        body.fill.fore_color.rgb = LIGHT
        body.line.color.rgb = RULE
        body.shadow.inherit = False
        fit_text(
            body,
            text,
            size=13,
            min_size=9,
            italic=drafted and heading != "Decisions it informs",
            colour=INK,
        )
        top += h + int(Inches(0.08))
    slide.notes_slide.notes_text_frame.text = calculation_notes(a)
    return slide


def calculation_notes(a: AnalysedMeasure) -> str:
    """Speaker notes: how the chart was calculated."""
    r, m = a.xmr, a.measure
    s = r.settings
    lines = [
        f"{m.name} ({m.id}). XmR chart, {s.centre} central line, {s.dispersion} moving range, "
        f"{s.constants} constants; rules: {r.rules.name} "
        f"({', '.join(RULE_LABELS[x][1] for x in r.rules.active)}). Missing values: {s.missing}.",
    ]
    for k, p in enumerate(r.phases, start=1):
        if p.stop == p.start:  # no periods at all
            lines.append("No values yet.")
            continue
        a_date, b_date = point_label(r, p.start), point_label(r, p.stop - 1)
        lines.append(
            f"Phase {k} ({a_date} to {b_date}): central line {_fmt(a, p.central_line)}, limits "
            f"{_fmt(a, p.lnpl)} to {_fmt(a, p.unpl)}, average moving range {_fmt(a, p.mr_bar)}, "
            f"URL {_fmt(a, p.url)}; from {p.n_values} values"
            + (" (trial limits)" if p.trial else "")
            + "."
        )
    for sig in r.signals:
        lines.append(
            f"Signal: {RULE_LABELS[sig.rule][0]} {sig.moved} "
            f"({sig.assessment}), {point_label(r, sig.first)} to "
            f"{point_label(r, sig.last)}: {sig.detail}."
        )
    if r.latest_target is not None:
        lines.append(f"Target {_fmt(a, r.latest_target)}: {r.assurance}.")
    predictability = predictability_verdict(a)
    if predictability:
        lines.append(predictability + ".")
    if r.excluded.any():
        lines.append(
            "Excluded from the limits (known special causes): "
            + ", ".join(point_label(r, int(i)) for i in r.excluded.nonzero()[0])
            + "."
        )
    return "\n".join(lines)
