"""The compiler's IR: a small DAG of `Node`s lowered from the user's graph for one `run` signature.

A node knows its OpDef, attributes, value inputs (`(node, output index)` pairs), control inputs,
concrete input/output specs (shapes are re-inferred with the actual feed shapes) and, for error
messages, the framework Operation it came from. Passes build new node lists; the framework graph
is never modified.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from graphflow.ops.registry import OpDef, Spec

_ids = itertools.count()


class Node:
    """One IR node. Treated as immutable once a pass has produced it."""

    __slots__ = ("attrs", "control", "id", "in_specs", "inputs", "name", "op", "opdef",
                 "out_specs", "ref_vars", "type")

    def __init__(self, opdef: OpDef, name: str, attrs: Mapping[str, Any],
                 inputs: Iterable[tuple[Node, int]], control: Iterable[Node],
                 in_specs: Iterable[Spec], out_specs: Iterable[Spec], op: Any = None,
                 ref_vars: Iterable[str] = ()) -> None:
        self.id = next(_ids)
        self.opdef = opdef
        self.type = opdef.type
        self.name = name
        self.attrs = attrs
        self.inputs = tuple(inputs)
        self.control = tuple(control)
        self.in_specs = tuple(in_specs)
        self.out_specs = tuple(out_specs)
        self.op = op
        self.ref_vars = tuple(ref_vars)

    @property
    def stateful(self) -> bool:
        return self.opdef.stateful

    @property
    def is_const(self) -> bool:
        return self.type == "Const"

    def replace(self, **changes: Any) -> Node:
        """A copy with some fields changed (and a new id)."""
        fields = {k: getattr(self, k) for k in ("opdef", "name", "attrs", "inputs", "control",
                                                 "in_specs", "out_specs", "op", "ref_vars")}
        fields.update(changes)
        return Node(**fields)

    def __repr__(self) -> str:
        return f"<Node {self.id} {self.type} '{self.name}'>"


Value = tuple[Node, int]


def attr_key(value: Any) -> Any:
    """A hashable key for an attribute value (used by common-subexpression elimination)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "O" and value.size <= 256:  # strings: by value, not by pointer
            return ("nd-O", value.shape, tuple(value.reshape(-1).tolist()))
        if value.size <= 256:
            return ("nd", value.dtype.str, value.shape, value.tobytes())
        return ("nd-id", id(value))
    if isinstance(value, (list, tuple)):
        return tuple(attr_key(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, attr_key(v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return (type(value).__name__, value)


def format_nodes(nodes: Iterable[Node]) -> str:
    """Printable listing of a node sequence (one line per node), for GF_DEBUG and tests."""
    from graphflow.framework.tensor_shape import format_dims

    lines = []
    for n in nodes:
        ins = ", ".join(f"%{src.id}" + (f".{i}" if len(src.out_specs) > 1 else "")
                        for src, i in n.inputs)
        ctl = (" ^" + " ^".join(f"%{c.id}" for c in n.control)) if n.control else ""
        outs = " ".join(f"{s.dtype.name}{format_dims(s.dims)}" for s in n.out_specs)
        lines.append(f"%{n.id} = {n.type}({ins}){ctl} -> {outs}   # {n.name}")
    return "\n".join(lines)
