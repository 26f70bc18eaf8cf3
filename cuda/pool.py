"""Pooling on the GPU (NHWC; see `nchw.window_kernel` for NCHW), TF1's semantics as the CPU
kernels: padding never wins a max and is not counted in an average; a max-pool gradient goes to
the first maximum (row-major) of its window. Window positions are computed arithmetically (the
geometry of `im2col.py`), so no index map as large as the windows lives in device memory.

- MaxPool: the windows as [P, K, C] (im2col, padding at the dtype's lowest value), then a max
  reduction over K;
- MaxPoolGrad: one thread per output finds its window's first maximum and adds its gradient
  there atomically (overlapping windows may send several to one input);
- AvgPool: one thread per output averages its window's real inputs;
- AvgPoolGrad: one thread per input element sums the shares (dy / window count) of the outputs
  whose windows contain it, in a fixed order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .im2col import each_covering_output, each_tap, geometry_kernel, window_geometry, window_source
from .kernel_cache import configure, output_runner

Runner = Callable[..., Any]

_MAX_GRAD = window_source("x, dy, geometry, out", """
    ch = e % c
    p = e // c
    b = p // (oh * ow)
    best = -1
    largest = x[0]
""", each_tap("""
    j = ((b * h + iy) * w + ix) * c + ch
    if best < 0 or x[j] > largest:
        best = j
        largest = x[j]
"""), """
    if best >= 0:
        cuda.atomic.add(out, best, dy[e])
""", over="dy")

_AVERAGE = window_source("x, geometry, zero, one, out", """
    ch = e % c
    p = e // c
    b = p // (oh * ow)
    acc = zero[0]
    count = zero[0]
""", each_tap("""
    acc += x[((b * h + iy) * w + ix) * c + ch]
    count += one[0]
"""), """
    out[e] = acc / count
