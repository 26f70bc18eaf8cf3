"""The CPU kernels of DepthwiseConv2dNative and its two backprops: the numba loops of
`_depthwise_numba`, the batch split over the cores (`_cpu_workers`).

3x3 filters (the separable convolutions') run `depthwise_forward_3x3`, which sums the nine taps
in registers; with stride 1 the input gradient is that same forward loop over the output
gradient with the filter turned by 180 degrees and the padding mirrored (`_flipped_3x3`).
With width stride 1 and M = 1 the filter gradient runs on whole rows
(`depthwise_filter_grad_rows`).
Channel multiplier M > 1 runs the multiplier-1 loops once per m on a strided channel view
(output channel c * M + m); M = 1, the separable convolutions' case, sees contiguous arrays.
Every function takes NHWC arrays of one float dtype; the op classes transpose NCHW.
"""

from __future__ import annotations

import numpy as np

from ._cpu_workers import split_images
from ._depthwise_numba import (
    depthwise_filter_grad,
    depthwise_filter_grad_rows,
    depthwise_forward,
    depthwise_forward_3x3,
    depthwise_input_grad,
)
from ._sliding_windows import Window


def _strides(win: Window, pads: tuple[int, int, int, int]) -> tuple[int, ...]:
    return (win.sh, win.sw, win.dh, win.dw, pads[0], pads[2])


def _flipped_3x3(win: Window, pads: tuple[int, int, int, int]) -> tuple[int, ...] | None:
    """The forward geometry that computes a stride-1 3x3 input gradient (the output gradient
    padded by the window span minus the forward padding), None where it does not apply."""
    if (win.kh, win.kw, win.sh, win.sw) != (3, 3, 1, 1):
        return None
    top, left = 2 * win.dh - pads[0], 2 * win.dw - pads[2]
    if top < 0 or left < 0:  # explicit padding wider than the window: the general gather
        return None
    return (1, 1, win.dh, win.dw, top, left)


def depthwise(x: np.ndarray, f: np.ndarray, win: Window) -> np.ndarray:
    """The depthwise convolution of NHWC `x` [N,H,W,C] with `f` [kh,kw,C,M] -> [N,oh,ow,C*M]."""
    n, h, w, c = x.shape
    m = f.shape[3]
    oh, ow, pads = win.out_and_pads(h, w)
    out = np.empty((n, oh, ow, c, m), x.dtype)
    geometry = _strides(win, pads)
    taps = [np.ascontiguousarray(f[:, :, :, q]) for q in range(m)]
    views = [out.reshape(n, oh, ow, c) if m == 1 else out[..., q] for q in range(m)]
    forward = depthwise_forward_3x3 if (win.kh, win.kw) == (3, 3) else depthwise_forward

    def work(worker: int, lo: int, hi: int) -> None:
        for q in range(m):
            forward(x, taps[q], lo, hi, *geometry, views[q])

    split_images(n, work, out.size * win.kh * win.kw)
    return out.reshape(n, oh, ow, c * m)


def depthwise_backprop_input(sizes, f: np.ndarray, dy: np.ndarray, win: Window) -> np.ndarray:
    """The gradient [N,H,W,C] (`sizes`, NHWC) with respect to the input."""
    n, h, w, c = sizes
    m = f.shape[3]
    oh, ow, pads = win.out_and_pads(h, w)
    dx = np.empty((n, h, w, c), dy.dtype)
    geometry = _strides(win, pads)
    taps = [np.ascontiguousarray(f[:, :, :, q]) for q in range(m)]
    grads = dy.reshape(n, oh, ow, c, m)
    flipped = _flipped_3x3(win, pads)
    if m == 1 and flipped is not None:
        turned = np.ascontiguousarray(taps[0][::-1, ::-1])
        split_images(n, lambda worker, lo, hi: depthwise_forward_3x3(
            grads[..., 0].reshape(n, oh, ow, c), turned, lo, hi, *flipped, dx),
            dy.size * win.kh * win.kw)
        return dx
    if m == 1:
        split_images(n, lambda worker, lo, hi: depthwise_input_grad(
            grads[..., 0].reshape(n, oh, ow, c), taps[0], lo, hi, *geometry, dx),
            dy.size * win.kh * win.kw)
        return dx
    part = np.empty_like(dx)

    def work(worker: int, lo: int, hi: int) -> None:
        for q in range(m):  # sum the multiplier's contributions, image by image
            target = dx if q == 0 else part
            depthwise_input_grad(grads[..., q], taps[q], lo, hi, *geometry, target)
            if q:
                dx[lo:hi] += part[lo:hi]

    split_images(n, work, dy.size * win.kh * win.kw)
    return dx


def depthwise_backprop_filter(x: np.ndarray, filter_shape, dy: np.ndarray,
                              win: Window) -> np.ndarray:
    """The gradient [kh,kw,C,M] (`filter_shape`) with respect to the filter."""
    n, h, w, c = x.shape
    kh, kw, _, m = filter_shape
    oh, ow, pads = win.out_and_pads(h, w)
    geometry = _strides(win, pads)
    grads = dy.reshape(n, oh, ow, c, m)
    views = [grads.reshape(n, oh, ow, c) if m == 1 else grads[..., q] for q in range(m)]

    totals: dict[int, np.ndarray] = {}  # one partial sum per worker, [M, kh, kw, C]
    # contiguous runs along the width: the row loop, on [N, H, W*C] rows (reshaped once here:
    # a transposed NCHW view is copied by the reshape)
    rows = (x.reshape(n, h, w * c), dy.reshape(n, oh, ow * c)) if m == 1 and win.sw == 1 else None

    def work(worker: int, lo: int, hi: int) -> None:
        if worker not in totals:
            totals[worker] = np.zeros((m, kh, kw, c), x.dtype)
        if rows is not None:
            depthwise_filter_grad_rows(*rows, lo, hi, win.sh, win.dh, win.dw, pads[0], pads[2],
                                       totals[worker][0])
            return
        for q in range(m):
            depthwise_filter_grad(x, views[q], lo, hi, *geometry, totals[worker][q])

    split_images(n, work, dy.size * kh * kw)
    total = totals.pop(0) if 0 in totals else np.zeros((m, kh, kw, c), x.dtype)
    for part in totals.values():
        total += part
    return np.ascontiguousarray(np.moveaxis(total, 0, -1))
