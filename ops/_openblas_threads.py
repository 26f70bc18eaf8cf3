"""numpy's OpenBLAS thread count through its own C functions, for machines without threadpoolctl.

numpy's wheels bundle OpenBLAS (as `libscipy_openblas64_*.so` in numpy.libs, older wheels as
`libopenblas*`), whose exported `*openblas_get_num_threads*` / `*openblas_set_num_threads*`
functions read and set its pool size; a prefix/suffix names them per build (scipy-openblas's
`scipy_openblas_set_num_threads64_`). `numpy_openblas()` returns an object with threadpoolctl's
`num_threads` / `set_num_threads` interface, or None where numpy's BLAS is not a loadable OpenBLAS
(then callers leave BLAS's threads as they are). Its `stop_workers` ends the library's worker
threads through the exported `blas_thread_shutdown_` (see ops._blas_spinners for when that is
safe).
"""

from __future__ import annotations

import ctypes
import glob
import os

import numpy as np

# (getter, setter) names by OpenBLAS build, most specific first.
_FUNCTION_NAMES = (("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
                   ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
                   ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
                   ("openblas_get_num_threads", "openblas_set_num_threads"))


class OpenBLASThreads:
    """The thread count of one loaded OpenBLAS (threadpoolctl's controller interface).

    Args:
        library: the loaded library.
        getter: the name of its `get_num_threads` function.
        setter: the name of its `set_num_threads` function.
        filepath: where it was loaded from.
    """

    def __init__(self, library: ctypes.CDLL, getter: str, setter: str, filepath: str):
        self._get = getattr(library, getter)
        self._get.restype = ctypes.c_int
        self._set = getattr(library, setter)
        self._set.argtypes = [ctypes.c_int]
        self._set.restype = None
        # ends the worker threads; the next threaded product starts them again
        self._shutdown = getattr(library, "blas_thread_shutdown_", None)
        self.library = library
        self.filepath = filepath

    @property
    def num_threads(self) -> int:
        """The current pool size."""
        return int(self._get())

    def set_num_threads(self, count: int) -> None:
        """Sets the pool size to `count` (>= 1)."""
        self._set(int(count))

    @property
    def can_stop_workers(self) -> bool:
        """Whether the library exports its thread shutdown."""
        return self._shutdown is not None

    def stop_workers(self) -> None:
        """Ends the worker threads (idle or spinning). Only while no other thread runs a
        product on them: the shutdown takes them away from it, and it would wait forever."""
        if self._shutdown is not None:
            self._shutdown()


def _candidate_paths() -> list[str]:
    root = os.path.dirname(np.__file__)
    found: list[str] = []
    for folder in (os.path.join(root, "..", "numpy.libs"), os.path.join(root, ".libs")):
        for pattern in ("*openblas*.so*", "*openblas*.dylib", "*openblas*.dll"):
            found.extend(sorted(glob.glob(os.path.join(folder, pattern))))
    return found


def numpy_openblas() -> OpenBLASThreads | None:
    """The thread control of the OpenBLAS numpy was built with, or None where there is none."""
    for path in _candidate_paths():
        try:
            library = ctypes.CDLL(path)  # already loaded by numpy: the same handle, no new copy
        except OSError:
            continue
        for getter, setter in _FUNCTION_NAMES:
            if hasattr(library, getter) and hasattr(library, setter):
                return OpenBLASThreads(library, getter, setter, os.path.realpath(path))
    return None


def numpy_blas_library() -> ctypes.CDLL | None:
    """The loaded OpenBLAS numpy was built with (for its other exported functions), or None."""
    found = numpy_openblas()
    return None if found is None else found.library
