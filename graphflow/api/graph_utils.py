"""TF1 top-level helpers about tensors and the graph's collections: `tf.is_tensor`,
`tf.dimension_value`, `tf.tables_initializer`, `tf.moving_average_variables`."""

from __future__ import annotations

from typing import Any

from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.variables import group, no_op


def is_tensor(x: Any) -> bool:
    """Whether `x` is a graph tensor or a Variable (`tf.is_tensor`)."""
    return isinstance(x, Tensor) or hasattr(x, "_as_graph_tensor")


def dimension_value(dimension: Any) -> int | None:
    """The int (or None) of a `Dimension`, an int or None (`tf.dimension_value`)."""
    return getattr(dimension, "value", dimension)


def tables_initializer(name: str = "init_all_tables") -> Operation:
    """One op running every op in `tf.GraphKeys.TABLE_INITIALIZERS` (a no-op when the
    collection is empty, as in any graphflow graph without lookup tables).

    Returns:
        The grouping NoOp.
    """
    initializers = get_default_graph().get_collection(GraphKeys.TABLE_INITIALIZERS)
    if initializers:
        return group(*initializers, name=name)
    return no_op(name=name)


def moving_average_variables(scope: str | None = None) -> list[Any]:
    """The variables in `tf.GraphKeys.MOVING_AVERAGE_VARIABLES` (optionally filtered by
    `scope`, a regular expression matched at the start of their names)."""
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)
