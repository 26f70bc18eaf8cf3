"""Convolution layers: `Conv1D`, `Conv2D`, `Conv2DTranspose`, `SeparableConv2D`,
`DepthwiseConv2D` (kernels laid out as Keras 2: `(kh, kw, in, out)`, transpose `(kh, kw, out, in)`)."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import activations, constraints, initializers, regularizers
from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import InputSpec, Layer
from graphflow.keras.layers._config import (
    normalize_tuple,
    ser_activation,
    ser_constraint,
    ser_initializer,
    ser_regularizer,
)


class _Conv(Layer):
    """Shared arguments and bias/activation handling of the convolution layers."""

    rank = 2

    def __init__(self, filters: int | None, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        if kwargs.pop("groups", 1) != 1:
            raise ValueError("graphflow's Keras convolutions support groups=1 only")
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = normalize_tuple(strides, self.rank, "strides")
        padding = padding.lower()
        if padding not in ("valid", "same", "causal"):
            raise ValueError(f"The `padding` argument must be one of 'valid', 'same' (or 'causal'). "
                             f"Received: {padding}")
        self.padding = padding
        self.data_format = data_format or K.image_data_format()
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    @property
    def _channel_axis(self) -> int:
        return 1 if self.data_format == "channels_first" else -1

    def _in_channels(self, input_shape: Any) -> int:
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
        return int(channels)

    def _add_bias(self, size: int) -> None:
        self.bias = self.add_weight("bias", (size,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None

    def _finish(self, out: Any) -> Any:
        if self.use_bias:
            fmt = "NCHW" if self.data_format == "channels_first" and self.rank == 2 else None
            out = _tf.nn.bias_add(out, self.bias, data_format=fmt) if fmt else _tf.nn.bias_add(out, self.bias)
        return self.activation(out)

    def _tf_format(self) -> str:
        return {1: "NWC", 2: "NHWC"}[self.rank] if self.data_format == "channels_last" else \
            {1: "NCW", 2: "NCHW"}[self.rank]

    def _tf_padding(self) -> str:
        return "SAME" if self.padding == "same" else "VALID"

    def _strides4(self) -> list[int]:
        if self.data_format == "channels_last":
            return [1, *self.strides, 1]
        return [1, 1, *self.strides]

    def _dilations4(self) -> list[int]:
        if self.data_format == "channels_last":
            return [1, *self.dilation_rate, 1]
        return [1, 1, *self.dilation_rate]

    def _kernel_shape(self, channels: int) -> tuple[int, ...]:
        """`kernel_size + (in_channels, filters)`, the layout of tf.nn.conv1d/conv2d filters."""
        return self.kernel_size + (channels, self.filters)

    def build(self, input_shape: Any) -> None:
        """One `kernel` of `_kernel_shape` and the bias (layers with several kernels override this)."""
        channels = self._in_channels(input_shape)
        self.kernel = self.add_weight("kernel", self._kernel_shape(channels),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config()}
        if self.filters is not None:
            config["filters"] = self.filters
        config.update({"kernel_size": self.kernel_size, "strides": self.strides, "padding": self.padding,
                       "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                       "activation": ser_activation(self.activation), "use_bias": self.use_bias,
                       "kernel_initializer": ser_initializer(self.kernel_initializer),
                       "bias_initializer": ser_initializer(self.bias_initializer),
                       "kernel_regularizer": ser_regularizer(self.kernel_regularizer),
                       "bias_regularizer": ser_regularizer(self.bias_regularizer),
                       "activity_regularizer": ser_regularizer(self.activity_regularizer),
                       "kernel_constraint": ser_constraint(self.kernel_constraint),
                       "bias_constraint": ser_constraint(self.bias_constraint)})
        return config


class Conv2D(_Conv):
    """2-D convolution: `filters` kernels of `kernel_size` over (height, width).

    Args:
        filters: the number of output channels.
        kernel_size: an int or (kh, kw).
        strides, padding ('valid'/'same'), data_format, dilation_rate, activation, use_bias,
        and the initializers/regularizers/constraints: as Keras 2.
    """

    rank = 2

    def call(self, inputs: Any) -> Any:
        out = _tf.nn.conv2d(inputs, self.kernel, self._strides4(), self._tf_padding(),
                            data_format=self._tf_format(), dilations=self._dilations4())
        return self._finish(out)


class Conv1D(_Conv):
    """1-D convolution over the steps of `(batch, steps, channels)` inputs ('causal' padding pads
    the start only)."""

    rank = 1

    def call(self, inputs: Any) -> Any:
        padding = self._tf_padding()
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            inputs = _tf.pad(inputs, [[0, 0], [left, 0], [0, 0]])
            padding = "VALID"
        x = _tf.expand_dims(inputs, 1)
        kernel = _tf.expand_dims(self.kernel, 0)
        out = _tf.nn.conv2d(x, kernel, [1, 1, self.strides[0], 1], padding,
                            dilations=[1, 1, self.dilation_rate[0], 1])
        return self._finish(_tf.squeeze(out, [1]))


class Conv2DTranspose(_Conv):
    """Transposed 2-D convolution (kernel `(kh, kw, filters, in)`); output size `in * stride`
    ('same') or `in * stride + max(k - stride, 0)` ('valid')."""

    rank = 2

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 output_padding: Any = None, data_format: str | None = None, dilation_rate: Any = (1, 1),
                 **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)
        self.output_padding = output_padding

    def _kernel_shape(self, channels: int) -> tuple[int, ...]:
        # conv2d_transpose filters are (height, width, output channels, input channels).
        return self.kernel_size + (self.filters, channels)

    def _out_length(self, length: Any, axis: int) -> Any:
        k, s = self.kernel_size[axis], self.strides[axis]
        if self.padding == "same":
            return length * s
        return length * s + max(k - s, 0)

    def call(self, inputs: Any) -> Any:
        dynamic = _tf.shape(inputs)
        h_axis, w_axis = (1, 2) if self.data_format == "channels_last" else (2, 3)
        height = self._out_length(dynamic[h_axis], 0)
        width = self._out_length(dynamic[w_axis], 1)
        if self.data_format == "channels_last":
            output_shape = _tf.stack([dynamic[0], height, width, self.filters])
        else:
            output_shape = _tf.stack([dynamic[0], self.filters, height, width])
        out = _tf.nn.conv2d_transpose(inputs, self.kernel, output_shape, self._strides4(), self._tf_padding(),
                                      data_format=self._tf_format())
        static = list(K.int_shape(inputs))
        static[h_axis] = None if static[h_axis] is None else self._out_length(static[h_axis], 0)
        static[w_axis] = None if static[w_axis] is None else self._out_length(static[w_axis], 1)
        static[self._channel_axis] = self.filters
        out = _tf.reshape(out, [-1] + static[1:]) if None not in static[1:] else out
        return self._finish(out)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "output_padding": self.output_padding}


class _DepthwiseConv(_Conv):
    """Convolutions with a `depthwise_kernel` (`depth_multiplier` kernels per input channel)
    in place of `kernel`: DepthwiseConv2D and SeparableConv2D."""

    def _set_depthwise_options(self, depth_multiplier: int, initializer: Any, regularizer: Any,
                               constraint: Any) -> None:
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(initializer)
        self.depthwise_regularizer = regularizers.get(regularizer)
        self.depthwise_constraint = constraints.get(constraint)

    def _add_depthwise_kernel(self, channels: int) -> None:
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)

    def _config_without_kernel(self) -> dict[str, Any]:
        config = super().get_config()
        for key in ("kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key, None)
        return config


class DepthwiseConv2D(_DepthwiseConv):
    """Depthwise 2-D convolution: `depth_multiplier` kernels per input channel."""

    rank = 2

    def __init__(self, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 depth_multiplier: int = 1, data_format: str | None = None, activation: Any = None,
                 use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(None, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         activation=activation, use_bias=use_bias, bias_initializer=bias_initializer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self._set_depthwise_options(depth_multiplier, depthwise_initializer, depthwise_regularizer,
                                    depthwise_constraint)

    def build(self, input_shape: Any) -> None:
        channels = self._in_channels(input_shape)
        self._add_depthwise_kernel(channels)
        self._add_bias(channels * self.depth_multiplier)
        self.input_spec = InputSpec(ndim=4, axes={self._channel_axis: channels})
        self.built = True

    def call(self, inputs: Any) -> Any:
        out = _tf.nn.depthwise_conv2d(inputs, self.depthwise_kernel, self._strides4(), self._tf_padding(),
                                      data_format=self._tf_format())
        return self._finish(out)

    def get_config(self) -> dict[str, Any]:
        config = self._config_without_kernel()
        config.update({"depth_multiplier": self.depth_multiplier,
                       "depthwise_initializer": ser_initializer(self.depthwise_initializer),
                       "depthwise_regularizer": ser_regularizer(self.depthwise_regularizer),
                       "depthwise_constraint": ser_constraint(self.depthwise_constraint)})
        return config


class SeparableConv2D(_DepthwiseConv):
    """Depthwise then pointwise (1x1) convolution: weights `depthwise_kernel`,
    `pointwise_kernel`, `bias`."""

    rank = 2

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = (1, 1), depth_multiplier: int = 1,
                 activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform", pointwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 pointwise_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, bias_constraint=bias_constraint, **kwargs)
        self._set_depthwise_options(depth_multiplier, depthwise_initializer, depthwise_regularizer,
                                    depthwise_constraint)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape: Any) -> None:
        channels = self._in_channels(input_shape)
        self._add_depthwise_kernel(channels)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1, 1, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=4, axes={self._channel_axis: channels})
        self.built = True

    def call(self, inputs: Any) -> Any:
        out = _tf.nn.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel, self._strides4(),
                                      self._tf_padding(), data_format=self._tf_format(),
                                      dilations=self.dilation_rate if self.dilation_rate != (1, 1) else None)
        return self._finish(out)

    def get_config(self) -> dict[str, Any]:
        config = self._config_without_kernel()
        config.update({"depth_multiplier": self.depth_multiplier,
                       "depthwise_initializer": ser_initializer(self.depthwise_initializer),
                       "pointwise_initializer": ser_initializer(self.pointwise_initializer),
                       "depthwise_regularizer": ser_regularizer(self.depthwise_regularizer),
                       "pointwise_regularizer": ser_regularizer(self.pointwise_regularizer),
                       "depthwise_constraint": ser_constraint(self.depthwise_constraint),
                       "pointwise_constraint": ser_constraint(self.pointwise_constraint)})
        return config


Convolution1D, Convolution2D, Deconvolution2D = Conv1D, Conv2D, Conv2DTranspose
