"""Opening a deck a person gives pumpxl (``pumpxl collect``, ``pumpxl refresh``): every way the
file can be wrong is a problem that says so, never a traceback; and the template a deck is
built on (a corporate .pptx or .potx, or the 16:9 default).
"""

from __future__ import annotations

import io
import zipfile
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.util import Inches

from pumpxl.core.errors import OutputError, Problem
from pumpxl.core.present import count
from pumpxl.report.chart_part import WrittenChartPart
from pumpxl.report.package import counted_partnames
from pumpxl.report.unparsed import unparsed

__all__ = [
    "MAX_DECK_BYTES",
    "WIDE",
    "charts_unparsed",
    "check_deck",
    "lock_file",
    "open_template",
    "unreadable",
]

#: Decks that unpack to more than this are refused (a deck of a few hundred measure pages
#: is tens of megabytes).
MAX_DECK_BYTES = 1_500_000_000
#: An Office file encrypted with a password is a compound file, not a zip.
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
WIDE = (Inches(13.333), Inches(7.5))
TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
PRESENTATION_TYPE = (
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)


def lock_file(path: Path) -> Path | None:
    """The lock file Office or LibreOffice keeps beside ``path`` while it is open, if any."""
    name = path.name
    for candidate in (f"~${name}", f".~lock.{name}#"):
        lock = path.with_name(candidate)
        if lock.exists():
            return lock
    return None


def charts_unparsed() -> AbstractContextManager[None]:
    """Decks opened meanwhile have their charts parsed only if something reads them
    (:class:`pumpxl.report.chart_part.WrittenChartPart`)."""
    return unparsed({CT.DML_CHART: WrittenChartPart})


def unreadable(path: Path, exc: Exception) -> Problem:
    """The problem of a deck python-pptx (or its XML parser) could not read."""
    return Problem(path.name, f"cannot be read as a deck ({type(exc).__name__}: {exc})",
                   "bad_deck")  # fmt: skip


def check_deck(path: Path, *, why_closed: str = "", package: zipfile.ZipFile | None = None
               ) -> Problem | None:  # fmt: skip
    """What keeps the file at ``path`` from being opened as a deck (see :func:`open_deck`),
    or None: it is a .pptx package of a sane size, closed, not encrypted. ``package``: the
    file opened as a zip already (it is checked as it is)."""
    def fail(message: str, code: str) -> Problem:
        return Problem(path.name, message, code)

    if not path.is_file():
        return fail("no such file" if not path.exists() else "is a folder, not a deck",
                    "missing_file")  # fmt: skip
    lock = lock_file(path)
    if lock is not None:
        why = f"; save and close it first, {why_closed}" if why_closed else ""
        return fail(f"is open in PowerPoint or LibreOffice ({lock.name} beside it){why}",
                    "open_elsewhere")  # fmt: skip
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        return fail(f"cannot be read ({exc.strerror})", "unreadable")
    if head == OLE_MAGIC:
        return fail("is password-protected (encrypted): save a copy without a password",
                    "encrypted")  # fmt: skip
    try:
        zf = package if package is not None else zipfile.ZipFile(path)
        try:
            size = sum(i.file_size for i in zf.infolist())
            if "ppt/presentation.xml" not in zf.namelist():
                return fail("is not a PowerPoint deck (.pptx)", "not_pptx")
        finally:
            if package is None:
                zf.close()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return fail(f"is not a .pptx deck, or is damaged ({exc})", "not_pptx")
    if size > MAX_DECK_BYTES:
        return fail(f"unpacks to {count(size)} bytes; refused as a possible zip bomb", "zip_bomb")
    return None


def open_template(path: Path | None) -> Any:
    """A Presentation from a .pptx or .potx (its slides removed), or the 16:9 default."""
    if path is None:
        prs = Presentation()
        prs.slide_width, prs.slide_height = WIDE
        return counted_partnames(prs)
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OutputError(str(path), f"template cannot be read: {exc.strerror}") from None
    if path.suffix.lower() == ".potx":
        # python-pptx refuses a template's content type; the parts are the same.
        src = zipfile.ZipFile(io.BytesIO(data))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                part = src.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    part = part.replace(TEMPLATE_TYPE, PRESENTATION_TYPE)
                out.writestr(item, part)
        data = buf.getvalue()
    try:
        prs = Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises several kinds for a bad package
        raise OutputError(str(path), f"is not a PowerPoint template ({exc})") from None
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)
    return counted_partnames(prs)
