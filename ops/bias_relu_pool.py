"""`_BiasReluMaxPool`: a plan-internal op, never in a user's graph; the compiler
(graphflow/compiler/fuse_bias_relu_pool.py) makes it from `max_pool(relu(z + bias))`, the
forward pass of a convolution layer, where `z + bias` and the ReLU are one fused loop.

Inputs (z, bias [C]); attrs MaxPool's (ksize, strides, padding, data_format, NHWC only).
Outputs: r = relu(z + bias), which the backward pass keeps, and max_pool(r). The CPU kernel
pools each image right after computing it (`_bias_relu_pool_numba`); the CUDA kernel chains the
device's fused elementwise loop and MaxPool (cuda/bias_relu_pool.py).
"""

from __future__ import annotations

import numpy as np

from . import activations  # noqa: F401 - registers the Relu row
from ._sliding_windows import float_kernel_io
from .elementwise import ELEMENTWISE
from .pool import MaxPool, _geometry, _pool_infer, _pool_samples
from .registry import OpDef, Sample, Spec, register

TYPE = "_BiasReluMaxPool"


def _cpu_kernel(node):
    io = float_kernel_io(node)
    if io is None:
        return None
    from . import _bias_relu_pool_numba as kernels
    from ._cpu_workers import split_images

    attrs = node.attrs
    dtype, _ = io

    def kernel(z, bias):
        z = np.ascontiguousarray(z, dtype)
        bias = np.ascontiguousarray(bias, dtype)
        n, h, w, c = z.shape
        win, oh, ow, pads = _geometry(attrs, h, w)
        r = np.empty_like(z)
        pooled = np.empty((n, oh, ow, c), dtype)
        split_images(n, lambda worker, lo, hi: kernels.bias_relu_max_pool(
            z, bias, lo, hi, win.kh, win.kw, win.sh, win.sw, pads[0], pads[2], r, pooled),
            z.size + pooled.size * win.kh * win.kw)
        return r, pooled

    return kernel


@register
class BiasReluMaxPool(OpDef):
    """(relu(z + bias), max_pool(relu(z + bias))) for z NHWC and bias [C]. Attrs: MaxPool's.
    Not differentiable (the compiler makes it after the gradients are built)."""

    type = TYPE
    kernels = {"cuda": "graphflow.cuda.bias_relu_pool:build_bias_relu_max_pool"}
    defaults = {"data_format": "NHWC"}
    differentiable = False

    def infer(self, inputs, attrs):
        z, bias = inputs
        if attrs.get("data_format", "NHWC") != "NHWC":
            raise ValueError(f"{TYPE}: only NHWC is supported, got {attrs.get('data_format')}")
        if not z.dtype.is_floating or bias.dtype != z.dtype:
            raise TypeError(f"{TYPE} expects a float tensor and a bias of its dtype, got "
                            f"{z.dtype.name} and {bias.dtype.name}")
        if bias.rank is not None and bias.rank != 1:
            raise ValueError(f"{TYPE}: bias must be 1-D, got shape {bias.shape}")
        return [Spec(z.shape, z.dtype), Spec(_pool_infer(TYPE, z, attrs), z.dtype)]

    def reference(self, attrs, z, bias):
        z = np.asarray(z)
        r = np.asarray(ELEMENTWISE["Relu"].numpy(ELEMENTWISE["Add"].numpy(z, bias)), z.dtype)
        return r, MaxPool().reference(attrs, r)

    def cpu_kernel(self, node):
        return _cpu_kernel(node)

    def samples(self, rng):
        out = []
        for s in _pool_samples(rng):
            if s.attrs["data_format"] == "NHWC":
                z = s.inputs[0]
                out.append(Sample([z, rng.normal(size=z.shape[3]) * 0.3], s.attrs, check_grad=False))
        return out
