"""Improvement initiatives in the deck: each marked on its measures' charts at its start
(a native line and label), and a "Did our changes work?" slide listing the audience's
measures' initiatives with what each chart says since the change (pumpxl.core.evidence)."""

from __future__ import annotations

from typing import Any

from pptx.util import Inches

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.evidence import Evidence, initiative_evidence
from pumpxl.core.model import Initiative, PumpModel
from pumpxl.core.narrative import period_label
from pumpxl.core.present import month_label
from pumpxl.core.vocabulary import OUTCOME_LABELS, choice_label
from pumpxl.report.design import (
    BAD,
    GOOD,
    GREY,
    INK,
    LIGHT,
    NAVY,
    WHITE,
    Deck,
    grid,
    row_heights,
    table_cell,
)
from pumpxl.report.xmlbits import add_table, column_widths, set_notes

__all__ = ["CHANGES_TITLE", "changes_slides", "evidence_for"]

CHANGES_TITLE = "Did our changes work?"
CHANGE_ROWS = 6  # rows a slide, at 14 pt
OUTCOME_COLOURS = {"improvement": GOOD, "contrary": BAD, "no evidence yet": GREY, "too early": GREY}
MARK_COLOUR = NAVY


def evidence_for(
    model: PumpModel, analysed: dict[str, AnalysedMeasure]
) -> dict[str, list[tuple[Initiative, Evidence]]]:
    """Each analysed measure's initiatives with their evidence, in Initiatives sheet order."""
    out: dict[str, list[tuple[Initiative, Evidence]]] = {}
    for init in model.initiatives:
        for mid in init.measures:
            if mid in analysed:
                out.setdefault(mid, []).append((init, initiative_evidence(init, analysed[mid])))
    return out


def action_with_initiatives(action: str, items: list[tuple[Initiative, Evidence]]) -> str:
    """A drafted "What we are doing" that cites the measure's initiatives and their evidence."""
    cited = [
        f"{init.id} {init.change} ({', '.join(p for p in (init.owner, init.status) if p)}): "
        f"{ev.text}."
        for init, ev in items
    ]
    return " ".join([*cited, action]) if cited else action


def changes_slides(
    deck: Deck,
    model: PumpModel,
    order: list[AnalysedMeasure],
    evidence: dict[str, list[tuple[Initiative, Evidence]]],
    audience: str,
) -> list[Any]:
    """The audience's measures' initiatives, a row per initiative and measure: what was
    changed, the measure, from when, what its chart says, owner and status."""
    rows = [(init, a, ev) for a in order for init, ev in evidence.get(a.measure.id, [])]
    # grouped by initiative (in the workbook's order), its measures in Results Map order
    rank = {init.id: k for k, init in enumerate(model.initiatives)}
    rows.sort(key=lambda row: rank.get(row[0].id, len(rank)))
    if not rows:
        return []
    count = -(-len(rows) // CHANGE_ROWS)  # as few pages as CHANGE_ROWS allow, balanced
    per_page = -(-len(rows) // count)
    pages = [rows[i : i + per_page] for i in range(0, len(rows), per_page)]
    slides = []
    for k, page in enumerate(pages):
        more = f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""
        slide, area = deck.slide(
            f"{CHANGES_TITLE}{more}",
            subtitle=f"{audience}: each change and what its measures' XmR charts show since it "
            "started",
        )
        head = ("Initiative", "Measure", "Started", "Evidence", "Owner", "Status")
        row_h = min(int(Inches(0.8)), area.height // (len(page) + 1))
        shape = add_table(
            slide, len(page) + 1, len(head), area.left, area.top, area.width,
            row_h * (len(page) + 1),
        )  # fmt: skip
        table = shape.table
        fractions = (0.22, 0.16, 0.09, 0.33, 0.11, 0.09)
        column_widths(table, [int(area.width * f) for f in fractions])
        tcs = grid(table)
        for c, h in enumerate(head):
            table_cell(tcs[0][c], h, size=14, bold=True, colour=WHITE, fill=NAVY)
        for r, (init, a, ev) in enumerate(page, start=1):
            fill = LIGHT if r % 2 == 0 else WHITE
            symbol, word = OUTCOME_LABELS[ev.outcome]
            started = period_label(a.xmr, ev.start, a.measure.frequency) if ev.start is not None \
                else month_label(init.started)  # fmt: skip
            detail = ev.text.split(": ", 1)[-1]
            cells = (f"{init.id}: {init.change}", a.measure.name, started)
            for c, text in enumerate(cells):
                table_cell(tcs[r][c], text, size=12, bold=c == 0, fill=fill)
            table_cell(tcs[r][3], f"{symbol} {word}", size=12, bold=True,
                       colour=OUTCOME_COLOURS[ev.outcome], fill=fill,
                       then=((detail, INK),))  # fmt: skip
            table_cell(tcs[r][4], init.owner or "-", size=12, fill=fill)
            table_cell(tcs[r][5], choice_label(init.status), size=12, fill=fill)
        row_heights(table, [int(Inches(0.45)), *[row_h] * len(page)])
        set_notes(slide, "\n".join(
            f"{init.id} {init.change} -> {a.measure.name}: {ev.text}" for init, a, ev in page
        ))
        slides.append(slide)
    return slides
