"""`tf.layers.Conv1D`, `Conv2D`, `SeparableConv2D` and `Conv2DTranspose`, and their functional
forms `conv1d`, `conv2d`, `separable_conv2d`, `conv2d_transpose`."""

from __future__ import annotations

from typing import Any

from graphflow.api import nn_conv
from graphflow.api.array import shape
from graphflow.api.indexing import stack
from graphflow.api.nn_compose import conv1d as nn_conv1d
from graphflow.framework.initializers import Zeros
from graphflow.framework.tensor import Tensor

from ._args import data_format_of, ints, padding_of
from .base import Layer, activation_of


class _ConvBase(Layer):
    """What the convolution layers share: geometry, bias, activation."""

    _RANK = 2

    def __init__(self, filters: int, kernel_size: Any, strides: Any, padding: str,
                 data_format: str, dilation_rate: Any, activation: Any, use_bias: bool,
                 bias_initializer: Any, bias_regularizer: Any, bias_constraint: Any,
                 activity_regularizer: Any, trainable: bool, name: str | None,
                 **kwargs: Any) -> None:
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.filters = int(filters)
        self.kernel_size = ints(kernel_size, self._RANK, "kernel_size")
        self.strides = ints(strides, self._RANK, "strides")
        self.padding = padding_of(padding)
        self.data_format = data_format
        self._format = data_format_of(data_format)
        self.dilation_rate = ints(dilation_rate, self._RANK, "dilation_rate")
        self.activation = activation_of(activation)
        self.use_bias = use_bias
        self.bias_initializer, self.bias_regularizer = bias_initializer, bias_regularizer
        self.bias_constraint = bias_constraint
        self.bias: Any = None

    def _channels(self, input_shape: Any) -> int:
        depth = None
        if input_shape.ndims == self._RANK + 2:
            depth = input_shape.dims[1 if self._format == "NCHW" else -1]
        if depth is None:
            raise ValueError(f"{type(self).__name__}: the channel dimension of the inputs "
                             f"should be defined and the inputs {self._RANK + 2}-D, got shape "
                             f"{input_shape}")
        return depth

    def _four(self, values: tuple[int, int]) -> list[int]:
        return [1, 1, *values] if self._format == "NCHW" else [1, *values, 1]

    def _add_bias(self) -> None:
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.filters],
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def _finish(self, outputs: Tensor) -> Tensor:
        if self.use_bias:
            outputs = nn_conv.bias_add(outputs, self.bias, data_format=self._format)
        return outputs if self.activation is None else self.activation(outputs)


class _KernelConv(_ConvBase):
    """A convolution layer with one kernel: its initializer, regularizer and constraint, and a
    `build` creating the kernel (`_kernel_shape`) and the bias."""

    def _set_kernel_args(self, initializer: Any, regularizer: Any, constraint: Any) -> None:
        self.kernel_initializer, self.kernel_regularizer = initializer, regularizer
        self.kernel_constraint = constraint
        self.kernel: Any = None

    def _kernel_shape(self, channels: int) -> list[int]:
        return [*self.kernel_size, channels, self.filters]

    def build(self, input_shape: Any) -> None:
        self.kernel = self.add_weight(
            "kernel", self._kernel_shape(self._channels(input_shape)),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self._add_bias()
        self.built = True


class Conv1D(_KernelConv):
    """A 1-D convolution over [batch, width, channels]: kernel [k, in, filters]
    (glorot_uniform by default), bias, activation. Arguments as TF1's `tf.layers.Conv1D`."""

    _RANK = 1

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str = "channels_last", dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = None,
                 bias_initializer: Any = Zeros(), kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None,
                 trainable: bool = True, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, trainable, name, **kwargs)
        self._set_kernel_args(kernel_initializer, kernel_regularizer, kernel_constraint)

    def call(self, inputs: Tensor) -> Tensor:
        outputs = nn_conv1d(inputs, self.kernel, self.strides[0], self.padding,
                            data_format="NCW" if self._format == "NCHW" else "NWC",
                            dilations=self.dilation_rate[0])
        return self._finish(outputs)


class Conv2D(_KernelConv):
    """A 2-D convolution: kernel [kh, kw, in, filters] (glorot_uniform by default), bias,
    activation. Arguments as TF1's `tf.layers.Conv2D`."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = (1, 1), activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = None, bias_initializer: Any = Zeros(),
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, trainable, name, **kwargs)
        self._set_kernel_args(kernel_initializer, kernel_regularizer, kernel_constraint)

    def call(self, inputs: Tensor) -> Tensor:
        outputs = nn_conv.conv2d(inputs, self.kernel, list(self.strides), self.padding,
                                 data_format=self._format, dilations=list(self.dilation_rate))
        return self._finish(outputs)


class SeparableConv2D(_ConvBase):
    """A depthwise convolution (kernel [kh, kw, in, depth_multiplier]) then a 1x1 convolution
    to `filters` channels: variables depthwise_kernel, pointwise_kernel, bias."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = (1, 1), depth_multiplier: int = 1,
                 activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = None, pointwise_initializer: Any = None,
                 bias_initializer: Any = Zeros(), depthwise_regularizer: Any = None,
                 pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 pointwise_constraint: Any = None, bias_constraint: Any = None,
                 trainable: bool = True, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, trainable, name, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self.pointwise_constraint = pointwise_constraint
        self.depthwise_kernel: Any = None
        self.pointwise_kernel: Any = None

    def build(self, input_shape: Any) -> None:
        depth = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", [*self.kernel_size, depth, self.depth_multiplier],
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", [1, 1, depth * self.depth_multiplier, self.filters],
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._add_bias()
        self.built = True

    def call(self, inputs: Tensor) -> Tensor:
        outputs = nn_conv.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                           self._four(self.strides), self.padding,
                                           data_format=self._format,
                                           dilations=list(self.dilation_rate))
        return self._finish(outputs)


