"""`tf.nn` convolutions and pooling: conv2d, conv2d_transpose, depthwise_conv2d,
separable_conv2d, bias_add, max_pool, avg_pool (NHWC by default, NCHW accepted)."""

from __future__ import annotations

from typing import Any

from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from ._build import op_scope, out
from .array import reshape


def _four(value: Any, data_format: str, what: str) -> list[int]:
    """TF's strides/ksize/dilations forms (int, [n], [h, w] or 4 entries) as 4 entries.

    Raises:
        ValueError: for another length.
    """
    if value is None:
        return [1, 1, 1, 1]
    values = [int(value)] * 2 if isinstance(value, int) else [int(v) for v in value]
    if len(values) == 1:
        values = values * 2
    if len(values) == 2:
        return [1, 1, *values] if data_format == "NCHW" else [1, *values, 1]
    if len(values) != 4:
        raise ValueError(f"{what} must be an int or a list of 1, 2 or 4 ints, got {value!r}")
    return values


def _padding(padding: Any, data_format: str) -> dict[str, Any]:
    """The padding attributes: "SAME"/"VALID", or explicit [[before, after]] * 4."""
    if isinstance(padding, str):
        if padding.upper() not in ("SAME", "VALID"):
            raise ValueError(f"padding must be 'SAME', 'VALID' or explicit pairs, got "
                             f"{padding!r}")
        return {"padding": padding.upper()}
    pairs = [list(p) for p in padding]
    if len(pairs) != 4 or any(len(p) != 2 for p in pairs):
        raise ValueError(f"explicit padding needs 4 [before, after] pairs, got {padding!r}")
    channel = 1 if data_format == "NCHW" else 3
    if pairs[0] != [0, 0] or pairs[channel] != [0, 0]:
        raise ValueError("explicit padding of the batch and depth dimensions must be 0")
    return {"padding": "EXPLICIT", "explicit_paddings": [int(v) for p in pairs for v in p]}


def _conv_attrs(strides, padding, data_format, dilations) -> dict[str, Any]:
    data_format = data_format or "NHWC"
    return {"strides": _four(strides, data_format, "strides"), "data_format": data_format,
            "dilations": _four(dilations, data_format, "dilations"),
            **_padding(padding, data_format)}


def conv2d(input: Any = None, filter: Any = None, strides: Any = None,  # noqa: A002
           padding: Any = None, use_cudnn_on_gpu: bool = True, data_format: str = "NHWC",
           dilations: Any = None, name: str | None = None, filters: Any = None) -> Tensor:
    """2-D convolution of input [N,H,W,C] with filter [kh,kw,C,OC] (cross-correlation)."""
    attrs = _conv_attrs(strides, padding, data_format, dilations)
    f = filter if filter is not None else filters
    return out("Conv2D", [convert_to_tensor(input), convert_to_tensor(f)], attrs,
               name=name or "Conv2D")


def conv2d_transpose(value: Any = None, filter: Any = None, output_shape: Any = None,  # noqa: A002
                     strides: Any = None, padding: str = "SAME", data_format: str = "NHWC",
                     name: str | None = None, input: Any = None, filters: Any = None,  # noqa: A002
                     dilations: Any = None) -> Tensor:
    """The transpose (gradient) of conv2d: filter [kh,kw,OC,C] maps [N,h,w,C] to
    `output_shape`."""
    from .array import _shape_tensor

    with op_scope([value, filter], name, "conv2d_transpose") as scope:
        x = convert_to_tensor(value if value is not None else input)
        f = convert_to_tensor(filter if filter is not None else filters)
        attrs = _conv_attrs(strides, padding, data_format, dilations)
        sizes = _shape_tensor(output_shape, name="output_shape")
        return out("Conv2DBackpropInput", [sizes, f, x], attrs, name=scope)


