"""Convolutions on the GPU (NHWC; see `windows.nchw_runner` for NCHW) from the general kernels,
with no convolution-specific kernel code:

- forward: im2col (a gather through an index map computed once per node from the same window
  geometry as the CPU kernels), then the tiled matmul contracts the columns with the filter;
- filter gradient: the same columns, contracted with dy by a matmul with transposed A;
- input gradient: dy times the transposed filter gives the column gradients, which col2im sums
  back onto the input: the adjoint of the im2col gather, a sparse matrix-vector product;
- depthwise: the columns [P, K, C] times the filter [K, C, M] (a broadcast elementwise product)
  reduced over the window; its gradients are the same product and reduction over other axes.

P = N * oh * ow output positions, K = kh * kw window taps, C input channels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .windows import im2col_index

Runner = Callable[..., Any]


def _im2col(x_shape: tuple[int, ...], kernel_hw: tuple[int, int], dtype: Any, attrs: Any,
            threads: int = 256) -> tuple[Runner, np.ndarray, tuple[int, int, int, int]]:
    """(run(x) -> columns [P, K*C], the index map, (N, oh, ow, K*C))."""
    from .gather import gather_runner

    index, (n, oh, ow, depth) = im2col_index(x_shape, kernel_hw, attrs)
    run = gather_runner(index, np.zeros(index.size, dtype), (n * oh * ow, depth), threads)
    return run, index, (n, oh, ow, depth)


def col2im_runner(index: np.ndarray, x_shape: tuple[int, ...], dtype: Any) -> Runner:
    """`run(columns)`: the column gradients summed onto the input (im2col's adjoint)."""
    from .sparse import gather_matrix, linear_runner

    size = int(np.prod(x_shape, dtype=np.int64))
    return linear_runner(gather_matrix(index, size).T, x_shape, dtype)


def conv2d_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any, attrs,
                  threads: int = 256) -> Runner:
    """`run(x, f)` for NHWC device arrays: Conv2D as im2col (a gather) then one matmul."""
    from .gemm import matmul_runner

    im2col, _, (n, oh, ow, depth) = _im2col(x_shape, f_shape[:2], dtype, attrs, threads)
    product = matmul_runner((n * oh * ow, depth), (depth, f_shape[3]), dtype)

    def run(x: Any, f: Any) -> Any:
        return product(im2col(x), f.reshape(depth, f_shape[3])).reshape(n, oh, ow, f_shape[3])

    return run


def conv2d_filter_grad_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any,
                              attrs) -> Runner:
    """`run(x, sizes, dy)`: Conv2DBackpropFilter = columns(x)^T @ dy."""
    from .gemm import matmul_runner

    im2col, _, (n, oh, ow, depth) = _im2col(x_shape, f_shape[:2], dtype, attrs)
    positions, channels = n * oh * ow, f_shape[3]
    product = matmul_runner((positions, depth), (positions, channels), dtype, transpose_a=True)

    def run(x: Any, _sizes: Any, dy: Any) -> Any:
        return product(im2col(x), dy.reshape(positions, channels)).reshape(f_shape)

    return run


def conv2d_input_grad_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any,
                             attrs) -> Runner:
    """`run(sizes, f, dy)`: Conv2DBackpropInput = col2im(dy @ f^T)."""
    from .gemm import matmul_runner

    index, (n, oh, ow, depth) = im2col_index(x_shape, f_shape[:2], attrs)
    positions, channels = n * oh * ow, f_shape[3]
    product = matmul_runner((positions, channels), (depth, channels), dtype, transpose_b=True)
    col2im = col2im_runner(index, x_shape, dtype)

    def run(_sizes: Any, f: Any, dy: Any) -> Any:
        return col2im(product(dy.reshape(positions, channels), f.reshape(depth, channels)))

    return run


def _product_sum(a_shape: tuple[int, ...], b_shape: tuple[int, ...], axis: int, dtype: Any
                 ) -> Runner:
    """`run(a, b)`: (a * b) broadcast, summed over `axis` (one fused product, one reduction)."""
    from graphflow.compiler.fused_op import single_row

    from .elementwise import program_runner
    from .reduce import reduce_runner

    name = np.dtype(dtype).name
    program = single_row("Mul", (a_shape, b_shape), (name, name), name)
    multiply = program_runner(program)
    shape = program.shape
    out_shape = shape[:axis] + shape[axis + 1:]
    total = reduce_runner(shape, [axis], "sum", dtype, dtype, out_shape)
    return lambda a, b: total(multiply(a, b))


def depthwise_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any, attrs
                     ) -> Runner:
    """`run(x, f)`: DepthwiseConv2dNative, out[p, c*M + m] = sum_k cols[p, k, c] f[k, c, m]."""
    kh, kw, c, m = f_shape
    im2col, _, (n, oh, ow, _) = _im2col(x_shape, (kh, kw), dtype, attrs)
    p = n * oh * ow
    contract = _product_sum((p, kh * kw, c, 1), (kh * kw, c, m), 1, dtype)

    def run(x: Any, f: Any) -> Any:
        cols = im2col(x).reshape(p, kh * kw, c, 1)
        return contract(cols, f.reshape(kh * kw, c, m)).reshape(n, oh, ow, c * m)

    return run


def depthwise_filter_grad_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...],
                                 dtype: Any, attrs) -> Runner:
    """`run(x, sizes, dy)`: df[k, c, m] = sum_p cols[p, k, c] dy[p, c, m]."""
    kh, kw, c, m = f_shape
    im2col, _, (n, oh, ow, _) = _im2col(x_shape, (kh, kw), dtype, attrs)
    p = n * oh * ow
    contract = _product_sum((p, kh * kw, c, 1), (p, 1, c, m), 0, dtype)

    def run(x: Any, _sizes: Any, dy: Any) -> Any:
        cols = im2col(x).reshape(p, kh * kw, c, 1)
        return contract(cols, dy.reshape(p, 1, c, m)).reshape(f_shape)

    return run


def depthwise_input_grad_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...],
                                dtype: Any, attrs) -> Runner:
    """`run(sizes, f, dy)`: dcols[p, k, c] = sum_m dy[p, c, m] f[k, c, m], then col2im."""
    kh, kw, c, m = f_shape
    index, (n, oh, ow, _) = im2col_index(x_shape, (kh, kw), attrs)
    p = n * oh * ow
    contract = _product_sum((p, 1, c, m), (kh * kw, c, m), 3, dtype)
    col2im = col2im_runner(index, x_shape, dtype)

    def run(_sizes: Any, f: Any, dy: Any) -> Any:
        return col2im(contract(dy.reshape(p, 1, c, m), f.reshape(kh * kw, c, m)))

    return run


def conv2d(x: np.ndarray, f: np.ndarray, attrs, threads: int = 256) -> np.ndarray:
    """Conv2D (NHWC) on the device, from and to host arrays (tests)."""
    from .device import to_device

    run = conv2d_runner(x.shape, f.shape, x.dtype, attrs, threads)
    return run(to_device(x), to_device(f)).copy_to_host()