""")

# The count of an output's window is (real rows) x (real columns): each axis counted apart.
_AVERAGE_GRAD = window_source("dy, geometry, zero, one, out", """
    ch = e % c
    ix = (e // c) % w
    iy = (e // (c * w)) % h
    b = e // (c * w * h)
    acc = zero[0]
""", each_covering_output("""
    rows = zero[0]
    for k in range(kh):
        if 0 <= oy * sh + k * dh - top < h:
            rows += one[0]
    cols = zero[0]
    for k in range(kw):
        if 0 <= ox * sw + k * dw - left < w:
            cols += one[0]
    acc += dy[p * c + ch] / (rows * cols)
"""), """
    out[e] = acc
""")


def max_grad_kernel() -> Any:
    return geometry_kernel("max_pool_grad", _MAX_GRAD)


def average_kernel() -> Any:
    return geometry_kernel("avg_pool", _AVERAGE)


def average_grad_kernel() -> Any:
    return geometry_kernel("avg_pool_grad", _AVERAGE_GRAD)


def pool_window(attrs: Any) -> tuple[int, int]:
    """(kh, kw) of an NHWC pooling op."""
    return int(attrs["ksize"][1]), int(attrs["ksize"][2])


def _lowest(dtype: Any) -> Any:
    dtype = np.dtype(dtype)
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _setup(x_shape: tuple[int, ...], dtype: Any, attrs: Any
           ) -> tuple[Any, Any, Any, tuple[int, int, int, int]]:
    """(geometry, zero, one on the device, the NHWC output shape)."""
    from numba import cuda

    geometry, (n, oh, ow, _) = window_geometry(x_shape, pool_window(attrs), attrs)
    return (cuda.to_device(geometry), cuda.to_device(np.zeros(1, dtype)),
            cuda.to_device(np.ones(1, dtype)), (n, oh, ow, x_shape[3]))


def max_pool_runner(x_shape: tuple[int, ...], dtype: Any, attrs: Any) -> Runner:
    """`run(x)`: MaxPool, the windows (padding at the lowest value) reduced by max."""
    from .im2col import im2col_runner
    from .reduce import reduce_runner

    im2col, (n, oh, ow, _) = im2col_runner(x_shape, pool_window(attrs), dtype, attrs,
                                           fill=_lowest(dtype))
    p, taps, channels = n * oh * ow, int(np.prod(pool_window(attrs))), x_shape[3]
    largest = reduce_runner((p, taps, channels), [1], "max", dtype, dtype, (n, oh, ow, channels))
    return lambda x: largest(im2col(x).reshape(p, taps, channels))


def max_pool_grad_runner(x_shape: tuple[int, ...], dtype: Any, attrs: Any) -> Runner:
    """`run(x, y, dy)`: MaxPoolGrad, each gradient to the first maximum of its window."""
    from .convert import zeros_runner
    from .device import flat
    from .elementwise import launch_config

    geometry, _, _, out_shape = _setup(x_shape, dtype, attrs)
    outputs = int(np.prod(out_shape, dtype=np.int64))
    zeros = zeros_runner(x_shape, dtype)
    configured = configure(max_grad_kernel(), *launch_config(outputs))

    def run(x: Any, _y: Any, dy: Any) -> Any:
        out = zeros()
        if outputs:
            configured(flat(x), flat(dy), geometry, flat(out))
        return out

    return run


def avg_pool_runner(x_shape: tuple[int, ...], dtype: Any, attrs: Any) -> Runner:
    """`run(x)`: AvgPool."""
    from .device import flat

    geometry, zero, one, out_shape = _setup(x_shape, dtype, attrs)
    average = output_runner(average_kernel(), out_shape, dtype)
    return lambda x: average(flat(x), geometry, zero, one)


def avg_pool_grad_runner(x_shape: tuple[int, ...], dtype: Any, attrs: Any) -> Runner:
    """`run(sizes, dy)`: AvgPoolGrad."""
    from .device import flat

    geometry, zero, one, _ = _setup(x_shape, dtype, attrs)
    shares = output_runner(average_grad_kernel(), x_shape, dtype)
    return lambda _sizes, dy: shares(flat(dy), geometry, zero, one)


# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`) ----------------------------------

def build_max_pool(node: Any) -> Runner | None:
    """MaxPool(x)."""
    from .nchw import window_kernel

    return window_kernel(node, lambda s, out, dt, a: max_pool_runner(s[0], dt, a), images=(0,))


def build_max_pool_grad(node: Any) -> Runner | None:
    """MaxPoolGrad(x, y, dy)."""
    from .nchw import window_kernel

    return window_kernel(node, lambda s, out, dt, a: max_pool_grad_runner(s[0], dt, a),
                         images=(0, 1, 2))


def build_avg_pool(node: Any) -> Runner | None:
    """AvgPool(x)."""
    from .nchw import window_kernel

    return window_kernel(node, lambda s, out, dt, a: avg_pool_runner(s[0], dt, a), images=(0,))


def build_avg_pool_grad(node: Any) -> Runner | None:
    """AvgPoolGrad(sizes, dy)."""
    from .nchw import window_kernel

    return window_kernel(node, lambda s, out, dt, a: avg_pool_grad_runner(out, dt, a), images=(1,))


def launch_signatures() -> list[Any]:
    """The max-pool gradient and the average kernels in float32 and float64 (MaxPool itself is
    im2col and a reduction)."""
    from .launch_signatures import Launch, array

    index, launches = array("int64"), []
    for dtype in ("float32", "float64"):
        t = array(dtype)
        launches += [Launch(f"max_pool_grad-{dtype}", max_grad_kernel().py_func, (t, t, index, t)),
                     Launch(f"avg_pool-{dtype}", average_kernel().py_func, (t, index, t, t, t)),
                     Launch(f"avg_pool_grad-{dtype}", average_grad_kernel().py_func,
                            (t, index, t, t, t))]
    return launches
