"""Convolutions on the GPU (NHWC; see `nchw.window_kernel` for NCHW) as im2col and GEMM:

- forward: im2col (`im2col.py`: window positions computed arithmetically, the same geometry as
  the CPU kernels), then the tiled matmul contracts the columns with the filter;
- filter gradient: the same columns, contracted with dy by a matmul with transposed A;
- input gradient: dy times the transposed filter gives the column gradients, which col2im sums
  back onto the input (im2col's adjoint). Depthwise convolutions have their own kernels
  (`depthwise.py`).

P = N * oh * ow output positions, K = kh * kw window taps, C input channels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .im2col import col2im_runner, im2col_runner

Runner = Callable[..., Any]


def conv2d_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any, attrs
                  ) -> Runner:
    """`run(x, f)` for NHWC device arrays: Conv2D as im2col (a gather) then one matmul."""
    from .gemm import matmul_runner

    im2col, (n, oh, ow, depth) = im2col_runner(x_shape, f_shape[:2], dtype, attrs)
    product = matmul_runner((n * oh * ow, depth), (depth, f_shape[3]), dtype)

    def run(x: Any, f: Any) -> Any:
        return product(im2col(x), f.reshape(depth, f_shape[3])).reshape(n, oh, ow, f_shape[3])

    return run


def conv2d_filter_grad_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any,
                              attrs) -> Runner:
    """`run(x, sizes, dy)`: Conv2DBackpropFilter = columns(x)^T @ dy."""
    from .gemm import matmul_runner

    im2col, (n, oh, ow, depth) = im2col_runner(x_shape, f_shape[:2], dtype, attrs)
    positions, channels = n * oh * ow, f_shape[3]
    product = matmul_runner((positions, depth), (positions, channels), dtype, transpose_a=True)

    def run(x: Any, _sizes: Any, dy: Any) -> Any:
        return product(im2col(x), dy.reshape(positions, channels)).reshape(f_shape)

    return run


def conv2d_input_grad_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any,
                             attrs) -> Runner:
    """`run(sizes, f, dy)`: Conv2DBackpropInput = col2im(dy @ f^T)."""
    from .gemm import matmul_runner

    _, (n, oh, ow, depth) = im2col_runner(x_shape, f_shape[:2], dtype, attrs)
    positions, channels = n * oh * ow, f_shape[3]
    product = matmul_runner((positions, channels), (depth, channels), dtype, transpose_b=True)
    col2im = col2im_runner(x_shape, f_shape[:2], dtype, attrs)

    def run(_sizes: Any, f: Any, dy: Any) -> Any:
        return col2im(product(dy.reshape(positions, channels), f.reshape(depth, channels)))

    return run


def conv2d(x: np.ndarray, f: np.ndarray, attrs) -> np.ndarray:
    """Conv2D (NHWC) on the device, from and to host arrays (tests)."""
    from .device import to_device

    run = conv2d_runner(x.shape, f.shape, x.dtype, attrs)
    return run(to_device(x), to_device(f)).copy_to_host()


# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`) ----------------------------------

def build_conv2d(node: Any) -> Runner | None:
    """Conv2D(x, f)."""
    from .nchw import window_kernel

    return window_kernel(node, lambda s, out, dt, a: conv2d_runner(s[0], s[1], dt, a), images=(0,))


def build_conv2d_input_grad(node: Any) -> Runner | None:
    """Conv2DBackpropInput(sizes, f, dy)."""
    from .nchw import window_kernel

    return window_kernel(node, lambda s, out, dt, a: conv2d_input_grad_runner(out, s[1], dt, a),
                         images=(2,))


def build_conv2d_filter_grad(node: Any) -> Runner | None:
    """Conv2DBackpropFilter(x, sizes, dy)."""
    from .nchw import window_kernel

    return window_kernel(node, lambda s, out, dt, a: conv2d_filter_grad_runner(s[0], out, dt, a),
                         images=(0, 2), image_out=False)
