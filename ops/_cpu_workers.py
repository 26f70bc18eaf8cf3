"""Splitting a kernel's batch over the machine's cores: one Python thread per core, each running
numba (nogil) and single-threaded BLAS on its own images.

Why not numba's parallel loops around a multi-threaded BLAS product: on a machine with few cores
the two runtimes' worker threads spin-wait for each other after every call (the product's and
the packing loop's), and each hand-over can cost a scheduler time slice. One split per kernel
call, with every core packing and multiplying its own images, hands over once and keeps each
core's packed windows in its own cache; the calling thread works too, and never waits for a
worker that has not started.

BLAS is set to one thread while such a split runs, and for kernels too small to split (waking
BLAS's threads costs more than they save there; MatMul has its own, lower, threshold); a
counter, so that overlapping calls from two sessions restore the count once
(`single_threaded_blas`, also used by small MatMuls). numpy's
OpenBLAS is toggled through its own functions (`_openblas_threads`), other BLAS libraries
through threadpoolctl; without threadpoolctl the work runs on the calling thread.

OpenBLAS's idle workers spin for about 0.1 s after each threaded product (ops._blas_spinners).
Before our own threads run side by side, `park_spinning_blas` ends them, and BLAS stays on one
thread (no thread count is set meanwhile: OpenBLAS starts its workers again on any such call,
and a new worker spins) until work asks for BLAS's threads again (`threaded_blas`,
`threaded_matmul`).
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from . import _blas_spinners
from ._blas_spinners import note_threaded_product
from ._openblas_threads import numpy_openblas

try:  # optional: without it kernels stay correct, on one thread plus BLAS's own threads
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover - depends on the environment
    ThreadpoolController = None

WORKERS = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else
              (os.cpu_count() or 1))

_lock = threading.Lock()
# parked: the thread counts to restore once BLAS's pool, ended by park_spinning_blas, is
# wanted again (None while it runs)
_state: dict[str, Any] = {"pool": None, "pid": None, "blas": None, "active": 0, "saved": [],
                          "parked": None}


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
        if _state["active"] == 0 and _state["parked"] is None:  # a parked pool: one thread
            libraries = _blas_libraries()
            _state["saved"] = [lib.num_threads for lib in libraries]
            for lib in libraries:
                lib.set_num_threads(1)
        _state["active"] += 1


def _leave_single_threaded_blas() -> None:
    with _lock:
        _state["active"] -= 1
        if _state["active"] == 0 and _state["parked"] is None:
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


def blas_on_one_thread() -> bool:
    """Whether BLAS runs on one thread now (inside a `single_threaded_blas` block)."""
    return _state["active"] > 0


def park_spinning_blas() -> bool:
    """Inside a `single_threaded_blas` block, before our own threads run side by side: ends
    numpy's OpenBLAS workers where they may be spinning (a threaded product within
    `_blas_spinners.SPIN_WINDOW_S`) and no other Python thread could be using BLAS. BLAS then
    stays on one thread after the block, its workers ended, until `bring_back_blas_threads`.

    Returns:
        Whether the workers were ended.
    """
    if not _blas_spinners.may_spin() or not _blas_spinners.only_this_thread_runs_python():
        return False
    with _lock:
        libraries = _blas_libraries()
        if _state["active"] == 0 or _state["parked"] is not None or not all(
                getattr(lib, "can_stop_workers", False) for lib in libraries):
            return False
        for lib in libraries:
            lib.stop_workers()
        _state["parked"] = list(_state["saved"])
    _blas_spinners.forget_threaded_products()
    return True


def bring_back_blas_threads() -> None:
    """Before a product that may run on BLAS's threads (outside any `single_threaded_blas`
    block): restores the thread count of a pool `park_spinning_blas` ended (OpenBLAS starts
    its workers again)."""
    if _state["parked"] is None:
        return
    with _lock:
        if _state["parked"] is not None and _state["active"] == 0:
            for lib, count in zip(_blas_libraries(), _state["parked"]):
                lib.set_num_threads(count)
            _state["parked"] = None


class threaded_blas:  # noqa: N801 - used as a function: `with threaded_blas():`
    """Around work allowed to run on BLAS's threads: a parked pool is brought back first, and
    the time noted afterwards (its workers then spin a while). Inside a `single_threaded_blas`
    block the work stays on one thread and nothing is noted."""

    __slots__ = ()

    def __enter__(self) -> None:
        bring_back_blas_threads()

    def __exit__(self, *exc_info: Any) -> None:
        if _state["active"] == 0:
            note_threaded_product()


def threaded_matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """`np.matmul(a, b, out=out)` allowed to run on BLAS's threads (`threaded_blas`)."""
    with threaded_blas():
        return np.matmul(a, b, out=out)


