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
    held = _hold_interrupts()  # a Ctrl-C between making the file and owning it would leave it
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        tmp = Path(tmp_name)
        _release(held)  # (a Ctrl-C held meanwhile stops the run here, the file ours to remove)
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        yield tmp
        if path.exists() and not overwrite:  # appeared while we worked
            raise OutputError(str(path), "appeared while pumpxl was writing; nothing replaced")
        os.replace(tmp, path)
    finally:
        _release(held)
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _hold_interrupts() -> set[int] | None:
    """Hold Ctrl-C (SIGINT) back until :func:`_release`: the signals held before, or None
    where signals cannot be held (Windows, or a thread other than the main one)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
            threading.main_thread()):  # fmt: skip
        return None
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}))


def _release(held: set[int] | None) -> None:
    """Let Ctrl-C through again (as it was before :func:`_hold_interrupts`)."""
    if held is not None and signal.SIGINT not in held:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


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
