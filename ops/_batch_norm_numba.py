"""numba kernels of the fused batch normalization and its gradient on an [N, C, S] view.

NHWC data is viewed as [1, C, ...] transposed, which would be strided, so each kernel takes the
data as a 3-D array `v` of shape [outer, rows, inner] with the channel either the last axis
(NHWC: [1, N*H*W, C], channels innermost so every row is one vectorized pass) or the middle one
(NCHW: [N, C, H*W]). Statistics accumulate in float64 whatever the data's dtype: the sums of a
large batch in float32 would lose digits TF's float accumulators keep by pairwise reduction.
Two passes for the statistics (mean, then the centred sum of squares, as TF computes them) and
one for the output.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def channel_mean_variance(v: np.ndarray,
                          channels_last: bool) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """(mean, biased variance) per channel of `v` as float64 arrays of length C."""
    a, b, c = v.shape
    depth = c if channels_last else b
    total = np.zeros(depth)
    squares = np.zeros(depth)
    count = a * b * c // max(depth, 1)
    for i in range(a):
        for j in range(b):
            for k in range(c):
                total[k if channels_last else j] += v[i, j, k]
    mean = total / max(count, 1)
    for i in range(a):
        for j in range(b):
            for k in range(c):
                ch = k if channels_last else j
                d = v[i, j, k] - mean[ch]
                squares[ch] += d * d
    return mean, squares / max(count, 1)


@njit(cache=True, nogil=True)
def scale_shift(v: np.ndarray, channels_last: bool, factor: np.ndarray, shift: np.ndarray,
                out: np.ndarray) -> None:  # pragma: no cover
    """out = v * factor[channel] + shift[channel]."""
    a, b, c = v.shape
    for i in range(a):
        for j in range(b):
            for k in range(c):
                ch = k if channels_last else j
                out[i, j, k] = v[i, j, k] * factor[ch] + shift[ch]


@njit(cache=True, nogil=True)
def backprop_sums(dy: np.ndarray, v: np.ndarray, channels_last: bool,
                  mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """(sum dy, sum dy * (x - mean)) per channel, in float64."""
    a, b, c = v.shape
    depth = mean.shape[0]
    sum_dy = np.zeros(depth)
    sum_dy_xc = np.zeros(depth)
    for i in range(a):
        for j in range(b):
            for k in range(c):
                ch = k if channels_last else j
                g = dy[i, j, k]
                sum_dy[ch] += g
                sum_dy_xc[ch] += g * (v[i, j, k] - mean[ch])
    return sum_dy, sum_dy_xc


@njit(cache=True, nogil=True)
def training_input_grad(dy: np.ndarray, v: np.ndarray, channels_last: bool, mean: np.ndarray,
                        factor: np.ndarray, mean_dy: np.ndarray, slope: np.ndarray,
                        out: np.ndarray) -> None:  # pragma: no cover
    """out = factor * (dy - mean_dy - (x - mean) * slope) per channel (the training-mode dx)."""
    a, b, c = v.shape
    for i in range(a):
        for j in range(b):
            for k in range(c):
                ch = k if channels_last else j
                out[i, j, k] = factor[ch] * (dy[i, j, k] - mean_dy[ch]
                                             - (v[i, j, k] - mean[ch]) * slope[ch])
