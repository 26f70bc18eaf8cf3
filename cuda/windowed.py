"""The convolution and pooling ops on the GPU: which runner each op takes, which of its inputs
and output are images, and NCHW by transposes around the NHWC runners."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import conv, depthwise, pool
from .windows import nchw_runner, nhwc_attrs, to_nhwc_shape

Shape = tuple[int, ...]

#: op -> (runner from (input shapes, output shape, dtype, NHWC attrs), image inputs,
#: image output). The runners take every input of the op, static size inputs included.
WINDOWED_OPS: dict[str, tuple[Callable[..., Any], tuple[int, ...], bool]] = {
    "Conv2D": (lambda s, out, dt, a: conv.conv2d_runner(s[0], s[1], dt, a), (0,), True),
    "Conv2DBackpropInput": (lambda s, out, dt, a: conv.conv2d_input_grad_runner(
        out, s[1], dt, a), (2,), True),
    "Conv2DBackpropFilter": (lambda s, out, dt, a: conv.conv2d_filter_grad_runner(
        s[0], out, dt, a), (0, 2), False),
    "DepthwiseConv2dNative": (lambda s, out, dt, a: depthwise.depthwise_runner(s[0], s[1], dt, a),
                              (0,), True),
    "DepthwiseConv2dNativeBackpropInput": (lambda s, out, dt, a: depthwise.depthwise_input_grad_runner(
        out, s[1], dt, a), (2,), True),
    "DepthwiseConv2dNativeBackpropFilter": (
        lambda s, out, dt, a: depthwise.depthwise_filter_grad_runner(s[0], out, dt, a), (0, 2), False),
    "MaxPool": (lambda s, out, dt, a: pool.max_pool_runner(s[0], dt, a), (0,), True),
    "MaxPoolGrad": (lambda s, out, dt, a: pool.max_pool_grad_runner(s[0], dt, a), (0, 1, 2),
                    True),
    "AvgPool": (lambda s, out, dt, a: pool.avg_pool_runner(s[0], dt, a), (0,), True),
    "AvgPoolGrad": (lambda s, out, dt, a: pool.avg_pool_grad_runner(out, dt, a), (1,), True),
}


def windowed_runner(op_type: str, in_shapes: Sequence[Shape], out_shape: Shape, dtype: Any,
                    attrs: Any) -> Callable[..., Any]:
    """The device kernel of a convolution or pooling node with these static shapes."""
    build, images, image_out = WINDOWED_OPS[op_type]
    nchw = attrs.get("data_format", "NHWC") == "NCHW"
    if not nchw:
        return build(list(in_shapes), out_shape, dtype, attrs)
    shapes = [to_nhwc_shape(s) if k in images else s for k, s in enumerate(in_shapes)]
    nhwc_out = to_nhwc_shape(out_shape) if image_out else out_shape
    run = build(shapes, nhwc_out, dtype, nhwc_attrs(attrs))
    return nchw_runner(run, [s if k in images else None for k, s in enumerate(in_shapes)],
                       dtype, nhwc_out if image_out else None)
