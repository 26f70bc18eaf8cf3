"""MaxPool, AvgPool and their gradients (TF1 semantics): SAME padding never wins a max and is
not counted in an average; the max-pool gradient goes to the first maximum of each window.

The numpy references loop over the kernel taps (kh * kw strided slices, whole-array numpy
each), not over pixels; the CPU kernels are one-pass numba loops (`_pool_numba`), the batch
split over the cores.
"""

from __future__ import annotations

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from ._rules import described_shape, shape_of, sibling
from ._sliding_windows import (
    Window,
    check_attrs,
    float_kernel_io,
    from_nhwc,
    nhwc_dims,
    pad_nhwc,
    shape_from_nhwc,
    to_nhwc,
    unpad,
    window_from_attrs,
)
from .registry import OpDef, Sample, Spec, register

DEFAULTS = {"data_format": "NHWC"}
_ATTRS = ("ksize", "strides", "padding", "data_format")  # what a pool's gradient op keeps


def _taps(win: Window, oh: int, ow: int):
    """For every kernel tap, the index of its strided slice of the padded input (the inputs
    that tap sees across all output positions)."""
    for i in range(win.kh):
        for j in range(win.kw):
            r, c = i * win.dh, j * win.dw
            yield np.s_[:, r:r + win.sh * (oh - 1) + 1:win.sh, c:c + win.sw * (ow - 1) + 1:win.sw]


def _lowest(dtype) -> float:
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _pool_infer(op_type, x, attrs):
    check_attrs(op_type, attrs, ksize_attr=True)
    if x.rank is not None and x.rank != 4:
        raise ValueError(f"{op_type}: input must be 4-D, got shape {x.shape}")
    if len(attrs.get("ksize") or ()) != 4:
        raise ValueError(f"{op_type}: ksize must have 4 entries, got {attrs.get('ksize')}")
    n, h, w, c = nhwc_dims(x.shape, attrs) if x.rank == 4 else (None,) * 4
    oh = ow = None
    if h is not None and w is not None:
        oh, ow, _ = window_from_attrs(attrs).out_and_pads(h, w)
    return shape_from_nhwc(n, oh, ow, c, attrs)


def _geometry(attrs, h, w):
    win = window_from_attrs(attrs)
    oh, ow, pads = win.out_and_pads(h, w)
    return win, oh, ow, pads


def max_pool_nhwc(x: np.ndarray, attrs) -> np.ndarray:
    win, oh, ow, pads = _geometry(attrs, x.shape[1], x.shape[2])
    xp = pad_nhwc(x, pads, _lowest(x.dtype))
    taps = _taps(win, oh, ow)
    out = xp[next(taps)].copy()
    for index in taps:
        np.maximum(out, xp[index], out=out)
    return out


