"""Single-threaded 2-D products over column blocks, where measuring shows them faster.

OpenBLAS's one-thread sgemm runs some shapes much faster as several products over column blocks
of the right operand than as one: an LSTM's half-batch step, [64, 156] @ [156, 512], took 90 us
as eight [64, 156] @ [156, 64] products writing column blocks of the output, against 107 us
whole (the loop's products are about three quarters of LSTM inference). Other shapes gain from
blocks of 32 or 128 columns, or lose: [128, 784] @ [784, 256] took 513 us whole against 537-585
blocked. So the choice is measured, once per shape and layout, the first time a product of that
shape runs on one thread (`one_thread_matmul`), as FFTW plans a transform: each candidate runs
a few times in turn on random operands of the caller's shapes and layouts (C or Fortran order;
other views stay whole), and a blocking must beat the whole product by MIN_GAIN to be used.

The blocks are computed by a numba loop (nogil, ops._gemm_blocks_numba) calling numpy's own
OpenBLAS `cblas_?gemm` once per block: as many numpy calls, each taking the GIL back, lost the
gain wherever a second thread ran Python at the same time (an LSTM loop's two halves). Each
block is read and written in place (pointers into the operands and the output), and every output
element is the same dot product over the same inner dimension as in the whole product: results
are bit for bit numpy's where OpenBLAS runs the same kernel for a block as for the whole (not
always: blocks of 32 columns of a transposed right operand sum in another order). The tuning
checks that on its operands and keeps only the blockings that agree. Where numpy's BLAS exports
no `cblas_?gemm` products stay whole.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

#: Candidate block widths (columns of the right operand per product).
WIDTHS = (32, 64, 128)
#: Products tuned: at least this many output columns (two blocks of the narrowest width)...
MIN_COLUMNS = 64
#: ... and at most this many multiply-adds (about 0.6 ms on one core: the tuning runs each
#: candidate ROUNDS times).
MAX_TUNED_WORK = 50_000_000
#: A blocking is used only where its best time is at most this fraction of the whole product's.
MIN_GAIN = 0.95
ROUNDS = 5
#: Shapes remembered at most (a workload of ever new shapes stops tuning there).
MAX_CHOICES = 512

_choices: dict[tuple, int] = {}  # shape, dtype and layouts -> block width, 0 for the whole product
_tuning = threading.Lock()


def _gemm_blocks() -> Any:
    """ops._gemm_blocks_numba, imported on first use (it imports numba and llvmlite)."""
    from . import _gemm_blocks_numba

    return _gemm_blocks_numba


def _operand(x: np.ndarray, gemm: Any) -> tuple[int, int] | None:
    """(cblas transpose flag, leading dimension) of a 2-D operand read in place: rows
    contiguous (no transpose), or columns contiguous (a transposed view); None otherwise."""
    size = x.itemsize
    rows, cols = x.strides
    if cols == size and rows % size == 0 and rows >= size * max(1, x.shape[1]):
        return gemm.NO_TRANS, rows // size
    if rows == size and cols % size == 0 and cols >= size * max(1, x.shape[0]):
        return gemm.TRANS, cols // size
    return None


def blocked(a: np.ndarray, b: np.ndarray, width: int) -> np.ndarray | None:
    """`a @ b` (2-D, one float dtype) as products over blocks of `width` columns of `b`, each a
    cblas gemm in place; None where the layouts or numpy's BLAS do not allow it."""
    gemm = _gemm_blocks()
    layout_a, layout_b = _operand(a, gemm), _operand(b, gemm)
    if not gemm.AVAILABLE or layout_a is None or layout_b is None:
        return None
    (m, k), n = a.shape, b.shape[1]
    out = np.empty((m, n), a.dtype)
    gemm.gemm_blocks(a.dtype.char == "d", layout_a[0], layout_b[0], m, n, k, a.ctypes.data,
                     layout_a[1], b.ctypes.data, layout_b[1], b.strides[1], out.ctypes.data, n,
                     out.strides[1], width)
    return out


def _seconds(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _tune(a: np.ndarray, b: np.ndarray) -> int:
    """The fastest block width for a product of `a`'s and `b`'s shapes and layouts (0: the
    whole product), measured on random operands of those shapes and layouts: the caller's may
    be special (zeros), where a blocking that sums in another order could agree by chance."""
    rng = np.random.default_rng(0)
    a, b = (np.asarray(rng.standard_normal(x.shape), x.dtype, order="C" if x.flags.c_contiguous
                       else "F") for x in (a, b))
    whole = np.matmul(a, b)
    candidates = []
    for width in WIDTHS:
        if b.shape[1] % width or b.shape[1] < 2 * width:
            continue
        result = blocked(a, b, width)  # compiles on first use, and warms the candidate up
        if result is not None and np.array_equal(result, whole):
            candidates.append(width)
    if not candidates:
        return 0
    times = dict.fromkeys([0, *candidates], float("inf"))
    for _ in range(ROUNDS):  # in turn, so that a slow moment of the machine hits them all
        times[0] = min(times[0], _seconds(lambda: np.matmul(a, b)))
        for width in candidates:
            times[width] = min(times[width], _seconds(lambda w=width: blocked(a, b, w)))
    best = min(candidates, key=times.__getitem__)
    return best if times[best] <= MIN_GAIN * times[0] else 0


def one_thread_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`np.matmul(a, b)` for a caller whose BLAS runs on one thread: over column blocks where
    that was measured faster for this shape and layout (tuned on first use; see the module
    docstring)."""
    if a.ndim != 2 or b.ndim != 2 or b.shape[1] < MIN_COLUMNS or a.dtype != b.dtype \
            or a.dtype.char not in "fd" or not a.dtype.isnative:  # cblas reads native floats
        return np.matmul(a, b)
    layouts = tuple("C" if x.flags.c_contiguous else "F" if x.flags.f_contiguous else None
                    for x in (a, b))
    if None in layouts:  # a view with gaps: tuned and checked on contiguous operands only
        return np.matmul(a, b)
    key = (a.shape, b.shape, a.dtype.char, layouts)
    width = _choices.get(key)
    if width is None:
        if a.shape[0] * a.shape[1] * b.shape[1] > MAX_TUNED_WORK or len(_choices) >= MAX_CHOICES \
                or not _tuning.acquire(blocking=False):  # another thread tunes: not measured now
            return np.matmul(a, b)
        try:
            width = _choices.setdefault(key, _tune(a, b))
        finally:
            _tuning.release()
    if width:
        out = blocked(a, b, width)
        if out is not None:
            return out
    return np.matmul(a, b)
