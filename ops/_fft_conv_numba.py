"""numba kernels of the FFT convolutions (`_fft_conv`): 2-D discrete Fourier transforms of NHWC
images, and back.

A transform is one pass along W and one along H, each a radix-2 step (the grid sides are even)
followed by small dense DFT matrices (tables of cosines and sines passed in): the even
frequencies are the half-length DFT of the sums x[j] + x[j + L/2], the odd ones of the
differences, so each output sums L/2 terms instead of L. Channels are innermost, so every
multiply-add runs over a contiguous run of channels (vectorized). The images are small (up to a
few tens of pixels a side), where this costs little more than a full FFT and needs no
reordering; pixels of the grid past the image are zeros and never read. One compile serves
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
def _fold(rows: np.ndarray, count: int, half: int, even: np.ndarray,
          odd: np.ndarray) -> None:  # pragma: no cover - compiled
    """even[j] <- rows[j] + rows[j + half], odd[j] <- rows[j] - rows[j + half] for j < half
    (2-D arrays, one row per j), rows past `count` being zero: the radix-2 step of a DFT of
    length 2 * half."""
    width = rows.shape[1]
    for j in range(half):
        if j >= count:
            for col in range(width):
                even[j, col] = 0
                odd[j, col] = 0
        elif j + half < count:
            for col in range(width):
                even[j, col] = rows[j, col] + rows[j + half, col]
                odd[j, col] = rows[j, col] - rows[j + half, col]
        else:
            for col in range(width):
                even[j, col] = rows[j, col]
                odd[j, col] = rows[j, col]


@njit(cache=True, nogil=True)
def forward_dft(x: np.ndarray, n0: int, n1: int, cw: np.ndarray, sw: np.ndarray, ch: np.ndarray,
                sh: np.ndarray, spec: np.ndarray) -> None:  # pragma: no cover - compiled
    """spec[b] for b in [n0, n1) <- the 2-D DFT of image x[b] (NHWC; placed at the origin of
    the even-sided L1 x L2 transform grid, the rest of the grid zero).

    Args:
        x: [N, H, W, C] real images.
        cw, sw: [F2, L2 / 2] real and imaginary parts of e^{-2 pi i f2 j / L2}.
        ch, sh: [L1, L1 / 2] the same along H.
        spec: [N, L1 * F2, 2C] the output (real parts, then imaginary parts, per channel).
    """
    _, h, w, c = x.shape
    f2n, half2 = cw.shape
    l1, half1 = ch.shape
    wide = f2n * c
    # along W, the columns folded (radix 2) with the rows side by side: [j, y, c]
    even = np.empty((half2, h * c), x.dtype)
    odd = np.empty((half2, h * c), x.dtype)
    tr = np.empty((h, wide), x.dtype)  # [y, f2, c]
    ti = np.empty((h, wide), x.dtype)
    er = np.empty((half1, wide), x.dtype)
    ei = np.empty((half1, wide), x.dtype)
    dr = np.empty((half1, wide), x.dtype)
    di = np.empty((half1, wide), x.dtype)
    acc_r = np.empty(max(h * c, wide), x.dtype)
    acc_i = np.empty(max(h * c, wide), x.dtype)
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
                    tr[y, f2 * c + ch_] = acc_r[y * c + ch_]
                    ti[y, f2 * c + ch_] = acc_i[y * c + ch_]
        _fold(tr, h, half1, er, dr)  # along H (complex)
        _fold(ti, h, half1, ei, di)
        for f1 in range(l1):
            src_r = er if f1 % 2 == 0 else dr
            src_i = ei if f1 % 2 == 0 else di
            acc_r[:] = 0
            acc_i[:] = 0
            for j in range(half1):
                a = ch[f1, j]
                s = sh[f1, j]
                for q in range(wide):
                    r = src_r[j, q]
                    i = src_i[j, q]
                    acc_r[q] += a * r - s * i
                    acc_i[q] += a * i + s * r
            for f2 in range(f2n):
                k = f1 * f2n + f2
                for ch_ in range(c):
                    spec[b, k, ch_] = acc_r[f2 * c + ch_]
                    spec[b, k, c + ch_] = acc_i[f2 * c + ch_]


@njit(cache=True, nogil=True)
def inverse_dft(spec: np.ndarray, n0: int, n1: int, ich: np.ndarray, ish: np.ndarray,
                icw: np.ndarray, isw: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    """out[b] for b in [n0, n1) <- the top-left H x W corner of the real inverse 2-D DFT of
    spec[b] (a half spectrum of a real signal on an even-sided grid, laid out as
    `forward_dft` writes it).

    Each output pixel pairs with the one half a grid further: the even frequencies' terms are
    the same at both, the odd ones' change sign.

    Args:
        spec: [N, L1 * F2, 2C].
        ich, ish: [L1 / 2, L1] real and imaginary parts of e^{+2 pi i f1 y / L1}.
        icw, isw: [L2 / 2, F2] the same along W, times each column's weight in the half
            spectrum (1 for f2 = 0 and L2 / 2, else 2) and 1 / (L1 * L2).
        out: [N, H, W, C] the output.
    """
    _, h, w, c = out.shape
    half1, l1 = ich.shape
    half2, f2n = icw.shape
    wide = f2n * c
    sr = np.empty((l1, wide), out.dtype)  # the image's spectrum, [f1, f2, c]
    si = np.empty((l1, wide), out.dtype)
    ur = np.empty((f2n, h * c), out.dtype)  # along H done: [f2, y, c]
    ui = np.empty((f2n, h * c), out.dtype)
    size = max(wide, h * c)
    even_r = np.empty(size, out.dtype)
    even_i = np.empty(size, out.dtype)
    odd_r = np.empty(size, out.dtype)
    odd_i = np.empty(size, out.dtype)
    for b in range(n0, n1):
        for f1 in range(l1):
            for f2 in range(f2n):
                k = f1 * f2n + f2
                for ch_ in range(c):
                    sr[f1, f2 * c + ch_] = spec[b, k, ch_]
                    si[f1, f2 * c + ch_] = spec[b, k, c + ch_]
        for y in range(min(h, half1)):  # along H: rows y and y + L1 / 2
            even_r[:] = 0
            even_i[:] = 0
            odd_r[:] = 0
            odd_i[:] = 0
            for f1 in range(l1):
                a = ich[y, f1]
                s = ish[y, f1]
                acc_r = even_r if f1 % 2 == 0 else odd_r
                acc_i = even_i if f1 % 2 == 0 else odd_i
                for q in range(wide):
                    r = sr[f1, q]
                    i = si[f1, q]
                    acc_r[q] += a * r - s * i
                    acc_i[q] += a * i + s * r
            for f2 in range(f2n):
                row, col = f2 * c, y * c
                for ch_ in range(c):
                    ur[f2, col + ch_] = even_r[row + ch_] + odd_r[row + ch_]
                    ui[f2, col + ch_] = even_i[row + ch_] + odd_i[row + ch_]
                if y + half1 < h:
                    col = (y + half1) * c
                    for ch_ in range(c):
                        ur[f2, col + ch_] = even_r[row + ch_] - odd_r[row + ch_]
                        ui[f2, col + ch_] = even_i[row + ch_] - odd_i[row + ch_]
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
