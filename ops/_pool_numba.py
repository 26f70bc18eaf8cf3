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
def max_pool_2x2(x: np.ndarray, n0: int, n1: int, out: np.ndarray) -> None:  # pragma: no cover
    """`max_pool` for 2x2 windows at stride 2 that tile the image exactly: the four taps'
    maximum in registers, stored once per pixel (the general loop loads and stores the output
    per tap), with the same `max` calls in the same order, so NaN behaves identically."""
    _, oh, ow, c = out.shape
    for b in range(n0, n1):
        for oy in range(oh):
            for ox in range(ow):
                top, bottom = x[b, 2 * oy, 2 * ox:2 * ox + 2], x[b, 2 * oy + 1, 2 * ox:2 * ox + 2]
                o = out[b, oy, ox]
                for ch in range(c):
                    o[ch] = max(max(max(top[0, ch], top[1, ch]), bottom[0, ch]), bottom[1, ch])


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
def max_pool_grad_2x2(x: np.ndarray, dy: np.ndarray, n0: int, n1: int,
                      dx: np.ndarray) -> None:  # pragma: no cover - compiled
    """`max_pool_grad` for 2x2 windows at stride 2 that tile the image exactly (no padding, even
    height and width): every input pixel lies in one window, so each of dx's pixels is written
    once (dy or zero) instead of zeroed and scattered into, and the first-maximum search runs
    on four registers per channel, which vectorizes over the channels (the general loop's
    per-channel position arrays and scatter do not). Same rule: strict comparisons in row-major
    order, so ties and NaN go where the general loop sends them."""
    _, oh, ow, c = dy.shape
    for b in range(n0, n1):
        for oy in range(oh):
            for ox in range(ow):
                top, bottom = x[b, 2 * oy, 2 * ox:2 * ox + 2], x[b, 2 * oy + 1, 2 * ox:2 * ox + 2]
                grad_top = dx[b, 2 * oy, 2 * ox:2 * ox + 2]
                grad_bottom = dx[b, 2 * oy + 1, 2 * ox:2 * ox + 2]
                g = dy[b, oy, ox]
                for ch in range(c):
                    best, k = top[0, ch], 0
                    if top[1, ch] > best:
                        best, k = top[1, ch], 1
                    if bottom[0, ch] > best:
                        best, k = bottom[0, ch], 2
                    if bottom[1, ch] > best:
                        k = 3
                    d = g[ch]
                    grad_top[0, ch] = d if k == 0 else 0
                    grad_top[1, ch] = d if k == 1 else 0
                    grad_bottom[0, ch] = d if k == 2 else 0
                    grad_bottom[1, ch] = d if k == 3 else 0


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
