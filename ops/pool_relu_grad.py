"""`_MaxPoolReluGrad`: a plan-internal op, never in a user's graph; the compiler
(graphflow/compiler/fuse_pool_relu_grad.py) makes it from `ReluGrad(MaxPoolGrad(x, y, dy), x)`,
the backward pass of `max_pool(relu(conv + bias))`, and from the bias gradient's SumToShape of
that when there is one.

Inputs (x, y, dy) as MaxPoolGrad's: x, the pooled input, is also the ReLU's output, whose sign
masks the gradient. Outputs: dx, MaxPoolGrad's result through ReluGrad's row, and with attr
`bias_gradient` also its sum over all but the channel axis (the bias gradient, [C]). NHWC only
(the compiler matches nothing else). The CPU kernel writes dx once (`_pool_relu_grad_numba`);
the CUDA kernel chains the device's MaxPoolGrad, ReluGrad row and sum
(cuda/pool_relu_grad.py).
"""

from __future__ import annotations

import numpy as np

from . import activations  # noqa: F401 - registers the ReluGrad row
from ._sliding_windows import float_kernel_io
from .elementwise import ELEMENTWISE
from .pool import MaxPool, MaxPoolGrad, _geometry, _pool_samples
from .registry import OpDef, Sample, Spec, register, spec

TYPE = "_MaxPoolReluGrad"


def tiles_exactly(attrs, h: int, w: int) -> bool:
    """Whether the pool's windows cover an h x w image with each element in exactly one window
    (stride = window size, the last window reaching the last row and column)."""
    win, oh, ow, (top, _, left, _) = _geometry(attrs, h, w)
    return (win.sh == win.kh and win.sw == win.kw and (oh - 1) * win.sh - top + win.kh >= h
            and (ow - 1) * win.sw - left + win.kw >= w)


def _cpu_kernel(node):
    io = float_kernel_io(node)
    if io is None:
        return None
    from . import _pool_relu_grad_numba as kernels
    from ._cpu_workers import split_images

    attrs = node.attrs
    dtype, _ = io
    with_sums = bool(attrs.get("bias_gradient"))

    def kernel(x, y, dy):
        x = np.ascontiguousarray(x, dtype)
        dy = np.ascontiguousarray(dy, dtype)
        n, h, w, c = x.shape
        win, _, _, pads = _geometry(attrs, h, w)
        args = (win.kh, win.kw, win.sh, win.sw, pads[0], pads[2], tiles_exactly(attrs, h, w),
                with_sums)
        dx = np.empty_like(x)
        sums = np.zeros((n, c) if with_sums else (1, 1), np.float64)
        split_images(n, lambda worker, lo, hi: kernels.max_pool_relu_grad(
            x, dy, lo, hi, *args, dx, sums), dy.size * win.kh * win.kw)
        if not with_sums:
            return dx
        return dx, sums.sum(axis=0).astype(dtype)

    return kernel


@register
class MaxPoolReluGrad(OpDef):
    """ReluGrad(MaxPoolGrad(x, y, dy), x) and, with attr bias_gradient, its per-channel sum:
    the gradients of `max_pool(relu(z))` with respect to z and to a bias added to z. Attrs:
    MaxPool's (ksize, strides, padding, data_format, NHWC only) and bias_gradient (bool).
    Not differentiable (a backward-pass op)."""

    type = TYPE
    kernels = {"cuda": "graphflow.cuda.pool_relu_grad:build_max_pool_relu_grad"}
    defaults = {"data_format": "NHWC", "bias_gradient": False}
    differentiable = False

    def infer(self, inputs, attrs):
        x = inputs[0]
        if attrs.get("data_format", "NHWC") != "NHWC":
            raise ValueError(f"{TYPE}: only NHWC is supported, got {attrs.get('data_format')}")
        if x.rank is not None and x.rank != 4:
            raise ValueError(f"{TYPE}: input must be 4-D, got shape {x.shape}")
        if not x.dtype.is_floating:
            raise TypeError(f"{TYPE} expects a float tensor, got {x.dtype.name}")
        out = [Spec(x.shape, x.dtype)]
        if attrs.get("bias_gradient"):
            out.append(spec([x.shape.dims[3] if x.rank == 4 else None], x.dtype))
        return out

    def reference(self, attrs, x, y, dy):
        x = np.asarray(x)
        pooled = MaxPoolGrad().reference(attrs, x, y, dy)
        dx = np.asarray(ELEMENTWISE["ReluGrad"].numpy(pooled, x), dtype=x.dtype)
        if not attrs.get("bias_gradient"):
            return dx
        return dx, np.sum(dx, axis=(0, 1, 2), dtype=np.float64).astype(x.dtype)

    def cpu_kernel(self, node):
        return _cpu_kernel(node)

    def samples(self, rng):
        out = []
        for s in _pool_samples(rng):
            if s.attrs["data_format"] != "NHWC":
                continue
            x = np.maximum(s.inputs[0], 0.0)  # a ReLU's output: ties at 0 are masked anyway
            y = MaxPool().reference(s.attrs, x)
            dy = rng.normal(size=y.shape)
            for bias_gradient in (False, True):
                out.append(Sample([x, y, dy], {**s.attrs, "bias_gradient": bias_gradient},
                                  check_grad=False))
        return out
