"""im2col and its adjoint col2im on the GPU, computing window positions arithmetically (no index
map in device memory: for a large convolution a map would outweigh the columns themselves).

Columns are [P, K, C] = [N * oh * ow, kh * kw, C] in the order of the CPU's window views.
im2col: one thread per column entry reads its input pixel, or `fill` in the padding. col2im:
one thread per input element sums the column entries that read it (the taps whose window
position lands on it), in a fixed order: deterministic, no atomics.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.ops._windows import window_from_attrs

from .kernel_cache import cached_kernel, configure

#: The window geometry both kernels read from one int64 device array, in this order.
GEOMETRY = ("h", "w", "c", "oh", "ow", "kh", "kw", "sh", "sw", "dh", "dw", "top", "left")
#: Source lines binding each GEOMETRY name from the kernel argument `geometry`.
UNPACK_GEOMETRY = "".join(f"    {name} = geometry[{i}]\n" for i, name in enumerate(GEOMETRY))

_IM2COL = '''
from numba import cuda


@cuda.jit
def kernel(x, geometry, fill, out):
{unpack}
    for e in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        ch = e % c
        tap = (e // c) % (kh * kw)
        p = e // (c * kh * kw)
        iy = ((p // ow) % oh) * sh + (tap // kw) * dh - top
        ix = (p % ow) * sw + (tap % kw) * dw - left
        if 0 <= iy < h and 0 <= ix < w:
            out[e] = x[((p // (ow * oh) * h + iy) * w + ix) * c + ch]
        else:
            out[e] = fill[0]
'''.replace("{unpack}\n", UNPACK_GEOMETRY)

_COL2IM = '''
from numba import cuda


@cuda.jit
def kernel(cols, geometry, zero, out):
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
                        acc += cols[(p * kh * kw + ky * kw + kx) * c + ch]
        out[e] = acc
'''.replace("{unpack}\n", UNPACK_GEOMETRY)


def im2col_kernel() -> Any:
    return cached_kernel("im2col", lambda: _IM2COL, "cuda_im2col")


def col2im_kernel() -> Any:
    return cached_kernel("col2im", lambda: _COL2IM, "cuda_col2im")


def window_geometry(x_shape: tuple[int, ...], kernel_hw: tuple[int, int], attrs: Any
              ) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """(the GEOMETRY integers, (N, oh, ow, K * C)) for an NHWC input."""
    n, h, w, c = x_shape
    win = window_from_attrs(attrs, kernel_hw)
    oh, ow, (top, _, left, _) = win.out_and_pads(h, w)
    geometry = np.array([h, w, c, oh, ow, win.kh, win.kw, win.sh, win.sw, win.dh, win.dw, top,
                         left], np.int64)
    return geometry, (n, oh, ow, win.kh * win.kw * c)


def im2col_runner(x_shape: tuple[int, ...], kernel_hw: tuple[int, int], dtype: Any, attrs: Any,
                  fill: float = 0.0) -> tuple[Callable[[Any], Any], tuple[int, int, int, int]]:
    """(run(x) -> columns [P, K * C] of an NHWC device array, (N, oh, ow, K * C))."""
    from numba import cuda

    from .device import empty, flat
    from .elementwise import launch_config

    geometry, (n, oh, ow, depth) = window_geometry(x_shape, kernel_hw, attrs)
    geometry_dev, fill_dev = cuda.to_device(geometry), cuda.to_device(np.full(1, fill, dtype))
    size = n * oh * ow * depth
    configured = configure(im2col_kernel(), *launch_config(size))

    def run(x: Any) -> Any:
        out = empty((n * oh * ow, depth), dtype)
        if size:
            configured(flat(x), geometry_dev, fill_dev, flat(out))
        return out

    return run, (n, oh, ow, depth)


def col2im_runner(x_shape: tuple[int, ...], kernel_hw: tuple[int, int], dtype: Any, attrs: Any
                  ) -> Callable[[Any], Any]:
    """`run(columns)`: the column gradients summed onto an NHWC input of `x_shape`."""
    from numba import cuda

    from .device import empty, flat
    from .elementwise import launch_config

    geometry, _ = window_geometry(x_shape, kernel_hw, attrs)
    geometry_dev, zero = cuda.to_device(geometry), cuda.to_device(np.zeros(1, dtype))
    size = int(np.prod(x_shape, dtype=np.int64))
    configured = configure(col2im_kernel(), *launch_config(size))

    def run(cols: Any) -> Any:
        out = empty(x_shape, dtype)
        if size:
            configured(flat(cols), geometry_dev, zero, flat(out))
        return out

    return run
