"""The opening slides of a performance report: the title, and every measure's state at a
glance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.model import PumpModel
from pumpxl.core.narrative import (
    decimals_for,
    number_format,
    period_label,
    status_line,
    value_decimals,
)
from pumpxl.core.vocabulary import RULE_LABELS
from pumpxl.report.design import (
    ASSURANCE,
    GREY,
    INK,
    LIGHT,
    MEANING_COLOURS,
    MEANING_SYMBOLS,
    NAVY,
    WHITE,
    Deck,
    State,
    fit_text,
    state_of,
    table_cell,
)

__all__ = ["fmt", "glance_slides", "measure_state", "recent_notes", "title_slide"]

GLANCE_ROWS = 8


def measure_state(a: AnalysedMeasure) -> State:
    """The measure's state now, from its reading."""
    return state_of(a.reading)


def recent_notes(a: AnalysedMeasure) -> tuple[tuple[str, Any], ...]:
    """Recent signals that no longer include the latest value, each in a few words and the
    colour of its meaning."""
    r, f = a.xmr, a.measure.frequency
    return tuple(
        (
            f"{MEANING_SYMBOLS[s.assessment]} Recent {MEANINGS[s.assessment]}: "
            f"{RULE_LABELS[s.rule][0]} {'above' if s.moved == 'up' else 'below'}, to "
            f"{period_label(r, s.last, f)}",
            MEANING_COLOURS[s.assessment],
        )
        for s in a.reading.recent
    )


MEANINGS = {"improvement": "improvement", "concern": "concern", "neutral": "signal"}


def fmt(a: AnalysedMeasure, v: float | None) -> str:
    """A number of the measure's chart, to about a tenth of its routine variation."""
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
    heads = ["Measure", "Period", "Latest", "Unit", "Central line", "Limits", "Now", "Target"]
    widths = [3.0, 1.3, 1.0, 1.2, 1.1, 1.6, 2.9, 1.8]
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
            d = value_decimals(x.values, x.mr_bar)
            latest = number_format(float(x.values[i]), d) if i is not None else "no values"
            period = period_label(x, i, a.measure.frequency) if i is not None else "-"
            if x.phases and x.phases[-1].has_limits:
                limits = f"{fmt(a, x.lnpl)} – {fmt(a, x.unpl)}"
            else:
                limits = "too few values" if i is not None else "-"
            state = measure_state(a)
            signal_words = sorted({RULE_LABELS[s.rule][0] for s in a.reading.latest})
            now = state.label + (f" ({', '.join(signal_words)})" if signal_words else "")
            assurance = ASSURANCE.get(x.assurance or "")
            target = (
                f"{assurance.symbol} {assurance.word} ({fmt(a, x.latest_target)})"
                if assurance
                else "no target"
            )
            fill = LIGHT if r % 2 == 0 else None
            values = [
                a.measure.name,
                period,
                latest,
                a.measure.unit or "-",
                fmt(a, x.central_line),
                limits,
                now,
                target,
            ]
            for c, text in enumerate(values):
                colour = (
                    state.colour if c == 6 else (assurance.colour if c == 7 and assurance else INK)
                )
                table_cell(
                    table.cell(r, c),
                    text,
                    size=11,
                    colour=colour,
                    fill=fill,
                    bold=c == 6 and state.word != "Routine variation",
                    then=recent_notes(a) if c == 6 else (),
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
        lines = [
            f"{a.measure.name}: {status_line(a.xmr, a.reading, a.measure.frequency)}" for a in page
        ]
        slide.notes_slide.notes_text_frame.text = "\n".join(lines)
        slides.append(slide)
    return slides
