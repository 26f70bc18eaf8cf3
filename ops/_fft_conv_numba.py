"""numba kernels of the FFT convolutions (`_fft_conv`): 2-D discrete Fourier transforms of NHWC
images into a frequency-major layout, and back.

A transform is two passes of small dense DFT matrices (tables of cosines and sines passed in),
channels innermost so every multiply-add runs over a contiguous run of channels (vectorized);
the images are small (up to a few tens of pixels a side), where a dense DFT of only the nonzero
inputs (the padding of the transform grid is never read) costs little more than an FFT and needs
no reordering. One compile serves every shape.

The frequency-major layout `spec[k, n, 0:C]` (real parts) and `spec[k, n, C:2C]` (imaginary
parts), k = f1 * F2 + f2 over the L1 x F2 half spectrum of a real signal (F2 = L2 // 2 + 1), is
what the per-frequency products (one real GEMM per frequency, `_fft_conv`) read and write.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def forward_dft(x: np.ndarray, n0: int, n1: int, cw: np.ndarray, sw: np.ndarray, ch: np.ndarray,
                sh: np.ndarray, spec: np.ndarray) -> None:  # pragma: no cover - compiled
    """spec[:, b] for b in [n0, n1) <- the 2-D DFT of image x[b] (NHWC; placed at the origin of
    the transform grid, the rest of the grid zero).

    Args:
        x: [N, H, W, C] real images.
        cw, sw: [F2, W] real and imaginary parts of the DFT along W (e^{-2 pi i f2 w / L2}).
        ch, sh: [L1, H] the same along H.
        spec: [L1 * F2, N, 2C] the output (real parts, then imaginary parts, per channel).
    """
    _, h, w, c = x.shape
    f2n = cw.shape[0]
    l1 = ch.shape[0]
    tr = np.empty((h, f2n, c), x.dtype)
    ti = np.empty((h, f2n, c), x.dtype)
    acc_r = np.empty(c, x.dtype)
    acc_i = np.empty(c, x.dtype)
    for b in range(n0, n1):
        for y in range(h):
            for f2 in range(f2n):
                acc_r[:] = 0
                acc_i[:] = 0
                for xx in range(w):
                    a = cw[f2, xx]
                    s = sw[f2, xx]
                    for ch_ in range(c):
                        v = x[b, y, xx, ch_]
                        acc_r[ch_] += a * v
                        acc_i[ch_] += s * v
                tr[y, f2] = acc_r
                ti[y, f2] = acc_i
        for f1 in range(l1):
            for f2 in range(f2n):
                acc_r[:] = 0
                acc_i[:] = 0
                for y in range(h):
                    a = ch[f1, y]
                    s = sh[f1, y]
                    for ch_ in range(c):
                        r = tr[y, f2, ch_]
                        i = ti[y, f2, ch_]
                        acc_r[ch_] += a * r - s * i
                        acc_i[ch_] += a * i + s * r
                k = f1 * f2n + f2
                spec[k, b, :c] = acc_r
                spec[k, b, c:] = acc_i


@njit(cache=True, nogil=True)
def inverse_dft(spec: np.ndarray, n0: int, n1: int, ich: np.ndarray, ish: np.ndarray,
                icw: np.ndarray, isw: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    """out[b] for b in [n0, n1) <- the top-left H x W corner of the real inverse 2-D DFT of
    spec[:, b] (a half spectrum of a real signal, laid out as `forward_dft` writes it).

    Args:
        spec: [L1 * F2, N, 2C].
        ich, ish: [H, L1] real and imaginary parts of e^{+2 pi i f1 y / L1}.
        icw, isw: [W, F2] the same along W, times each column's weight in the half spectrum
            (1 for f2 = 0 and L2 / 2, else 2) and 1 / (L1 * L2).
        out: [N, H, W, C] the output.
    """
    _, h, w, c = out.shape
    l1 = ich.shape[1]
    f2n = icw.shape[1]
    ur = np.empty((h, f2n, c), out.dtype)
    ui = np.empty((h, f2n, c), out.dtype)
    acc_r = np.empty(c, out.dtype)
    acc_i = np.empty(c, out.dtype)
    for b in range(n0, n1):
        for y in range(h):
            for f2 in range(f2n):
                acc_r[:] = 0
                acc_i[:] = 0
                for f1 in range(l1):
                    a = ich[y, f1]
                    s = ish[y, f1]
                    k = f1 * f2n + f2
                    for ch_ in range(c):
                        r = spec[k, b, ch_]
                        i = spec[k, b, c + ch_]
                        acc_r[ch_] += a * r - s * i
                        acc_i[ch_] += a * i + s * r
                ur[y, f2] = acc_r
                ui[y, f2] = acc_i
        for y in range(h):
            for xx in range(w):
                acc_r[:] = 0
                for f2 in range(f2n):
                    a = icw[xx, f2]
                    s = isw[xx, f2]
                    for ch_ in range(c):
                        acc_r[ch_] += a * ur[y, f2, ch_] - s * ui[y, f2, ch_]
                out[b, y, xx] = acc_r
