"""Measure Gallery posters (PuMP step 4): one printable A3 page per result, with its draft
measures' definitions and room for people walking past to write feedback."""

from __future__ import annotations

from pathlib import Path

from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure, analyse
from pumpxl.core.errors import InputError
from pumpxl.core.model import PumpModel
from pumpxl.core.narrative import status_line
from pumpxl.core.vocabulary import DIRECTION_LABELS
from pumpxl.files import atomic_output
from pumpxl.report.chart import add_xmr_chart, legend_fits
from pumpxl.report.deckfile import open_template
from pumpxl.report.design import (
    GREY,
    INK,
    LAYER_COLOURS,
    LIGHT,
    NAVY,
    RULE,
    Box,
    Deck,
    fit_text,
    panel,
)
from pumpxl.report.fonts import line_count
from pumpxl.report.package import add_slide, save
from pumpxl.report.xmlbits import set_notes, textbox

__all__ = ["build_gallery"]

A3_PORTRAIT = (Inches(11.69), Inches(16.54))
#: The facts a small card leaves out first, in order (the Measures sheet holds them all).
DROP_FIRST = ("Data", "Scope", "How calculated", "How often", "How it is calculated", "Owner")
CHART_KEY = (
    "Charts: values dark grey; central line green; natural process limits red dashed "
    "(dotted: provisional); target dark grey dotted; signals coloured by meaning (blue "
    "improvement, orange concern, purple no better direction) and shaped by rule (diamond "
    "outlier, circle long run or step, square short run)."
)


