"""A measure's page in a report: its native XmR chart with recalculations marked and their
reasons, its state and target assurance, the three questions (the workbook's commentary, or a
draft from the chart's reading), the decisions it informs, and the calculation in the notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure, predictability_verdict
from pumpxl.core.drafts import draft
from pumpxl.core.evidence import Evidence
from pumpxl.core.model import Initiative, PumpModel
from pumpxl.core.narrative import (
    number_format,
    per,
    reading_numbers,
    status_line,
)
from pumpxl.core.present import date_label
from pumpxl.core.vocabulary import DIRECTION_LABELS
from pumpxl.report.chart import add_xmr_chart, draw_labels, draw_marks, measure_plan
from pumpxl.report.design import (
    ASSURANCE,
    DRAFT,
    GREY,
    INK,
    NAVY,
    WHITE,
    Box,
    Deck,
    fit_text,
    panel,
)
from pumpxl.report.fonts import line_count as text_lines_pt
from pumpxl.report.headline import mdc_icons
from pumpxl.report.initiatives import action_with_initiatives
from pumpxl.report.marks import mark_shape
from pumpxl.report.notes import calculation_notes
from pumpxl.report.slides import fmt as _fmt
from pumpxl.report.slides import measure_state
from pumpxl.report.xmlbits import set_notes, textbox

__all__ = ["DUE_LABEL", "WHO_LABEL", "measure_slide", "three_questions"]

#: The workbook's who and by when are shown as lines of their own under the action
#: ("Who: Aisha Khan", "By when: 31 Mar 2026"), so that ``pumpxl collect`` reads them back.
WHO_LABEL = "Who"
DUE_LABEL = "By when"


def three_questions(a: AnalysedMeasure) -> tuple[list[tuple[str, str]], bool]:
    """(heading, text) for what is happening, why, and what we are doing, from the
    workbook's commentary for the latest period; else a drafted interpretation (True)."""
    c = a.commentary
    latest = a.latest_date
    if c is not None and latest is not None and c.period >= latest:  # written for this period
        action = [c.action] if c.action else []
        action += [f"{WHO_LABEL}: {c.who}"] if c.who else []
        action += [f"{DUE_LABEL}: {date_label(c.due)}"] if c.due else []
        return [
            ("What is happening", c.happening or "-"),
            ("Why", c.why or "-"),
            ("What we are doing", "\n".join(action) or "-"),
        ], False
    d = draft(a.reading, owner=a.measure.owner)
    return [
        ("What is happening", d.happening),
        ("Why", d.why),
        ("What we are doing", d.action),
    ], True


@dataclass
class KeptWords:
    """Words people wrote in a measure's blocks on last month's pages, which a refresh keeps
    (``words``: by measure id, then role: ``happening``, ``why``, ``action``,
    ``decisions``): this month's page is laid out around them (the next block starts where
    theirs ends), and what pumpxl would have written there instead is kept (``drafts``,
    alike) for the page's speaker notes."""

    words: dict[str, dict[str, str]] = field(default_factory=dict)
    drafts: dict[str, dict[str, str]] = field(default_factory=dict)


