"""Convolution on the GPU from the two general kernels: im2col is a gather through an index
map (computed once per node from the same window geometry as the CPU kernels), then the tiled
matmul contracts the columns with the filter. No convolution-specific kernel code."""

from __future__ import annotations

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


def conv2d(x: np.ndarray, f: np.ndarray, attrs, threads: int = 256) -> np.ndarray:
    """Conv2D (NHWC) on the device, from and to host arrays (tests)."""
    from numba import cuda

    from .gather import gather
    from .gemm import TILE, matmul_kernel

    index, (n, oh, ow, depth) = im2col_index(x.shape, f.shape[:2], attrs)
    cols = gather(cuda.to_device(np.ascontiguousarray(x).reshape(-1)), index,
                  np.zeros(index.size, x.dtype), threads)
    m, k, oc = n * oh * ow, depth, f.shape[3]
    out = cuda.device_array(m * oc, x.dtype)
    grid = ((oc + TILE - 1) // TILE, (m + TILE - 1) // TILE, 1)
    matmul_kernel(x.dtype.name)[grid, (TILE, TILE)](
        cols, cuda.to_device(np.ascontiguousarray(f).reshape(-1)), out, m, oc, k, k, 1, 0, oc,
        1, 0)
    return out.copy_to_host().reshape(n, oh, ow, oc)
