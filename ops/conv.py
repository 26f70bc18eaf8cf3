"""Conv2D and its two backprops. The numpy references contract a strided view of the input's
sliding windows with the filter (the input gradient adds one product per kernel tap back into
its strided slice); the CPU kernels (`_conv_cpu`) pack windows with numba and multiply them with
BLAS, the batch split over the cores.

Attributes are TF1's: strides, padding ("SAME", "VALID" or "EXPLICIT" with
explicit_paddings), data_format ("NHWC" or "NCHW") and dilations. The backprops are ops of
their own (as in TF1), with gradients, so second derivatives of convolutions exist.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from ._rules import described_shape, shape_of, sibling
from ._sliding_windows import (
    check_attrs,
    float_kernel_io,
    from_nhwc,
    nhwc_dims,
    pad_nhwc,
    shape_from_nhwc,
    to_nhwc,
    unpad,
    window_from_attrs,
    windows,
)
from .registry import OpDef, Sample, Spec, register

_ATTRS = ("strides", "padding", "explicit_paddings", "data_format", "dilations")
DEFAULTS = {"padding": "VALID", "explicit_paddings": None, "data_format": "NHWC",
            "dilations": [1, 1, 1, 1]}


def output_hw(in_spec_dims, attrs, kh, kw):
    """(out_h, out_w) for static NHWC dims (None where unknown)."""
    _, h, w, _ = in_spec_dims
    if h is None or w is None or kh is None or kw is None:
        return None, None
    oh, ow, _ = window_from_attrs(attrs, (kh, kw)).out_and_pads(h, w)
    return oh, ow


def _check_inputs(op_type, x, f, attrs, depthwise=False):
    check_attrs(op_type, attrs)
    if not x.dtype.is_floating or x.dtype != f.dtype:
        raise TypeError(f"{op_type}: input and filter must be float tensors of one dtype, got "
                        f"{x.dtype.name} and {f.dtype.name}")
    for what, s in (("input", x), ("filter", f)):
        if s.rank is not None and s.rank != 4:
            raise ValueError(f"{op_type}: {what} must be 4-D, got shape {s.shape}")


def _sizes(spec, attrs):
    """The NHWC dims of a shape given as an int tensor (None where unknown)."""
    shape = described_shape(spec)
    return nhwc_dims(shape, attrs) if shape.ndims == 4 else (None,) * 4


def conv2d_nhwc(x: np.ndarray, f: np.ndarray, attrs) -> np.ndarray:
    win = window_from_attrs(attrs, f.shape[:2])
    oh, ow, pads = win.out_and_pads(x.shape[1], x.shape[2])
    cols = windows(pad_nhwc(x, pads), win, oh, ow)
    n, oc = x.shape[0], f.shape[3]
    out = cols.reshape(n * oh * ow, -1) @ f.reshape(-1, oc)
    return out.reshape(n, oh, ow, oc)


def conv2d_backprop_input_nhwc(sizes, f: np.ndarray, dy: np.ndarray, attrs) -> np.ndarray:
    """One small product per kernel tap, added into that tap's strided slice: about twice as
    fast as one big product into a [N*oh*ow, kh*kw*C] buffer scattered afterwards."""
    n, h, w, c = sizes
    win = window_from_attrs(attrs, f.shape[:2])
    oh, ow, pads = win.out_and_pads(h, w)
    dy2 = dy.reshape(-1, f.shape[3])
    dxp = np.zeros((n, h + pads[0] + pads[1], w + pads[2] + pads[3], c), dy.dtype)
    for i in range(win.kh):
        for j in range(win.kw):
            r, q = i * win.dh, j * win.dw
            dxp[:, r:r + win.sh * (oh - 1) + 1:win.sh, q:q + win.sw * (ow - 1) + 1:win.sw] += \
                (dy2 @ f[i, j].T).reshape(n, oh, ow, c)
    return np.ascontiguousarray(unpad(dxp, pads))


def conv2d_backprop_filter_nhwc(x: np.ndarray, fsizes, dy: np.ndarray, attrs) -> np.ndarray:
    kh, kw, c, oc = fsizes
    win = window_from_attrs(attrs, (kh, kw))
    oh, ow, pads = win.out_and_pads(x.shape[1], x.shape[2])
    cols = windows(pad_nhwc(x, pads), win, oh, ow)
    return (cols.reshape(-1, kh * kw * c).T @ dy.reshape(-1, oc)).reshape(kh, kw, c, oc)


def cpu_kernel_of(node, which: str):
    """The `_conv_cpu` kernel `which` ("forward", "input", "filter") of a Conv2D-family node,
    NCHW transposed at the boundary; None (the reference runs) for dtypes BLAS does not take."""
    from ._conv_cpu import Scratch, conv2d, conv2d_filter_grad, conv2d_input_grad

    io = float_kernel_io(node)
    if io is None:
        return None
    attrs, scratch = node.attrs, Scratch()
    dtype, nhwc = io

    if which == "forward":
        def kernel(x, f):
            f = np.asarray(f, dtype)
            return from_nhwc(conv2d(nhwc(x), f, window_from_attrs(attrs, f.shape[:2]), scratch),
                             attrs)
    elif which == "input":
        def kernel(sizes, f, dy):
            f = np.asarray(f, dtype)
            dims = nhwc_dims(TensorShape([int(v) for v in sizes]), attrs)
            win = window_from_attrs(attrs, f.shape[:2])
            return from_nhwc(conv2d_input_grad(dims, f, nhwc(dy), win, scratch), attrs)
    else:
        def kernel(x, sizes, dy):
            shape = [int(v) for v in sizes]
            win = window_from_attrs(attrs, shape[:2])
            return conv2d_filter_grad(nhwc(x), shape, nhwc(dy), win, scratch)
    return kernel


class _ConvFamily(OpDef):
    """What a convolution and its two backprops share: attributes, and gradients that are the
    other two ops of the family (so every order of derivative exists). A family names its
    three op types (Conv2D, DepthwiseConv2dNative)."""

    defaults = DEFAULTS
    forward_type: ClassVar[str] = ""
    input_grad_type: ClassVar[str] = ""
    filter_grad_type: ClassVar[str] = ""

    def _make(self, op, op_type: str, inputs):
        return sibling(op, op_type, inputs, _ATTRS)


class ConvForward(_ConvFamily):
    """The convolution itself: inputs (input, filter)."""

    def out_channels(self, depth, filter_last):
        """The output depth from the input depth and the filter's last dimension."""
        return filter_last

    def infer(self, inputs, attrs):
        x, f = inputs
        _check_inputs(self.type, x, f, attrs)
        n, h, w, c = nhwc_dims(x.shape, attrs) if x.rank == 4 else (None,) * 4
        kh, kw, fc, last = f.dims if f.rank == 4 else (None,) * 4
        if c is not None and fc is not None and c != fc:
            raise ValueError(f"input depth {c} does not match the filter's input depth {fc}")
        oh, ow = output_hw((n, h, w, c), attrs, kh, kw)
        depth = self.out_channels(c if c is not None else fc, last)
        return [Spec(shape_from_nhwc(n, oh, ow, depth, attrs), x.dtype)]

    def grad(self, op, dy):
        x, f = op.inputs
        return [self._make(op, self.input_grad_type, [shape_of(x), f, dy]),
                self._make(op, self.filter_grad_type, [x, shape_of(f), dy])]

    def samples(self, rng):
        return conv_samples(rng)


