"""Global step helpers (`tf.train.get_or_create_global_step`, ...)."""

from __future__ import annotations

from typing import Any

from graphflow.framework import dtypes
from graphflow.framework.graph import Graph, GraphKeys, get_default_graph
from graphflow.framework.initializers import Zeros
from graphflow.framework.variables import Variable


def get_global_step(graph: Graph | None = None) -> Variable | None:
    """The variable in the GLOBAL_STEP collection, or None.

    Raises:
        TypeError: if the collection holds more than one variable.
    """
    graph = graph or get_default_graph()
    steps = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(steps) > 1:
        raise TypeError("There should only be one global step tensor.")
    return steps[0] if steps else None


def create_global_step(graph: Graph | None = None) -> Variable:
    """Creates the int64 "global_step" variable (initial value 0).

    Raises:
        ValueError: if one already exists.
    """
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(None), graph.control_dependencies(None):
        return Variable(lambda: Zeros(dtypes.int64)([], dtypes.int64), trainable=False,
                        name="global_step", dtype=dtypes.int64,
                        collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph: Graph | None = None) -> Variable:
    """The global step variable, created on first use."""
    return get_global_step(graph) or create_global_step(graph)


def global_step(sess: Any, global_step_tensor: Any) -> int:
    """The global step's value in `sess`, as a Python int (TF1's `tf.train.global_step`).

    Args:
        sess: a Session.
        global_step_tensor: the global step Variable or tensor, or its name.
    """
    return int(sess.run(global_step_tensor))
