"""`tf.contrib.layers`: weight regularizers (see `graphflow.regularizers`), the contrib
initializers (xavier_initializer, variance_scaling_initializer), flatten and fully_connected."""

from __future__ import annotations

from typing import Any

from graphflow.framework.tensor import Tensor
from graphflow.regularizers import (  # noqa: F401
    apply_regularization,
    l1_l2_regularizer,
    l1_regularizer,
    l2_regularizer,
    sum_regularizer,
)

from .initializers import (  # noqa: F401
    variance_scaling_initializer,
    xavier_initializer,
    xavier_initializer_conv2d,
)


def flatten(inputs: Any, outputs_collections: Any = None, scope: str | None = None) -> Tensor:
    """[batch, d1, d2, ...] -> [batch, d1 * d2 * ...], in a "Flatten" name scope.

    Args:
        inputs: a tensor of rank 2 or more.
        outputs_collections: collections the output is added to.
        scope: the name scope (default "Flatten").

    Returns:
        The flattened tensor.

    Raises:
        ValueError: for inputs of rank below 2.
    """
    from graphflow.framework.constant import convert_to_tensor
    from graphflow.framework.graph import get_default_graph
    from graphflow.layers.core import flatten as layers_flatten

    inputs = convert_to_tensor(inputs)
    if inputs.shape.ndims is not None and inputs.shape.ndims < 2:
        raise ValueError(f"Inputs must have at least 2 dimensions, got shape {inputs.shape}")
    graph = get_default_graph()
    with graph.name_scope(scope or "Flatten"):
        output = layers_flatten(inputs)
    for collection in outputs_collections or []:
        graph.add_to_collection(collection, output)
    return output


def fully_connected(inputs: Any, num_outputs: int, activation_fn: Any = "relu", normalizer_fn: Any = None,
                    normalizer_params: dict | None = None, weights_initializer: Any = None,
                    weights_regularizer: Any = None, biases_initializer: Any = "zeros",
                    biases_regularizer: Any = None, reuse: Any = None, variables_collections: Any = None,
                    outputs_collections: Any = None, trainable: bool = True, scope: Any = None) -> Tensor:
    """TF1's `tf.contrib.layers.fully_connected`: `activation_fn(inputs @ weights + biases)` with
    the variables `<scope>/weights` and `<scope>/biases` (scope default "fully_connected", made
    unique), applied to the last axis of inputs of rank 2 or more.

    Args:
        inputs: a float tensor of rank >= 2 whose last dimension is known.
        num_outputs: the number of output units.
        activation_fn: the activation (default tf.nn.relu); None for a linear layer.
        normalizer_fn: applied instead of the biases (e.g. a batch norm), with `normalizer_params`.
        weights_initializer: default xavier_initializer().
        weights_regularizer, biases_regularizer: regularizers; their losses go to REGULARIZATION_LOSSES.
        biases_initializer: default zeros; None for no biases.
        reuse: reuse the scope's variables.
        variables_collections: further collections the variables are added to.
        outputs_collections: collections the output is added to.
        trainable: whether the variables are trainable.
        scope: the variable scope (name or VariableScope).

    Returns:
        The output tensor, shape inputs.shape[:-1] + [num_outputs].

    Raises:
        ValueError: when the inputs' rank is below 2 or their last dimension is unknown.
    """
    import graphflow as tf
    from graphflow.framework import variable_scope as vs
    from graphflow.framework.constant import convert_to_tensor
    from graphflow.framework.graph import GraphKeys, get_default_graph
    from graphflow.framework.initializers import zeros_initializer

    inputs = convert_to_tensor(inputs)
    with vs.variable_scope(scope, default_name="fully_connected", values=[inputs], reuse=reuse):
        rank = inputs.shape.ndims
        if rank is not None and rank < 2:
            raise ValueError(f"Inputs must have at least 2 dimensions, got shape {inputs.shape} "
                             "for fully_connected")
        in_dim = inputs.shape.as_list()[-1] if rank is not None else None
        if in_dim is None:
            raise ValueError(f"The last dimension of the inputs to fully_connected should be defined. "
                             f"Found None (inputs shape {inputs.shape}).")
        collections = None
        if variables_collections:
            collections = [GraphKeys.GLOBAL_VARIABLES, *variables_collections]
        weights = vs.get_variable("weights", [in_dim, num_outputs], dtype=inputs.dtype.base_dtype,
                                  initializer=weights_initializer or xavier_initializer(),
                                  regularizer=weights_regularizer, trainable=trainable, collections=collections)
        if rank == 2:
            outputs = tf.matmul(inputs, weights)
        else:  # the last axis of a higher-rank input, as core Dense's tensordot
            flat = tf.matmul(tf.reshape(inputs, [-1, in_dim]), weights)
            outputs = tf.reshape(flat, tf.concat([tf.shape(inputs)[:-1], [num_outputs]], 0))
            if rank is not None:
                outputs.set_shape(inputs.shape.as_list()[:-1] + [num_outputs])
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            init = zeros_initializer() if biases_initializer == "zeros" else biases_initializer
            biases = vs.get_variable("biases", [num_outputs], dtype=inputs.dtype.base_dtype,
                                     initializer=init, regularizer=biases_regularizer, trainable=trainable,
                                     collections=collections)
            outputs = tf.nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = (tf.nn.relu if activation_fn == "relu" else activation_fn)(outputs)
    for collection in outputs_collections or []:
        get_default_graph().add_to_collection(collection, outputs)
    return outputs
