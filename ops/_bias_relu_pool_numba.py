"""numba kernel of `_BiasReluMaxPool` (ops/bias_relu_pool.py): `r = relu(z + bias)` and the max
pool of r in one pass over images [n0, n1) (NHWC), so the batch splits over cores
(`_cpu_workers`).

Why: unfused, the bias + ReLU loop writes r ([64, 28, 28, 32] float32, 6.4 MB on the CNN
benchmark's first layer) and MaxPool reads it all back from memory; here each image's r is
pooled right after it is written, while it is still in the core's cache (one image: 100 KB).
The rows are those of the fused program it replaces (ops/elementwise.py's Add, activations.py's
Relu: NaN passes through), so r is bit for bit the unfused one; the pool is `_pool_numba`'s.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._pool_numba import max_pool


@njit(cache=True, nogil=True)
def bias_relu_max_pool(z: np.ndarray, bias: np.ndarray, n0: int, n1: int, kh: int, kw: int,
                       sh: int, sw: int, top: int, left: int, r: np.ndarray,
                       pooled: np.ndarray) -> None:  # pragma: no cover - compiled
    """r[b] = relu(z[b] + bias) and pooled[b] = its max pool, for b in [n0, n1)."""
    _, h, w, c = z.shape
    zero = z.dtype.type(0)
    for b in range(n0, n1):
        for y in range(h):
            for x in range(w):
                for ch in range(c):
                    s = z[b, y, x, ch] + bias[ch]
                    r[b, y, x, ch] = s if s > 0 else (s if s != s else zero)
        max_pool(r, b, b + 1, kh, kw, sh, sw, top, left, pooled)
