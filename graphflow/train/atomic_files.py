"""Crash-safe, thread-safe file writes: a file appears complete under its final name or not at
all, and concurrent writers never disturb each other.

Every write goes to `<name>.tmp-<pid>-<thread>-<uuid>` in the same directory, is flushed and
fsynced, then renamed over the final name (atomic on POSIX and Windows), and the directory is
fsynced so the rename itself survives a power cut. A process killed mid-write leaves only a
temporary file, which `remove_orphans` deletes on a later save: only temporaries whose writing
process is gone (or that are older than `ORPHAN_AGE_S`), so the in-flight temporaries of other
threads and of other live processes are left alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from typing import IO

TEMP_MARK = ".tmp-"
#: A temporary this old is an orphan even if a process with its pid runs (the pid was reused).
ORPHAN_AGE_S = 6 * 3600.0
_TEMP_TAIL = re.compile(re.escape(TEMP_MARK) + r"(?:(\d+)-\d+-[0-9a-f]{32}|[A-Za-z0-9_]+)$")

_LOCKS_GUARD = threading.Lock()
_DIRECTORY_LOCKS: dict[str, threading.Lock] = {}


def temp_name(path: str) -> str:
    """The temporary path a write of `path` uses: unique per process, thread and call."""
    return f"{path}{TEMP_MARK}{os.getpid()}-{threading.get_ident()}-{uuid.uuid4().hex}"


@contextlib.contextmanager
def atomic_write(path: str, binary: bool = True) -> Iterator[IO]:
    """Yields a file to write; on success it replaces `path` atomically, on any error (or
    interruption) the temporary file is removed and `path` is untouched."""
    directory = os.path.dirname(os.path.abspath(path))
    temp = temp_name(os.path.join(directory, os.path.basename(path)))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
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


@contextlib.contextmanager
def directory_lock(directory: str) -> Iterator[None]:
    """Serializes checkpoint bookkeeping in `directory`: a lock per directory for the threads
    of this process, plus an advisory `flock` of the directory itself (no lock file to leave
    behind) for other processes where the OS has one."""
    key = os.path.realpath(directory)
    with _LOCKS_GUARD:
        lock = _DIRECTORY_LOCKS.setdefault(key, threading.Lock())
    with lock:
        fd = _flock(key)
        try:
            yield
        finally:
            if fd is not None:
                os.close(fd)  # closing the descriptor releases the flock


def _flock(directory: str) -> int | None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the thread lock alone
        return None
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:  # a file system without flock: the thread lock alone
        os.close(fd)
        return None
    return fd


def _writer_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError, OSError):
        return True  # it exists (another user's), or we cannot tell: leave its file alone
    return True


def remove_orphans(directory: str, basenames: list[str], max_age_s: float = ORPHAN_AGE_S
                   ) -> list[str]:
    """Deletes temporary files left in `directory` by interrupted writes of files whose names
    start with one of `basenames`: those whose writing process no longer runs, and any older
    than `max_age_s`; returns the deleted paths. In-flight writes are never touched."""
    pattern = re.compile("^(?:" + "|".join(re.escape(b) for b in basenames) + r").*")
    removed = []
    now = time.time()
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in os.scandir(directory):
            tail = _TEMP_TAIL.search(entry.name)
            if tail is None or not pattern.match(entry.name):
                continue
            with contextlib.suppress(OSError):
                if not entry.is_file(follow_symlinks=False):
                    continue
                old = now - entry.stat(follow_symlinks=False).st_mtime > max_age_s
                # A temporary without a pid (older graphflow) is an orphan once it is old.
                dead = tail.group(1) is not None and not _writer_alive(int(tail.group(1)))
                if old or dead:
                    os.unlink(entry.path)
                    removed.append(entry.path)
    return removed
