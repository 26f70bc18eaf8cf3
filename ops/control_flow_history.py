"""Reading a While loop's history (its `history` output: the loop vars each iteration started
from, a host list) in the backward loop its gradient builds (graphflow.api.control_flow_grad).

LoopHistoryLength: history -> int32 scalar, the number of iterations the loop ran.
LoopHistoryRead:   (history, index) -> the loop vars iteration `index` started from (attrs
                   `dtypes`, `shapes`: the loop vars' dtypes and shape invariants).
Both are host bookkeeping (TF1 keeps such stacks' handles in host memory): their values pass
through as they are, device arrays included.

The history is a `LoopHistory`; the shapes each of its slots kept in every iteration
(`entry_shapes`) specialize the backward body's plan (graphflow.backends.sub_plan gives them
to LoopHistoryRead as a `HistorySpec`). The graph only knows the forward loop's static shapes,
often with an unknown batch dim; with the run's shapes the compiler drops the backward's
SumToShape nodes (every broadcast gradient of an elementwise op) and fuses its elementwise
chains, which the unknown dims kept apart (an LSTM's backward step: 30 numpy calls less).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from graphflow.framework import dtypes, errors
from graphflow.framework.tensor_shape import TensorShape

from .registry import OpDef, Spec, register


class LoopHistory(list):
    """A While loop's record: per iteration, the tuple of values it started from (and the values
    its gradient must not recompute)."""

    __slots__ = ("_shapes",)

    def entry_shapes(self) -> tuple[tuple[int, ...] | None, ...] | None:
        """Per slot, the shape its values had in every iteration (None where it varied or the
        values are not arrays); None for an empty history. Cached: the backward loop asks once
        per iteration, after the forward loop finished."""
        cached = getattr(self, "_shapes", None)
        if cached is not None and cached[0] == len(self):
            return cached[1]
        shapes: tuple[tuple[int, ...] | None, ...] | None = None
        if self:
            shapes = tuple(_uniform_shape([entry[slot] for entry in self])
                           for slot in range(len(self[0])))
        self._shapes = (len(self), shapes)
        return shapes


def _uniform_shape(values: list[Any]) -> tuple[int, ...] | None:
    shape = getattr(values[0], "shape", None)
    if not isinstance(shape, tuple) or not hasattr(values[0], "dtype"):
        return None  # a TensorList or another host object: its declared spec stays
    for value in values[1:]:
        if getattr(value, "shape", None) != shape:
            return None
    return shape


@dataclass(frozen=True)
class HistorySpec(Spec):
    """The spec of a fed LoopHistory: a variant scalar, and the shapes its slots kept."""

    entry_shapes: tuple[tuple[int, ...] | None, ...] | None = None


def _merged(declared: Any, recorded: tuple[int, ...] | None, dtype: Any) -> TensorShape:
    """The recorded shape where it refines the declared one (never for list values)."""
    shape = TensorShape(declared)
    if recorded is None or dtype == dtypes.variant:
        return shape
    run = TensorShape(recorded)
    return run if shape.is_compatible_with(run) else shape


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
        recorded = getattr(inputs[0], "entry_shapes", None) if inputs else None
        if recorded is None or len(recorded) != len(attrs["shapes"]):
            recorded = (None,) * len(attrs["shapes"])
        return [Spec(_merged(shape, run, dtype), dtype)
                for shape, run, dtype in zip(attrs["shapes"], recorded, attrs["dtypes"])]

    def reference(self, attrs, history, index):
        return tuple(history[int(index)])
