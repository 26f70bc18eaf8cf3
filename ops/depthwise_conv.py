"""DepthwiseConv2dNative and its two backprops: each input channel convolved with its own
`channel_multiplier` filters (filter [kh, kw, C, M] -> output channels C * M, channel c * M + m).

Same geometry and attributes as Conv2D. The numpy references contract a strided view of the
windows with the filter by einsum; the CPU kernels are direct numba loops (`_depthwise_cpu`).
"""

from __future__ import annotations

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from ._sliding_windows import (
    add_windows,
    float_kernel_io,
    from_nhwc,
    nhwc_dims,
    pad_nhwc,
    to_nhwc,
    unpad,
    window_from_attrs,
    windows,
)
from .conv import ConvFilterGrad, ConvForward, ConvInputGrad, backprop_sample
from .registry import register


def _geometry(x_shape, f_shape, attrs):
    win = window_from_attrs(attrs, f_shape[:2])
    oh, ow, pads = win.out_and_pads(x_shape[1], x_shape[2])
    return win, oh, ow, pads


def _cpu_kernel(node, which: str):
    """The `_depthwise_cpu` kernel `which` ("forward", "input", "filter"), NCHW transposed at
    the boundary; None (the reference runs) for dtypes other than float32 and float64."""
    from ._depthwise_cpu import depthwise, depthwise_backprop_filter, depthwise_backprop_input

    io = float_kernel_io(node)
    if io is None:
        return None
    attrs = node.attrs
    dtype, nhwc = io

    if which == "forward":
        def kernel(x, f):
            f = np.asarray(f, dtype)
            return from_nhwc(depthwise(nhwc(x), f, window_from_attrs(attrs, f.shape[:2])), attrs)
    elif which == "input":
        def kernel(sizes, f, dy):
            f = np.asarray(f, dtype)
            dims = nhwc_dims(TensorShape([int(v) for v in sizes]), attrs)
            win = window_from_attrs(attrs, f.shape[:2])
            return from_nhwc(depthwise_backprop_input(dims, f, nhwc(dy), win), attrs)
    else:
        def kernel(x, sizes, dy):
            shape = [int(v) for v in sizes]
            return depthwise_backprop_filter(nhwc(x), shape, nhwc(dy),
                                             window_from_attrs(attrs, shape[:2]))
    return kernel


def depthwise_nhwc(x: np.ndarray, f: np.ndarray, attrs) -> np.ndarray:
    win, oh, ow, pads = _geometry(x.shape, f.shape, attrs)
    cols = windows(pad_nhwc(x, pads), win, oh, ow)
    out = np.einsum("nyxijc,ijcm->nyxcm", cols, f, optimize=True)
    return out.reshape(x.shape[0], oh, ow, -1)


class _DepthwiseFamily:
    forward_type = "DepthwiseConv2dNative"
    input_grad_type = "DepthwiseConv2dNativeBackpropInput"
    filter_grad_type = "DepthwiseConv2dNativeBackpropFilter"


@register
class DepthwiseConv2dNative(_DepthwiseFamily, ConvForward):
    """Depthwise 2-D convolution: input [N,H,W,C], filter [kh,kw,C,M] -> [N,oh,ow,C*M]."""

    type = "DepthwiseConv2dNative"
    kernels = {"cuda": "graphflow.cuda.depthwise:build_depthwise"}

    def out_channels(self, depth, multiplier):
        return None if depth is None or multiplier is None else depth * multiplier

    def reference(self, attrs, x, f):
        return from_nhwc(depthwise_nhwc(to_nhwc(np.asarray(x), attrs), np.asarray(f), attrs),
                         attrs)

    def cpu_kernel(self, node):
        return _cpu_kernel(node, "forward")


@register
class DepthwiseConv2dNativeBackpropInput(_DepthwiseFamily, ConvInputGrad):
    """Gradient of the depthwise convolution with respect to its input."""

    type = "DepthwiseConv2dNativeBackpropInput"
    kernels = {"cuda": "graphflow.cuda.depthwise:build_depthwise_input_grad"}
    host_arguments = (0,)

    def reference(self, attrs, sizes, f, dy):
        n, h, w, c = nhwc_dims(TensorShape([int(v) for v in sizes]), attrs)
        f, dy = np.asarray(f), to_nhwc(np.asarray(dy), attrs)
        win, oh, ow, pads = _geometry((n, h, w, c), f.shape, attrs)
        dy5 = dy.reshape(n, oh, ow, c, f.shape[3])
        dcols = np.einsum("nyxcm,ijcm->nyxijc", dy5, f, optimize=True)
        dxp = np.zeros((n, h + pads[0] + pads[1], w + pads[2] + pads[3], c), dy.dtype)
        add_windows(dxp, dcols, win)
        return from_nhwc(np.ascontiguousarray(unpad(dxp, pads)), attrs)

    def cpu_kernel(self, node):
        return _cpu_kernel(node, "input")

    def samples(self, rng):
        forward = DepthwiseConv2dNative()
        return [backprop_sample(s, "input", forward) for s in forward.samples(rng)[::2]]


@register
class DepthwiseConv2dNativeBackpropFilter(_DepthwiseFamily, ConvFilterGrad):
    """Gradient of the depthwise convolution with respect to its filter."""

    type = "DepthwiseConv2dNativeBackpropFilter"
    kernels = {"cuda": "graphflow.cuda.depthwise:build_depthwise_filter_grad"}
    host_arguments = (1,)

    def reference(self, attrs, x, sizes, dy):
        x, dy = to_nhwc(np.asarray(x), attrs), to_nhwc(np.asarray(dy), attrs)
        kh, kw, c, m = (int(v) for v in sizes)
        win, oh, ow, pads = _geometry(x.shape, (kh, kw), attrs)
        cols = windows(pad_nhwc(x, pads), win, oh, ow)
        dy5 = dy.reshape(x.shape[0], oh, ow, c, m)
        return np.einsum("nyxijc,nyxcm->ijcm", cols, dy5, optimize=True)

    def cpu_kernel(self, node):
        return _cpu_kernel(node, "filter")

    def samples(self, rng):
        forward = DepthwiseConv2dNative()
        return [backprop_sample(s, "filter", forward) for s in forward.samples(rng)[1::2]]
