"""Generated kernel sources, written to files and imported as real modules.

Used by ops (the Philox generator), the CPU backend's fused loops and the CUDA kernels alike, so
it sits at the package's top level, below all of them (imports flow one way).

numba caches compiled code (`cache=True`) only for functions defined in a file that was
imported as a module, so generated sources go to `$GF_CACHE_DIR` (default
`~/.cache/graphflow/kernels`) under a name derived from their hash: a second process imports
the same file and loads the machine code instead of compiling.

The folder is trusted only as far as it has to be. Whoever can write it could plant a source
file, or numba's pickled cache index beside it, and so run code in every process using the
kernel. Hence:
  * the folder is created private to the user (mode 0700) and is not used when another user
    owns it or it is group- or world-writable: kernels then go to a private temporary folder,
    with a logged warning;
  * a cached source file is used only when its whole content equals the source it stands for;
    otherwise it is rewritten (which also makes numba recompile: its cache index records the
    source file's modification time);
  * the code that runs is compiled from the source string graphflow generated, never read back
    from the file (the file's path is only the code's filename, which numba's cache needs).
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
from types import ModuleType

from graphflow import logging

_lock = threading.Lock()
_modules: dict[str, ModuleType] = {}
#: A requested folder -> the folder actually used (itself, or a private fallback).
_checked_dirs: dict[str, str] = {}

#: Module-name prefixes are chosen by graphflow (`fused`, `cuda_reduce_sum`...), never by a graph.
_PREFIX = re.compile(r"[a-z][a-z0-9_]{0,63}")


def _requested_dir() -> str:
    return os.environ.get("GF_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "graphflow", "kernels")


def unsafe_reason(folder: str) -> str | None:
    """Why `folder` must not hold kernels (None when it is safe): it is not a directory,
    another user owns it, or users other than its owner may write to it."""
    info = os.stat(folder)
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a directory"
    if os.name != "posix":  # Windows reports no owner and read-only as the only mode bit
        return None
    if info.st_uid != os.getuid():
        return f"it is owned by user id {info.st_uid}, not by this user ({os.getuid()})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"others may write to it (mode {stat.S_IMODE(info.st_mode):o})"
    return None


def cache_dir() -> str:
    """Where generated kernel sources (and numba's compiled caches next to them) live:
    `$GF_CACHE_DIR`, else `$XDG_CACHE_HOME/graphflow/kernels` or `~/.cache/graphflow/kernels`,
    created with mode 0700. A folder others could write to (or that cannot be created) is
    replaced, for this process, by a private temporary folder, with a logged warning."""
    requested = _requested_dir()
    with _lock:
        return _usable_dir(requested)


def _usable_dir(requested: str) -> str:
    used = _checked_dirs.get(requested)
    if used is not None and os.path.isdir(used):
        return used
    try:
        os.makedirs(requested, mode=0o700, exist_ok=True)
        reason = unsafe_reason(requested)
    except OSError as e:
        reason = f"it cannot be created ({e})"
    if reason is None:
        used = requested
    else:
        used = tempfile.mkdtemp(prefix="graphflow-kernels-")  # mode 0700, ours
        atexit.register(shutil.rmtree, used, ignore_errors=True)  # useless to later processes
        logging.warning("Not using the kernel cache folder %s: %s. Kernels are compiled into "
                        "%s for this process; set GF_CACHE_DIR to a folder private to you to "
                        "keep them across processes.", requested, reason, used)
    _checked_dirs[requested] = used
    return used


def _has_content(path: str, source: str) -> bool:
    """Whether `path` is a regular file (not a link, pipe or device) holding exactly `source`,
    read no further than needed."""
    expected = source.encode()
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        with open(path, "rb") as f:
            return f.read(len(expected) + 1) == expected
    except OSError:
        return False


def _write(folder: str, path: str, source: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(source)
        os.replace(tmp, path)  # atomic: concurrent processes never see a partial file
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load_generated(source: str, prefix: str) -> ModuleType:
    """The module of `source`, defined in the cache folder's file for it (written, or
    rewritten, unless it already holds exactly `source`).

    Args:
        source: Python source generated by graphflow.
        prefix: the start of the module's file name: lowercase letters, digits and `_`.

    Returns:
        The executed module (shared by every caller with the same source).

    Raises:
        ValueError: for a prefix that is not a plain lowercase identifier.
    """
    if not isinstance(prefix, str) or _PREFIX.fullmatch(prefix) is None:
        raise ValueError(f"generated module prefix {prefix!r} must match {_PREFIX.pattern}")
    digest = hashlib.sha256(source.encode()).hexdigest()
    key = f"{prefix}_{digest[:20]}"
    with _lock:
        module = _modules.get(f"{prefix}_{digest}")
        if module is not None:
            return module
        folder = _usable_dir(_requested_dir())
        path = os.path.join(folder, f"{key}.py")
        if not _has_content(path, source):
            _write(folder, path, source)
        name = f"graphflow_{key}"
        module = ModuleType(name)
        module.__file__ = path
        sys.modules[name] = module
        # compiled from our string, not from the file: what runs is what graphflow generated
        exec(compile(source, path, "exec"), module.__dict__)  # noqa: S102
        _modules[f"{prefix}_{digest}"] = module
        return module
