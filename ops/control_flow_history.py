"""Reading a While loop's history (its `history` output: the loop vars each iteration started
from, a host list) in the backward loop its gradient builds (graphflow.api.control_flow_grad).

LoopHistoryLength: history -> int32 scalar, the number of iterations the loop ran.
LoopHistoryRead:   (history, index) -> the loop vars iteration `index` started from (attrs
                   `dtypes`, `shapes`: the loop vars' dtypes and shape invariants).
Both are host bookkeeping (TF1 keeps such stacks' handles in host memory): their values pass
through as they are, device arrays included.
"""

from __future__ import annotations

import numpy as np

from graphflow.framework import dtypes, errors
from graphflow.framework.tensor_shape import TensorShape

from .registry import OpDef, Spec, register


@register
class LoopHistoryLength(OpDef):
    """The number of iterations recorded in a While loop's history."""

    type = "LoopHistoryLength"
    host_memory = True
    differentiable = False
    stateful = True  # reads a run's bookkeeping: never folded

    def bind(self, node, state):
        return lambda history: self.reference(node.attrs, history)

    def infer(self, inputs, attrs):
        return [Spec(TensorShape([]), dtypes.int32)]

    def reference(self, attrs, history):
        if history is None:
            raise errors.InternalError(None, None, "a While loop's history was not recorded")
        return np.asarray(len(history), np.int32)


@register
class LoopHistoryRead(OpDef):
    """The loop vars iteration `index` of a While loop started from."""

    type = "LoopHistoryRead"
    host_memory = True
    differentiable = False
    list_output = True
    stateful = True  # reads a run's bookkeeping: never folded

    def bind(self, node, state):
        return lambda history, index: self.reference(node.attrs, history, index)

    def infer(self, inputs, attrs):
        return [Spec(TensorShape(shape), dtype)
                for shape, dtype in zip(attrs["shapes"], attrs["dtypes"])]

    def reference(self, attrs, history, index):
        return tuple(history[int(index)])
