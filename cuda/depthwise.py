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

from .im2col import UNPACK_GEOMETRY, window_geometry
from .kernel_cache import cached_kernel, configure

_FORWARD = '''
from numba import cuda


@cuda.jit
def kernel(x, f, geometry, m, zero, out):
{unpack}
    for e in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        cm = e % (c * m)
        ch = cm // m
        p = e // (c * m)
        b = p // (oh * ow)
        acc = zero[0]
        for ky in range(kh):
            iy = ((p // ow) % oh) * sh + ky * dh - top
            if 0 <= iy < h:
                for kx in range(kw):
                    ix = (p % ow) * sw + kx * dw - left
                    if 0 <= ix < w:
                        acc += x[((b * h + iy) * w + ix) * c + ch] * f[(ky * kw + kx) * c * m + cm]
        out[e] = acc
'''

_INPUT_GRAD = '''
from numba import cuda


@cuda.jit
def kernel(dy, f, geometry, m, zero, out):
{unpack}
    for e in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        ch = e % c
        ix = (e // c) % w
        iy = (e // (c * w)) % h
        b = e // (c * w * h)
        acc = zero[0]
        for ky in range(kh):
            ry = iy + top - ky * dh
            if ry >= 0 and ry % sh == 0 and ry // sh < oh:
                for kx in range(kw):
                    rx = ix + left - kx * dw
                    if rx >= 0 and rx % sw == 0 and rx // sw < ow:
                        p = (b * oh + ry // sh) * ow + rx // sw
                        for j in range(m):
                            acc += dy[(p * c + ch) * m + j] * f[((ky * kw + kx) * c + ch) * m + j]
        out[e] = acc
'''

_FILTER_GRAD = '''
from numba import cuda


@cuda.jit
def kernel(x, dy, geometry, m, positions, chunk, zero, partials):
{unpack}
    taps = kh * kw * c * m
    for o in range(cuda.grid(1), partials.shape[0], cuda.gridsize(1)):
        t = o % taps
        cm = t % (c * m)
        ch = cm // m
        tap = t // (c * m)
        ky = tap // kw
        kx = tap % kw
        acc = zero[0]
        start = (o // taps) * chunk
        for p in range(start, min(start + chunk, positions)):
            iy = ((p // ow) % oh) * sh + ky * dh - top
            ix = (p % ow) * sw + kx * dw - left
            if 0 <= iy < h and 0 <= ix < w:
                acc += x[((p // (oh * ow) * h + iy) * w + ix) * c + ch] * dy[p * c * m + cm]
        partials[o] = acc
'''

#: Aim for about this many threads in the filter gradient's first pass.
FILTER_THREADS = 16384


def _kernel(name: str, source: str) -> Any:
    return cached_kernel(("depthwise", name), lambda: source.replace("{unpack}\n", UNPACK_GEOMETRY),
                         f"cuda_depthwise_{name}")


def forward_kernel() -> Any:
    return _kernel("forward", _FORWARD)


def input_grad_kernel() -> Any:
    return _kernel("input_grad", _INPUT_GRAD)


def filter_grad_kernel() -> Any:
    return _kernel("filter_grad", _FILTER_GRAD)


def _setup(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any, attrs: Any
           ) -> tuple[Any, Any, tuple[int, int, int, int]]:
    """(geometry and a zero on the device, (N, oh, ow, _))."""
    from numba import cuda

    geometry, dims = window_geometry(x_shape, f_shape[:2], attrs)
    return cuda.to_device(geometry), cuda.to_device(np.zeros(1, dtype)), dims


def depthwise_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...], dtype: Any, attrs: Any
                     ) -> Callable[[Any, Any], Any]:
    """`run(x, f)`: DepthwiseConv2dNative."""
    from .device import empty, flat
    from .elementwise import launch_config

    geometry, zero, (n, oh, ow, _) = _setup(x_shape, f_shape, dtype, attrs)
    out_shape = (n, oh, ow, f_shape[2] * f_shape[3])
    size = int(np.prod(out_shape, dtype=np.int64))
    configured = configure(forward_kernel(), *launch_config(size))

    def run(x: Any, f: Any) -> Any:
        out = empty(out_shape, dtype)
        if size:
            configured(flat(x), flat(f), geometry, f_shape[3], zero, flat(out))
        return out

    return run


def depthwise_input_grad_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...],
                                dtype: Any, attrs: Any) -> Callable[[Any, Any, Any], Any]:
    """`run(sizes, f, dy)`: DepthwiseConv2dNativeBackpropInput."""
    from .device import empty, flat
    from .elementwise import launch_config

    geometry, zero, _ = _setup(x_shape, f_shape, dtype, attrs)
    size = int(np.prod(x_shape, dtype=np.int64))
    configured = configure(input_grad_kernel(), *launch_config(size))

    def run(_sizes: Any, f: Any, dy: Any) -> Any:
        out = empty(x_shape, dtype)
        if size:
            configured(flat(dy), flat(f), geometry, f_shape[3], zero, flat(out))
        return out

    return run


def depthwise_filter_grad_runner(x_shape: tuple[int, ...], f_shape: tuple[int, ...],
                                 dtype: Any, attrs: Any) -> Callable[[Any, Any, Any], Any]:
    """`run(x, sizes, dy)`: DepthwiseConv2dNativeBackpropFilter."""
    from .device import empty, flat
    from .elementwise import launch_config
    from .reduce import reduce_runner

    geometry, zero, (n, oh, ow, _) = _setup(x_shape, f_shape, dtype, attrs)
    taps = int(np.prod(f_shape, dtype=np.int64))
    positions = n * oh * ow
    splits = max(1, min(positions, -(-FILTER_THREADS // max(taps, 1))))
    chunk = max(1, -(-positions // splits))
    splits = max(1, -(-positions // chunk))
    configured = configure(filter_grad_kernel(), *launch_config(splits * taps))
    total = reduce_runner((splits, taps), [0], "sum", dtype, dtype, f_shape)

    def run(x: Any, _sizes: Any, dy: Any) -> Any:
        partials = empty((splits, taps), dtype)
        configured(flat(x), flat(dy), geometry, f_shape[3], positions, chunk, zero,
                   flat(partials))
        return total(partials)

    return run
