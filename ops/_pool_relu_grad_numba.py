"""numba kernel of `_MaxPoolReluGrad` (ops/pool_relu_grad.py): the max-pool gradient, the ReLU
mask and the per-channel sums of the result in one pass over images [n0, n1) (NHWC), so the
batch splits over cores (`_cpu_workers`).

Why one pass: unfused, the max-pool gradient writes the gradient, ReluGrad reads it back with the
ReLU's output and writes it again, and the bias gradient reads it once more: three extra trips
through memory for a [64, 28, 28, 32] float32 tensor (6.4 MB each) that this kernel writes once.

Each window's first maximum (row-major, the tap index kept per channel) is found with
branch-free selects over the channels, which are innermost and contiguous, so the loops
vectorize. Where the windows tile the image exactly (stride = window, no gaps: the common 2x2
pool), every input element belongs to one window and is written once; otherwise the image is
zeroed and the windows' shares are added. The mask is ReluGrad's row as written in
ops/activations.py (`g if y > 0 else g * 0`, so NaN gradients stay NaN), applied to each share.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def max_pool_relu_grad(x: np.ndarray, dy: np.ndarray, n0: int, n1: int, kh: int, kw: int,
                       sh: int, sw: int, top: int, left: int, tiles: bool, with_sums: bool,
                       dx: np.ndarray, sums: np.ndarray) -> None:  # pragma: no cover - compiled
    """dx[b] for b in [n0, n1): each window's dy at its first maximum, masked where x <= 0;
    with `with_sums`, the masked shares added per image and channel into sums[b] (float64
    [n, c], zeroed by the caller: per image, so the total's order never depends on which
    worker ran which images).

    Args:
        x: the pooled input, which is also the ReLU's output (the mask), [n, h, w, c].
        dy: the pool's output gradient, [n, oh, ow, c].
        tiles: the windows tile the image exactly (each element in exactly one window).
    """
    _, h, w, c = x.shape
    _, oh, ow, _ = dy.shape
    best = np.empty(c, x.dtype)
    tap = np.empty(c, np.int64)  # each channel's first maximum, as i * kw + j
    zero = x.dtype.type(0)
    for b in range(n0, n1):
        if not tiles:
            dx[b] = 0
        for oy in range(oh):
            y0 = oy * sh - top
            i0, i1 = max(0, -y0), min(kh, h - y0)
            for ox in range(ow):
                x0 = ox * sw - left
                j0, j1 = max(0, -x0), min(kw, w - x0)
                if i0 >= i1 or j0 >= j1:
                    continue
                for ch in range(c):
                    best[ch] = x[b, y0 + i0, x0 + j0, ch]
                    tap[ch] = i0 * kw + j0
                for i in range(i0, i1):
                    for j in range(j0, j1):
                        t = i * kw + j
                        for ch in range(c):
                            v = x[b, y0 + i, x0 + j, ch]
                            larger = v > best[ch]  # strict: the first maximum wins ties
                            best[ch] = v if larger else best[ch]
                            tap[ch] = t if larger else tap[ch]
                for i in range(i0, i1):
                    for j in range(j0, j1):
                        t = i * kw + j
                        for ch in range(c):
                            g = dy[b, oy, ox, ch] if tap[ch] == t else zero
                            g = g if x[b, y0 + i, x0 + j, ch] > 0 else g * 0
                            if tiles:
                                dx[b, y0 + i, x0 + j, ch] = g
                            else:
                                dx[b, y0 + i, x0 + j, ch] += g
                            if with_sums:
                                sums[b, ch] += g
