"""A deck a person gives pumpxl (``pumpxl collect``, ``pumpxl refresh``), opened from its
file's bytes: each member read when first asked for, never inflated past the size the file
declares for it (checked against that size and its CRC), and handed to python-pptx's package
loader. zipfile's own reader, which python-pptx uses, inflates a member that lies about its
size whole before finding out: a zip bomb inside a file of a sane declared size."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from pathlib import Path
from typing import Any

from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.package import _PackageLoader
from pptx.opc.packuri import PACKAGE_URI, PackURI
from pptx.package import Package

from pumpxl.core.errors import Problem
from pumpxl.report.deckfile import charts_unparsed, check_deck, unreadable

__all__ = ["Members", "open_deck", "presentation", "read_members", "rels_name"]


class Members:
    """The package's members by part name (``/ppt/slides/slide1.xml``), each read from the
    file's bytes when first asked for; ``override`` holds members given instead of the
    file's. Read as python-pptx's package reader is."""

    def __init__(self, zf: zipfile.ZipFile, data: bytes) -> None:
        self._data = data
        self._items = {f"/{i.filename}": i for i in zf.infolist()}
        self.override: dict[str, bytes] = {}

    def __contains__(self, partname: object) -> bool:
        return partname in self.override or partname in self._items

    def __getitem__(self, partname: str) -> bytes:
        if partname in self.override:
            return self.override[partname]
        return self._unzipped(self._items[partname])  # KeyError: no such member

    def read(self, partname: str) -> bytes | None:
        """The member, or None without one."""
        if partname in self.override:
            return self.override[partname]
        item = self._items.get(partname)
        return self._unzipped(item) if item is not None else None

    def names(self) -> list[str]:
        """The part names of the file's members."""
        return list(self._items)

    def rels_xml_for(self, partname: PackURI) -> bytes | None:
        """A part's relationships' XML, or None (what python-pptx's reader gives)."""
        return self.read(rels_name(partname))

    def _unzipped(self, item: zipfile.ZipInfo) -> bytes:
        """A member's bytes, read from the file's bytes directly (a deck has thousands of
        small members, and zipfile's reader costs more than the inflating) and never
        inflated past the size the file declares for it (the declared sizes were checked);
        checked against that size and its CRC. A damaged or lying member is a BadZipFile."""
        at = item.header_offset
        head = self._data[at : at + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04" or item.flag_bits & 0x1:
            raise zipfile.BadZipFile(f"{item.filename}: no readable entry in the file")
        start = at + 30 + int.from_bytes(head[26:28], "little") + int.from_bytes(
            head[28:30], "little")
        data = self._data[start : start + item.compress_size]
        if item.compress_type == zipfile.ZIP_STORED:
            out = data
        elif item.compress_type == zipfile.ZIP_DEFLATED:
            try:
                out = zlib.decompressobj(-15).decompress(data, item.file_size + 1)
            except zlib.error as exc:
                raise zipfile.BadZipFile(f"{item.filename}: {exc}") from None
        else:  # not in a deck PowerPoint, LibreOffice or python-pptx writes
            raise zipfile.BadZipFile(f"{item.filename}: compressed in a way decks are not")
        if len(out) != item.file_size or zlib.crc32(out) != item.CRC:
            raise zipfile.BadZipFile(f"{item.filename}: not the size or content the file "
                                     "declares for it")  # fmt: skip
        return out


def rels_name(partname: str) -> str:
    """The member holding a part's relationships."""
    folder, name = posixpath.split(partname)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def read_members(path: Path, *, why_closed: str = "") -> tuple[Members | None, Problem | None]:
    """The deck's members, or None and the problem with the file (see
    :func:`pumpxl.report.deckfile.check_deck`)."""
    data, package = b"", None
    try:  # (anything wrong here, check_deck says what)
        data = path.read_bytes()
        package = zipfile.ZipFile(io.BytesIO(data))
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        pass
    problem = check_deck(path, why_closed=why_closed, package=package)
    if problem is not None or package is None:
        return None, problem or Problem(path.name, "cannot be read", "unreadable")
    return Members(package, data), None


class _Loader(_PackageLoader):
    """python-pptx's package loader, reading from :class:`Members`."""

    def __init__(self, members: Members, package: Any) -> None:
        super().__init__("", package)
        self._members = members

    @property
    def _package_reader(self) -> Any:  # read as python-pptx's PackageReader is
        return self._members


def presentation(members: Members) -> Any:
    """The deck as a python-pptx Presentation, its charts unparsed until read (python-pptx
    raises many kinds of errors on a damaged package)."""
    with charts_unparsed():
        package = Package("")
        xml_rels, parts = _Loader(members, package)._load()
        package._rels.load_from_xml(PACKAGE_URI, xml_rels, parts)
    main = package.main_document_part
    if main.content_type not in (CT.PML_PRESENTATION_MAIN, CT.PML_PRES_MACRO_MAIN):
        raise ValueError(f"its main part is a {main.content_type}, not a presentation")
    return main.presentation


def open_deck(path: Path, *, why_closed: str = "") -> tuple[Any | None, Problem | None]:
    """The deck as a python-pptx Presentation, or None and the problem with the file: not
    there, open in PowerPoint or LibreOffice (``why_closed`` says why it must be closed),
    password-protected, not a .pptx, damaged (a member lying about its size included), or a
    possible zip bomb."""
    members, problem = read_members(path, why_closed=why_closed)
    if members is None:
        return None, problem
    try:
        return presentation(members), None
    except Exception as exc:  # python-pptx raises many kinds on a damaged package
        return None, unreadable(path, exc)
