"""numba kernel of the max-pool gradient (NHWC): one pass finding each window's first maximum,
channels innermost (contiguous, vectorized), instead of kh * kw whole-array comparisons."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def max_pool_grad_nhwc(xp: np.ndarray, dy: np.ndarray, kh: int, kw: int, sh: int, sw: int,
                       dxp: np.ndarray) -> None:  # pragma: no cover - compiled
    n, oh, ow, c = dy.shape
    best = np.empty(c, xp.dtype)
    where_i = np.empty(c, np.int64)
    where_j = np.empty(c, np.int64)
    for b in range(n):
        for oy in range(oh):
            y0 = oy * sh
            for ox in range(ow):
                x0 = ox * sw
                for ch in range(c):
                    best[ch] = xp[b, y0, x0, ch]
                    where_i[ch] = 0
                    where_j[ch] = 0
                for i in range(kh):
                    for j in range(kw):
                        for ch in range(c):
                            v = xp[b, y0 + i, x0 + j, ch]
                            if v > best[ch]:  # strict: the first maximum wins ties
                                best[ch] = v
                                where_i[ch] = i
                                where_j[ch] = j
                for ch in range(c):
                    dxp[b, y0 + where_i[ch], x0 + where_j[ch], ch] += dy[b, oy, ox, ch]
