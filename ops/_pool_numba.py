"""numba kernels of max/avg pooling and their gradients (NHWC), one pass each over images
[n0, n1) so the batch splits over cores (`_cpu_workers`).

Channels are innermost (contiguous, vectorized). Window taps in the padding are skipped, which
is TF1's rule: padding never wins a max and is not counted in an average; the input is never
padded. A max-pool gradient goes to the first (row-major) maximum of each window, found in the
same pass; the gradients scatter within one image, so images never share an output element.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def max_pool(x: np.ndarray, n0: int, n1: int, kh: int, kw: int, sh: int, sw: int, top: int,
             left: int, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """out[b, oy, ox, c] = the max of x over the window's real (non-padding) pixels."""
    _, h, w, c = x.shape
    _, oh, ow, _ = out.shape
    for b in range(n0, n1):
        for oy in range(oh):
            y0 = oy * sh - top
            for ox in range(ow):
                x0 = ox * sw - left
                first = True
                for i in range(max(0, -y0), min(kh, h - y0)):
                    for j in range(max(0, -x0), min(kw, w - x0)):
                        if first:
                            for ch in range(c):
                                out[b, oy, ox, ch] = x[b, y0 + i, x0 + j, ch]
                            first = False
                        else:
                            for ch in range(c):
                                out[b, oy, ox, ch] = max(out[b, oy, ox, ch], x[b, y0 + i, x0 + j, ch])


@njit(cache=True, nogil=True)
def max_pool_grad(x: np.ndarray, dy: np.ndarray, n0: int, n1: int, kh: int, kw: int, sh: int,
                  sw: int, top: int, left: int, dx: np.ndarray) -> None:  # pragma: no cover
    """dx[b] for b in [n0, n1): each window's dy added at its first maximum."""
    _, h, w, c = x.shape
    _, oh, ow, _ = dy.shape
    best = np.empty(c, x.dtype)
    where_y = np.empty(c, np.int64)  # each channel's first maximum
    where_x = np.empty(c, np.int64)
    for b in range(n0, n1):
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
                    where_y[ch] = y0 + i0
                    where_x[ch] = x0 + j0
                for i in range(i0, i1):
                    for j in range(j0, j1):
                        for ch in range(c):
                            v = x[b, y0 + i, x0 + j, ch]
                            if v > best[ch]:  # strict: the first maximum wins ties
                                best[ch] = v
                                where_y[ch] = y0 + i
                                where_x[ch] = x0 + j
                for ch in range(c):
                    dx[b, where_y[ch], where_x[ch], ch] += dy[b, oy, ox, ch]


@njit(cache=True, nogil=True)
def avg_pool(x: np.ndarray, n0: int, n1: int, kh: int, kw: int, sh: int, sw: int, top: int,
             left: int, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """out[b, oy, ox, c] = the mean of x over the window's real pixels."""
    _, h, w, c = x.shape
    _, oh, ow, _ = out.shape
    for b in range(n0, n1):
        for oy in range(oh):
            y0 = oy * sh - top
            for ox in range(ow):
                x0 = ox * sw - left
                for ch in range(c):
                    out[b, oy, ox, ch] = 0
                count = 0
                for i in range(max(0, -y0), min(kh, h - y0)):
                    for j in range(max(0, -x0), min(kw, w - x0)):
                        count += 1
                        for ch in range(c):
                            out[b, oy, ox, ch] += x[b, y0 + i, x0 + j, ch]
                scale = 1.0 / max(count, 1)
                for ch in range(c):
                    out[b, oy, ox, ch] *= scale


@njit(cache=True, nogil=True)
def avg_pool_grad(dy: np.ndarray, n0: int, n1: int, kh: int, kw: int, sh: int, sw: int,
                  top: int, left: int, dx: np.ndarray) -> None:  # pragma: no cover - compiled
    """dx[b] for b in [n0, n1): each window's dy shared equally by its real pixels."""
    _, h, w, c = dx.shape
    _, oh, ow, _ = dy.shape
    for b in range(n0, n1):
        dx[b] = 0
        for oy in range(oh):
            y0 = oy * sh - top
            for ox in range(ow):
                x0 = ox * sw - left
                i0, i1 = max(0, -y0), min(kh, h - y0)
                j0, j1 = max(0, -x0), min(kw, w - x0)
                scale = 1.0 / max((i1 - i0) * (j1 - j0), 1)
                for i in range(i0, i1):
                    for j in range(j0, j1):
                        for ch in range(c):
                            dx[b, y0 + i, x0 + j, ch] += dy[b, oy, ox, ch] * scale
