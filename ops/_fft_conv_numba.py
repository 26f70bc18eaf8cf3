"""numba kernels of the FFT convolutions (`_fft_conv`): 2-D discrete Fourier transforms of NHWC
images, and back.

A transform is one pass along W and one along H. Along W (real pixels in, or out) one radix-2
step (the grid sides are even) is followed by a small dense DFT (tables of cosines and sines
passed in): the even frequencies are the half-length DFT of the sums x[j] + x[j + L/2], the odd
ones of the differences. Along H (complex) an FFT: radix-2 stages while the length is even, then
a dense DFT of the odd rest (`_fft_rows`). Channels are innermost and every loop runs over whole
rows of [frequency, channel] values, contiguous and long enough to vectorize. One compile serves
every shape.

A spectrum is laid out `spec[n, k, 0:C]` (real parts) and `spec[n, k, C:2C]` (imaginary
parts), k = f1 * F2 + f2 over the L1 x F2 half spectrum of a real signal (F2 = L2 // 2 + 1):
each image's spectrum contiguous for these kernels, and for each frequency k an [N, 2C] matrix
with a row stride of K * 2C for the per-frequency products (one real GEMM each, `_fft_conv`).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _fft_rows(zr: np.ndarray, zi: np.ndarray, tw_r: np.ndarray, tw_i: np.ndarray,
              dm_r: np.ndarray, dm_i: np.ndarray, acc_r: np.ndarray,
              acc_i: np.ndarray) -> None:  # pragma: no cover - compiled
    """In place, the DFT along axis 0 of the complex rows (zr + i zi) [L, width], L = 2^a * m
    with m odd: `a` radix-2 decimation-in-frequency stages, then a dense DFT of length m in
    each block. Frequency f ends in row `pos[f]` (digit-reversed order; the tables and `pos`
    come from `_fft_conv._fft_tables`).

    Args:
        tw_r, tw_i: [a, L / 2] stage s's twiddles e^{sign 2 pi i j / (L / 2^s)}.
        dm_r, dm_i: [m, m] the dense DFT e^{sign 2 pi i p q / m}.
        acc_r, acc_i: scratch of at least m * width elements.
    """
    length, width = zr.shape
    size = length
    for stage in range(tw_r.shape[0]):
        half = size // 2
        for start in range(0, length, size):
            for j in range(half):
                wr = tw_r[stage, j]
                wi = tw_i[stage, j]
                top = start + j
                bottom = top + half
                for q in range(width):
                    ar = zr[top, q]
                    ai = zi[top, q]
                    br = zr[bottom, q]
                    bi = zi[bottom, q]
                    zr[top, q] = ar + br
                    zi[top, q] = ai + bi
                    dr = ar - br
                    di = ai - bi
                    zr[bottom, q] = dr * wr - di * wi
                    zi[bottom, q] = dr * wi + di * wr
        size = half
    m = dm_r.shape[0]
    if m == 1:
        return
    for start in range(0, length, m):
        for k in range(m * width):
            acc_r[k] = 0
            acc_i[k] = 0
        for out in range(m):
            for p in range(m):
                a = dm_r[out, p]
                s = dm_i[out, p]
                for q in range(width):
                    r = zr[start + p, q]
                    i = zi[start + p, q]
                    acc_r[out * width + q] += a * r - s * i
                    acc_i[out * width + q] += a * i + s * r
        for out in range(m):
            for q in range(width):
                zr[start + out, q] = acc_r[out * width + q]
                zi[start + out, q] = acc_i[out * width + q]


@njit(cache=True, nogil=True)
def forward_dft(x: np.ndarray, n0: int, n1: int, cw: np.ndarray, sw: np.ndarray,
                tw_r: np.ndarray, tw_i: np.ndarray, dm_r: np.ndarray, dm_i: np.ndarray,
                pos: np.ndarray, spec: np.ndarray) -> None:  # pragma: no cover - compiled
    """spec[b] for b in [n0, n1) <- the 2-D DFT of image x[b] (NHWC; placed at the origin of
    the even-sided L1 x L2 transform grid, the rest of the grid zero).

    Args:
        x: [N, H, W, C] real images.
        cw, sw: [F2, L2 / 2] real and imaginary parts of e^{-2 pi i f2 j / L2}.
        tw_r, tw_i, dm_r, dm_i, pos: the FFT along H (`_fft_rows`, sign -1).
        spec: [N, L1 * F2, 2C] the output (real parts, then imaginary parts, per channel).
    """
    _, h, w, c = x.shape
    f2n, half2 = cw.shape
    l1 = pos.shape[0]
    wide = f2n * c
    # along W, the columns folded (radix 2) with the rows side by side: [j, y, c]
    even = np.empty((half2, h * c), x.dtype)
    odd = np.empty((half2, h * c), x.dtype)
    zr = np.zeros((l1, wide), x.dtype)  # [y, f2, c], then [frequency position, f2, c]
    zi = np.zeros((l1, wide), x.dtype)
    size = max(h * c, dm_r.shape[0] * wide)
    acc_r = np.empty(size, x.dtype)
    acc_i = np.empty(size, x.dtype)
    for b in range(n0, n1):
        for j in range(half2):
            for y in range(h):
                base = y * c
                for ch_ in range(c):
                    v = x[b, y, j, ch_] if j < w else 0
                    u = x[b, y, j + half2, ch_] if j + half2 < w else 0
                    even[j, base + ch_] = v + u
                    odd[j, base + ch_] = v - u
        for f2 in range(f2n):  # along W: the real input's half spectrum
            src = even if f2 % 2 == 0 else odd
            acc_r[:] = 0
            acc_i[:] = 0
            for j in range(half2):
                a = cw[f2, j]
                s = sw[f2, j]
                for q in range(h * c):
                    acc_r[q] += a * src[j, q]
                    acc_i[q] += s * src[j, q]
            for y in range(h):  # slices cost more than these copies in numba
                for ch_ in range(c):
                    zr[y, f2 * c + ch_] = acc_r[y * c + ch_]
                    zi[y, f2 * c + ch_] = acc_i[y * c + ch_]
        for y in range(h, l1):  # the grid's rows past the image
            for q in range(wide):
                zr[y, q] = 0
                zi[y, q] = 0
        _fft_rows(zr, zi, tw_r, tw_i, dm_r, dm_i, acc_r, acc_i)  # along H (complex)
        for f1 in range(l1):
            row = pos[f1]
            for f2 in range(f2n):
                k = f1 * f2n + f2
                for ch_ in range(c):
                    spec[b, k, ch_] = zr[row, f2 * c + ch_]
                    spec[b, k, c + ch_] = zi[row, f2 * c + ch_]


@njit(cache=True, nogil=True)
def inverse_dft(spec: np.ndarray, n0: int, n1: int, tw_r: np.ndarray, tw_i: np.ndarray,
                dm_r: np.ndarray, dm_i: np.ndarray, pos: np.ndarray, icw: np.ndarray,
                isw: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """out[b] for b in [n0, n1) <- the top-left H x W corner of the real inverse 2-D DFT of
    spec[b] (a half spectrum of a real signal on an even-sided grid, laid out as
    `forward_dft` writes it).

    Along W, each output pixel pairs with the one half a grid further: the even frequencies'
    terms are the same at both, the odd ones' change sign.

    Args:
        spec: [N, L1 * F2, 2C].
        tw_r, tw_i, dm_r, dm_i, pos: the FFT along H (`_fft_rows`, sign +1).
        icw, isw: [L2 / 2, F2] the same along W, times each column's weight in the half
            spectrum (1 for f2 = 0 and L2 / 2, else 2) and 1 / (L1 * L2).
        out: [N, H, W, C] the output.
    """
    _, h, w, c = out.shape
    l1 = pos.shape[0]
    half2, f2n = icw.shape
    wide = f2n * c
    zr = np.empty((l1, wide), out.dtype)  # the image's spectrum, [f1, f2, c]
    zi = np.empty((l1, wide), out.dtype)
    ur = np.empty((f2n, h * c), out.dtype)  # along H done: [f2, y, c]
    ui = np.empty((f2n, h * c), out.dtype)
    size = max(h * c, dm_r.shape[0] * wide)
    even_r = np.empty(size, out.dtype)
    even_i = np.empty(size, out.dtype)
    odd_r = np.empty(size, out.dtype)
    for b in range(n0, n1):
        for f1 in range(l1):
            for f2 in range(f2n):
                k = f1 * f2n + f2
                for ch_ in range(c):
                    zr[f1, f2 * c + ch_] = spec[b, k, ch_]
                    zi[f1, f2 * c + ch_] = spec[b, k, c + ch_]
        _fft_rows(zr, zi, tw_r, tw_i, dm_r, dm_i, even_r, even_i)  # along H
        for y in range(h):
            row = pos[y]
            for f2 in range(f2n):
                for ch_ in range(c):
                    ur[f2, y * c + ch_] = zr[row, f2 * c + ch_]
                    ui[f2, y * c + ch_] = zi[row, f2 * c + ch_]
        for xx in range(min(w, half2)):  # along W (real output): columns x and x + L2 / 2
            even_r[:] = 0
            odd_r[:] = 0
            for f2 in range(f2n):
                a = icw[xx, f2]
                s = isw[xx, f2]
                acc = even_r if f2 % 2 == 0 else odd_r
                for q in range(h * c):
                    acc[q] += a * ur[f2, q] - s * ui[f2, q]
            for y in range(h):
                for ch_ in range(c):
                    out[b, y, xx, ch_] = even_r[y * c + ch_] + odd_r[y * c + ch_]
                if xx + half2 < w:
                    for ch_ in range(c):
                        out[b, y, xx + half2, ch_] = even_r[y * c + ch_] - odd_r[y * c + ch_]