def _cpu_kernel(node, which: str):
    """The numba kernel `which` ("max", "max_grad", "avg", "avg_grad") for float32/float64
    inputs, NCHW transposed at the boundary; None (the reference runs) for other dtypes."""
    io = float_kernel_io(node)
    if io is None:
        return None
    from . import _pool_numba as kernels
    from ._cpu_workers import split_images

    attrs = node.attrs
    dtype, nhwc = io

    def geometry(h, w):
        win, oh, ow, pads = _geometry(attrs, h, w)
        return (win.kh, win.kw, win.sh, win.sw, pads[0], pads[2]), oh, ow

    def pooled(x):
        n, h, w, c = x.shape
        args, oh, ow = geometry(h, w)
        out = np.empty((n, oh, ow, c), dtype)
        if which == "max" and args == (2, 2, 2, 2, 0, 0) and (h, w) == (2 * oh, 2 * ow):
            split_images(n, lambda worker, lo, hi: kernels.max_pool_2x2(x, lo, hi, out), out.size * 4)
            return out
        run = kernels.max_pool if which == "max" else kernels.avg_pool
        split_images(n, lambda worker, lo, hi: run(x, lo, hi, *args, out), out.size * args[0] * args[1])
        return out

    if which in ("max", "avg"):
        return lambda x: from_nhwc(pooled(nhwc(x)), attrs)
    if which == "max_grad":
        def max_grad(x, y, dy):
            x, dy = nhwc(x), nhwc(dy)
            args, _, _ = geometry(x.shape[1], x.shape[2])
            dx = np.empty_like(x)
            if args == (2, 2, 2, 2, 0, 0) and x.shape[1:3] == (2 * dy.shape[1], 2 * dy.shape[2]):
                split_images(x.shape[0], lambda worker, lo, hi: kernels.max_pool_grad_2x2(
                    x, dy, lo, hi, dx), dy.size * 4)
                return from_nhwc(dx, attrs)
            split_images(x.shape[0], lambda worker, lo, hi: kernels.max_pool_grad(
                x, dy, lo, hi, *args, dx), dy.size * args[0] * args[1])
            return from_nhwc(dx, attrs)
        return max_grad

    def avg_grad(sizes, dy):
        n, h, w, c = nhwc_dims(TensorShape([int(v) for v in sizes]), attrs)
        dy = nhwc(dy)
        args, _, _ = geometry(h, w)
        dx = np.empty((n, h, w, c), dtype)
        split_images(n, lambda worker, lo, hi: kernels.avg_pool_grad(dy, lo, hi, *args, dx),
                     dy.size * args[0] * args[1])
        return from_nhwc(dx, attrs)
    return avg_grad


def _counts(win, h, w, oh, ow, pads, dtype) -> np.ndarray:
    """How many real (non-padding) inputs each average covers, shaped [1, oh, ow, 1]."""
    ones = pad_nhwc(np.ones((1, h, w, 1), dtype), pads)
    return sum(ones[index] for index in _taps(win, oh, ow))


def _pool_samples(rng):
    def case(shape, k, s, padding, fmt="NHWC"):
        x = rng.permutation(np.prod(shape)).reshape(shape) / 7.0 - 3.0  # distinct: no ties
        to4 = (lambda a, b: [1, 1, a, b]) if fmt == "NCHW" else (lambda a, b: [1, a, b, 1])
        return Sample([x], {"ksize": to4(*k), "strides": to4(*s), "padding": padding,
                            "data_format": fmt})

    return [case((2, 5, 6, 3), (2, 2), (2, 2), "SAME"), case((1, 7, 5, 1), (3, 2), (2, 3), "VALID"),
            case((2, 4, 4, 2), (3, 3), (1, 1), "SAME"), case((1, 2, 5, 6), (2, 3), (2, 2), "SAME",
                                                           "NCHW")]


@register
class MaxPool(OpDef):
    """The maximum of each window (attrs ksize, strides, padding, data_format)."""

    type = "MaxPool"
    kernels = {"cuda": "graphflow.cuda.pool:build_max_pool"}
    defaults = DEFAULTS

    def infer(self, inputs, attrs):
        return [Spec(_pool_infer(self.type, inputs[0], attrs), inputs[0].dtype)]

    def reference(self, attrs, x):
        return from_nhwc(max_pool_nhwc(to_nhwc(np.asarray(x), attrs), attrs), attrs)

    def cpu_kernel(self, node):
        return _cpu_kernel(node, "max")

    def grad(self, op, dy):
        return [sibling(op, "MaxPoolGrad", [op.inputs[0], op.outputs[0], dy], _ATTRS)]

    def samples(self, rng):
        return _pool_samples(rng)


