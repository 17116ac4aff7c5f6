"""How pumpxl's shapes look, as a refresh compares them (``pumpxl refresh``).

A shape's look, as its mark records it (``f``, :func:`element_look`), is two short digests:
of its **shape** (fill, outline, preset geometry) and of its **words** (bold, italic,
underline, strike-through, size, colour and highlight, run by run, runs alike joined). What
another program's save rewrites without changing what one sees does not count: colours'
case, runs split or merged, explicit defaults (``b="0"``, ``strike="noStrike"``, an
outline of no width and no fill), a line's preset renamed, the shadows and faces
LibreOffice writes (tested by a LibreOffice round trip; PowerPoint's: not run here). A
shape whose words nobody edited but whose look differs from its record was formatted by a
person (:mod:`pumpxl.report.wear` dresses this month's shape in that formatting).
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from pumpxl.report.shapexml import first_child

__all__ = ["FILLS", "GEOMS", "LINE", "WORD_ATTRIBUTES", "Look", "element_look", "fill_of",
           "joined", "look_changed", "read_look", "shape_digest", "short_digest"]

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_HIGHLIGHT = f"{_A}highlight"
FILLS = tuple(f"{_A}{t}" for t in ("noFill", "solidFill", "gradFill", "blipFill", "pattFill",
                                    "grpFill"))  # fmt: skip
GEOMS = (f"{_A}prstGeom", f"{_A}custGeom")
LINE = f"{_A}ln"
#: a run's attributes told, with the values that mean "not set"
WORD_ATTRIBUTES = {"b": ("0", "false"), "i": ("0", "false"), "u": ("none",),
                   "strike": ("noStrike",), "sz": (), "baseline": ("0",)}  # fmt: skip


def _colour(el: Any | None) -> str:
    """A fill or colour element, as compared: its kind, its colour's value in lower case and
    its modifiers ("" for none)."""
    if el is None:
        return ""
    parts = [el.tag.rsplit("}", 1)[-1]]
    for child in el.iter():
        if child is el:
            continue
        value = child.get("val") or child.get("lastClr") or ""
        parts.append(f"{child.tag.rsplit('}', 1)[-1]}={value.lower()}")
    return " ".join(parts)


def fill_of(parent: Any) -> Any | None:
    """The fill element of a shape's ``spPr``, an outline's ``ln`` or a run's ``rPr``."""
    return next(parent.iterchildren(*FILLS), None) if parent is not None else None


def _shape_features(props: Any | None) -> dict[str, str]:
    """A shape's features, from its ``spPr`` (read once per look: :func:`_shape_of`)."""
    if props is None:
        return {}
    geom = next(props.iterchildren(*GEOMS), None)
    shape = "" if geom is None else geom.get("prst", "custom")
    fill = _colour(fill_of(props))
    line = first_child(props, LINE)
    line_fill = _colour(fill_of(line)) if line is not None else ""
    outline = ""
    if line is not None and line_fill and line_fill != "noFill":
        dash = first_child(line, f"{_A}prstDash")
        outline = f"{line.get('w', '')} {line_fill} {dash.get('val') if dash is not None else ''}"
    return {"geometry": _GEOMETRY.get(shape, shape), "fill": "" if fill == "noFill" else fill,
            "outline": outline}  # fmt: skip


#: presets as another program's save writes them (LibreOffice: a line as a connector, a
#: placeholder's geometry, inherited from its layout, as a rectangle)
_GEOMETRY = {"straightConnector1": "line", "": "rect"}


@functools.lru_cache(maxsize=1024)  # (the shapes of a deck's pages look alike: each look
def _shape_of(xml: str, spaces: str) -> tuple[tuple[str, str], ...]:  # read once)
    """A shape's features from what its ``spPr`` holds as written, without its place."""
    return tuple(_shape_features(_fragment(f"<p:spPr>{xml}</p:spPr>", spaces)).items())


