"""A person's formatting of pumpxl's shapes carried into this month's (``pumpxl refresh``).

A shape whose words nobody edited but whose look differs from its record (its mark's ``f``,
:mod:`pumpxl.report.looks`) was formatted by a person; this month's shape then wears that
formatting (:func:`wear`). Which features the person changed is found by trying each set of
the features in which last month's shape and this month's differ: the set whose undoing
gives back the look pumpxl recorded is the person's (the rest changed with this month's
data, a state line's colour say); where none does (the person changed a feature this
month's data changed too), the person's features all stay. A person's formatting of some
words only (one word made bold) follows this month's words where they are the same words;
where they are not, it cannot, and is said lost.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pumpxl.report.looks import (
    FILLS,
    GEOMS,
    LINE,
    WORD_ATTRIBUTES,
    Look,
    fill_of,
    joined,
    read_look,
    shape_digest,
    short_digest,
)
from pumpxl.report.shapexml import digest, element_text, first_child
from pumpxl.report.xmlbits import insert_before

__all__ = ["NAMES", "Worn", "wear"]

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_SP_PR, _TX_BODY = f"{_P}spPr", f"{_P}txBody"
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
         "colour": "text colour", "highlight": "highlight"}  # fmt: skip


@dataclass
class Worn:
    """What :func:`wear` carried: the person's features, by the names a person knows
    (``carried``), whether their words' formatting stayed whole (the same words), and
    whether some of it could not follow this month's words (``lost``)."""

    carried: list[str] = field(default_factory=list)
    whole: bool = False
    lost: bool = False


def wear(new: Any, old: Any, recorded: str) -> Worn:
    """This month's shape element ``new`` dressed in the formatting a person gave last
    month's (``old``, whose mark recorded the look ``recorded``; see the module)."""
    worn = Worn()
    if not recorded or "." not in recorded:
        return worn
    shape_was, words_were = recorded.split(".", 1)
    mine, theirs = read_look(old), read_look(new)
    digests = mine.digests()
    if digests[0] != shape_was:
        differ = [k for k in mine.shape if mine.shape[k] != theirs.shape.get(k, "")]
        changed = _changed(differ, lambda names: shape_digest(tuple(
            {**mine.shape, **{k: theirs.shape.get(k, "") for k in names}}.items())),
            shape_was)  # fmt: skip
        for name in differ if changed is None else changed:  # (not told apart: the
            _put_shape_feature(new, old, name)  # person's shape as a whole)
            worn.carried.append(name)
    if digests[1] != words_were:
        _wear_words(new, old, mine, theirs, words_were, worn)
    return worn


def _changed(differ: list[str], undone: Callable[[tuple[str, ...]], str],
             recorded: str) -> list[str] | None:  # fmt: skip
    """The smallest set of the features that ``differ`` between last month's shape and this
    month's whose undoing (``undone``: the digest of last month's look with those features
    this month's) gives back what was ``recorded``: the person's changes; None where no
    set does (a person changed a feature this month's data changed too)."""
    for size in range(1, min(len(differ), 8) + 1):
        for names in itertools.combinations(differ[:8], size):
            if undone(names) == recorded:
                return list(names)
    return None


def _wear_words(new: Any, old: Any, mine: Look, theirs: Look, recorded: str,
                worn: Worn) -> None:  # fmt: skip
    """The person's formatting of the words: each feature they changed along the whole
    text put on every run of this month's; a feature they changed in some words only, where
    this month's words are the same, with their paragraphs (else said lost)."""
    total = sum(n for _, n in next(iter(mine.text.values()), ()))

    def along(name: str) -> tuple[tuple[str, int], ...]:  # this month's value along the text
        return ((theirs.uniform(name) or "", total),) if total else ()

    differ = [k for k in mine.text
              if theirs.uniform(k) is not None and mine.text[k] != along(k)]  # fmt: skip
    changed = _changed(differ, lambda names: short_digest(joined(
        {**mine.text, **{k: along(k) for k in names}})), recorded)  # fmt: skip
    changed = differ if changed is None else changed
    whole = [k for k in changed if mine.uniform(k) is not None]
    if len(whole) < len(changed) or not changed:  # (some words only, or not told apart)
        if digest(element_text(new)) == digest(element_text(old)):
            _same_words(new, old)
            worn.whole = True
            return
        worn.lost = True
    first = next((run for run, _ in _runs(old)), None)
    for name in whole if first is not None else ():
        for run, _ in _runs(new):
            _put_run_feature(run, first, name)
        worn.carried.append(name)


def _same_words(new: Any, old: Any) -> None:
    """``old``'s paragraphs (the person's formatting of this month's same words) in
    ``new``'s text body, ``new``'s body properties kept."""
    body, theirs = first_child(new, _TX_BODY), first_child(old, _TX_BODY)
    if body is None or theirs is None:
        return
    for p in body.findall(f"{_A}p"):
        body.remove(p)
    for p in theirs.findall(f"{_A}p"):
        body.append(copy.deepcopy(p))


def _put_shape_feature(new: Any, old: Any, name: str) -> None:
    """The shape feature ``name`` of ``old`` (its geometry, fill or outline) on ``new``."""
    props, source = first_child(new, _SP_PR), first_child(old, _SP_PR)
    if props is None:
        return
    tags = {"geometry": GEOMS, "fill": FILLS, "outline": (LINE,)}[name]
    for el in list(props.iterchildren(*tags)):
        props.remove(el)
    theirs = next(source.iterchildren(*tags), None) if source is not None else None
    if theirs is not None:
        insert_before(props, [copy.deepcopy(theirs)], _AFTER[name])


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


def _runs(el: Any) -> Iterator[tuple[Any, int]]:
    """A shape element's runs that hold words, with their lengths."""
    body = el.find(_TX_BODY)
    if body is None:
        return
    for run in body.iter(*_RUNS):
        t = run.find(_T)
        length = len(t.text or "") if t is not None else 0
        if length:
            yield run, length


_T = f"{_A}t"
