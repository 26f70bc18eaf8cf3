"""numba kernels of a fused batch normalization followed by a ReLU, and of their gradient, on
the [outer, rows, inner] views of graphflow.ops._batch_norm_numba (channel last: [1, N*H*W, C];
channel in the middle: [N, C, H*W]).

The ReLU rides on the batch norm's passes instead of taking two more passes of its own over the
data: forward, the output pass clamps as it stores; backward, the statistics pass and the input
gradient pass read the output gradient through the ReLU's mask (TF1's ReluGrad: dy where the
ReLU's output is positive, else dy * 0, so a NaN or infinite dy still gives NaN). Statistics
accumulate in float64 as the unfused kernels do.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._batch_norm_numba import backprop_sums, channel_mean_variance, scale_shift, training_input_grad


@njit(cache=True, nogil=True)
def scale_shift_relu(v: np.ndarray, channels_last: bool, factor: np.ndarray, shift: np.ndarray,
                     out: np.ndarray) -> None:  # pragma: no cover
    """out = relu(v * factor[channel] + shift[channel]), NaN kept as TF's Relu keeps it."""
    a, b, c = v.shape
    if channels_last:
        for i in range(a):
            for j in range(b):
                for k in range(c):
                    y = v[i, j, k] * factor[k] + shift[k]
                    out[i, j, k] = y if y > 0 else (y if y != y else 0)
    else:
        for i in range(a):
            for j in range(b):
                f, s = factor[j], shift[j]
                for k in range(c):
                    y = v[i, j, k] * f + s
                    out[i, j, k] = y if y > 0 else (y if y != y else 0)


@njit(cache=True, nogil=True)
def masked_backprop_sums(dy: np.ndarray, relu_out: np.ndarray, v: np.ndarray, channels_last: bool,
                         mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """(sum g, sum g * (x - mean)) per channel in float64, g = dy masked by relu_out > 0."""
    a, b, c = v.shape
    depth = mean.shape[0]
    sum_g = np.zeros(depth)
    sum_g_xc = np.zeros(depth)
    for i in range(a):
        for j in range(b):
            for k in range(c):
                ch = k if channels_last else j
                g = dy[i, j, k] if relu_out[i, j, k] > 0 else dy[i, j, k] * 0
                sum_g[ch] += g
                sum_g_xc[ch] += g * (v[i, j, k] - mean[ch])
    return sum_g, sum_g_xc


@njit(cache=True, nogil=True)
def masked_input_grad(dy: np.ndarray, relu_out: np.ndarray, v: np.ndarray, channels_last: bool,
                      mean: np.ndarray, factor: np.ndarray, mean_dy: np.ndarray, slope: np.ndarray,
                      out: np.ndarray) -> None:  # pragma: no cover
    """out = factor * (g - mean_dy - (x - mean) * slope) per channel, g = dy masked by
    relu_out > 0 (the training-mode dx of batch norm behind the ReLU)."""
    a, b, c = v.shape
    for i in range(a):
        for j in range(b):
            for k in range(c):
                ch = k if channels_last else j
                g = dy[i, j, k] if relu_out[i, j, k] > 0 else dy[i, j, k] * 0
                out[i, j, k] = factor[ch] * (g - mean_dy[ch] - (v[i, j, k] - mean[ch]) * slope[ch])


@njit(cache=True, nogil=True)
def normalize_training(v: np.ndarray, channels_last: bool, scale: np.ndarray, offset: np.ndarray,
                       epsilon: float, relu: bool, out: np.ndarray, running_mean: np.ndarray,
                       running_var: np.ndarray, saved_mean: np.ndarray,
                       saved_var: np.ndarray) -> None:  # pragma: no cover
    """A training-mode batch norm (exponential_avg_factor 1) in one call: the statistics, the
    per-channel coefficients and the statistics outputs (the same float64 formulas as
    graphflow.ops.fused_batch_norm's host code, so the same bits), then the output pass
    (`relu`: clamped). Saves that host code's dozen numpy calls per op."""
    mean, variance = channel_mean_variance(v, channels_last)
    depth = mean.shape[0]
    count = v.size // max(depth, 1)
    bessel = count / (count - 1) if count > 1 else 1.0
    multiplier = np.empty(depth, v.dtype)
    shift = np.empty(depth, v.dtype)
    for ch in range(depth):
        factor = np.float64(scale[ch]) / np.sqrt(variance[ch] + epsilon)
        multiplier[ch] = factor
        shift[ch] = np.float64(offset[ch]) - mean[ch] * factor
        running_mean[ch] = mean[ch]
        running_var[ch] = variance[ch] * bessel
        saved_mean[ch] = mean[ch]
        saved_var[ch] = variance[ch]
    if relu:
        scale_shift_relu(v, channels_last, multiplier, shift, out)
    else:
        scale_shift(v, channels_last, multiplier, shift, out)


@njit(cache=True, nogil=True)
def training_gradient(dy: np.ndarray, relu_out: np.ndarray, masked: bool, v: np.ndarray,
                      channels_last: bool, mean: np.ndarray, variance: np.ndarray,
                      scale: np.ndarray, epsilon: float, dx: np.ndarray, d_scale: np.ndarray,
                      d_offset: np.ndarray) -> None:  # pragma: no cover
    """A training-mode batch norm gradient in one call: the sums, the coefficients (the same
    float64 formulas as graphflow.ops.fused_batch_norm_grad's `_coefficients`, so the same
    bits) and dx; dy is read through the ReLU's mask when `masked` (`relu_out` is then the
    ReLU's output; otherwise any array, unread)."""
    mean64 = mean.astype(np.float64)
    if masked:
        sum_dy, sum_dy_xc = masked_backprop_sums(dy, relu_out, v, channels_last, mean64)
    else:
        sum_dy, sum_dy_xc = backprop_sums(dy, v, channels_last, mean64)
    depth = mean.shape[0]
    count = v.size // max(depth, 1)
    n = max(count, 1)
    factor = np.empty(depth)
    mean_dy = np.empty(depth)
    slope = np.empty(depth)
    for ch in range(depth):
        inv = 1.0 / np.sqrt(np.float64(variance[ch]) + epsilon)
        factor[ch] = np.float64(scale[ch]) * inv
        mean_dy[ch] = sum_dy[ch] / n
        slope[ch] = sum_dy_xc[ch] / n * inv * inv
        d_scale[ch] = sum_dy_xc[ch] * inv
        d_offset[ch] = sum_dy[ch]
    if masked:
        masked_input_grad(dy, relu_out, v, channels_last, mean64, factor, mean_dy, slope, dx)
    else:
        training_input_grad(dy, v, channels_last, mean64, factor, mean_dy, slope, dx)