def _fragment(xml: str, spaces: str) -> Any:
    """An element written as :func:`read_look` reads it, with the namespaces (``spaces``:
    their declarations) of the shape it was read from (a prefix declared between the two,
    which pumpxl, PowerPoint and LibreOffice do not write, is read without its namespace)."""
    text = f"<w {spaces}>{xml}</w>"
    try:
        return etree.fromstring(text)[0]
    except etree.XMLSyntaxError:
        return etree.fromstring(text, etree.XMLParser(recover=True))[0]


#: the word features, in the order a run's are told
_WORDS = (*WORD_ATTRIBUTES, "colour", "highlight")


@functools.lru_cache(maxsize=1024)
def _run_of(xml: str, spaces: str) -> tuple[str, ...]:
    """A run's word features (:data:`_WORDS`), from its ``rPr`` as written ("": none)."""
    props = _fragment(xml, spaces) if xml else None
    out = []
    for name, unset in WORD_ATTRIBUTES.items():
        value = props.get(name, "") if props is not None else ""
        out.append("" if value in unset else value)
    out.append(_colour(fill_of(props)))
    out.append(_colour(first_child(props, _HIGHLIGHT)) if props is not None else "")
    return tuple(out)


_Runs = tuple[tuple[tuple[str, ...], int], ...]  # (a run's word features, its length)


@dataclass
class Look:
    """A shape's features: its shape's, and its words' run by run (runs alike joined: how
    a save splits or joins runs does not count)."""

    shape_items: tuple[tuple[str, str], ...]
    runs: _Runs

    @property
    def shape(self) -> dict[str, str]:
        return dict(self.shape_items)

    @functools.cached_property
    def text(self) -> dict[str, tuple[tuple[str, int], ...]]:
        """Each word feature along the text: the values and the lengths they hold for."""
        out = {}
        for k, name in enumerate(_WORDS):
            spans: list[tuple[str, int]] = []
            for features, length in self.runs:
                if spans and spans[-1][0] == features[k]:
                    spans[-1] = (features[k], spans[-1][1] + length)
                else:
                    spans.append((features[k], length))
            out[name] = tuple(spans)
        return out

    def digests(self) -> tuple[str, str]:
        return shape_digest(self.shape_items), short_digest(self.runs)

    def uniform(self, name: str) -> str | None:
        """A word feature's one value along the whole text (None: it varies)."""
        spans = self.text.get(name, ())
        return spans[0][0] if len(spans) == 1 else ("" if not spans else None)


def short_digest(value: Any) -> str:
    """The eight hex digits a part of a look is recorded by (of ``value``, told as Python
    writes it: the features of words, run by run)."""
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:8]


@functools.lru_cache(maxsize=1024)
def shape_digest(items: tuple[tuple[str, str], ...]) -> str:
    """The digest of a shape's features (``items``: name and value, in any order)."""
    return short_digest(tuple(sorted(items)))


def joined(text: dict[str, tuple[tuple[str, int], ...]]) -> _Runs:
    """The runs of a text told feature by feature (:attr:`Look.text`), alike joined."""
    ends = sorted({end for spans in text.values() for end in itertools.accumulate(
        n for _, n in spans)})  # fmt: skip
    runs: list[tuple[tuple[str, ...], int]] = []
    start = 0
    for end in ends:
        features = tuple(_at(text.get(name, ()), start) for name in _WORDS)
        if runs and runs[-1][0] == features:
            runs[-1] = (features, runs[-1][1] + end - start)
        else:
            runs.append((features, end - start))
        start = end
    return tuple(runs)


def _at(spans: tuple[tuple[str, int], ...], at: int) -> str:
    """A feature's value at a place in the text (its spans)."""
    for value, length in spans:
        if at < length:
            return value
        at -= length
    return ""


