"""DepthwiseConv2dNative and its two backprops: each input channel convolved with its own
`channel_multiplier` filters (filter [kh, kw, C, M] -> output channels C * M, channel c * M + m).

Same geometry and attributes as Conv2D; the windows are a strided view contracted with the
filter by einsum (one pass, no Python loop over channels).
"""

from __future__ import annotations

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from ._windows import (
    add_windows,
    from_nhwc,
    nhwc_dims,
    pad_nhwc,
    shape_from_nhwc,
    to_nhwc,
    unpad,
    window_from_attrs,
    windows,
)
from .conv import (
    DEFAULTS,
    _check_inputs,
    _create,
    _shape_of,
    _sizes,
    backprop_sample,
    conv_attrs,
    conv_samples,
    output_hw,
)
from .registry import OpDef, Spec, register


def _geometry(x_shape, f_shape, attrs):
    win = window_from_attrs(attrs, f_shape[:2])
    oh, ow, pads = win.out_and_pads(x_shape[1], x_shape[2])
    return win, oh, ow, pads


def depthwise_nhwc(x: np.ndarray, f: np.ndarray, attrs) -> np.ndarray:
    win, oh, ow, pads = _geometry(x.shape, f.shape, attrs)
    cols = windows(pad_nhwc(x, pads), win, oh, ow)
    out = np.einsum("nyxijc,ijcm->nyxcm", cols, f, optimize=True)
    return out.reshape(x.shape[0], oh, ow, -1)


@register
class DepthwiseConv2dNative(OpDef):
    """Depthwise 2-D convolution: input [N,H,W,C], filter [kh,kw,C,M] -> [N,oh,ow,C*M]."""

    type = "DepthwiseConv2dNative"
    defaults = DEFAULTS

    def infer(self, inputs, attrs):
        x, f = inputs
        _check_inputs(self.type, x, f, attrs)
        n, h, w, c = nhwc_dims(x.shape, attrs) if x.rank == 4 else (None,) * 4
        kh, kw, fc, m = f.dims if f.rank == 4 else (None,) * 4
        if c is not None and fc is not None and c != fc:
            raise ValueError(f"input depth {c} does not match the filter's depth {fc}")
        c = c if c is not None else fc
        oh, ow = output_hw((n, h, w, c), attrs, kh, kw)
        oc = None if c is None or m is None else c * m
        return [Spec(shape_from_nhwc(n, oh, ow, oc, attrs), x.dtype)]

    def reference(self, attrs, x, f):
        return from_nhwc(depthwise_nhwc(to_nhwc(np.asarray(x), attrs), np.asarray(f), attrs),
                         attrs)

    def grad(self, op, dy):
        x, f = op.inputs
        attrs = conv_attrs(op)
        return [_create(op.graph, "DepthwiseConv2dNativeBackpropInput", [_shape_of(x), f, dy],
                        attrs),
                _create(op.graph, "DepthwiseConv2dNativeBackpropFilter", [x, _shape_of(f), dy],
                        attrs)]

    def samples(self, rng):
        return conv_samples(rng)


@register
class DepthwiseConv2dNativeBackpropInput(OpDef):
    """Gradient of the depthwise convolution with respect to its input."""

    type = "DepthwiseConv2dNativeBackpropInput"
    defaults = DEFAULTS

    def infer(self, inputs, attrs):
        sizes, f, dy = inputs
        _check_inputs(self.type, dy, f, attrs)
        n, h, w, c = _sizes(sizes, attrs)
        return [Spec(shape_from_nhwc(n, h, w, c if c is not None else
                                     (f.dims[2] if f.rank == 4 else None), attrs), dy.dtype)]

    def reference(self, attrs, sizes, f, dy):
        n, h, w, c = nhwc_dims(TensorShape([int(v) for v in sizes]), attrs)
        f, dy = np.asarray(f), to_nhwc(np.asarray(dy), attrs)
        win, oh, ow, pads = _geometry((n, h, w, c), f.shape, attrs)
        dy5 = dy.reshape(n, oh, ow, c, f.shape[3])
        dcols = np.einsum("nyxcm,ijcm->nyxijc", dy5, f, optimize=True)
        dxp = np.zeros((n, h + pads[0] + pads[1], w + pads[2] + pads[3], c), dy.dtype)
        add_windows(dxp, dcols, win)
        return from_nhwc(np.ascontiguousarray(unpad(dxp, pads)), attrs)

    def grad(self, op, dz):
        _, f, dy = op.inputs
        attrs = conv_attrs(op)
        return [None, _create(op.graph, "DepthwiseConv2dNativeBackpropFilter",
                              [dz, _shape_of(f), dy], attrs),
                _create(op.graph, "DepthwiseConv2dNative", [dz, f], attrs)]

    def samples(self, rng):
        forward = DepthwiseConv2dNative()
        return [backprop_sample(s, "input", forward) for s in forward.samples(rng)[::2]]


@register
class DepthwiseConv2dNativeBackpropFilter(OpDef):
    """Gradient of the depthwise convolution with respect to its filter."""

    type = "DepthwiseConv2dNativeBackpropFilter"
    defaults = DEFAULTS

    def infer(self, inputs, attrs):
        x, sizes, dy = inputs
        _check_inputs(self.type, x, dy, attrs)
        dims = [int(v) for v in sizes.value] if sizes.value is not None else [None] * 4
        return [Spec(TensorShape(dims), x.dtype)]

    def reference(self, attrs, x, sizes, dy):
        x, dy = to_nhwc(np.asarray(x), attrs), to_nhwc(np.asarray(dy), attrs)
        kh, kw, c, m = (int(v) for v in sizes)
        win, oh, ow, pads = _geometry(x.shape, (kh, kw), attrs)
        cols = windows(pad_nhwc(x, pads), win, oh, ow)
        dy5 = dy.reshape(x.shape[0], oh, ow, c, m)
        return np.einsum("nyxijc,nyxcm->ijcm", cols, dy5, optimize=True)

    def grad(self, op, dz):
        x, _, dy = op.inputs
        attrs = conv_attrs(op)
        return [_create(op.graph, "DepthwiseConv2dNativeBackpropInput", [_shape_of(x), dz, dy],
                        attrs), None,
                _create(op.graph, "DepthwiseConv2dNative", [x, dz], attrs)]

    def samples(self, rng):
        forward = DepthwiseConv2dNative()
        return [backprop_sample(s, "filter", forward) for s in forward.samples(rng)[1::2]]