class Conv2DTranspose(_KernelConv):
    """A transposed ("deconvolution") layer: kernel [kh, kw, filters, in]; each spatial size
    becomes size * stride ('same') or size * stride + max(k - stride, 0) ('valid')."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str = "channels_last",
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = None, bias_initializer: Any = Zeros(),
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, trainable: bool = True,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides, padding, data_format, (1, 1),
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, trainable, name, **kwargs)
        self._set_kernel_args(kernel_initializer, kernel_regularizer, kernel_constraint)

    def _kernel_shape(self, channels: int) -> list[int]:
        return [*self.kernel_size, self.filters, channels]

    def _grow(self, size: Any, kernel: int, stride: int) -> Any:
        if self.padding == "SAME":
            return size * stride
        return size * stride + max(kernel - stride, 0)

    def call(self, inputs: Tensor) -> Tensor:
        nchw = self._format == "NCHW"
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        dims = shape(inputs)
        h, w = (dims[2], dims[3]) if nchw else (dims[1], dims[2])
        oh, ow = self._grow(h, kh, sh), self._grow(w, kw, sw)
        out_shape = stack([dims[0], self.filters, oh, ow] if nchw
                          else [dims[0], oh, ow, self.filters])
        outputs = nn_conv.conv2d_transpose(inputs, self.kernel, out_shape,
                                           self._four(self.strides), self.padding,
                                           data_format=self._format)
        static = inputs.shape.dims
        if static is not None:
            sh_, sw_ = (static[2], static[3]) if nchw else (static[1], static[2])
            oh_s = None if sh_ is None else self._grow(sh_, kh, sh)
            ow_s = None if sw_ is None else self._grow(sw_, kw, sw)
            outputs.set_shape([static[0], self.filters, oh_s, ow_s] if nchw
                              else [static[0], oh_s, ow_s, self.filters])
        return self._finish(outputs)


def conv1d(inputs: Any, filters: int, kernel_size: Any, strides: Any = 1,
           padding: str = "valid", data_format: str = "channels_last", dilation_rate: Any = 1,
           activation: Any = None, use_bias: bool = True, kernel_initializer: Any = None,
           bias_initializer: Any = Zeros(), kernel_regularizer: Any = None,
           bias_regularizer: Any = None, activity_regularizer: Any = None,
           kernel_constraint: Any = None, bias_constraint: Any = None, trainable: bool = True,
           name: str | None = None, reuse: Any = None) -> Tensor:
    """The functional form of `Conv1D` (`reuse=True` shares an existing layer's variables).

    Returns:
        The output tensor.
    """
    layer = Conv1D(filters, kernel_size, strides, padding, data_format, dilation_rate,
                   activation, use_bias, kernel_initializer, bias_initializer,
                   kernel_regularizer, bias_regularizer, activity_regularizer,
                   kernel_constraint, bias_constraint, trainable, name, _scope=name,
                   _reuse=reuse)
    return layer.apply(inputs)


def conv2d(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
           padding: str = "valid", data_format: str = "channels_last",
           dilation_rate: Any = (1, 1), activation: Any = None, use_bias: bool = True,
           kernel_initializer: Any = None, bias_initializer: Any = Zeros(),
           kernel_regularizer: Any = None, bias_regularizer: Any = None,
           activity_regularizer: Any = None, kernel_constraint: Any = None,
           bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
           reuse: Any = None) -> Tensor:
    """The functional form of `Conv2D` (`reuse=True` shares an existing layer's variables).

    Returns:
        The output tensor.
    """
    layer = Conv2D(filters, kernel_size, strides, padding, data_format, dilation_rate,
                   activation, use_bias, kernel_initializer, bias_initializer,
                   kernel_regularizer, bias_regularizer, activity_regularizer,
                   kernel_constraint, bias_constraint, trainable, name, _scope=name,
                   _reuse=reuse)
    return layer.apply(inputs)


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
    """The functional form of `SeparableConv2D`.

    Returns:
        The output tensor.
    """
    layer = SeparableConv2D(filters, kernel_size, strides, padding, data_format, dilation_rate,
                            depth_multiplier, activation, use_bias, depthwise_initializer,
                            pointwise_initializer, bias_initializer, depthwise_regularizer,
                            pointwise_regularizer, bias_regularizer, activity_regularizer,
                            depthwise_constraint, pointwise_constraint, bias_constraint,
                            trainable, name, _scope=name, _reuse=reuse)
    return layer.apply(inputs)


def conv2d_transpose(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
                     padding: str = "valid", data_format: str = "channels_last",
                     activation: Any = None, use_bias: bool = True,
                     kernel_initializer: Any = None, bias_initializer: Any = Zeros(),
                     kernel_regularizer: Any = None, bias_regularizer: Any = None,
                     activity_regularizer: Any = None, kernel_constraint: Any = None,
                     bias_constraint: Any = None, trainable: bool = True,
                     name: str | None = None, reuse: Any = None) -> Tensor:
    """The functional form of `Conv2DTranspose`.

    Returns:
        The output tensor.
    """
    layer = Conv2DTranspose(filters, kernel_size, strides, padding, data_format, activation,
                            use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                            bias_regularizer, activity_regularizer, kernel_constraint,
                            bias_constraint, trainable, name, _scope=name, _reuse=reuse)
    return layer.apply(inputs)

