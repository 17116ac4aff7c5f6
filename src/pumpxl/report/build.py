"""Building the decks: one per audience, measures in Results Map order."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from pumpxl.core.analysis import AnalysedMeasure, analyse
from pumpxl.core.errors import InputError
from pumpxl.core.model import PumpModel
from pumpxl.files import Written, atomic_output
from pumpxl.report.appendix import definitions_slides, warning_slide
from pumpxl.report.deckfile import open_template
from pumpxl.report.design import Deck
from pumpxl.report.fonts import deck_faces, measured_in
from pumpxl.report.headline import headline_slides, mdc_matrix_slide
from pumpxl.report.initiatives import changes_slides, evidence_for
from pumpxl.report.marks import seal
from pumpxl.report.measure import KeptWords, measure_slide
from pumpxl.report.package import collected, save
from pumpxl.report.results_map import results_map_slide
from pumpxl.report.slides import glance_slides, title_slide

__all__ = [
    "ReportResult",
    "add_report_slides",
    "build_deck",
    "build_reports",
    "deck_filename",
    "deck_filenames",
]

Progress = Callable[[str, int, int], None]
#: "pumpxl": symbols and words; "mdc": NHS Making Data Count variation and assurance icons too
Icons = Literal["pumpxl", "mdc"]


@dataclass(frozen=True)
class ReportResult:
    audience: str
    path: Path
    slides: int
    measures: int
    outputs_only: bool


def deck_filename(audience: str) -> str:
    """``report-<audience>.pptx``: the name's letters and digits (in any script), runs of
    anything else as one hyphen, in lower case."""
    slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFKC", audience)).strip("-").lower()
    return f"report-{slug or 'audience'}.pptx"


def deck_filenames(audiences: Iterable[str]) -> dict[str, str]:
    """A file name per audience, unique even where file systems ignore case: a second
    audience whose name gives the same file name gets ``-2``, a third ``-3``."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in audiences:
        base = deck_filename(name)
        candidate, k = base, 1
        while candidate.casefold() in taken:
            k += 1
            candidate = base.replace(".pptx", f"-{k}.pptx")
        taken.add(candidate.casefold())
        out[name] = candidate
    return out


def build_deck(
    model: PumpModel,
    analysed: dict[str, AnalysedMeasure],
    audience: str,
    *,
    template: Path | None = None,
    progress: Progress | None = None,
    icons: Icons = "pumpxl",
) -> tuple[Any, int]:
    """The audience's deck as a python-pptx Presentation, and its number of measures.
    ``icons="mdc"`` adds NHS Making Data Count icons and their summary matrix."""
    deck = Deck(open_template(template), branded=template is not None)
    count = add_report_slides(deck, model, analysed, audience, progress=progress, icons=icons)
    return deck.prs, count


def add_report_slides(
    deck: Deck,
    model: PumpModel,
    analysed: dict[str, AnalysedMeasure],
    audience: str,
    *,
    progress: Progress | None = None,
    icons: Icons = "pumpxl",
    kept: KeptWords | None = None,
) -> int:
    """Add the audience's report to ``deck`` (after any slides it holds), marked and sealed
    (:mod:`pumpxl.report.marks`); returns its number of measures. ``kept``: people's words
    in measures' blocks that a refresh keeps (:class:`pumpxl.report.measure.KeptWords`).
    Text is fitted to its boxes in the faces of the deck's theme (its template's, or, in a
    refresh, those of the deck being refreshed)."""
    with measured_in(deck_faces(deck.prs)):  # text measured in the deck's own faces
        first = len(deck.prs.slides)
        order = [analysed[m.id] for m in model.measure_order(audience) if m.id in analysed]
        period = max((a.latest_date for a in order if a.latest_date), default=None)
        title_slide(deck, model, audience, period)
        evidence = evidence_for(model, {a.measure.id: a for a in order})
        deck.section("attention")
        headline_slides(deck, order, audience, evidence)
        if order and all(a.measure.type in ("activity", "output") for a in order):
            deck.section("warning")
            warning_slide(deck, audience, order)
        deck.section("glance")
        glance_slides(deck, order, audience, evidence)
        if icons == "mdc":
            deck.section("mdc")
            mdc_matrix_slide(deck, order, audience)
        if model.results:  # a plain sheet has no Results Map: no empty slide for it
            deck.section("map")
            results_map_slide(deck, model, analysed, audience)
        deck.section("changes")
        changes_slides(deck, model, order, evidence, audience)
        for k, a in enumerate(order, start=1):
            measure_slide(deck, model, a, icons=icons, changes=evidence.get(a.measure.id, []),
                          kept=kept)  # fmt: skip
            if progress is not None:
                progress(audience, k, len(order))
        deck.section("appendix")
        definitions_slides(deck, model, order)
        seal(deck.prs, audience=audience, branded="1" if deck.branded else "", icons=icons,
             slides=_slides_from(deck.prs, first), order=deck.keys)  # fmt: skip
        return len(order)


def _slides_from(prs: Any, first: int) -> list[Any]:
    """The deck's slides from the ``first``-th (0-based) on; those before it are not read
    (a refresh keeps last month's pages unparsed)."""
    return [prs.part.related_part(sld.rId).slide for sld in list(prs.slides._sldIdLst)[first:]]


def build_reports(
    model: PumpModel,
    outdir: Path,
    *,
    audiences: Iterable[str] | None = None,
    template: Path | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
    analysed: dict[str, AnalysedMeasure] | None = None,
    icons: Icons = "pumpxl",
) -> list[ReportResult]:
    """Write one deck per audience (or those named) into ``outdir``, from ``analysed`` (the
    model is analysed when it is not given). A deck pumpxl wrote there before and nobody has
    changed since is replaced; any other existing file only with ``overwrite``. All checked
    before anything is written."""
    outdir = Path(outdir)
    names = list(audiences) if audiences is not None else list(model.audiences)
    if not names:
        names = sorted({a for m in model.measures.values() for a in m.audiences})
    if not names:  # a plain sheet: one deck for everyone (on a copy; the caller's model stays)
        names = ["All measures"]
        model = replace(
            model,
            measures={
                k: replace(m, audiences=("All measures",)) for k, m in model.measures.items()
            },
        )
    unknown = [n for n in names if model.audiences and n not in model.audiences]
    if unknown:
        known = ", ".join(model.audiences)
        raise InputError(f"no audience {unknown[0]!r}; audiences are {known}", setting="audience")
    if not any(len(s) and not np.isnan(s.values).all() for s in model.series.values()):
        raise InputError(
            "there are no values yet (the Data sheet is empty): no report to build",
            setting="data",
        )
    outdir.mkdir(parents=True, exist_ok=True)
    paths = {n: outdir / f for n, f in deck_filenames(names).items()}
    written = Written(outdir)
    replace_ok = {n: written.check(path, overwrite=overwrite) for n, path in paths.items()}
    if analysed is None:
        analysed = analyse(model)
    out = []
    for name in names:
        with collected():  # the deck let go of, and collected, once it is written
            prs, count = build_deck(
                model, analysed, name, template=template, progress=progress, icons=icons
            )
            with atomic_output(paths[name], overwrite=overwrite or replace_ok[name]) as tmp:
                save(prs, str(tmp))
            written.record(paths[name])
            slides = len(prs.slides)
            del prs
        order = [analysed[m.id] for m in model.measure_order(name) if m.id in analysed]
        outputs_only = bool(order) and all(a.measure.type in ("activity", "output") for a in order)
        out.append(ReportResult(name, paths[name], slides, count, outputs_only))
    return out
