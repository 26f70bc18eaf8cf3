"""Small helpers every API wrapper uses to create ops in the default graph."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from graphflow.framework.constant import convert_like, convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Operation, Tensor


def graph_of(*values: Any):
    """The graph of the first Tensor among `values`, else the default graph."""
    default = get_default_graph()
    for v in values:
        v = getattr(v, "_as_graph_tensor", lambda v=v: v)() if hasattr(v, "_as_graph_tensor") else v
        if isinstance(v, Tensor):
            # inside a function body, ops on outer tensors belong to the body (they capture)
            if default.building_function and default.encloses(v.graph):
                return default
            return v.graph
    return default


def op(op_type: str, inputs: Sequence[Tensor], attrs: dict[str, Any] | None = None,
       name: str | None = None) -> Operation:
    """Creates an op in the graph of its inputs (or the default graph)."""
    return graph_of(*inputs).create_op(op_type, list(inputs), attrs, name)


def out(op_type: str, inputs: Sequence[Tensor], attrs: dict[str, Any] | None = None,
        name: str | None = None) -> Tensor:
    """Creates a single-output op and returns its output tensor."""
    return op(op_type, inputs, attrs, name).outputs[0]


@contextlib.contextmanager
def op_scope(values: Sequence[Any], name: str | None, default: str) -> Iterator[str]:
    """TF1's `name_scope(name, default, values)` around an op that converts Python operands:
    yields the op's exact name ("mul/"), and constants made inside are named in its scope
    ("mul/y"), so they never take a name the user gives the op itself."""
    with graph_of(*values).name_scope(name or default) as scope:
        yield scope


def operands(*values: Any) -> list[Tensor]:
    """Converts the operands of an n-ary elementwise op with TF1's dtype rule: Python numbers
    and arrays take the dtype of the first operand that is already a tensor."""
    anchor = next((convert_to_tensor(v) for v in values
                   if isinstance(v, Tensor) or hasattr(v, "_as_graph_tensor")), None)
    if anchor is None:
        first = convert_to_tensor(values[0])
        return [first] + [convert_like(v, first) for v in values[1:]]
    return [convert_like(v, anchor) for v in values]
