"""Depthwise convolution and its gradients on the GPU (NHWC), computing window positions
arithmetically as `im2col.py` does, without materializing columns: a depthwise layer is memory
bound, and columns times filter would be K * M times the output.

- forward: one thread per output (b, oy, ox, c * M + m) sums its window taps times the filter;
- input gradient: one thread per input element sums, over the taps whose window lands on it
  and the channel multiplier, dy times the filter (fixed order: deterministic);
- filter gradient: a sum over every output position per filter element, in two passes: chunks
  of positions reduced by their own threads into partials, then summed (`reduce.py`).

Filters are [kh, kw, C, M]; dy is [N, oh, ow, C * M].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .im2col import each_covering_output, each_tap, geometry_kernel, window_geometry, window_source
from .kernel_cache import output_runner

_FORWARD = window_source("x, f, geometry, m, zero, out", """
    cm = e % (c * m)
    ch = cm // m
    p = e // (c * m)
    b = p // (oh * ow)
    acc = zero[0]
""", each_tap("""
    acc += x[((b * h + iy) * w + ix) * c + ch] * f[(ky * kw + kx) * c * m + cm]
"""), """
    out[e] = acc
""")

_INPUT_GRAD = window_source("dy, f, geometry, m, zero, out", """
    ch = e % c
    ix = (e // c) % w
    iy = (e // (c * w)) % h
    b = e // (c * w * h)
    acc = zero[0]
""", each_covering_output("""
    for j in range(m):
        acc += dy[(p * c + ch) * m + j] * f[((ky * kw + kx) * c + ch) * m + j]
"""), """
    out[e] = acc
""")

# Element e of the partials: filter element e % taps over the positions of chunk e // taps.
_FILTER_GRAD = window_source("x, dy, geometry, m, positions, chunk, zero, partials", """
    taps = kh * kw * c * m
    t = e % taps
    cm = t % (c * m)
    ch = cm // m
    tap = t // (c * m)
    ky = tap // kw
    kx = tap % kw
    acc = zero[0]
    start = (e // taps) * chunk
    for p in range(start, min(start + chunk, positions)):
        iy = ((p // ow) % oh) * sh + ky * dh - top
        ix = (p % ow) * sw + kx * dw - left
        if 0 <= iy < h and 0 <= ix < w:
            acc += x[((p // (oh * ow) * h + iy) * w + ix) * c + ch] * dy[p * c * m + cm]
    partials[e] = acc
""", over="partials")

#: Aim for about this many threads in the filter gradient's first pass.
FILTER_THREADS = 16384


def forward_kernel() -> Any:
    return geometry_kernel("depthwise_forward", _FORWARD)


def input_grad_kernel() -> Any:
    return geometry_kernel("depthwise_input_grad", _INPUT_GRAD)


def filter_grad_kernel() -> Any:
    return geometry_kernel("depthwise_filter_grad", _FILTER_GRAD)


def _setup(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any, attrs: Any
           ) -> tuple[Any, Any, tuple[int, int, int, int]]:
    """(geometry and a zero on the device, (N, oh, ow, _))."""
    from numba import cuda

    geometry, dims = window_geometry(x_shape, f_shape[:2], attrs)
    return cuda.to_device(geometry), cuda.to_device(np.zeros(1, dtype)), dims


def depthwise_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any, attrs: Any
                     ) -> Callable[[Any, Any], Any]:
    """`run(x, f)`: DepthwiseConv2dNative."""
    from .device import flat

    geometry, zero, (n, oh, ow, _) = _setup(x_shape, f_shape, dtype, attrs)
    forward = output_runner(forward_kernel(), (n, oh, ow, f_shape[2] * f_shape[3]), dtype)
    return lambda x, f: forward(flat(x), flat(f), geometry, f_shape[3], zero)


def depthwise_input_grad_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...],
                                dtype: Any, attrs: Any) -> Callable[[Any, Any, Any], Any]:
    """`run(sizes, f, dy)`: DepthwiseConv2dNativeBackpropInput."""
    from .device import flat

    geometry, zero, _ = _setup(x_shape, f_shape, dtype, attrs)
    backward = output_runner(input_grad_kernel(), x_shape, dtype)
    return lambda _sizes, f, dy: backward(flat(dy), flat(f), geometry, f_shape[3], zero)


def depthwise_filter_grad_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...],
                                 dtype: Any, attrs: Any) -> Callable[[Any, Any, Any], Any]:
    """`run(x, sizes, dy)`: DepthwiseConv2dNativeBackpropFilter."""
    from .device import flat
    from .reduce import reduce_runner

    geometry, zero, (n, oh, ow, _) = _setup(x_shape, f_shape, dtype, attrs)
    taps = int(np.prod(f_shape, dtype=np.int64))
    positions = n * oh * ow
    splits = max(1, min(positions, -(-FILTER_THREADS // max(taps, 1))))
    chunk = max(1, -(-positions // splits))
    splits = max(1, -(-positions // chunk))
    partials = output_runner(filter_grad_kernel(), (splits, taps), dtype)
    total = reduce_runner((splits, taps), [0], "sum", dtype, dtype, f_shape)
    return lambda x, _sizes, dy: total(partials(flat(x), flat(dy), geometry, f_shape[3],
                                                 positions, chunk, zero))


# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`) ----------------------------------

def build_depthwise(node: Any) -> Callable[..., Any] | None:
    """DepthwiseConv2dNative(x, f)."""
    from .nchw import window_kernel

    return window_kernel(node, lambda s, out, dt, a: depthwise_runner(s[0], s[1], dt, a),
                         images=(0,))


def build_depthwise_input_grad(node: Any) -> Callable[..., Any] | None:
    """DepthwiseConv2dNativeBackpropInput(sizes, f, dy)."""
    from .nchw import window_kernel

    return window_kernel(node, lambda s, out, dt, a: depthwise_input_grad_runner(out, s[1], dt, a),
                         images=(2,))


def build_depthwise_filter_grad(node: Any) -> Callable[..., Any] | None:
    """DepthwiseConv2dNativeBackpropFilter(x, sizes, dy)."""
    from .nchw import window_kernel

    return window_kernel(node, lambda s, out, dt, a: depthwise_filter_grad_runner(s[0], out, dt, a),
                         images=(0, 2), image_out=False)


def launch_signatures() -> list[Any]:
    """The three depthwise kernels in float32 and float64."""
    from numba import types

    from .launch_signatures import Launch, array

    index, i64, launches = array("int64"), types.int64, []
    for dtype in ("float32", "float64"):
        t = array(dtype)
        launches += [Launch(f"depthwise_forward-{dtype}", forward_kernel().py_func,
                            (t, t, index, i64, t, t)),
                     Launch(f"depthwise_input_grad-{dtype}", input_grad_kernel().py_func,
                            (t, t, index, i64, t, t)),
                     Launch(f"depthwise_filter_grad-{dtype}", filter_grad_kernel().py_func,
                            (t, t, index, i64, i64, i64, t, t))]
    return launches
