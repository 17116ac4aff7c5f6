"""A person's formatting of pumpxl's shapes carried into this month's (``pumpxl refresh``).

A shape whose words nobody edited but whose look differs from its record (its mark's ``f``,
:mod:`pumpxl.report.looks`: a digest of each feature) was formatted by a person, and the
features whose digests differ are the ones they changed; this month's shape wears those
(:func:`wear`), the rest stay as this month's data draws them (a state line's colour, say).
A feature a person gave the whole text (all of it bold) is put on this month's words; one
they gave some words only (one word bold) follows those words where this month's are the
same (this month's runs split where theirs began, nothing else of last month's coming
back); where they are not, it cannot, and is said lost, with the words it was on. A table
cell a person formatted (At a glance's, :mod:`pumpxl.report.table_merge`) is worn alike: its
fill, and its words' features.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pumpxl.report.looks import (
    FILLS,
    GEOMS,
    LINE,
    WORD_ATTRIBUTES,
    Look,
    changed_features,
    fill_of,
    read_look,
)
from pumpxl.report.shapexml import cell_text, digest, element_text, first_child
from pumpxl.report.xmlbits import insert_before

__all__ = ["NAMES", "Worn", "wear"]

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_SP_PR, _TX_BODY = f"{_P}spPr", f"{_P}txBody"
_TC, _TC_PR, _CELL_BODY = f"{_A}tc", f"{_A}tcPr", f"{_A}txBody"
#: what follows a table cell's fill in its ``tcPr`` (schema order; its borders go before)
_AFTER_CELL = frozenset((f"{_A}headers", f"{_A}extLst"))
_R_PR, _HIGHLIGHT = f"{_A}rPr", f"{_A}highlight"
_RUNS = (f"{_A}r", f"{_A}fld")
_EFFECTS = tuple(f"{_A}{t}" for t in ("effectLst", "effectDag", "scene3d", "sp3d", "extLst"))
#: what follows a shape's geometry, fill or outline in its ``spPr`` (schema order)
_AFTER = {"geometry": frozenset((*FILLS, LINE, *_EFFECTS)),
          "fill": frozenset((LINE, *_EFFECTS)), "outline": frozenset(_EFFECTS)}  # fmt: skip
#: what follows a run's fill, and its highlight, in its ``rPr`` (schema order)
_AFTER_HIGHLIGHT = frozenset(f"{_A}{t}" for t in (
    "uLnTx", "uLn", "uFillTx", "uFill", "latin", "ea", "cs", "sym", "hlinkClick",
    "hlinkMouseOver", "rtl", "extLst"))  # fmt: skip
_AFTER_RUN_FILL = frozenset((f"{_A}effectLst", f"{_A}effectDag", _HIGHLIGHT, *_AFTER_HIGHLIGHT))
#: the features as a refresh names them to a person
NAMES = {"geometry": "shape", "fill": "fill", "outline": "outline", "b": "bold",
         "i": "italic", "u": "underline", "strike": "strike-through", "sz": "text size",
         "baseline": "superscript or subscript", "colour": "text colour",
         "highlight": "highlight"}  # fmt: skip


@dataclass
class Worn:
    """What :func:`wear` carried: the person's features, by the names a person knows
    (``carried``), whether some were on some words only, which followed them (``whole``: the
    same words this month), and the words whose formatting could not follow this month's
    (``lost``; ``bare``: this month's holds none)."""

    carried: list[str] = field(default_factory=list)
    whole: bool = False
    lost: list[str] = field(default_factory=list)
    #: this month's shape holds no words to wear the formatting of the person's (``lost``)
    bare: bool = False


def wear(new: Any, old: Any, recorded: str,
         features: tuple[list[str], list[str]] | None = None) -> Worn:  # fmt: skip
    """This month's shape element ``new`` dressed in the formatting a person gave last
    month's (``old``, whose mark recorded the look ``recorded``; see the module); or this
    month's table cell (``a:tc``) in last month's (its fill and its words' features).
    ``features``: the shape's and the words' features to carry, where the caller has told
    them (else those whose digests differ from the record)."""
    worn = Worn()
    mine = read_look(old)
    shape, words = features if features is not None else changed_features(mine, recorded)
    for name in shape:
        if _put_shape_feature(new, old, name):
            worn.carried.append(name)
    some = [k for k in words if mine.uniform(k) is None]  # (on some words only)
    text = cell_text if old.tag == _TC else element_text
    if some and digest(text(new)) == digest(text(old)):
        _follow_words(new, old, some)  # the same words: theirs where they put it
        worn.carried += some
        worn.whole = True
    elif some:
        worn.lost = _words_of(mine, some, text(old))
    first = next((run for run in _runs(old) if _letters(run)), None)
    targets = list(_runs(new))
    whole = [k for k in words if k not in some]
    if words and first is not None and not targets:  # (this month's has no words to wear it)
        worn.lost, worn.bare = [" ".join(text(old).split())], True
    for name in whole if first is not None and targets else ():
        for run in targets:
            _put_run_feature(run, first, name)
        worn.carried.append(name)
    return worn


def _letters(run: Any) -> int:
    """How many characters a run holds but spaces (what a look counts along a text)."""
    text = run.find(_T).text or ""
    return len(text) - text.count(" ")


def _follow_words(new: Any, old: Any, names: list[str]) -> None:
    """The features ``names`` of last month's runs put on this month's same words, each
    where it was (this month's runs split where last month's begin), the rest this month's."""
    olds, at = [], 0  # (where each of last month's runs begins and ends, in letters)
    for run in _runs(old):
        if n := _letters(run):
            olds.append((at, at + n, run))
            at += n
    cuts, at = [start for start, _, _ in olds[1:]], 0
    for run in list(_runs(new)):
        n = _letters(run)
        for piece in _split(run, [c - at for c in cuts if at < c < at + n]):
            source = next((r for start, end, r in olds if start <= at < end), None)
            if source is not None and _letters(piece):
                for name in names:
                    _put_run_feature(piece, source, name)
            at += _letters(piece)


def _split(run: Any, offsets: list[int]) -> list[Any]:
    """A run split before each of its letters numbered in ``offsets`` (counted without
    spaces): the run and the copies that follow it."""
    if not offsets:
        return [run]
    t = run.find(_T)
    text, at, cuts = t.text or "", 0, []
    for i, c in enumerate(text):
        if c != " ":
            if at in offsets:
                cuts.append(i)
            at += 1
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    t.text, pieces = parts[0], [run]
    for part in parts[1:]:
        piece = copy.deepcopy(run)
        piece.find(_T).text = part
        pieces[-1].addnext(piece)
        pieces.append(piece)
    return pieces


def _words_of(look: Look, names: list[str], text: str) -> list[str]:
    """The words a person formatted otherwise than the rest (in the features ``names``:
    the value most of the text holds, "not set" on a tie, is the rest's), as they read in
    the shape's ``text``."""
    spaced = text.replace("\n", " ")
    letters = [i for i, c in enumerate(spaced) if c != " "]  # (spans count all but spaces)
    out: list[str] = []
    for name in names:
        spans = look.text[name]
        totals: dict[str, int] = {}
        for value, length in spans:
            totals[value] = totals.get(value, 0) + length
        common = max(totals, key=lambda v: (totals[v], v == ""))
        at = 0
        for value, length in spans:
            if value != common and at < len(letters):
                end = letters[min(at + length, len(letters)) - 1]
                words = spaced[letters[at] : end + 1].strip()
                if words and words not in out:
                    out.append(words)
            at += length
    return out


def _put_shape_feature(new: Any, old: Any, name: str) -> bool:
    """The shape feature ``name`` of ``old`` (its geometry, fill or outline) on ``new``;
    whether it could be (``new`` has shape properties)."""
    cell = new.tag == _TC  # (a table cell: its fill, in its ``tcPr``)
    kind = _TC_PR if cell else _SP_PR
    props, source = first_child(new, kind), first_child(old, kind)
    if props is None and cell:  # (a cell's properties follow its words, before its extLst)
        props = new.makeelement(_TC_PR, {})
        insert_before(new, [props], (f"{_A}extLst",))
    if props is None:
        return False
    tags = {"geometry": GEOMS, "fill": FILLS, "outline": (LINE,)}[name]
    for el in list(props.iterchildren(*tags)):
        props.remove(el)
    theirs = next(source.iterchildren(*tags), None) if source is not None else None
    if theirs is not None:
        insert_before(props, [copy.deepcopy(theirs)], _AFTER_CELL if cell else _AFTER[name])
    return True


def _put_run_feature(run: Any, source: Any, name: str) -> None:
    """The word feature ``name`` of the run ``source`` on ``run``."""
    props, theirs = first_child(run, _R_PR), first_child(source, _R_PR)
    if props is None:
        props = run.makeelement(_R_PR, {})
        run.insert(0, props)
    if name in WORD_ATTRIBUTES:
        value = theirs.get(name) if theirs is not None else None
        if value is None:
            props.attrib.pop(name, None)
        else:
            props.set(name, value)
        return
    if name == "colour":
        tags, after, found = FILLS, _AFTER_RUN_FILL, fill_of(theirs)
    else:
        tags, after = (_HIGHLIGHT,), _AFTER_HIGHLIGHT
        found = first_child(theirs, _HIGHLIGHT) if theirs is not None else None
    for el in list(props.iterchildren(*tags)):
        props.remove(el)
    if found is not None:
        insert_before(props, [copy.deepcopy(found)], after)


def _runs(el: Any) -> Iterator[Any]:
    """A shape element's (or a table cell's) runs that hold words."""
    body = el.find(_CELL_BODY if el.tag == _TC else _TX_BODY)
    if body is None:
        return
    for run in body.iter(*_RUNS):
        t = run.find(_T)
        if t is not None and t.text:
            yield run


_T = f"{_A}t"