def depthwise_conv2d(input: Any, filter: Any, strides: Any, padding: Any,  # noqa: A002
                     rate: Any = None, name: str | None = None, data_format: str | None = None,
                     dilations: Any = None) -> Tensor:
    """Per-channel convolution: filter [kh,kw,C,M] gives C*M output channels."""
    dilations = dilations if dilations is not None else rate
    with op_scope([input, filter], name, "depthwise") as scope:
        attrs = _conv_attrs(strides, padding, data_format, dilations)
        return out("DepthwiseConv2dNative", [convert_to_tensor(input), convert_to_tensor(filter)],
                   attrs, name=scope)


def separable_conv2d(input: Any, depthwise_filter: Any, pointwise_filter: Any,  # noqa: A002
                     strides: Any, padding: Any, rate: Any = None, name: str | None = None,
                     data_format: str | None = None, dilations: Any = None) -> Tensor:
    """A depthwise convolution followed by a 1x1 convolution mixing channels
    (pointwise_filter [1,1,C*M,OC])."""
    with op_scope([input, depthwise_filter, pointwise_filter], name,
                  "separable_conv2d") as scope:
        depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, rate,
                                     name="depthwise", data_format=data_format,
                                     dilations=dilations)
        return conv2d(depthwise, pointwise_filter, [1, 1, 1, 1], "VALID",
                      data_format=data_format or "NHWC", name=scope)


def bias_add(value: Any, bias: Any, data_format: str | None = None,
             name: str | None = None) -> Tensor:
    """value + bias along the channel axis (last for NHWC, axis 1 for NCHW).

    Raises:
        ValueError: unless bias is 1-D with the channel count of value.
    """
    with op_scope([value, bias], name, "BiasAdd") as scope:
        value = convert_to_tensor(value)
        bias = bias if isinstance(bias, Tensor) or hasattr(bias, "_as_graph_tensor") else \
            convert_to_tensor(bias, dtype=value.dtype)
        bias = convert_to_tensor(bias)
        if bias.shape.ndims not in (None, 1):
            raise ValueError(f"bias_add: bias must be 1-D, got shape {bias.shape}")
        rank = value.shape.ndims
        if rank is not None and rank < 2:
            raise ValueError(f"bias_add: value must be at least 2-D, got shape {value.shape}")
        channel = 1 if data_format == "NCHW" else -1
        channels = value.shape.dims[channel] if rank is not None else None
        if channels is not None and bias.shape.dims not in (None, [None]) and \
                bias.shape.dims[0] not in (None, channels):
            raise ValueError(f"bias_add: bias of size {bias.shape.dims[0]} does not match the "
                             f"{channels} channels of value {value.shape}")
        if data_format == "NCHW":
            bias = reshape(bias, [-1] + [1] * (rank - 2))
        return out("BiasAdd", [value, bias], name=scope)


def _pool(op_type: str, value: Any, ksize: Any, strides: Any, padding: str,
          data_format: str, name: str | None) -> Tensor:
    data_format = data_format or "NHWC"
    attrs = {"ksize": _four(ksize, data_format, "ksize"),
             "strides": _four(strides, data_format, "strides"),
             "data_format": data_format, **_padding(padding, data_format)}
    return out(op_type, [convert_to_tensor(value)], attrs, name=name or op_type)


def max_pool(value: Any = None, ksize: Any = None, strides: Any = None, padding: Any = None,
             data_format: str = "NHWC", name: str | None = None, input: Any = None  # noqa: A002
             ) -> Tensor:
    """The maximum of each ksize window, moved by strides."""
    return _pool("MaxPool", value if value is not None else input, ksize, strides, padding,
                 data_format, name)


def avg_pool(value: Any = None, ksize: Any = None, strides: Any = None, padding: Any = None,
             data_format: str = "NHWC", name: str | None = None, input: Any = None  # noqa: A002
             ) -> Tensor:
    """The mean of each ksize window over its real inputs (padding not counted)."""
    return _pool("AvgPool", value if value is not None else input, ksize, strides, padding,
                 data_format, name)


