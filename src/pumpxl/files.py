"""Writing outputs safely: never over a file unless asked (or pumpxl's own unchanged output,
:class:`Written`), never half-written.

An output is written to a temporary file in the target's folder and moved into place with
``os.replace`` (atomic on one file system), so an interrupted run leaves either the old file
or none.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pumpxl.core.errors import OutputError

__all__ = ["MANIFEST", "Written", "atomic_output", "check_output"]


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
    tmp: Path | None = None
    held = _HeldInterrupts()  # a Ctrl-C between making the file and owning it would leave it
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        tmp = Path(tmp_name)
        held.release()  # (a Ctrl-C held meanwhile stops the run here, the file ours to remove)
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        yield tmp
        if path.exists() and not overwrite:  # appeared while we worked
            raise OutputError(str(path), "appeared while pumpxl was writing; nothing replaced")
        os.replace(tmp, path)
    finally:
        held.release()
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


class _HeldInterrupts:
    """Ctrl-C (SIGINT) held back until :meth:`release`, then delivered as it would have
    been. Python runs signal handlers in the main thread, whichever thread the signal came
    to: held there (elsewhere, or under a handler not set from Python, nothing is held)."""

    def __init__(self) -> None:
        self.held = False
        self.before: Any = None
        if threading.current_thread() is threading.main_thread():
            before = signal.getsignal(signal.SIGINT)
            if before is not None:
                self.before = signal.signal(signal.SIGINT, self._hold)

    def _hold(self, signum: int, frame: Any) -> None:
        self.held = True

    def release(self) -> None:
        """Let Ctrl-C through again, delivering one that came meanwhile (once)."""
        if self.before is None:
            return
        signal.signal(signal.SIGINT, self.before)
        self.before = None
        if self.held:
            signal.raise_signal(signal.SIGINT)


#: In a folder of outputs, the record of what pumpxl wrote there: file name -> SHA-256.
MANIFEST = ".pumpxl-written.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Written:
    """The outputs pumpxl wrote in a folder, by content: a file pumpxl wrote and nobody has
    changed since may be replaced by a new run without ``--force``; any other file may not."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / MANIFEST
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            self.files: dict[str, str] = {
                str(k): str(v) for k, v in loaded.items()
            } if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.files = {}

    def unchanged(self, path: Path) -> bool:
        """``path`` is a file pumpxl wrote here, exactly as it wrote it."""
        recorded = self.files.get(path.name)
        return recorded is not None and path.is_file() and _digest(path) == recorded

    def check(self, path: Path, *, overwrite: bool) -> bool:
        """Whether ``path`` may be written (raising OutputError when not): it is new, or it
        is pumpxl's own unchanged output, or overwriting was asked for. True when writing
        will replace a file."""
        if path.exists() and not overwrite and not self.unchanged(path):
            if path.name in self.files:
                raise OutputError(str(path), "was changed since pumpxl wrote it", exists=True)
            check_output(path, overwrite=False)
        check_output(path, overwrite=True)
        return path.exists()

    def record(self, path: Path) -> None:
        """Note ``path`` (just written) as pumpxl's own, in the folder's manifest."""
        self.files[path.name] = _digest(path)
        with atomic_output(self.path, overwrite=True) as tmp:
            tmp.write_text(json.dumps(self.files, indent=1, sort_keys=True), encoding="utf-8")
