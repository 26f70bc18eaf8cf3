"""numba kernels of the depthwise convolution (channel multiplier 1; the op runs a multiplier M as
M calls on strided channel views), NHWC, over images [n0, n1) so the batch splits over cores.

Every loop nest keeps channels innermost: input, filter tap and output are contiguous along
them, so each tap is one vectorized multiply-add over a row of channels. Taps that fall in the
padding are skipped, so the input is never padded. The input gradient is a gather (each input
pixel sums the outputs whose windows cover it), so no two images or rows write one place.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def depthwise_forward(x: np.ndarray, f: np.ndarray, n0: int, n1: int, sh: int, sw: int, dh: int,
                      dw: int, top: int, left: int, out: np.ndarray) -> None:  # pragma: no cover
    """out[b, oy, ox, c] = sum over taps (i, j) of x[b, oy*sh-top+i*dh, ox*sw-left+j*dw, c] *
    f[i, j, c], for b in [n0, n1); `f` is [kh, kw, C]."""
    _, h, w, c = x.shape
    kh, kw, _ = f.shape
    _, oh, ow, _ = out.shape
    for b in range(n0, n1):
        for oy in range(oh):
            for ox in range(ow):
                for ch in range(c):
                    out[b, oy, ox, ch] = 0
                for i in range(kh):
                    y = oy * sh - top + i * dh
                    if y < 0 or y >= h:
                        continue
                    for j in range(kw):
                        xx = ox * sw - left + j * dw
                        if xx < 0 or xx >= w:
                            continue
                        for ch in range(c):
                            out[b, oy, ox, ch] += x[b, y, xx, ch] * f[i, j, ch]


@njit(cache=True, nogil=True)
def depthwise_input_grad(dy: np.ndarray, f: np.ndarray, n0: int, n1: int, sh: int, sw: int,
                         dh: int, dw: int, top: int, left: int,
                         dx: np.ndarray) -> None:  # pragma: no cover
    """dx[b] for b in [n0, n1): every input pixel gathers dy * f over the windows covering it."""
    _, h, w, c = dx.shape
    kh, kw, _ = f.shape
    _, oh, ow, _ = dy.shape
    for b in range(n0, n1):
        for y in range(h):
            for xx in range(w):
                for ch in range(c):
                    dx[b, y, xx, ch] = 0
                for i in range(kh):
                    ty = y + top - i * dh
                    if ty < 0 or ty % sh != 0 or ty // sh >= oh:
                        continue
                    oy = ty // sh
                    for j in range(kw):
                        tx = xx + left - j * dw
                        if tx < 0 or tx % sw != 0 or tx // sw >= ow:
                            continue
                        ox = tx // sw
                        for ch in range(c):
                            dx[b, y, xx, ch] += dy[b, oy, ox, ch] * f[i, j, ch]


@njit(cache=True, nogil=True)
def depthwise_filter_grad(x: np.ndarray, dy: np.ndarray, n0: int, n1: int, sh: int, sw: int,
                          dh: int, dw: int, top: int, left: int,
                          df: np.ndarray) -> None:  # pragma: no cover
    """df[i, j, c] += the sum over images [n0, n1) and output pixels of x at tap (i, j) * dy."""
    _, h, w, c = x.shape
    kh, kw, _ = df.shape
    _, oh, ow, _ = dy.shape
    for b in range(n0, n1):
        for oy in range(oh):
            for ox in range(ow):
                for i in range(kh):
                    y = oy * sh - top + i * dh
                    if y < 0 or y >= h:
                        continue
                    for j in range(kw):
                        xx = ox * sw - left + j * dw
                        if xx < 0 or xx >= w:
                            continue
                        for ch in range(c):
                            df[i, j, ch] += x[b, y, xx, ch] * dy[b, oy, ox, ch]


@njit(cache=True, nogil=True)
def depthwise_forward_3x3(x: np.ndarray, f: np.ndarray, n0: int, n1: int, sh: int, sw: int,
                          dh: int, dw: int, top: int, left: int,
                          out: np.ndarray) -> None:  # pragma: no cover
    """`depthwise_forward` for a 3x3 filter: each output pixel sums its nine taps in registers
    and is stored once (the general loop loads and stores the output row once per tap, which
    bounds it), reading a zero-padded copy of one image at a time (small enough to stay in the
    L1/L2 cache) so that no tap is ever out of range. `top` and `left` must be >= 0."""
    _, h, w, c = x.shape
    _, oh, ow, _ = out.shape
    pad = np.zeros((max((oh - 1) * sh + 2 * dh + 1, top + h),
                    max((ow - 1) * sw + 2 * dw + 1, left + w), c), x.dtype)
    f00, f01, f02 = f[0, 0], f[0, 1], f[0, 2]
    f10, f11, f12 = f[1, 0], f[1, 1], f[1, 2]
    f20, f21, f22 = f[2, 0], f[2, 1], f[2, 2]
    for b in range(n0, n1):
        for y in range(h):  # the border of `pad` stays zero: only the interior is rewritten
            for xx in range(w):
                src, dst = x[b, y, xx], pad[top + y, left + xx]
                for ch in range(c):
                    dst[ch] = src[ch]
        for oy in range(oh):
            y0, y1, y2 = oy * sh, oy * sh + dh, oy * sh + 2 * dh
            for ox in range(ow):
                x0, x1, x2 = ox * sw, ox * sw + dw, ox * sw + 2 * dw
                a0, a1, a2 = pad[y0, x0], pad[y0, x1], pad[y0, x2]
                b0, b1, b2 = pad[y1, x0], pad[y1, x1], pad[y1, x2]
                c0, c1, c2 = pad[y2, x0], pad[y2, x1], pad[y2, x2]
                o = out[b, oy, ox]
                for ch in range(c):
                    o[ch] = (a0[ch] * f00[ch] + a1[ch] * f01[ch] + a2[ch] * f02[ch]
                             + b0[ch] * f10[ch] + b1[ch] * f11[ch] + b2[ch] * f12[ch]
                             + c0[ch] * f20[ch] + c1[ch] * f21[ch] + c2[ch] * f22[ch])


@njit(cache=True, nogil=True)
def depthwise_filter_grad_rows(x: np.ndarray, dy: np.ndarray, n0: int, n1: int, sh: int, dh: int,
                               dw: int, top: int, left: int,
                               df: np.ndarray) -> None:  # pragma: no cover
    """`depthwise_filter_grad` for a width stride of 1, on rows: `x` [N,H,W*C] and `dy`
    [N,oh,ow*C] (free reshapes of NHWC). With stride 1 a tap's inputs along an output row are
    one contiguous run of the input row, so each (row, tap) is one long multiply-add of two
    contiguous runs into a per-tap accumulator [ow*C] (summed over ow at the end), where the
    pixel loop runs one short loop of C per pixel and tap, whose setup dominates at C = 32-128
    (165 against 208 us for [64, 8, 8, 64])."""
    _, h, wc = x.shape
    kh, kw, c = df.shape
    _, oh, owc = dy.shape
    w, ow = wc // c, owc // c
    acc = np.zeros((kh * kw, owc), x.dtype)
    for b in range(n0, n1):
        for oy in range(oh):
            grad_row = dy[b, oy]
            for i in range(kh):
                y = oy * sh - top + i * dh
                if y < 0 or y >= h:
                    continue
                row = x[b, y]
                for j in range(kw):
                    # outputs [lo, hi) read input columns [lo + j*dw - left, ...) inside the row
                    lo, hi = max(0, left - j * dw), min(ow, w + left - j * dw)
                    if lo >= hi:
                        continue
                    start, size = (lo + j * dw - left) * c, (hi - lo) * c
                    # slices, so that every index below is a non-negative loop counter
                    src, grad = row[start:start + size], grad_row[lo * c:hi * c]
                    total = acc[i * kw + j, lo * c:hi * c]
                    for k in range(size):
                        total[k] += src[k] * grad[k]
    for t in range(kh * kw):
        for ox in range(ow):
            for ch in range(c):
                df[t // kw, t % kw, ch] += acc[t, ox * c + ch]