class ConvInputGrad(_ConvFamily):
    """The gradient with respect to the input: inputs (input_sizes, filter, out_backprop)."""

    def infer(self, inputs, attrs):
        sizes, f, dy = inputs
        _check_inputs(self.type, dy, f, attrs)
        n, h, w, c = _sizes(sizes, attrs)
        if c is None and f.rank == 4:
            c = f.dims[2]
        if n is None and dy.rank == 4:
            n = dy.dims[0]
        return [Spec(shape_from_nhwc(n, h, w, c, attrs), dy.dtype)]

    def grad(self, op, dz):
        _, f, dy = op.inputs
        return [None, self._make(op, self.filter_grad_type, [dz, shape_of(f), dy]),
                self._make(op, self.forward_type, [dz, f])]


class ConvFilterGrad(_ConvFamily):
    """The gradient with respect to the filter: inputs (input, filter_sizes, out_backprop)."""

    def infer(self, inputs, attrs):
        x, sizes, dy = inputs
        _check_inputs(self.type, x, dy, attrs)
        return [Spec(described_shape(sizes), x.dtype)]

    def grad(self, op, dz):
        x, _, dy = op.inputs
        return [self._make(op, self.input_grad_type, [shape_of(x), dz, dy]), None,
                self._make(op, self.forward_type, [x, dz])]