def measure_slide(
    deck: Deck,
    model: PumpModel,
    a: AnalysedMeasure,
    *,
    icons: str = "pumpxl",
    changes: Sequence[tuple[Initiative, Evidence]] = (),
    kept: KeptWords | None = None,
) -> Any:
    """The measure's page: its XmR chart (with its recalculations and initiatives marked),
    its state, and the three questions beside it (laid out around the words people wrote
    there last month, when a refresh ``kept`` them)."""
    m, r = a.measure, a.chart
    result = model.results.get(m.result)
    subtitle_bits = []
    if result:
        subtitle_bits.append(f"Evidence of: {result.statement}")
    subtitle_bits.append(f"Owner: {m.owner or 'none named'}")
    questions, drafted = three_questions(a)
    period = a.latest_date.isoformat() if a.latest_date else ""
    fields = {"m": m.id, "p": period, "d": "1" if drafted else ""}
    deck.section(f"measure:{m.id}")
    slide, area = deck.slide(m.name, subtitle=" · ".join(subtitle_bits), **fields)
    key = deck.last_key
    gap = int(Inches(0.25))
    chart_w = int(area.width * 0.62)
    side = Box(area.left + chart_w + gap, area.top, area.width - chart_w - gap, area.height)
    # the three questions and the decisions beside the chart
    if drafted and changes:  # the drafted action cites what is being done and how it shows
        heading, action = questions[-1]
        questions[-1] = (heading, action_with_initiatives(action, list(changes)))
    decisions = m.decisions or "not recorded"
    who = f" ({m.decision_makers})" if m.decision_makers else ""
    blocks = [*questions, ("Decisions it informs", decisions + who)]
    top = side.top + (int(Inches(0.5)) if drafted else 0)
    room = Box(side.left, top, side.width, side.bottom - top)
    if kept is not None and (theirs := kept.words.get(m.id)):
        blocks = _around(blocks, theirs, room, kept.drafts.setdefault(m.id, {}))
    here = _fitting(blocks, room)
    informs = ""
    if here == len(blocks) - 1:  # only the decisions would go over: under the chart instead
        informs = f"Informs: {decisions + who}"  # of a page of their own (a near-empty one)
        blocks = blocks[:-1]
    # status under the chart: state, target assurance, unit and direction
    state = measure_state(a)
    assurance = ASSURANCE.get(a.reading.assurance or "")
    facts = [f"{state.symbol} {status_line(a.reading)}"]
    if assurance and r.latest_target is not None:
        against = " against the provisional limits" if a.reading.provisional else ""
        facts.append(
            f"Target {_fmt(a, r.latest_target)}: {assurance.symbol} {assurance.word.lower()}"
            + against
        )
    predictability = predictability_verdict(a)
    if predictability:
        facts.append(predictability)
    last = r.phases[-1] if r.phases else None
    if last is not None and last.trend is not None:
        step = number_format(abs(last.slope), reading_numbers(a.reading).finer())
        way = "up" if last.slope >= 0 else "down"
        facts.append(f"Trended limits ({last.trend}): {way} {step} {per(m.frequency)}")
    better = DIRECTION_LABELS[m.direction] if m.direction != "neutral" else "no better way"
    if not m.unit and m.direction == "neutral" and not m.result:  # a plain sheet says neither
        better = "no better direction given"
    facts.append(f"in {m.unit}: {better}" if m.unit else better[:1].upper() + better[1:])
    facts += [informs] if informs else []
    # as tall as its text needs at 12 pt (bold), at least three lines' worth
    need = text_lines_pt(" · ".join(facts), Emu(chart_w - int(Inches(0.2))).pt, 12, True)
    status_h = max(int(Inches(0.75)), int(Pt(need * 12 * 1.2)) + int(Inches(0.15)))
    chart_box = Box(area.left, area.top, chart_w, area.height - status_h - int(Inches(0.1)))
    if a.xmr.latest_index is None:
        empty = panel(slide, chart_box)
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
        started = tuple((init.id, ev.start) for init, ev in changes if ev.start is not None)
        plan = measure_plan(a, chart_box, 12, initiatives=started)
        frame = add_xmr_chart(slide, a, chart_box, font_size=12, plan=plan)
        mark_shape(frame, key, "chart")
        draw_labels(slide, a, chart_box, plan)
        draw_marks(slide, a, chart_box, plan)
        if icons == "mdc":
            size = int(Inches(0.45))
            left = chart_box.left + chart_box.width - 2 * size - size // 2
            mdc_icons(slide, a, left, chart_box.top, size)
    status = textbox(slide, area.left, chart_box.bottom + int(Inches(0.05)), chart_w, status_h)
    fit_text(status, " · ".join(facts), size=13, min_size=12, colour=state.colour, bold=True)
    mark_shape(status, key, "status")
    top = side.top
    if drafted:  # a banner of a line, or two where the owner's name needs them
        says = f"DRAFT: drafted by pumpxl for {m.owner or 'the owner'} to confirm"
        lines = min(2, text_lines_pt(says, Emu(side.width - int(Inches(0.2))).pt, 12, True))
        tall = int(Inches(0.4)) + (lines - 1) * int(Pt(12 * 1.2))
        tag = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, side.left, top, side.width, tall)
        tag.fill.solid()
        tag.fill.fore_color.rgb = DRAFT
        tag.line.fill.background()
        fit_text(
            tag,
            says,
            size=12,
            min_size=12,
            bold=True,
            colour=WHITE,
            anchor=MSO_ANCHOR.MIDDLE,
        )
        mark_shape(tag, key, "draft")
        top += tall + int(Inches(0.1))
    side = Box(side.left, top, side.width, side.bottom - top)
    here = _fitting(blocks, side)
    if here:
        _text_blocks(slide, blocks[:here], side, drafted, key)
    else:  # even the first is too long for the side: all of them on the next slide, whole
        note = textbox(slide, side.left, side.top, side.width, int(Inches(0.8)))
        fit_text(note, "What is happening, why and what we are doing: on the next slide.",
                 size=13, min_size=12, colour=GREY)  # fmt: skip
    set_notes(slide, calculation_notes(a))
    rest = blocks[here:]
    while rest:  # the rest on slides of their own rather than under 12 pt
        title = f"{m.name} (continued)"
        more, area = deck.slide(title, subtitle=" · ".join(subtitle_bits), **fields)
        k = max(1, _fitting(rest, area))
        _text_blocks(more, rest[:k], area, drafted, deck.last_key)
        set_notes(more, calculation_notes(a))
        rest = rest[k:]
    return slide


