"""im2col and its adjoint col2im on the GPU, computing window positions arithmetically (no index
map in device memory: for a large convolution a map would outweigh the columns themselves).

Columns are [P, K, C] = [N * oh * ow, kh * kw, C] in the order of the CPU's window views.
im2col: one thread per column entry reads its input pixel, or `fill` in the padding. col2im:
one thread per input element sums the column entries that read it (the taps whose window
position lands on it), in a fixed order: deterministic, no atomics.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.ops._sliding_windows import window_from_attrs

from .kernel_cache import cached_kernel, output_runner

#: The window geometry the window kernels (here, depthwise.py, pool.py) read from one int64
#: device array, in this order.
GEOMETRY = ("h", "w", "c", "oh", "ow", "kh", "kw", "sh", "sw", "dh", "dw", "top", "left")
_UNPACK = "".join(f"    {name} = geometry[{i}]\n" for i, name in enumerate(GEOMETRY))


def _block(body: str, depth: int) -> str:
    """Unindented source `body` indented `depth` levels."""
    return textwrap.indent(textwrap.dedent(body).strip("\n") + "\n", "    " * depth)


def window_source(args: str, *body: str, over: str = "out") -> str:
    """The source of a window kernel `kernel(<args>)`: the GEOMETRY names bound from its
    argument `geometry`, then the `body` pieces (each indented on its own) for every element
    `e` of `over`, in a grid-stride loop."""
    return ("from numba import cuda\n\n\n@cuda.jit\n"
            f"def kernel({args}):\n{_UNPACK}"
            f"    for e in range(cuda.grid(1), {over}.shape[0], cuda.gridsize(1)):\n"
            + "".join(_block(piece, 2) for piece in body))


def each_tap(body: str) -> str:
    """Source running `body` for every tap (ky, kx) of output position p's window that lies in
    the image, with iy, ix its input row and column (b: p's image)."""
    return """
for ky in range(kh):
    iy = ((p // ow) % oh) * sh + ky * dh - top
    if 0 <= iy < h:
        for kx in range(kw):
            ix = (p % ow) * sw + kx * dw - left
            if 0 <= ix < w:
""" + _block(body, 4)


def each_covering_output(body: str) -> str:
    """Source running `body` for every output position p = (b, oy, ox) whose window covers input
    (b, iy, ix), with (ky, kx) the tap that lands on it."""
    return """
for ky in range(kh):
    ry = iy + top - ky * dh
    if ry >= 0 and ry % sh == 0 and ry // sh < oh:
        oy = ry // sh
        for kx in range(kw):
            rx = ix + left - kx * dw
            if rx >= 0 and rx % sw == 0 and rx // sw < ow:
                ox = rx // sw
                p = (b * oh + oy) * ow + ox
""" + _block(body, 4)


_IM2COL = window_source("x, geometry, fill, out", """
    ch = e % c
    tap = (e // c) % (kh * kw)
    p = e // (c * kh * kw)
    iy = ((p // ow) % oh) * sh + (tap // kw) * dh - top
    ix = (p % ow) * sw + (tap % kw) * dw - left
    if 0 <= iy < h and 0 <= ix < w:
        out[e] = x[((p // (ow * oh) * h + iy) * w + ix) * c + ch]
    else:
        out[e] = fill[0]
""")

_COL2IM = window_source("cols, geometry, zero, out", """
    ch = e % c
    ix = (e // c) % w
    iy = (e // (c * w)) % h
    b = e // (c * w * h)
    acc = zero[0]
""", each_covering_output("""
    acc += cols[(p * kh * kw + ky * kw + kx) * c + ch]
"""), """
    out[e] = acc
""")


def geometry_kernel(name: str, source: str) -> Any:
    """The compiled window kernel of `source` (see `window_source`), loaded once."""
    return cached_kernel(("window", name), lambda: source, f"cuda_window_{name}")


def im2col_kernel() -> Any:
    return geometry_kernel("im2col", _IM2COL)


def col2im_kernel() -> Any:
    return geometry_kernel("col2im", _COL2IM)


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

    from .device import flat

    geometry, (n, oh, ow, depth) = window_geometry(x_shape, kernel_hw, attrs)
    geometry_dev, fill_dev = cuda.to_device(geometry), cuda.to_device(np.full(1, fill, dtype))
    im2col = output_runner(im2col_kernel(), (n * oh * ow, depth), dtype)
    return (lambda x: im2col(flat(x), geometry_dev, fill_dev)), (n, oh, ow, depth)


def col2im_runner(x_shape: tuple[int, ...], kernel_hw: tuple[int, int], dtype: Any, attrs: Any
                  ) -> Callable[[Any], Any]:
    """`run(columns)`: the column gradients summed onto an NHWC input of `x_shape`."""
    from numba import cuda

    from .device import flat

    geometry, _ = window_geometry(x_shape, kernel_hw, attrs)
    geometry_dev, zero = cuda.to_device(geometry), cuda.to_device(np.zeros(1, dtype))
    col2im = output_runner(col2im_kernel(), x_shape, dtype)
    return lambda cols: col2im(flat(cols), geometry_dev, zero)


def launch_signatures() -> list[Any]:
    """im2col and col2im in float32 and float64."""
    from .launch_signatures import Launch, array

    index = array("int64")
    return [Launch(f"{name}-{dtype}", kernel().py_func, (array(dtype), index, array(dtype), array(dtype)))
            for dtype in ("float32", "float64")
            for name, kernel in (("im2col", im2col_kernel), ("col2im", col2im_kernel))]
