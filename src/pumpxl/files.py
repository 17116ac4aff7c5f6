"""Writing outputs safely: never over a file unless asked, never half-written.

An output is written to a temporary file in the target's folder and moved into place with
``os.replace`` (atomic on one file system), so an interrupted run leaves either the old file
or none.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pumpxl.core.errors import OutputError

__all__ = ["atomic_output", "check_output"]


def check_output(path: Path, *, overwrite: bool) -> None:
    """Raise OutputError when ``path`` exists and overwriting was not asked for, or when its
    folder does not exist."""
    if path.exists() and not overwrite:
        raise OutputError(str(path), "already exists", exists=True)
    if path.exists() and path.is_dir():
        raise OutputError(str(path), "is a folder, not a file")
    if not path.parent.exists():
        raise OutputError(str(path), f"folder {path.parent} does not exist")


@contextlib.contextmanager
def atomic_output(path: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``path`` in one step."""
    path = Path(path)
    check_output(path, overwrite=overwrite)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
    try:
        yield tmp
        if path.exists() and not overwrite:  # appeared while we worked
            raise OutputError(str(path), "appeared while pumpxl was writing; nothing replaced")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
