"""numba kernels that pack a convolution's windows for one BLAS product, and unpack its adjoint.

`im2col` writes the windows of images [n0, n1) of an NHWC input into rows of a reused buffer
(padding written as zeros, so the input is never padded first); `col2im` is its adjoint for the
input gradient, written as a gather (every input pixel sums the window entries that saw it), so
image ranges run on separate cores without races and the output needs no zeroing pass.
Channels are innermost (contiguous, vectorized). One compile serves every shape and geometry
(the geometry is arguments, not constants).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def im2col(x: np.ndarray, n0: int, n1: int, kh: int, kw: int, sh: int, sw: int, dh: int, dw: int,
           top: int, left: int, oh: int, ow: int, cols: np.ndarray) -> None:  # pragma: no cover
    """Row ((b - n0) * oh + oy) * ow + ox of `cols` <- the window of output (b, oy, ox), taps
    row-major then channels (the order of a [kh, kw, C, OC] filter reshaped to 2-D)."""
    _, h, w, c = x.shape
    for r in range((n1 - n0) * oh):
        b = n0 + r // oh
        oy = r % oh
        for ox in range(ow):
            row = r * ow + ox
            for i in range(kh):
                y = oy * sh - top + i * dh
                for j in range(kw):
                    xx = ox * sw - left + j * dw
                    col = (i * kw + j) * c
                    if 0 <= y < h and 0 <= xx < w:
                        for ch in range(c):
                            cols[row, col + ch] = x[b, y, xx, ch]
                    else:
                        for ch in range(c):
                            cols[row, col + ch] = 0


@njit(cache=True, nogil=True)
def col2im(dcols: np.ndarray, n0: int, n1: int, kh: int, kw: int, sh: int, sw: int, dh: int,
           dw: int, top: int, left: int, oh: int, ow: int, dx: np.ndarray) -> None:  # pragma: no cover
    """dx[b] for b in [n0, n1) <- the sum of the `dcols` entries (laid out as `im2col`'s) of every
    window that covers each pixel; pixels no window covers get 0."""
    _, h, w, c = dx.shape
    for r in range((n1 - n0) * h):
        local = r // h
        b = n0 + local
        y = r % h
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
                    row = (local * oh + oy) * ow + tx // sw
                    col = (i * kw + j) * c
                    for ch in range(c):
                        dx[b, y, xx, ch] += dcols[row, col + ch]


@njit(cache=True, nogil=True)
def im2col_t(x: np.ndarray, n0: int, n1: int, kh: int, kw: int, sh: int, sw: int, dh: int,
             dw: int, top: int, left: int, oh: int, ow: int,
             cols_t: np.ndarray) -> None:  # pragma: no cover - compiled
    """`im2col` transposed: column ((b - n0) * oh + oy) * ow + ox of `cols_t` [kh*kw*C, rows]
    <- the window of output (b, oy, ox). For few channels: each tap and channel is then one
    contiguous run of `ow` values per output row, where `im2col` writes C values at a time.

    Each image is first copied into a zero-bordered buffer (small: it stays in the cache), so
    every run is a plain strided copy: computing each tap's in-range outputs (two floor
    divisions) and zero-filling around them per run cost more than the copying itself (86 ->
    49 us for the 3x3 one-channel stem of the separable model, [64, 8, 8, 1]). `top` and
    `left` must be >= 0."""
    _, h, w, c = x.shape
    pad = np.zeros((max((oh - 1) * sh + (kh - 1) * dh + 1, top + h),
                    max((ow - 1) * sw + (kw - 1) * dw + 1, left + w), c), x.dtype)
    for b in range(n0, n1):
        for y in range(h):  # the border of `pad` stays zero: only the interior is rewritten
            for xx in range(w):
                for ch in range(c):
                    pad[top + y, left + xx, ch] = x[b, y, xx, ch]
        for oy in range(oh):
            base = ((b - n0) * oh + oy) * ow
            for i in range(kh):
                py = oy * sh + i * dh
                for j in range(kw):
                    for ch in range(c):
                        row = (i * kw + j) * c + ch
                        for ox in range(ow):
                            cols_t[row, base + ox] = pad[py, ox * sw + j * dw, ch]


@njit(cache=True, nogil=True)
def col2im_t(dcols_t: np.ndarray, n0: int, n1: int, kh: int, kw: int, sh: int, sw: int, dh: int,
             dw: int, top: int, left: int, oh: int, ow: int,
             dx: np.ndarray) -> None:  # pragma: no cover - compiled
    """The adjoint of `im2col_t`: dx[b] for b in [n0, n1) <- the entries of `dcols_t`
    [kh*kw*C, rows] added back where their windows read them. A scatter within each image (one
    contiguous run of output pixels per tap, channel and output row)."""
    _, h, w, c = dx.shape
    for b in range(n0, n1):
        dx[b] = 0
        for oy in range(oh):
            base = ((b - n0) * oh + oy) * ow
            for i in range(kh):
                y = oy * sh - top + i * dh
                if y < 0 or y >= h:
                    continue
                for j in range(kw):
                    shift = j * dw - left
                    lo = min(ow, max(0, (-shift + sw - 1) // sw))
                    hi = max(lo, min(ow, (w - 1 - shift) // sw + 1)) if w - 1 - shift >= 0 else lo
                    for ch in range(c):
                        row = (i * kw + j) * c + ch
                        for ox in range(lo, hi):
                            dx[b, y, ox * sw + shift, ch] += dcols_t[row, base + ox]


@njit(cache=True, nogil=True)
def conv3x3_one_channel(x: np.ndarray, f: np.ndarray, n0: int, n1: int, sh: int, sw: int, dh: int,
                        dw: int, top: int, left: int,
                        out: np.ndarray) -> None:  # pragma: no cover - compiled
    """The 3x3 convolution of a one-channel input (a first layer), images [n0, n1) of `x`
    [N,H,W,1] with `f` [9, OC] into `out` [N,oh,ow,OC], directly: each output pixel is nine
    scalars times nine filter rows, summed in registers over the output channels and stored
    once. Packing nine values per pixel for a product whose inner dimension is 9 costs more
    than this loop (44 against 109 us for the separable model's [64, 8, 8, 1] -> 32 stem).
    Reads a zero-bordered copy of one image at a time; `top` and `left` must be >= 0."""
    _, h, w, _ = x.shape
    _, oh, ow, oc = out.shape
    pad = np.zeros((max((oh - 1) * sh + 2 * dh + 1, top + h),
                    max((ow - 1) * sw + 2 * dw + 1, left + w)), x.dtype)
    f0, f1, f2, f3, f4, f5, f6, f7, f8 = f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]
    for b in range(n0, n1):
        for y in range(h):  # the border of `pad` stays zero: only the interior is rewritten
            for xx in range(w):
                pad[top + y, left + xx] = x[b, y, xx, 0]
        for oy in range(oh):
            y0, y1, y2 = oy * sh, oy * sh + dh, oy * sh + 2 * dh
            for ox in range(ow):
                x0, x1, x2 = ox * sw, ox * sw + dw, ox * sw + 2 * dw
                s0, s1, s2 = pad[y0, x0], pad[y0, x1], pad[y0, x2]
                s3, s4, s5 = pad[y1, x0], pad[y1, x1], pad[y1, x2]
                s6, s7, s8 = pad[y2, x0], pad[y2, x1], pad[y2, x2]
                o = out[b, oy, ox]
                for k in range(oc):
                    o[k] = (s0 * f0[k] + s1 * f1[k] + s2 * f2[k] + s3 * f3[k] + s4 * f4[k]
                            + s5 * f5[k] + s6 * f6[k] + s7 * f7[k] + s8 * f8[k])
