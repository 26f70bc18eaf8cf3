"""`tf.layers.conv2d`, `separable_conv2d` and `conv2d_transpose`."""

from __future__ import annotations

from typing import Any

from graphflow.api import nn_conv
from graphflow.api.array import shape
from graphflow.api.indexing import stack
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.initializers import Zeros
from graphflow.framework.tensor import Tensor

from ._scope import data_format_of, finish, layer_scope, padding_of, pair, weight


def _channels(inputs: Tensor, data_format: str) -> int:
    axis = 1 if data_format == "NCHW" else -1
    depth = inputs.shape.dims[axis] if inputs.shape.ndims == 4 else None
    if depth is None:
        raise ValueError(f"The channel dimension of the inputs should be defined and the "
                         f"inputs 4-D, got shape {inputs.shape}")
    return depth


def _bias(outputs, units, dtype, use_bias, initializer, regularizer, trainable, constraint,
          data_format):
    if not use_bias:
        return outputs
    bias = weight("bias", [units], dtype, initializer, regularizer, trainable, constraint)
    return nn_conv.bias_add(outputs, bias, data_format=data_format)


def conv2d(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
           padding: str = "valid", data_format: str = "channels_last",
           dilation_rate: Any = (1, 1), activation: Any = None, use_bias: bool = True,
           kernel_initializer: Any = None, bias_initializer: Any = Zeros(),
           kernel_regularizer: Any = None, bias_regularizer: Any = None,
           activity_regularizer: Any = None, kernel_constraint: Any = None,
           bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
           reuse: Any = None) -> Tensor:
    """A 2-D convolution layer: kernel [kh, kw, in, filters] (glorot_uniform by default),
    bias, activation."""
    inputs = convert_to_tensor(inputs)
    fmt = data_format_of(data_format)
    kh, kw = pair(kernel_size, "kernel_size")
    with layer_scope(name, "conv2d", reuse):
        kernel = weight("kernel", [kh, kw, _channels(inputs, fmt), filters], inputs.dtype,
                        kernel_initializer, kernel_regularizer, trainable, kernel_constraint)
        outputs = nn_conv.conv2d(inputs, kernel, list(pair(strides, "strides")),
                                 padding_of(padding), data_format=fmt,
                                 dilations=list(pair(dilation_rate, "dilation_rate")))
        outputs = _bias(outputs, filters, inputs.dtype, use_bias, bias_initializer,
                        bias_regularizer, trainable, bias_constraint, fmt)
        return finish(outputs, activation, activity_regularizer)


def separable_conv2d(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
                     padding: str = "valid", data_format: str = "channels_last",
                     dilation_rate: Any = (1, 1), depth_multiplier: int = 1,
                     activation: Any = None, use_bias: bool = True,
                     depthwise_initializer: Any = None, pointwise_initializer: Any = None,
                     bias_initializer: Any = Zeros(), depthwise_regularizer: Any = None,
                     pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                     activity_regularizer: Any = None, depthwise_constraint: Any = None,
                     pointwise_constraint: Any = None, bias_constraint: Any = None,
                     trainable: bool = True, name: str | None = None,
                     reuse: Any = None) -> Tensor:
    """Depthwise convolution (kernel [kh, kw, in, depth_multiplier]) then a 1x1 convolution
    to `filters` channels: variables depthwise_kernel, pointwise_kernel, bias."""
    inputs = convert_to_tensor(inputs)
    fmt = data_format_of(data_format)
    kh, kw = pair(kernel_size, "kernel_size")
    with layer_scope(name, "separable_conv2d", reuse):
        depth = _channels(inputs, fmt)
        depthwise = weight("depthwise_kernel", [kh, kw, depth, depth_multiplier], inputs.dtype,
                           depthwise_initializer, depthwise_regularizer, trainable,
                           depthwise_constraint)
        pointwise = weight("pointwise_kernel", [1, 1, depth * depth_multiplier, filters],
                           inputs.dtype, pointwise_initializer, pointwise_regularizer,
                           trainable, pointwise_constraint)
        sh, sw = pair(strides, "strides")
        outputs = nn_conv.separable_conv2d(inputs, depthwise, pointwise,
                                           [1, 1, sh, sw] if fmt == "NCHW" else [1, sh, sw, 1],
                                           padding_of(padding), data_format=fmt,
                                           dilations=list(pair(dilation_rate, "dilation_rate")))
        outputs = _bias(outputs, filters, inputs.dtype, use_bias, bias_initializer,
                        bias_regularizer, trainable, bias_constraint, fmt)
        return finish(outputs, activation, activity_regularizer)


def conv2d_transpose(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
                     padding: str = "valid", data_format: str = "channels_last",
                     activation: Any = None, use_bias: bool = True,
                     kernel_initializer: Any = None, bias_initializer: Any = Zeros(),
                     kernel_regularizer: Any = None, bias_regularizer: Any = None,
                     activity_regularizer: Any = None, kernel_constraint: Any = None,
                     bias_constraint: Any = None, trainable: bool = True,
                     name: str | None = None, reuse: Any = None) -> Tensor:
    """A transposed ("deconvolution") layer: kernel [kh, kw, filters, in]; each spatial size
    becomes size * stride ('same') or size * stride + max(k - stride, 0) ('valid')."""
    inputs = convert_to_tensor(inputs)
    fmt = data_format_of(data_format)
    (kh, kw), (sh, sw) = pair(kernel_size, "kernel_size"), pair(strides, "strides")
    pad = padding_of(padding)
    with layer_scope(name, "conv2d_transpose", reuse):
        depth = _channels(inputs, fmt)
        kernel = weight("kernel", [kh, kw, filters, depth], inputs.dtype, kernel_initializer,
                        kernel_regularizer, trainable, kernel_constraint)
        dims = shape(inputs)
        h, w = (dims[2], dims[3]) if fmt == "NCHW" else (dims[1], dims[2])
        grow = (lambda size, k, s: size * s) if pad == "SAME" else \
            (lambda size, k, s: size * s + max(k - s, 0))
        oh, ow = grow(h, kh, sh), grow(w, kw, sw)
        out_shape = stack([dims[0], filters, oh, ow] if fmt == "NCHW"
                          else [dims[0], oh, ow, filters])
        outputs = nn_conv.conv2d_transpose(inputs, kernel, out_shape,
                                           [1, 1, sh, sw] if fmt == "NCHW" else [1, sh, sw, 1],
                                           pad, data_format=fmt)
        static = inputs.shape.dims
        if static is not None:
            sh_, sw_ = (static[2], static[3]) if fmt == "NCHW" else (static[1], static[2])
            oh_s = None if sh_ is None else grow(sh_, kh, sh)
            ow_s = None if sw_ is None else grow(sw_, kw, sw)
            outputs.set_shape([static[0], filters, oh_s, ow_s] if fmt == "NCHW"
                              else [static[0], oh_s, ow_s, filters])
        outputs = _bias(outputs, filters, inputs.dtype, use_bias, bias_initializer,
                        bias_regularizer, trainable, bias_constraint, fmt)
        return finish(outputs, activation, activity_regularizer)
