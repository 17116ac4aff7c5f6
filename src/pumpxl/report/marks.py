"""Marks that say which slides and shapes pumpxl wrote, and what it wrote in them, so that a
later run can refresh a deck people have edited (``pumpxl refresh``) and bring owners' words
back to the workbook (``pumpxl collect``).

A mark lives in a shape's name (``cNvPr/@name``), the one place that PowerPoint, LibreOffice
and python-pptx all keep on a round trip (LibreOffice drops alt text and the package's
properties, and renames title placeholders). A name reads, after the shape's own readable
name (what PowerPoint's Selection Pane shows)::

    TextBox 12 pumpxl:s=measure%3AM03;r=why;h=1f2e3d4c5b6a

``s`` is the slide's key (stable across months: ``measure:M03``, never the title, which people
change), ``r`` the shape's role on that slide, ``h`` the digest of the text pumpxl wrote there
(:func:`digest`), so an edit shows as a text whose digest no longer matches. Values are
percent-encoded, so ids may hold any character.

Every slide pumpxl writes also gets one hidden, empty shape (:func:`mark_slide`, role
``slide``) carrying the slide's key, the digest of its title (a title placeholder's own name
does not survive LibreOffice) and facts such as the measure id (``m``) and the period the page
reports (``p``, ISO date).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

__all__ = [
    "PREFIX",
    "Mark",
    "digest",
    "mark_shape",
    "mark_slide",
    "marked_shapes",
    "read_mark",
    "shape_text",
    "slide_mark",
]

PREFIX = "pumpxl:"
#: The role of the hidden shape that marks a slide.
SLIDE_ROLE = "slide"


@dataclass(frozen=True)
class Mark:
    """What a shape's name says: the slide key, the role, the digest of the text pumpxl wrote
    (empty for shapes without text) and any other fields."""

    slide: str
    role: str
    digest: str = ""
    fields: Mapping[str, str] | None = None

    def get(self, name: str, default: str = "") -> str:
        return (self.fields or {}).get(name, default)


def _normal(text: str) -> str:
    """Text as compared: line endings and vertical tabs (PowerPoint's soft line break in
    exported text) as newlines, trailing spaces of each line and surrounding blank lines
    dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def digest(text: str) -> str:
    """A short digest of ``text`` as pumpxl compares it (line endings and trailing spaces do
    not count; anything a person would see does)."""
    return hashlib.sha256(_normal(text).encode("utf-8")).hexdigest()[:12]


def _encode(label: str, fields: Mapping[str, str]) -> str:
    mark = PREFIX + ";".join(f"{k}={quote(str(v), safe='')}" for k, v in fields.items())
    return f"{label} {mark}" if label else mark


def read_mark(name: str | None) -> Mark | None:
    """The mark in a shape's name, or None when the name is not pumpxl's."""
    at = name.rfind(PREFIX) if name else -1
    if name is None or at < 0 or (at and name[at - 1] != " "):
        return None
    fields: dict[str, str] = {}
    for part in name[at + len(PREFIX) :].split(";"):
        key, sep, value = part.partition("=")
        if not sep or not re.fullmatch(r"[a-z]+", key):
            return None
        fields[key] = unquote(value)
    if "s" not in fields or "r" not in fields:
        return None
    slide, role, h = fields.pop("s"), fields.pop("r"), fields.pop("h", "")
    return Mark(slide, role, h, fields)


def shape_text(shape: Any) -> str:
    """A shape's text, paragraphs joined by newlines ("" for a shape without text)."""
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        return "\n".join(p.text for p in shape.text_frame.paragraphs)
    return ""


def mark_shape(shape: Any, slide: str, role: str, *, text: str | None = None,
               **fields: str) -> None:  # fmt: skip
    """Name ``shape`` as pumpxl's, with the digest of ``text`` (its own text when not given
    and it has a text frame). Its readable name stays in front."""
    label = _label(shape.name)
    if text is None:
        text = shape_text(shape)
    values = {"s": slide, "r": role}
    if text:
        values["h"] = digest(text)
    values.update({k: v for k, v in fields.items() if v})
    shape.name = _encode(label, values)


def _label(name: str) -> str:
    """A shape's readable name, without any mark it already holds."""
    at = name.rfind(PREFIX)
    return (name[:at] if at >= 0 else name).strip()


def mark_slide(slide: Any, key: str, *, title: str = "", **fields: str) -> Any:
    """Add the hidden shape that marks ``slide`` as pumpxl's page ``key``, with the digest of
    its ``title`` and ``fields`` (``m`` measure id, ``p`` period...). Returns the shape."""
    shape = slide.shapes.add_textbox(0, 0, 1, 1)
    shape._element.nvSpPr.cNvPr.set("hidden", "1")
    values = {"s": key, "r": SLIDE_ROLE}
    if title:
        values["h"] = digest(title)
    values.update({k: v for k, v in fields.items() if v})
    shape.name = _encode("pumpxl page", values)
    return shape


def marked_shapes(slide: Any) -> Iterator[tuple[Any, Mark]]:
    """Each of a slide's shapes that pumpxl marked, with its mark (groups looked into)."""
    stack = list(slide.shapes)
    while stack:
        shape = stack.pop(0)
        mark = read_mark(shape.name)
        if mark is not None:
            yield shape, mark
        if getattr(shape, "shape_type", None) == 6:  # a group: its shapes too
            stack[:0] = list(shape.shapes)


def slide_mark(slide: Any) -> Mark | None:
    """The mark of a slide pumpxl wrote (from its hidden marker shape), or None."""
    for _, mark in marked_shapes(slide):
        if mark.role == SLIDE_ROLE:
            return mark
    return None