@register
class MaxPoolGrad(OpDef):
    """The gradient of MaxPool: inputs (orig_input, orig_output, grad); each window's gradient
    goes to the first position (row-major) holding its maximum. Not differentiable itself."""

    type = "MaxPoolGrad"
    kernels = {"cuda": "graphflow.cuda.pool:build_max_pool_grad"}
    defaults = DEFAULTS
    differentiable = False

    def infer(self, inputs, attrs):
        return [Spec(inputs[0].shape, inputs[0].dtype)]

    def reference(self, attrs, x, y, dy):
        x, y, dy = (to_nhwc(np.asarray(a), attrs) for a in (x, y, dy))
        win, oh, ow, pads = _geometry(attrs, x.shape[1], x.shape[2])
        xp = pad_nhwc(x, pads, _lowest(x.dtype))
        dxp = np.zeros(xp.shape, dy.dtype)
        taken = np.zeros(y.shape, bool)
        for index in _taps(win, oh, ow):
            first = (xp[index] == y) & ~taken
            dxp[index] += np.where(first, dy, 0)
            taken |= first
        return from_nhwc(np.ascontiguousarray(unpad(dxp, pads)), attrs)

    def cpu_kernel(self, node):
        return _cpu_kernel(node, "max_grad")

    def samples(self, rng):
        out = []
        for s in _pool_samples(rng):
            y = MaxPool().reference(s.attrs, s.inputs[0])
            out.append(Sample([s.inputs[0], y, rng.normal(size=y.shape)], s.attrs,
                              check_grad=False))
        return out


@register
class AvgPool(OpDef):
    """The mean of each window over its real inputs (SAME padding is not counted)."""

    type = "AvgPool"
    kernels = {"cuda": "graphflow.cuda.pool:build_avg_pool"}
    defaults = DEFAULTS

    def infer(self, inputs, attrs):
        if not inputs[0].dtype.is_floating:
            raise TypeError(f"AvgPool expects a float tensor, got {inputs[0].dtype.name}")
        return [Spec(_pool_infer(self.type, inputs[0], attrs), inputs[0].dtype)]

    def reference(self, attrs, x):
        x = to_nhwc(np.asarray(x), attrs)
        n, h, w, c = x.shape
        win, oh, ow, pads = _geometry(attrs, h, w)
        xp = pad_nhwc(x, pads)
        total = sum(xp[index] for index in _taps(win, oh, ow))
        return from_nhwc(total / _counts(win, h, w, oh, ow, pads, x.dtype), attrs)

    def cpu_kernel(self, node):
        return _cpu_kernel(node, "avg")

    def grad(self, op, dy):
        return [sibling(op, "AvgPoolGrad", [shape_of(op.inputs[0]), dy], _ATTRS)]

    def samples(self, rng):
        return _pool_samples(rng)


@register
class AvgPoolGrad(OpDef):
    """The gradient of AvgPool: inputs (orig_input_shape, grad)."""

    type = "AvgPoolGrad"
    kernels = {"cuda": "graphflow.cuda.pool:build_avg_pool_grad"}
    host_arguments = (0,)
    defaults = DEFAULTS

    def infer(self, inputs, attrs):
        sizes, dy = inputs
        return [Spec(described_shape(sizes), dy.dtype)]

    def reference(self, attrs, sizes, dy):
        n, h, w, c = nhwc_dims(TensorShape([int(v) for v in sizes]), attrs)
        dy = to_nhwc(np.asarray(dy), attrs)
        win, oh, ow, pads = _geometry(attrs, h, w)
        share = dy / _counts(win, h, w, oh, ow, pads, dy.dtype)
        dxp = np.zeros((n, h + pads[0] + pads[1], w + pads[2] + pads[3], c), dy.dtype)
        for index in _taps(win, oh, ow):
            dxp[index] += share
        return from_nhwc(np.ascontiguousarray(unpad(dxp, pads)), attrs)

    def cpu_kernel(self, node):
        return _cpu_kernel(node, "avg_grad")

    def grad(self, op, dz):
        return [None, sibling(op, "AvgPool", [dz], _ATTRS)]

    def samples(self, rng):
        out = []
        for s in _pool_samples(rng):
            y = AvgPool().reference(s.attrs, s.inputs[0])
            out.append(Sample([np.array(s.inputs[0].shape, np.int32),
                               rng.normal(size=y.shape)], s.attrs))
        return out
