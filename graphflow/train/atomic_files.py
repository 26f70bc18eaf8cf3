"""Crash-safe file writes: a file appears complete under its final name or not at all.

Every write goes to `<name>.tmp-<random>` in the same directory, is flushed and fsynced, then
renamed over the final name (atomic on POSIX and Windows), and the directory is fsynced so the
rename itself survives a power cut. A process killed mid-write leaves only a temporary file,
which `remove_orphans` deletes on the next save.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from typing import IO

TEMP_MARK = ".tmp-"


@contextlib.contextmanager
def atomic_write(path: str, binary: bool = True) -> Iterator[IO]:
    """Yields a file to write; on success it replaces `path` atomically, on any error (or
    interruption) the temporary file is removed and `path` is untouched."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=os.path.basename(path) + TEMP_MARK, dir=directory)
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(directory)


def fsync_directory(directory: str) -> None:
    """Makes renames and deletions in `directory` durable (a no-op where unsupported)."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_orphans(directory: str, basenames: list[str]) -> list[str]:
    """Deletes temporary files left in `directory` by interrupted writes of files whose names
    start with one of `basenames`; returns the deleted paths."""
    pattern = re.compile("^(?:" + "|".join(re.escape(b) for b in basenames) + r").*"
                         + re.escape(TEMP_MARK) + r"[A-Za-z0-9_]+$")
    removed = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(directory):
            if entry.is_file() and pattern.match(entry.name):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(entry.path)
    return removed