def read_look(el: Any) -> Look:
    """A shape element's look, read from its XML as written (a refresh reads every shape of
    last month's deck, a deck sealed every shape of its own: each read from its text, each
    ``spPr`` and ``rPr`` understood once)."""
    xml = etree.tostring(el, encoding="unicode")
    spaces = " ".join(_SPACES.findall(xml, 0, xml.find(">")))  # (as the shape declares them)
    if _USUAL[0] not in spaces or _USUAL[1] not in spaces:  # (other prefixes: written
        xml = etree.tostring(_prefixed(el), encoding="unicode")  # with the usual)
        spaces = " ".join(_SPACES.findall(xml, 0, xml.find(">")))
    runs: list[tuple[tuple[str, ...], int]] = []
    for props, words in _written_runs(_between(xml, "<p:txBody", "</p:txBody>")):
        length = len(words) if "&" not in words else len(html.unescape(words))
        if not length:
            continue
        features = _run_of(props, spaces)
        if runs and runs[-1][0] == features:
            runs[-1] = (features, runs[-1][1] + length)
        else:
            runs.append((features, length))
    props = _between(xml, "<p:spPr", "</p:spPr>")
    at = props.find("<a:xfrm")  # (a shape's place: no part of its look)
    if at >= 0:
        end = props.find("</a:xfrm>", at)
        props = props[:at] + props[end + 9 :] if end >= 0 else props
    return Look(_shape_of(props, spaces), tuple(runs))


def _between(xml: str, start: str, end: str) -> str:
    """What an element of ``xml`` (opened by ``start``, closed by ``end``) holds ("": none,
    or empty)."""
    at = xml.find(start)
    if at < 0:
        return ""
    opened = xml.find(">", at)
    if xml[opened - 1] == "/":
        return ""
    close = xml.find(end, opened)
    return xml[opened + 1 : close] if close >= 0 else ""


def _written_runs(body: str) -> Iterator[tuple[str, str]]:
    """Each run of a text body as written (its ``rPr``, its words as escaped), in order."""
    if "<a:fld" in body:  # (fields among the runs: in order, by a slower way)
        for found in _RUN.finditer(body):
            props = found.group(2).split("<a:t", 1)[0]
            yield (props if props.startswith("<a:rPr") else ""), _words(found.group(2))
        return
    for chunk in body.split("<a:r>")[1:]:
        run = chunk[: chunk.find("</a:r>")]
        props = run.split("<a:t", 1)[0]
        yield (props if props.startswith("<a:rPr") else ""), _words(run)


def _words(run: str) -> str:
    """A run's words as written (escaped)."""
    at = run.find("<a:t")
    opened = run.find(">", at) if at >= 0 else -1
    if opened < 0 or run[opened - 1] == "/":
        return ""
    return run[opened + 1 : run.find("</a:t>", opened)]


def _prefixed(el: Any) -> Any:
    """A copy of a shape element written with the usual prefixes (``a``, ``p``), element by
    element (a deck written with others is rare; a copy keeps the prefixes it was made
    with)."""
    nsmap = {k: v for k, v in (el.nsmap or {}).items()
             if k not in ("a", "p") and v not in (_A[1:-1], _P[1:-1])}  # fmt: skip
    out = etree.Element(el.tag, el.attrib, nsmap={**nsmap, "a": _A[1:-1], "p": _P[1:-1]})

    def copied(src: Any, dst: Any) -> None:
        dst.text = src.text
        for child in src.iterchildren(etree.Element):
            made = etree.SubElement(dst, child.tag, child.attrib)
            copied(child, made)
            made.tail = child.tail

    copied(el, out)
    return out


_RUN = re.compile(r"<a:(r|fld)\b[^>]*>(.*?)</a:\1>", re.DOTALL)
_SPACES = re.compile(r'xmlns(?::[\w.-]+)?="[^"]*"')
_USUAL = (f'xmlns:a="{_A[1:-1]}"', f'xmlns:p="{_P[1:-1]}"')


def element_look(el: Any) -> str:
    """A shape element's look as its mark records it (``f``): the digests of its shape's
    and its words' features (see the module), ``shape.words``."""
    return ".".join(read_look(el).digests())


def look_changed(el: Any, recorded: str) -> bool:
    """Whether a shape element looks otherwise than its mark recorded (``recorded``, its
    ``f``; "" for a mark without one: pumpxl before looks were recorded, nothing to tell)."""
    return bool(recorded) and element_look(el) != recorded
