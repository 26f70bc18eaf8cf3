"""`tf.gfile`: TF1's file API on the local file system, raising TF's error classes.

TF routes these through its C++ file systems; graphflow only has the local one, so each call is
the `os`/`shutil` equivalent with OS errors turned into the `tf.errors` class TF raises
(a missing file is `NotFoundError`, an existing target of `Copy`/`Rename` without `overwrite` is
`AlreadyExistsError`, a file where a directory is needed is `FailedPreconditionError`).
"""

from __future__ import annotations

import errno
import glob as _glob
import os
import shutil
from collections.abc import Iterator
from typing import Any, NamedTuple

from graphflow.framework import errors

_MODES = ("r", "w", "a", "r+", "w+", "a+")


def _os_error(err: OSError, path: str) -> errors.OpError:
    """The TF error class for an OS error on `path`, message as TF's: 'path; reason'."""
    reason = os.strerror(err.errno) if err.errno else str(err)
    message = f"{path}; {reason}"
    if err.errno == errno.ENOENT:
        return errors.NotFoundError(None, None, message)
    if err.errno == errno.EEXIST:
        return errors.AlreadyExistsError(None, None, message)
    if err.errno in (errno.EACCES, errno.EPERM):
        return errors.PermissionDeniedError(None, None, message)
    if err.errno in (errno.EISDIR, errno.ENOTDIR, errno.ENOTEMPTY):
        return errors.FailedPreconditionError(None, None, message)
    return errors.UnknownError(None, None, message)


