"""Convolution on the GPU from the two general kernels: im2col is a gather through an index
map (computed once per node from the same window geometry as the CPU kernels), then the tiled
matmul contracts the columns with the filter. No convolution-specific kernel code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.ops._windows import pad_nhwc, window_from_attrs, windows


def im2col_index(x_shape: tuple[int, ...], kernel_hw: tuple[int, int], attrs
                 ) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """(flat input index of every im2col entry, -1 in the padding; (N, oh, ow, kh*kw*C)) for
    an NHWC input."""
    n, h, w, c = x_shape
    win = window_from_attrs(attrs, kernel_hw)
    oh, ow, pads = win.out_and_pads(h, w)
    positions = np.arange(1, n * h * w * c + 1, dtype=np.int64).reshape(x_shape)
    cols = windows(pad_nhwc(positions, pads), win, oh, ow)
    return (np.ascontiguousarray(cols) - 1).reshape(-1), (n, oh, ow, win.kh * win.kw * c)


def conv2d_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any, attrs,
                  threads: int = 256) -> Callable[[Any, Any], Any]:
    """`run(x, f)` for NHWC device arrays: Conv2D as im2col (a gather) then one matmul."""
    from .gather import gather_runner
    from .gemm import matmul_runner

    index, (n, oh, ow, depth) = im2col_index(x_shape, f_shape[:2], attrs)
    im2col = gather_runner(index, np.zeros(index.size, dtype), (n * oh * ow, depth), threads)
    product = matmul_runner((n * oh * ow, depth), (depth, f_shape[3]), dtype)

    def run(x: Any, f: Any) -> Any:
        return product(im2col(x), f.reshape(depth, f_shape[3])).reshape(n, oh, ow, f_shape[3])

    return run


def conv2d(x: np.ndarray, f: np.ndarray, attrs, threads: int = 256) -> np.ndarray:
    """Conv2D (NHWC) on the device, from and to host arrays (tests)."""
    from .device import to_device

    run = conv2d_runner(x.shape, f.shape, x.dtype, attrs, threads)
    return run(to_device(x), to_device(f)).copy_to_host()
