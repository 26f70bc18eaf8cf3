"""`_Conv2DBackprops`: a plan-internal op, never in a user's graph; the compiler
(graphflow/compiler/fuse_conv_backprops.py) makes it from a Conv2DBackpropInput and a
Conv2DBackpropFilter of one output gradient where the CPU computes both by transforms.

Inputs (x, f, dy): the convolution's input, its filter and the output gradient. Outputs (dx,
df): Conv2DBackpropInput(shape(x), f, dy) and Conv2DBackpropFilter(x, shape(f), dy). Attrs:
Conv2D's (strides, padding, explicit_paddings, data_format NHWC only, dilations). The CPU
kernel transforms dy once for both gradients (`_fft_conv.conv2d_backprops`; a geometry the
transforms do not take runs the two direct kernels); the CUDA kernel runs the device's two
backprop kernels (cuda/conv_backprops.py).
"""

from __future__ import annotations

import numpy as np

from ._sliding_windows import float_kernel_io, window_from_attrs
from .conv import (
    DEFAULTS,
    Conv2D,
    Conv2DBackpropFilter,
    Conv2DBackpropInput,
    _check_inputs,
    conv_samples,
)
from .registry import OpDef, Sample, Spec, register

TYPE = "_Conv2DBackprops"


def _cpu_kernel(node):
    io = float_kernel_io(node)
    if io is None:
        return None
    from . import _fft_conv
    from ._conv_cpu import Scratch, conv2d_filter_grad, conv2d_input_grad

    attrs, scratch = node.attrs, Scratch()
    dtype, _ = io

    def kernel(x, f, dy):
        x, f, dy = (np.ascontiguousarray(a, dtype) for a in (x, f, dy))
        win = window_from_attrs(attrs, f.shape[:2])
        grid = _fft_conv.fft_grid(x.shape, f.shape, win, x.itemsize)
        if grid is not None:
            return _fft_conv.conv2d_backprops(x, f, dy, win, grid, scratch.spectra)
        return (conv2d_input_grad(x.shape, f, dy, win, scratch),
                conv2d_filter_grad(x, f.shape, dy, win, scratch))

    return kernel


@register
class Conv2DBackprops(OpDef):
    """(Conv2DBackpropInput(shape(x), f, dy), Conv2DBackpropFilter(x, shape(f), dy)), NHWC.
    Not differentiable (the compiler makes it after the gradients are built)."""

    type = TYPE
    kernels = {"cuda": "graphflow.cuda.conv_backprops:build_conv2d_backprops"}
    defaults = DEFAULTS
    differentiable = False

    def infer(self, inputs, attrs):
        x, f, dy = inputs
        if attrs.get("data_format", "NHWC") != "NHWC":
            raise ValueError(f"{TYPE}: only NHWC is supported, got {attrs.get('data_format')}")
        _check_inputs(TYPE, x, f, attrs)
        _check_inputs(TYPE, dy, f, attrs)
        return [Spec(x.shape, x.dtype), Spec(f.shape, f.dtype)]

    def reference(self, attrs, x, f, dy):
        x, f = np.asarray(x), np.asarray(f)
        return (Conv2DBackpropInput().reference(attrs, np.array(x.shape), f, dy),
                Conv2DBackpropFilter().reference(attrs, x, np.array(f.shape), dy))

    def cpu_kernel(self, node):
        return _cpu_kernel(node)

    def samples(self, rng):
        out = []
        for s in conv_samples(rng):
            if s.attrs.get("data_format", "NHWC") != "NHWC":
                continue
            x, f = s.inputs
            y = Conv2D().reference(s.attrs, x, f)
            out.append(Sample([x, f, rng.normal(size=y.shape)], s.attrs, check_grad=False))
        return out