#: Multiply-adds (or element visits) below which a kernel runs on the calling thread (about
#: 0.4 ms of one core): waking a worker costs tens of microseconds on an idle machine but up to
#: a scheduler time slice on a busy one, more than splitting such a kernel saves. The separable
#: benchmark's 1x1 convolutions (8 to 17 million) ran 3x slower split on a loaded machine.
MIN_SPLIT_WORK = 20_000_000

#: Multiply-adds from which a MatMul keeps BLAS's own threads (below: `single_threaded_blas`).
#: Lower than MIN_SPLIT_WORK: BLAS's threads hand over inside one call, no Python thread wakes.
#: Measured 2026-12-06 (2 cores, load 2.5, other sessions running): the MLP Adam step (products
#: of 8.4M) 1.6-1.7 ms threaded against 1.9-2.0 ms single-threaded, the LSTM step (10.2M)
#: 25 ms against 33 ms and its inference 7.8 against 10.5 ms; products of 1-2M gain nothing
#: reliable and lose up to 2x when the second core is busy.
MIN_THREADED_MATMUL_WORK = 4_000_000


def workers_for(n: int, cost: int) -> int:
    """How many workers a batch of `n` images costing `cost` multiply-adds is split over."""
    if ThreadpoolController is None or cost < MIN_SPLIT_WORK:
        return 1
    return max(1, min(WORKERS, n))


def split_images(n: int, work: Callable[[int, int, int], None], cost: int,
                 most: int | None = None) -> None:
    """Runs `work(worker, lo, hi)` over ranges of images tiling [0, n) once each, at most `most`
    images a range (default: a quarter of an even share), handed out in turn to the calling
    thread (worker 0) and up to `workers_for(n, cost) - 1` pool threads. `worker` identifies the
    thread, so per-worker scratch and partial sums need no locks.

    Ranges are taken from a shared counter rather than dealt out in advance: on a busy machine a
    pool thread may not run for a whole time slice, and the caller then does its ranges instead
    of waiting for it (a range a worker has begun is waited for).

    Raises:
        Exception: whatever `work` raised (after every started range finished).
    """
    parts = workers_for(n, cost)
    if parts == 1 and cost >= MIN_SPLIT_WORK:  # one large image: BLAS's threads share it
        with threaded_blas():
            work(0, 0, n)
        return
    _enter_single_threaded_blas()  # small products too: BLAS's threads cost more than they save
    try:
        if parts == 1:
            work(0, 0, n)
            return
        size = max(1, min(most or n, -(-n // (4 * parts))))
        ranges = [(lo, min(n, lo + size)) for lo in range(0, n, size)]
        taken = itertools.count()  # next() on it is atomic under the GIL

        def take_ranges(worker: int) -> None:
            for index in iter(taken.__next__, None):
                if index >= len(ranges):
                    return
                work(worker, *ranges[index])

        with _lock:  # a forked child has the pool object but not its threads: a new one
            if _state["pool"] is None or _state["pid"] != os.getpid():
                _state["pool"] = ThreadPoolExecutor(
                    WORKERS - 1, thread_name_prefix=_blas_spinners.OWN_WORKER_PREFIX)
                _state["pid"] = os.getpid()
            pool = _state["pool"]
        futures = [pool.submit(take_ranges, worker) for worker in range(1, parts)]
        try:
            take_ranges(0)
        finally:
            for future in futures:  # a worker that never started is dropped, one that did waited for
                if not future.cancel():
                    future.exception()
        for future in futures:
            if not future.cancelled():
                future.result()
    finally:
        _leave_single_threaded_blas()