class GFile:
    """A file opened as TF's `tf.gfile.GFile(name, mode='r')`: opened lazily, on first use.

    Args:
        name: the file's path.
        mode: one of 'r', 'w', 'a', 'r+', 'w+', 'a+', optionally with 'b' (bytes instead of str).

    Raises:
        InvalidArgumentError: for any other mode.
        NotFoundError: on first read of a missing file.
        PermissionDeniedError: reading a file opened for writing only, or the reverse.
    """

    def __init__(self, name: str, mode: str = "r") -> None:
        if mode.replace("b", "") not in _MODES:
            raise errors.InvalidArgumentError(
                None, None, "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'")
        self._name = os.fspath(name)
        self._mode = mode
        self._binary = "b" in mode
        self._file: Any = None

    @property
    def name(self) -> str:
        """The path the file was opened with."""
        return self._name

    @property
    def mode(self) -> str:
        """The mode the file was opened with."""
        return self._mode

    def _handle(self, reading: bool) -> Any:
        plain = self._mode.replace("b", "")
        if reading and plain in ("w", "a"):
            raise errors.PermissionDeniedError(None, None, "File isn't open for reading")
        if not reading and plain == "r":
            raise errors.PermissionDeniedError(None, None, "File isn't open for writing")
        if self._file is None:
            # Text mode without newline translation: TF reads and writes the bytes as they are.
            binary_mode = plain + "b" if "+" not in plain else plain[0] + "b+"
            try:
                self._file = open(self._name, binary_mode)  # noqa: SIM115 (closed by close())
            except OSError as err:
                raise _os_error(err, self._name) from None
        return self._file

    def _out(self, data: bytes) -> str | bytes:
        return data if self._binary else data.decode("utf-8")

    def size(self) -> int:
        """The file's size in bytes."""
        return Stat(self._name).length

    def read(self, n: int = -1) -> str | bytes:
        """Reads `n` bytes (all of the rest when `n` is -1): str in text mode, bytes with 'b'."""
        return self._out(self._handle(True).read(n))

    def readline(self) -> str | bytes:
        """The next line, with its newline ('' at the end of the file)."""
        return self._out(self._handle(True).readline())

    def readlines(self) -> list:
        """All remaining lines."""
        return [self._out(line) for line in self._handle(True).readlines()]

    def __iter__(self) -> Iterator:
        return self

    def __next__(self) -> str | bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def write(self, data: str | bytes) -> None:
        """Writes str (UTF-8 encoded) or bytes, in text and binary mode alike, as TF."""
        handle = self._handle(False)
        handle.write(data.encode("utf-8") if isinstance(data, str) else bytes(data))

    def seek(self, offset: int = 0, whence: int = 0) -> None:
        """Moves to byte `offset` (from the start, the current position or the end)."""
        self._handle(True).seek(offset, whence)

    def tell(self) -> int:
        """The current byte position."""
        return self._handle(True).tell()

    def flush(self) -> None:
        """Flushes written data to the file."""
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        """Closes the file (a no-op when it was never used)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> GFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


FastGFile = GFile
Open = GFile


class FileStatistics(NamedTuple):
    """What `Stat` returns: `length` in bytes, `mtime_nsec`, `is_directory`."""

    length: int
    mtime_nsec: int
    is_directory: bool


def Exists(filename: str) -> bool:
    """True when `filename` exists (file or directory)."""
    return os.path.exists(filename)


def IsDirectory(dirname: str) -> bool:
    """True when `dirname` is an existing directory."""
    return os.path.isdir(dirname)


def MkDir(dirname: str) -> None:
    """Creates one directory (its parent must exist); an existing directory is left as is.

    Raises:
        NotFoundError: when the parent is missing.
        FailedPreconditionError: when the path is a file.
    """
    try:
        os.mkdir(dirname)
    except FileExistsError:
        if not os.path.isdir(dirname):
            raise errors.FailedPreconditionError(None, None, f"{dirname} is not a directory") from None
    except OSError as err:
        raise _os_error(err, dirname) from None


def MakeDirs(dirname: str) -> None:
    """Creates a directory and its missing parents; an existing directory is left as is.

    Raises:
        FailedPreconditionError: when the path, or a parent, is a file.
    """
    if os.path.exists(dirname) and not os.path.isdir(dirname):
        raise errors.FailedPreconditionError(None, None, f"{dirname} is not a directory")
    try:
        os.makedirs(dirname, exist_ok=True)
    except OSError as err:
        raise _os_error(err, dirname) from None


def ListDirectory(dirname: str) -> list[str]:
    """The names (not paths) of the entries of `dirname`, without '.' and '..'.

    Raises:
        NotFoundError: when `dirname` is not a directory.
    """
    if not os.path.isdir(dirname):
        raise errors.NotFoundError(None, None, f"Could not find directory {dirname}")
    return os.listdir(dirname)


def Glob(filename: str) -> list[str]:
    """The paths matching the pattern (`*`, `?`, `[...]`)."""
    return _glob.glob(filename)


def Remove(filename: str) -> None:
    """Deletes a file.

    Raises:
        NotFoundError: when it is missing; FailedPreconditionError: when it is a directory.
    """
    try:
        if os.path.isdir(filename):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        os.remove(filename)
    except OSError as err:
        raise _os_error(err, filename) from None


def DeleteRecursively(dirname: str) -> None:
    """Deletes a directory with everything under it (or a single file).

    Raises:
        NotFoundError: when it is missing.
    """
    if not os.path.exists(dirname):
        raise errors.NotFoundError(None, None, f"{dirname} not found")
    try:
        if os.path.isdir(dirname):
            shutil.rmtree(dirname)
        else:
            os.remove(dirname)
    except OSError as err:
        raise _os_error(err, dirname) from None


def _check_target(newpath: str, overwrite: bool) -> None:
    if not overwrite and os.path.exists(newpath):
        raise errors.AlreadyExistsError(None, None, "file already exists")


def Rename(oldname: str, newname: str, overwrite: bool = False) -> None:
    """Renames a file or directory.

    Raises:
        AlreadyExistsError: when `newname` exists and `overwrite` is False.
        NotFoundError: when `oldname` is missing.
    """
    _check_target(newname, overwrite)
    try:
        os.replace(oldname, newname)
    except OSError as err:
        raise _os_error(err, oldname) from None


def Copy(oldpath: str, newpath: str, overwrite: bool = False) -> None:
    """Copies a file's bytes.

    Raises:
        AlreadyExistsError: when `newpath` exists and `overwrite` is False.
        NotFoundError: when `oldpath` is missing.
    """
    _check_target(newpath, overwrite)
    try:
        shutil.copyfile(oldpath, newpath)
    except OSError as err:
        raise _os_error(err, oldpath) from None


def Stat(filename: str) -> FileStatistics:
    """Size, modification time (ns) and kind of a file.

    Raises:
        NotFoundError: when it is missing.
    """
    try:
        st = os.stat(filename)
    except OSError as err:
        raise _os_error(err, filename) from None
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(filename))


def Walk(top: str, in_order: bool = True) -> Iterator[tuple[str, list[str], list[str]]]:
    """Yields (dirname, subdirectory names, file names) for `top` and every directory under it.

    Args:
        top: the directory to walk; a missing one yields nothing, as TF.
        in_order: parents before children when True (top-down), children first when False.
    """
    yield from os.walk(top, topdown=in_order)


__all__ = ["GFile", "FastGFile", "Open", "Exists", "IsDirectory", "MkDir", "MakeDirs", "ListDirectory",
           "Glob", "Remove", "DeleteRecursively", "Rename", "Copy", "Stat", "Walk", "FileStatistics"]
