"""Writing a runtime's project folder: refusing to fill a folder that holds something, and
writing each file whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

from pumpxl.core.errors import OutputError

__all__ = ["writable_folder", "write_text"]


def writable_folder(folder: Path, overwrite: bool) -> None:
    """Refuse a file, and a folder that holds anything unless ``overwrite``."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(str(folder), "is a file, not a folder")
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise OutputError(str(folder), "already exists and is not empty", exists=True)


def write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
