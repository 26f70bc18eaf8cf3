"""`tf.contrib.layers`: weight regularizers (see `graphflow.regularizers`), the contrib
initializers (xavier_initializer, variance_scaling_initializer) and flatten."""

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
