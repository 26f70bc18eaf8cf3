"""Pooling on the GPU (NHWC; see `windows.nchw_runner` for NCHW), TF1's semantics as the CPU
kernels: padding never wins a max and is not counted in an average; a max-pool gradient goes to
the first maximum (row-major) of its window.

- MaxPool: the windows as [P, K, C] (im2col, padding at the dtype's lowest value), then a max
  reduction over K;
- AvgPool and AvgPoolGrad: linear maps with static weights (1 / real inputs in the window), one
  sparse matrix-vector product each (the gradient is the transposed matrix);
- MaxPoolGrad: the windows' argmax (first maximum), then each gradient added to its input
  position atomically (overlapping windows may send several to one input).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse

from .kernel_cache import cached_kernel, configure
from .windows import im2col_index, pool_window

Runner = Callable[..., Any]

_SCATTER_ARGMAX = '''
from numba import cuda


@cuda.jit
def kernel(dy, best, index, taps, channels, out):
    for i in range(cuda.grid(1), dy.shape[0], cuda.gridsize(1)):
        p = i // channels
        j = index[(p * taps + best[i]) * channels + i % channels]
        if j >= 0:
            cuda.atomic.add(out, j, dy[i])
'''


def scatter_argmax_kernel() -> Any:
    """out[index[p, best[p, c], c]] += dy[p, c] (atomically)."""
    return cached_kernel("scatter_argmax", lambda: _SCATTER_ARGMAX, "cuda_scatter_argmax")


def _lowest(dtype: Any) -> Any:
    dtype = np.dtype(dtype)
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _windows(x_shape: tuple[int, ...], dtype: Any, attrs: Any
             ) -> tuple[Runner, np.ndarray, tuple[int, int, int]]:
    """(run(x) -> windows [P, K, C] with padding at the lowest value, index map, (P, K, C))."""
    from .gather import gather_runner

    index, (n, oh, ow, _) = im2col_index(x_shape, pool_window(attrs), attrs)
    taps, channels = int(np.prod(pool_window(attrs))), x_shape[3]
    geometry = (n * oh * ow, taps, channels)
    fill = np.full(index.size, _lowest(dtype), dtype)
    return gather_runner(index, fill, geometry), index, geometry


def max_pool_runner(x_shape: tuple[int, ...], dtype: Any, attrs: Any) -> Runner:
    """`run(x)`: MaxPool, the windows (padding at the lowest value) reduced by max."""
    from .im2col import im2col_runner
    from .reduce import reduce_runner

    im2col, (n, oh, ow, _) = im2col_runner(x_shape, pool_window(attrs), dtype, attrs,
                                           fill=_lowest(dtype))
    p, taps, channels = n * oh * ow, int(np.prod(pool_window(attrs))), x_shape[3]
    largest = reduce_runner((p, taps, channels), [1], "max", dtype, dtype, (n, oh, ow, channels))
    return lambda x: largest(im2col(x).reshape(p, taps, channels))


def pool_out_shape(x_shape: tuple[int, ...], attrs: Any) -> tuple[int, int, int, int]:
    """The NHWC output shape of a pooling op."""
    from graphflow.ops._windows import window_from_attrs

    oh, ow, _ = window_from_attrs(attrs, pool_window(attrs)).out_and_pads(*x_shape[1:3])
    return (x_shape[0], oh, ow, x_shape[3])


def max_pool_grad_runner(x_shape: tuple[int, ...], dtype: Any, attrs: Any) -> Runner:
    """`run(x, y, dy)`: MaxPoolGrad, each gradient to the first maximum of its window."""
    from numba import cuda

    from .convert import zeros_runner
    from .device import flat
    from .elementwise import launch_config
    from .reduce import reduce_runner

    gather, index, (p, taps, channels) = _windows(x_shape, dtype, attrs)
    argmax = reduce_runner((p, taps, channels), [1], "argmax", dtype, np.int64, (p, channels))
    index_dev = cuda.to_device(index)
    zeros = zeros_runner(x_shape, dtype)
    configured = configure(scatter_argmax_kernel(), *launch_config(p * channels))

    def run(x: Any, _y: Any, dy: Any) -> Any:
        out = zeros()
        if p * channels:
            configured(flat(dy), flat(argmax(gather(x))), index_dev, taps, channels, flat(out))
        return out

    return run


def average_matrix(x_shape: tuple[int, ...], attrs: Any) -> scipy.sparse.csr_matrix:
    """AvgPool as a matrix [output size, input size]: each output the mean of its window's real
    inputs."""
    index, _ = im2col_index(x_shape, pool_window(attrs), attrs)
    taps, channels = int(np.prod(pool_window(attrs))), x_shape[3]
    entries = index.reshape(-1, taps, channels)
    counts = (entries[:, :, 0] >= 0).sum(axis=1)  # real inputs per window (same for all c)
    p, k, c = np.nonzero(entries >= 0)
    rows = p * channels + c
    return scipy.sparse.csr_matrix((1.0 / counts[p], (rows, entries[p, k, c])),
                                   shape=(entries.shape[0] * channels,
                                          int(np.prod(x_shape, dtype=np.int64))))


def avg_pool_runner(x_shape: tuple[int, ...], dtype: Any, attrs: Any) -> Runner:
    """`run(x)`: AvgPool."""
    from .sparse import linear_runner

    matrix = average_matrix(x_shape, attrs)
    return linear_runner(matrix, pool_out_shape(x_shape, attrs), dtype)


def avg_pool_grad_runner(x_shape: tuple[int, ...], dtype: Any, attrs: Any) -> Runner:
    """`run(sizes, dy)`: AvgPoolGrad, the transposed AvgPool matrix applied to dy."""
    from .sparse import linear_runner

    run = linear_runner(average_matrix(x_shape, attrs).T, x_shape, dtype)
    return lambda _sizes, dy: run(dy)
