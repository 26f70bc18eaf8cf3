"""Splitting a kernel's batch over the machine's cores: one Python thread per core, each running
numba (nogil) and single-threaded BLAS on its own images.

Why not numba's parallel loops around a multi-threaded BLAS product: on a machine with few cores
the two runtimes' worker threads spin-wait for each other after every call (the product's and
the packing loop's), and each hand-over can cost a scheduler time slice. One split per kernel
call, with every core packing and multiplying its own images, hands over once and keeps each
core's packed windows in its own cache.

BLAS is set to one thread while such a split runs, and for kernels too small to split (waking
BLAS's threads costs more than they save there); a counter, so that overlapping calls from two
sessions restore the count once (`single_threaded_blas`, also used by small MatMuls). numpy's
OpenBLAS is toggled through its own functions (`_openblas_threads`), other BLAS libraries
through threadpoolctl; without threadpoolctl the work runs on the calling thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ._openblas_threads import numpy_openblas

try:  # optional: without it kernels stay correct, on one thread plus BLAS's own threads
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover - depends on the environment
    ThreadpoolController = None

WORKERS = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else
              (os.cpu_count() or 1))

_lock = threading.Lock()
_state: dict[str, Any] = {"pool": None, "pid": None, "blas": None, "active": 0, "saved": []}


def _blas_libraries() -> list[Any]:
    """numpy's BLAS (all loaded BLAS libraries where none is recognizably numpy's)."""
    if _state["blas"] is None:
        # numpy's OpenBLAS through its own functions first: a toggle costs half of
        # threadpoolctl's (small MatMuls toggle twice per call); threadpoolctl for other BLAS
        direct = numpy_openblas()
        found = [] if ThreadpoolController is None or direct is not None else \
            ThreadpoolController().select(user_api="blas").lib_controllers
        _state["blas"] = [direct] if direct is not None else \
            [lib for lib in found if "numpy" in lib.filepath] or list(found)
    return _state["blas"]


def _enter_single_threaded_blas() -> None:
    with _lock:
        if _state["active"] == 0:
            libraries = _blas_libraries()
            _state["saved"] = [lib.num_threads for lib in libraries]
            for lib in libraries:
                lib.set_num_threads(1)
        _state["active"] += 1


def _leave_single_threaded_blas() -> None:
    with _lock:
        _state["active"] -= 1
        if _state["active"] == 0:
            for lib, count in zip(_blas_libraries(), _state["saved"]):
                lib.set_num_threads(count)


class single_threaded_blas:  # noqa: N801 - used as a function: `with single_threaded_blas():`
    """BLAS on one thread inside the block (nested and concurrent blocks restore it once). A
    class, not a generator context manager: half the cost around every small MatMul."""

    __slots__ = ()

    def __enter__(self) -> None:
        _enter_single_threaded_blas()

    def __exit__(self, *exc_info: Any) -> None:
        _leave_single_threaded_blas()


#: Multiply-adds (or element visits) below which a kernel runs on the calling thread (about
#: 0.4 ms of one core): waking a worker costs tens of microseconds on an idle machine but up to
#: a scheduler time slice on a busy one, more than splitting such a kernel saves. The separable
#: benchmark's 1x1 convolutions (8 to 17 million) ran 3x slower split on a loaded machine.
MIN_SPLIT_WORK = 20_000_000


def workers_for(n: int, cost: int) -> int:
    """How many workers a batch of `n` images costing `cost` multiply-adds is split over."""
    if ThreadpoolController is None or cost < MIN_SPLIT_WORK:
        return 1
    return max(1, min(WORKERS, n))


def split_images(n: int, work: Callable[[int, int, int], Any], cost: int) -> list[Any]:
    """Runs `work(worker, lo, hi)` over a split of images [0, n) into `workers_for(n, cost)`
    contiguous ranges, one per core, and returns the results in order.

    Raises:
        Exception: whatever a worker raised (the first, after every worker finished).
    """
    parts = workers_for(n, cost)
    if parts == 1 and cost >= MIN_SPLIT_WORK:  # one large image: BLAS's threads share it
        return [work(0, 0, n)]
    _enter_single_threaded_blas()  # small products too: BLAS's threads cost more than they save
    try:
        if parts == 1:
            return [work(0, 0, n)]
        bounds = [n * i // parts for i in range(parts + 1)]
        with _lock:  # a forked child has the pool object but not its threads: a new one
            if _state["pool"] is None or _state["pid"] != os.getpid():
                _state["pool"] = ThreadPoolExecutor(WORKERS - 1, thread_name_prefix="graphflow-conv")
                _state["pid"] = os.getpid()
            pool = _state["pool"]
        futures = [pool.submit(work, i, bounds[i], bounds[i + 1]) for i in range(1, parts)]
        try:
            first = work(0, bounds[0], bounds[1])  # the calling thread takes a share too
        finally:
            for future in futures:  # none outlives the single-threaded BLAS setting
                future.exception()
        return [first] + [f.result() for f in futures]
    finally:
        _leave_single_threaded_blas()