HEADING_H = int(Inches(0.32))
BLOCK_GAP = int(Inches(0.08))
BODY_FLOOR = 12  # pt: the smallest body text on a measure slide (readable when projected)


def _need(text: str, width: int, size: float = BODY_FLOOR) -> int:
    """The height a panel needs for ``text`` at ``size`` (measured with the deck's font)."""
    text_w = Emu(width - int(Inches(0.2))).pt
    return int(Pt(text_lines_pt(text, text_w, size) * size * 1.2)) + int(Inches(0.12))


def _fitting(blocks: list[tuple[str, str]], box: Box) -> int:
    """How many of the blocks, from the first, fit ``box`` at BODY_FLOOR."""
    used, k = 0, 0
    for _, text in blocks:
        used += HEADING_H + BLOCK_GAP + _need(text, box.width)
        if used > box.height:
            break
        k += 1
    return k


#: The role of each block's body in the page's marks (what ``pumpxl collect`` reads back).
BLOCK_ROLES = {
    "What is happening": "happening",
    "Why": "why",
    "What we are doing": "action",
    "Decisions it informs": "decisions",
}


def _around(blocks: list[tuple[str, str]], theirs: dict[str, str], room: Box,
            drafts: dict[str, str]) -> list[tuple[str, str]]:  # fmt: skip
    """``blocks`` with the words people wrote in them (``theirs``, by role), when those fit
    on the page with the blocks above them: the page is then laid out around their words,
    and what pumpxl wrote instead goes to ``drafts``. Words that would go over to a page
    of their own are not laid out (their box stays where they left it)."""
    around = [(h, theirs.get(BLOCK_ROLES[h], t)) for h, t in blocks]
    here = _fitting(around, room)
    if any(BLOCK_ROLES[h] in theirs and k >= here for k, (h, _) in enumerate(around)):
        return blocks
    drafts.update({BLOCK_ROLES[h]: t for h, t in blocks if BLOCK_ROLES[h] in theirs})
    return around


def _text_blocks(
    slide: Any, blocks: list[tuple[str, str]], box: Box, drafted: bool, key: str
) -> None:
    """Headed text panels down ``box``: each first gets the room its text needs at 12 pt,
    then what is left goes by length (the Decisions block takes little of it)."""
    free = box.height - len(blocks) * (HEADING_H + BLOCK_GAP)
    needs = [_need(text, box.width) for _, text in blocks]
    weights = [max(1, len(text)) ** 0.6 + 6 for _, text in blocks]
    if blocks[-1][0] == "Decisions it informs":
        weights[-1] = min(weights[-1], 8)
    extra = max(0, free - sum(needs))
    heights = [n + int(extra * w / sum(weights)) for n, w in zip(needs, weights, strict=True)]
    top = box.top
    for (heading, text), h in zip(blocks, heights, strict=True):
        h = min(h, box.bottom - top - HEADING_H)  # one block alone longer than the box: cut
        label = textbox(slide, box.left, top, box.width, HEADING_H)
        fit_text(
            label, heading, size=13, min_size=12, bold=True, colour=NAVY, anchor=MSO_ANCHOR.BOTTOM
        )
        role = BLOCK_ROLES[heading]
        mark_shape(label, key, f"heading:{role}")
        top += HEADING_H
        body = panel(slide, Box(box.left, top, box.width, h))
        fit_text(
            body,
            text,
            size=13,
            min_size=BODY_FLOOR,
            italic=drafted and heading != "Decisions it informs",
            colour=INK,
        )
        mark_shape(body, key, role)
        top += h + BLOCK_GAP
