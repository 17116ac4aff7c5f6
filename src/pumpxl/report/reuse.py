"""Pages a refresh may keep as they stand (``pumpxl refresh``): a page drawn only from what
it shows records a digest of that and of the code that drew it (``i``); next month, when the
digest is the same and nobody touched the page, last month's page is what a fresh build
would draw, and the build keeps it instead of drawing it again (:meth:`Deck.reuse`). The
appendix's definitions and the Results Map mostly stay the same from month to month."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from pumpxl.report.design import Box, Deck
from pumpxl.report.fonts import faces

__all__ = ["drawn_by", "new_page"]


def new_page(deck: Deck, shown: object, title: str, *, subtitle: str | None = None
             ) -> tuple[Any, Box] | None:  # fmt: skip
    """The section's next page, drawn from ``shown`` (everything it shows, JSON with
    dataclasses, and the drawing code's :func:`drawn_by`) in the faces in force: None when
    the deck holds it as pumpxl drew it from the same, untouched, else a new slide (and its
    free area) that records the digest."""
    drawn = json.dumps([shown, faces()], default=_plain)
    inputs = hashlib.sha256(drawn.encode()).hexdigest()[:12]
    if deck.reuse(inputs):
        return None
    return deck.slide(title, subtitle=subtitle, i=inputs)


def _plain(value: object) -> object:
    """A dataclass as the list of its fields, for JSON (anything else is refused: its text
    could hold an address, and a page's digest must not)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [getattr(value, f.name) for f in dataclasses.fields(value)]
    raise TypeError(f"a page is drawn from plain values, not {type(value).__name__}")


@functools.lru_cache(maxsize=16)
def drawn_by(*modules: str) -> str:
    """A digest of the code that draws a page (the modules named, by their files, with the
    design helpers, fonts and xmlbits) and of pumpxl's and python-pptx's versions: a page a
    refresh would keep as it stands is drawn again when other code would draw it."""
    from pptx import __version__ as pptx_version

    from pumpxl import __version__

    here = Path(__file__).parent
    files = [here / "design.py", here / "fonts.py", here / "xmlbits.py", *map(Path, modules)]
    sources = b"".join(f.read_bytes() for f in files)
    return hashlib.sha256(sources + f"{__version__} {pptx_version}".encode()).hexdigest()[:12]
