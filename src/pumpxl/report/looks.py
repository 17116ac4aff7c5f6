"""How pumpxl's shapes look, as a refresh compares them (``pumpxl refresh``).

A shape's look, as its mark records it (``f``, :func:`element_look`), is a four-digit digest
of each of its **shape**'s features (preset geometry, fill, outline), then a dot, then one
of each of its **words**' (bold, italic, underline, strike-through, size, superscript,
colour and highlight, each along the text: its values and how many letters, spaces not
counted, each holds). What another program's save rewrites without changing what one sees
does not count: colours' case, runs split or merged, explicit defaults (``b="0"``,
``strike="noStrike"``, an outline of no width and no fill), a line's preset renamed, the
shadows and faces LibreOffice writes, other prefixes, indentation (tested by a LibreOffice
round trip; PowerPoint's: not run here). A
shape whose words nobody edited but whose look differs from its record was formatted by a
person (:mod:`pumpxl.report.wear` dresses this month's shape in that formatting).
"""

from __future__ import annotations

import functools
import html
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from pumpxl.report.shapexml import first_child

__all__ = ["FILLS", "GEOMS", "LINE", "SHAPE", "WORDS", "WORD_ATTRIBUTES", "Look", "cell_looks",
           "changed_features", "element_look", "fill_of", "look_changed", "read_look"]

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


def _shape_features(props: Any, cell: bool = False) -> dict[str, str]:
    """A shape's features, from its ``spPr`` (read once per look: :func:`_shape_of`); a
    table cell's from its ``tcPr`` (``cell``: there "no fill" is not "not set", which shows
    the table style's band)."""
    geom = next(props.iterchildren(*GEOMS), None)
    shape = "" if geom is None else geom.get("prst", "custom")
    fill = _colour(fill_of(props))
    line = first_child(props, LINE)
    line_fill = _colour(fill_of(line)) if line is not None else ""
    outline = ""
    if line is not None and line_fill and line_fill != "noFill":
        dash = first_child(line, f"{_A}prstDash")
        outline = f"{line.get('w', '')} {line_fill} {dash.get('val') if dash is not None else ''}"
    return {"geometry": _GEOMETRY.get(shape, shape),
            "fill": "" if fill == "noFill" and not cell else fill, "outline": outline}


#: presets as another program's save writes them (LibreOffice: a line as a connector, a
#: placeholder's geometry, inherited from its layout, as a rectangle)
_GEOMETRY = {"straightConnector1": "line", "": "rect"}


@functools.lru_cache(maxsize=1024)
def _shape_of(xml: str, spaces: str, cell: bool = False) -> tuple[tuple[str, str], ...]:
    """A shape's features from what its ``spPr`` holds as written, without its place (the
    shapes of a deck's pages look alike: each look is read once); a table cell's from its
    ``tcPr``."""
    return tuple(_shape_features(_fragment(f"<p:spPr>{xml}</p:spPr>", spaces), cell).items())


def _fragment(xml: str, spaces: str) -> Any:
    """An element written as :func:`read_look` reads it, with the namespaces (``spaces``:
    their declarations) of the shape it was read from (a prefix declared between the two,
    which pumpxl, PowerPoint and LibreOffice do not write, is read without its namespace)."""
    text = f"<w {spaces}>{xml}</w>"
    try:
        return etree.fromstring(text)[0]
    except etree.XMLSyntaxError:
        return etree.fromstring(text, etree.XMLParser(recover=True))[0]


#: the word features, in the order a run's are told; the shape's
WORDS = (*WORD_ATTRIBUTES, "colour", "highlight")
SHAPE = ("geometry", "fill", "outline")


@functools.lru_cache(maxsize=1024)
def _run_of(xml: str, spaces: str) -> tuple[str, ...]:
    """A run's word features (:data:`WORDS`), from its ``rPr`` as written ("": none)."""
    props = _fragment(xml, spaces) if xml else None
    out = []
    for name, unset in WORD_ATTRIBUTES.items():
        value = props.get(name, "") if props is not None else ""
        out.append("" if value in unset else "1" if value == "true" else value)
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

    @functools.cached_property
    def text(self) -> dict[str, tuple[tuple[str, int], ...]]:
        """Each word feature along the text: the values and the lengths they hold for."""
        out = {}
        for k, name in enumerate(WORDS):
            spans: list[tuple[str, int]] = []
            for features, length in self.runs:
                if spans and spans[-1][0] == features[k]:
                    spans[-1] = (features[k], spans[-1][1] + length)
                else:
                    spans.append((features[k], length))
            out[name] = tuple(spans)
        return out

    def digests(self) -> tuple[str, str]:
        """The look as a mark records it: a digest of each shape feature (:data:`SHAPE`),
        then of each word feature (:data:`WORDS`) along the whole text."""
        shape = dict(self.shape_items)
        if len(self.runs) < 2:  # (one run, or none: each feature one value along the text)
            length = self.runs[0][1] if self.runs else 0
            values = self.runs[0][0] if self.runs else ("",) * len(WORDS)
            words: list[tuple[tuple[str, int], ...]] = [
                ((v, length),) if length else () for v in values]
        else:
            words = [self.text[name] for name in WORDS]
        return ("".join(_digest4(shape.get(k, "")) for k in SHAPE),
                "".join(_digest4(w) for w in words))  # fmt: skip

    def uniform(self, name: str) -> str | None:
        """A word feature's one value along the whole text (None: it varies)."""
        spans = self.text.get(name, ())
        return spans[0][0] if len(spans) == 1 else ("" if not spans else None)


