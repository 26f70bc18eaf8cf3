"""`tf.layers.dense`, `flatten` and `dropout`."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.array import reshape, shape
from graphflow.api.dropout import dropout as nn_dropout
from graphflow.api.nn_conv import bias_add
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.initializers import Zeros
from graphflow.framework.tensor import Tensor

from ._scope import finish, layer_scope, weight


def dense(inputs: Any, units: int, activation: Any = None, use_bias: bool = True,
          kernel_initializer: Any = None, bias_initializer: Any = Zeros(),
          kernel_regularizer: Any = None, bias_regularizer: Any = None,
          activity_regularizer: Any = None, kernel_constraint: Any = None,
          bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
          reuse: Any = None) -> Tensor:
    """activation(inputs @ kernel + bias) over the last axis; variables `<name>/kernel`
    [in, units] (glorot_uniform by default) and `<name>/bias`.

    Raises:
        ValueError: when the last dimension of the inputs is unknown.
    """
    inputs = convert_to_tensor(inputs)
    depth = inputs.shape.dims[-1] if inputs.shape.ndims else None
    if depth is None:
        raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                         "Found `None`.")
    with layer_scope(name, "dense", reuse):
        kernel = weight("kernel", [depth, units], inputs.dtype, kernel_initializer,
                        kernel_regularizer, trainable, kernel_constraint)
        if inputs.shape.ndims == 2:
            outputs = gmath.matmul(inputs, kernel)
        else:  # [..., depth] -> [..., units]
            flat = gmath.matmul(reshape(inputs, [-1, depth]), kernel)
            from graphflow.api.indexing import concat

            outputs = reshape(flat, concat([shape(inputs)[:-1], [units]], 0))
            outputs.set_shape(inputs.shape[:-1].concatenate([units]))
        if use_bias:
            bias = weight("bias", [units], inputs.dtype, bias_initializer, bias_regularizer,
                          trainable, bias_constraint)
            outputs = bias_add(outputs, bias)
        return finish(outputs, activation, activity_regularizer)


def flatten(inputs: Any, name: str | None = None, data_format: str = "channels_last") -> Tensor:
    """[batch, d1, d2, ...] -> [batch, d1 * d2 * ...] (channels moved last first for
    channels_first, as TF1)."""
    inputs = convert_to_tensor(inputs)
    with layer_scope(name, "flatten", None):
        if data_format == "channels_first" and (inputs.shape.ndims or 0) > 2:
            from graphflow.api.indexing import transpose

            rank = inputs.shape.ndims
            inputs = transpose(inputs, [0, *range(2, rank), 1])
        dims = inputs.shape.dims
        if dims is not None and all(d is not None for d in dims[1:]):
            size = 1
            for d in dims[1:]:
                size *= d
            return reshape(inputs, [-1, size])
        return reshape(inputs, [shape(inputs)[0], -1])


def dropout(inputs: Any, rate: float = 0.5, noise_shape: Any = None, seed: int | None = None,
            training: Any = False, name: str | None = None) -> Tensor:
    """Dropout (`rate` = fraction dropped) when `training` is true, identity otherwise;
    `training` may be a Python bool or a bool tensor (e.g. a placeholder)."""
    inputs = convert_to_tensor(inputs)
    if training is False:
        return inputs
    with layer_scope(name, "dropout", None):
        dropped = nn_dropout(inputs, rate=rate, noise_shape=noise_shape, seed=seed)
        if training is True:
            return dropped
        return gmath.where(convert_to_tensor(training), dropped, inputs)