class _Conv2DFamily:
    forward_type = "Conv2D"
    input_grad_type = "Conv2DBackpropInput"
    filter_grad_type = "Conv2DBackpropFilter"


@register
class Conv2D(_Conv2DFamily, ConvForward):
    """2-D convolution (cross-correlation, as TF) of input [N,H,W,C] with filter
    [kh,kw,C,OC]."""

    type = "Conv2D"
    kernels = {"cuda": "graphflow.cuda.conv:build_conv2d"}

    def reference(self, attrs, x, f):
        return from_nhwc(conv2d_nhwc(to_nhwc(np.asarray(x), attrs), np.asarray(f), attrs), attrs)

    def cpu_kernel(self, node):
        return cpu_kernel_of(node, "forward")


def conv_samples(rng):
    """Odd sizes, strides that do not divide, dilation, explicit padding, NCHW, batch 1,
    channels 1."""
    def case(x_shape, f_shape, **attrs):
        attrs = {"strides": [1, 1, 1, 1], "padding": "VALID", **attrs}
        return Sample([rng.normal(size=x_shape), rng.normal(size=f_shape)], attrs)

    return [case((2, 5, 6, 3), (3, 2, 3, 2), padding="SAME"),
            case((1, 7, 5, 1), (3, 3, 1, 2), strides=[1, 2, 3, 1]),
            case((2, 6, 6, 2), (2, 3, 2, 2), strides=[1, 2, 2, 1], padding="SAME"),
            case((1, 7, 7, 2), (3, 2, 2, 1), dilations=[1, 2, 2, 1], padding="SAME"),
            case((2, 4, 5, 2), (3, 3, 2, 3), padding="EXPLICIT",
                 explicit_paddings=[0, 0, 1, 2, 0, 1, 0, 0]),
            case((2, 3, 5, 4), (2, 2, 3, 2), data_format="NCHW", strides=[1, 1, 2, 1],
                 padding="SAME")]


@register
class Conv2DBackpropInput(_Conv2DFamily, ConvInputGrad):
    """The gradient of Conv2D with respect to its input (also `tf.nn.conv2d_transpose`)."""

    type = "Conv2DBackpropInput"
    kernels = {"cuda": "graphflow.cuda.conv:build_conv2d_input_grad"}
    host_arguments = (0,)

    def reference(self, attrs, sizes, f, dy):
        dims = nhwc_dims(TensorShape([int(v) for v in sizes]), attrs)
        out = conv2d_backprop_input_nhwc(dims, np.asarray(f), to_nhwc(np.asarray(dy), attrs),
                                         attrs)
        return from_nhwc(out, attrs)

    def cpu_kernel(self, node):
        return cpu_kernel_of(node, "input")

    def samples(self, rng):
        return [backprop_sample(s, "input") for s in Conv2D().samples(rng)[:4]] + \
            [backprop_sample(Conv2D().samples(rng)[5], "input")]


@register
class Conv2DBackpropFilter(_Conv2DFamily, ConvFilterGrad):
    """The gradient of Conv2D with respect to its filter."""

    type = "Conv2DBackpropFilter"
    kernels = {"cuda": "graphflow.cuda.conv:build_conv2d_filter_grad"}
    host_arguments = (1,)

    def reference(self, attrs, x, sizes, dy):
        return conv2d_backprop_filter_nhwc(to_nhwc(np.asarray(x), attrs),
                                           [int(v) for v in sizes],
                                           to_nhwc(np.asarray(dy), attrs), attrs)

    def cpu_kernel(self, node):
        return cpu_kernel_of(node, "filter")

    def samples(self, rng):
        return [backprop_sample(s, "filter") for s in Conv2D().samples(rng)[1:]]


def backprop_sample(sample: Sample, which: str, forward=None) -> Sample:
    """A backprop sample from a forward sample: out_backprop of the forward output's shape."""
    x, f = sample.inputs
    y = (forward or Conv2D()).reference(sample.attrs, x, f)
    dy = np.random.default_rng(5).normal(size=y.shape)
    if which == "input":
        return Sample([np.array(x.shape, np.int32), f, dy], sample.attrs)
    return Sample([x, np.array(f.shape, np.int32), dy], sample.attrs)