@functools.lru_cache(maxsize=4096)  # (features recur: shapes alike, texts of a length)
def _digest4(value: Any) -> str:
    """Four hex digits of a feature's value (a person's change to one feature goes unseen
    once in 65,536)."""
    return f"{zlib.crc32(repr(value).encode('utf-8')) & 0xFFFF:04x}"


def changed_features(look: Look, recorded: str) -> tuple[list[str], list[str]]:
    """The shape features and the word features in which ``look`` differs from the look its
    mark ``recorded`` (``f``), by name: a person's formatting."""
    got = ".".join(look.digests())
    if got == recorded or not _RECORD.fullmatch(recorded):
        return [], []
    was = recorded.split(".", 1)
    now = got.split(".", 1)
    return tuple(  # type: ignore[return-value]
        [k for i, k in enumerate(names) if now[n][4 * i : 4 * i + 4] != was[n][4 * i : 4 * i + 4]]
        for n, names in enumerate((SHAPE, WORDS)))


def read_look(el: Any) -> Look:
    """A shape element's look, read from its XML as written (a refresh reads every shape of
    last month's deck, a deck sealed every shape of its own: each read from its text, each
    ``spPr`` and ``rPr`` understood once); a table cell's (``a:tc``: its fill, in its
    ``tcPr``, and its words; not its borders, which LibreOffice's save writes into every
    cell from the table's style)."""
    cell = el.tag == _TC
    xml = etree.tostring(el, encoding="unicode")
    spaces = " ".join(_SPACES.findall(xml, 0, xml.find(">")))  # (as the shape declares them)
    if _USUAL[0] not in spaces or (_USUAL[1] not in spaces and not cell):  # (other
        xml = etree.tostring(_prefixed(el), encoding="unicode")  # prefixes: written with
        spaces = " ".join(_SPACES.findall(xml, 0, xml.find(">")))  # the usual)
    if cell:  # (its fill is its ``tcPr``'s own: borders are other elements, not read)
        if _USUAL[1] not in spaces:
            spaces = f"{spaces} {_USUAL[1]}"
        return Look(_shape_of(_between(xml, "<a:tcPr", "</a:tcPr>"), spaces, True),
                    _runs_of(xml, "<a:txBody", "</a:txBody>", spaces))  # fmt: skip
    props = _between(xml, "<p:spPr", "</p:spPr>")
    at = props.find("<a:xfrm")  # (a shape's place: no part of its look)
    if at >= 0:
        end = props.find("</a:xfrm>", at)
        props = props[:at] + props[end + 9 :] if end >= 0 else props
    return Look(_shape_of(props, spaces), _runs_of(xml, "<p:txBody", "</p:txBody>", spaces))


def _runs_of(xml: str, start: str, end: str, spaces: str) -> _Runs:
    """The word features of the runs of a text body (opened by ``start``), runs alike
    joined."""
    runs: list[tuple[tuple[str, ...], int]] = []
    for props, words in _written_runs(_between(xml, start, end)):
        words = words if "&" not in words else html.unescape(words)
        length = len(words) - words.count(" ")  # (spaces: how a text is laid out, not seen)
        if not length:
            continue
        features = _run_of(props, spaces)
        if runs and runs[-1][0] == features:
            runs[-1] = (features, runs[-1][1] + length)
        else:
            runs.append((features, length))
    return tuple(runs)


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
        runs: Iterator[str] = (found.group(2) for found in _RUN.finditer(body))
    else:
        runs = (chunk[: chunk.find("</a:r>")] for chunk in body.split("<a:r>")[1:])
    for run in runs:
        text = _TEXT.search(run)
        props = (run[: text.start()] if text else run).strip()
        yield (props if props.startswith("<a:rPr") else ""), _words(run, text)


def _words(run: str, text: Any) -> str:
    """A run's words as written (escaped; ``text``: where its ``a:t`` begins)."""
    if text is None:
        return ""
    opened = run.find(">", text.start())
    if run[opened - 1] == "/":
        return ""
    return run[opened + 1 : run.find("</a:t>", opened)]


#: a run's text element (not ``a:tint`` or ``a:tileRect``, which a run's colour may hold)
_TEXT = re.compile(r"<a:t(?=[\s/>])")


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


_TC, _TR = f"{_A}tc", f"{_A}tr"
_RUN = re.compile(r"<a:(r|fld)\b[^>]*>(.*?)</a:\1>", re.DOTALL)
_SPACES = re.compile(r'xmlns(?::[\w.-]+)?="[^"]*"')
_USUAL = (f'xmlns:a="{_A[1:-1]}"', f'xmlns:p="{_P[1:-1]}"')


def element_look(el: Any) -> str:
    """A shape element's look as its mark records it (``f``): the digests of its shape's
    and its words' features (see the module), ``shape.words``."""
    return ".".join(read_look(el).digests())


def cell_looks(el: Any) -> list[list[str]]:
    """The look of each cell of the table a shape element holds (:func:`element_look` of
    its ``a:tc``), row by row, as a page's record keeps them."""
    return [[element_look(tc) for tc in tr.iterchildren(_TC)] for tr in el.iter(_TR)]


def look_changed(el: Any, recorded: str) -> bool:
    """Whether a shape element looks otherwise than its mark recorded (``recorded``, its
    ``f``; "" for a mark without one, pumpxl's before looks were recorded: nothing to
    tell)."""
    return bool(_RECORD.fullmatch(recorded)) and element_look(el) != recorded


#: a look as a mark records it (any other: nothing to tell, as a mark without one)
_RECORD = re.compile(r"[0-9a-f]{12}\.[0-9a-f]{32}")