def build_gallery(
    model: PumpModel,
    path: Path,
    *,
    overwrite: bool = False,
    statuses: tuple[str, ...] = ("draft", "gallery reviewed"),
    analysed: dict[str, AnalysedMeasure] | None = None,
) -> int:
    """Write the posters; returns how many. Measures whose status is in ``statuses`` are
    shown (all measures when a result has none of those), each with its chart's reading now
    (from ``analysed``; the model is analysed when it is not given)."""
    if analysed is None:
        analysed = analyse(model)
    if not model.results:
        raise InputError(
            "the workbook has no results on its Results sheet, so there is no poster to print "
            "(a Measure Gallery has one poster per result)",
            setting="results",
        )
    prs = open_template(None)
    prs.slide_width, prs.slide_height = A3_PORTRAIT
    deck = Deck(prs, branded=False)
    blank = deck.layout("Blank")
    count = 0
    for rid in model.result_order():
        res = model.results[rid]
        measures = model.measures_of(rid)
        drafts = [m for m in measures if m.status in statuses] or measures
        slide = add_slide(prs, blank)
        for ph in list(slide.placeholders):
            ph._element.getparent().remove(ph._element)
        m_ = int(Inches(0.6))
        width = deck.width - 2 * m_
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, deck.width, int(Inches(2.6)))
        band.fill.solid()
        band.fill.fore_color.rgb = LAYER_COLOURS.get(res.layer, LIGHT)
        band.line.fill.background()
        kicker = textbox(slide, m_, int(Inches(0.4)), width, int(Inches(0.5)))
        fit_text(
            kicker,
            f"MEASURE GALLERY · {res.layer.upper()} RESULT {rid}",
            size=16,
            bold=True,
            colour=GREY,
        )
        title = textbox(slide, m_, int(Inches(0.9)), width, int(Inches(1.5)))
        fit_text(
            title,
            res.statement,
            size=40,
            min_size=24,
            bold=True,
            colour=NAVY,
            anchor=MSO_ANCHOR.MIDDLE,
        )
        top = int(Inches(2.9))
        intro = textbox(slide, m_, top, width, int(Inches(0.8)))
        fit_text(
            intro,
            "Would these measures show whether this result is happening? Write on "
            "this poster: what is missing, what would mislead, what you would use.",
            size=18,
            min_size=14,
            colour=INK,
        )
        top += int(Inches(1.0))
        feedback_h = int(Inches(4.2))
        if not drafts:  # no measure yet: the poster is for ideas, the feedback area takes the page
            feedback_h = deck.height - top - int(Inches(1.2)) - int(Inches(1.2))
        # the cards end above the feedback label (0.6 in above the ruled frame), not under it
        space = deck.height - top - feedback_h - int(Inches(1.4))
        if not drafts:
            box = textbox(slide, m_, top, width, int(Inches(1)))
            fit_text(
                box,
                "No measure drafted yet: what evidence would show this result?",
                size=22,
                colour=INK,
            )
        else:
            gaps = int(Inches(0.2)) * (len(drafts) - 1)
            card_h = min(int(Inches(5.2)), (space - gaps) // len(drafts))
            # small cards have no room for a legend: one key for the poster's charts instead
            text_w, pad = int(width * 0.5), int(Inches(0.12))
            chart_box = Box(0, 0, width - text_w - pad, card_h - 2 * pad)
            legend = card_h >= int(Inches(3.2)) and all(
                legend_fits(analysed[m.id], chart_box, 12)
                for m in drafts
                if m.id in analysed and analysed[m.id].xmr.latest_index is not None
            )
            if not legend:
                key = textbox(slide, m_, top, width, int(Inches(0.5)))
                fit_text(key, CHART_KEY, size=14, min_size=12, colour=GREY)
                top += int(Inches(0.6))
                card_h = (space - int(Inches(0.6)) - gaps) // len(drafts)
            for m in drafts:
                card = panel(slide, Box(m_, top, width, card_h))
                a = analysed.get(m.id)
                if a is not None and a.xmr.latest_index is not None:
                    # the measure's XmR chart (native, editable) on the card's right: a gallery
                    # walk asks people to react to what the measure shows, not only its words
                    add_xmr_chart(
                        slide,
                        a,
                        Box(m_ + text_w, top + pad, width - text_w - pad, card_h - 2 * pad),
                        font_size=12,
                        legend=legend,
                    )
                    card = textbox(slide, m_, top, text_w, card_h)
                lines = [m.name]
                facts = [
                    ("What it shows", m.description),
                    ("How it is calculated", m.formula),
                    ("Scope", m.scope),
                    ("Data", ", ".join(dict.fromkeys(filter(None, (m.data_items, m.data_source))))),
                    ("How often", m.frequency),
                    ("Better is", DIRECTION_LABELS[m.direction]),
                    ("Owner", m.owner),
                    ("Now", _now(analysed.get(m.id))),
                ]
                shown = [(k, v) for k, v in facts if v]
                # the measure's name is set 4 pt larger after fitting: a blank last line keeps
                # room for it, so the card's text never runs past the card. On a small card the
                # least telling facts go first (the workbook's Measures sheet has them all),
                # never under 12 pt
                while True:
                    text = "\n".join(lines + [f"{k}: {v}" for k, v in shown]) + "\n"
                    if fit_text(card, text, size=18, min_size=12, colour=INK) or not shown:
                        break
                    drop = next((f for f in DROP_FIRST if any(k == f for k, _ in shown)), None)
                    shown = [(k, v) for k, v in shown if k != drop] if drop else shown[:-1]
                name = card.text_frame.paragraphs[0].runs[0]
                name.font.bold = True
                size = name.font.size.pt
                room = Emu(card.width - int(Inches(0.2))).pt
                grown = min(24, size + 4)  # larger only where the blank last line holds it
                extra = line_count(m.name, room, grown, True) * grown - line_count(
                    m.name, room, size, True) * size  # fmt: skip
                if extra * 1.2 <= size * 1.2:
                    name.font.size = Pt(grown)
                top += card_h + int(Inches(0.2))
        # feedback area with ruled lines
        fb_top = deck.height - feedback_h - int(Inches(0.6))
        label = textbox(slide, m_, fb_top - int(Inches(0.6)), width, int(Inches(0.5)))
        fit_text(label, "Your feedback", size=22, bold=True, colour=NAVY)
        frame = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, m_, fb_top, width, feedback_h)
        frame.fill.background()
        frame.line.color.rgb = RULE
        step = int(Inches(0.6))
        y = fb_top + step
        while y < fb_top + feedback_h - int(Inches(0.2)):
            line = slide.shapes.add_connector(
                MSO_CONNECTOR.STRAIGHT, m_ + int(Inches(0.3)), y, m_ + width - int(Inches(0.3)), y
            )
            line.line.color.rgb = RULE
            line.line.width = Pt(0.75)
            y += step
        set_notes(slide, (
            f"Measure Gallery poster for result {rid}. Print on A3, pin to the wall, and "
            "collect the feedback before the measure definitions are finalised."
        ))
        count += 1
    with atomic_output(Path(path), overwrite=overwrite) as tmp:
        save(prs, str(tmp))
    return count


def _now(a: AnalysedMeasure | None) -> str:
    """The measure's reading now, as every output tells it ("" without values)."""
    if a is None or a.xmr.latest_index is None:
        return ""
    return status_line(a.reading)
