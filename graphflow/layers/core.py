"""`tf.layers.Dense`, `Flatten` and `Dropout`, and their functional forms `dense`, `flatten`,
`dropout`."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.array import identity, reshape, shape
from graphflow.api.dropout import dropout as nn_dropout
from graphflow.api.indexing import concat, transpose
from graphflow.api.nn_conv import bias_add
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.initializers import Zeros
from graphflow.framework.tensor import Tensor

from .base import Layer, activation_of


class Dense(Layer):
    """activation(inputs @ kernel + bias) over the last axis.

    Variables: `kernel` [in, units] (glorot_uniform by default) and `bias` [units].

    Args:
        units: the output size.
        activation: a function (or None for linear).
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        kernel_constraint, bias_constraint: for the two variables.
        activity_regularizer, trainable, name: as `tf.layers.Layer`.
    """

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = None, bias_initializer: Any = Zeros(),
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = activation_of(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.kernel: Any = None
        self.bias: Any = None

    def build(self, input_shape: Any) -> None:
        """Creates `kernel` and `bias`.

        Raises:
            ValueError: when the last dimension of the inputs is unknown.
        """
        depth = input_shape.dims[-1] if input_shape.ndims else None
        if depth is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        self.kernel = self.add_weight("kernel", [depth, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs: Tensor) -> Tensor:
        depth = self.kernel.shape.dims[0]
        if inputs.shape.ndims == 2:
            outputs = gmath.matmul(inputs, self.kernel)
        else:  # [..., depth] -> [..., units]
            flat = gmath.matmul(reshape(inputs, [-1, depth]), self.kernel)
            outputs = reshape(flat, concat([shape(inputs)[:-1], [self.units]], 0))
            if inputs.shape.ndims is not None:
                outputs.set_shape(inputs.shape[:-1].concatenate([self.units]))
        if self.use_bias:
            outputs = bias_add(outputs, self.bias)
        return outputs if self.activation is None else self.activation(outputs)


class Flatten(Layer):
    """[batch, d1, d2, ...] -> [batch, d1 * d2 * ...]; with `data_format='channels_first'`
    the channels axis is moved last first, as TF1."""

    def __init__(self, data_format: str = "channels_last", name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"data_format must be 'channels_last' or 'channels_first', got "
                             f"{data_format!r}")
        self.data_format = data_format

    def call(self, inputs: Tensor) -> Tensor:
        if self.data_format == "channels_first" and (inputs.shape.ndims or 0) > 2:
            rank = inputs.shape.ndims
            inputs = transpose(inputs, [0, *range(2, rank), 1])
        dims = inputs.shape.dims
        if dims is not None and all(d is not None for d in dims[1:]):
            size = 1
            for d in dims[1:]:
                size *= d
            return reshape(inputs, [-1, size])
        return reshape(inputs, [shape(inputs)[0], -1])


class Dropout(Layer):
    """Zeroes a fraction `rate` of the inputs and scales the rest by 1 / (1 - rate) when
    called with `training` true (a Python bool or a bool tensor); identity otherwise."""

    def __init__(self, rate: float = 0.5, noise_shape: Any = None, seed: int | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs: Tensor, training: Any = False) -> Tensor:
        if training is False:
            return identity(inputs)
        dropped = nn_dropout(inputs, rate=self.rate, noise_shape=self.noise_shape, seed=self.seed)
        if training is True:
            return dropped
        return gmath.where(convert_to_tensor(training), dropped, inputs)


def dense(inputs: Any, units: int, activation: Any = None, use_bias: bool = True,
          kernel_initializer: Any = None, bias_initializer: Any = Zeros(),
          kernel_regularizer: Any = None, bias_regularizer: Any = None,
          activity_regularizer: Any = None, kernel_constraint: Any = None,
          bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
          reuse: Any = None) -> Tensor:
    """The functional form of `Dense`: variables `<name>/kernel` and `<name>/bias`, `name`
    defaulting to `dense`, `dense_1`, ... in the current variable scope; `reuse=True` shares
    an existing layer's variables.

    Returns:
        The output tensor.

    Raises:
        ValueError: when the last dimension of the inputs is unknown.
    """
    layer = Dense(units, activation, use_bias, kernel_initializer, bias_initializer,
                  kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
                  bias_constraint, trainable, name, _scope=name, _reuse=reuse)
    return layer.apply(inputs)


def flatten(inputs: Any, name: str | None = None, data_format: str = "channels_last") -> Tensor:
    """The functional form of `Flatten`."""
    return Flatten(data_format=data_format, name=name).apply(inputs)


def dropout(inputs: Any, rate: float = 0.5, noise_shape: Any = None, seed: int | None = None,
            training: Any = False, name: str | None = None) -> Tensor:
    """The functional form of `Dropout`: `rate` is the fraction dropped when `training`."""
    return Dropout(rate, noise_shape, seed, name=name).apply(inputs, training=training)
