"""The compiler's IR: a small DAG of `Node`s lowered from the user's graph for one `run` signature.

A node knows its OpDef, attributes, value inputs (`(node, output index)` pairs), control inputs,
concrete input/output specs (shapes are re-inferred with the actual feed shapes), its placement
(`host`: pinned to the host by `tf.device("/cpu:0")`, recorded by lowering) and, for error
messages, the framework Operation it came from. Passes build new node lists; the framework graph
is never modified.

Node ids are numbered per compilation (`numbering()`), so a printed IR is the same in every
process and for every session: the per-pass tests compare printed IR with golden strings.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

import numpy as np

from graphflow.ops.registry import OpDef, Spec

# Nodes made outside a compilation (a backend specializing a node at run time) draw from one
# process-wide sequence far above any compilation's, so they never look like a plan's nodes.
_outside = itertools.count(1 << 40)
_ids: ContextVar[Iterator[int] | None] = ContextVar("graphflow_node_ids", default=None)


@contextlib.contextmanager
def numbering() -> Iterator[None]:
    """Nodes created inside the block are numbered 0, 1, 2, ... (one compilation)."""
    token = _ids.set(itertools.count())
    try:
        yield
    finally:
        _ids.reset(token)


class Node:
    """One IR node. Treated as immutable once a pass has produced it."""

    __slots__ = ("attrs", "control", "host", "id", "in_specs", "inputs", "name", "op", "opdef",
                 "out_specs", "ref_vars", "type")

    def __init__(self, opdef: OpDef, name: str, attrs: Mapping[str, Any],
                 inputs: Iterable[tuple[Node, int]], control: Iterable[Node],
                 in_specs: Iterable[Spec], out_specs: Iterable[Spec], op: Any = None,
                 ref_vars: Iterable[str] = (), host: bool = False) -> None:
        self.id = next(_ids.get() or _outside)
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
        self.host = host

    @property
    def stateful(self) -> bool:
        return self.opdef.stateful

    @property
    def is_const(self) -> bool:
        return self.type == "Const"

    def replace(self, **changes: Any) -> Node:
        """A copy with some fields changed (and a new id)."""
        fields = {k: getattr(self, k) for k in ("opdef", "name", "attrs", "inputs", "control",
                                                 "in_specs", "out_specs", "op", "ref_vars", "host")}
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


#: Constants up to this many elements are printed with their value.
SMALL_CONSTANT = 8


def _detail(node: Node) -> str:
    """What a listing shows inside braces after the type: a small constant's value, the rows
    of a fused node."""
    if node.is_const:
        value = np.asarray(node.attrs["value"])
        if value.size > SMALL_CONSTANT:
            return ""
        return "{" + str(value.tolist()).replace(" ", "") + "}"
    program = node.attrs.get("program") if node.type == "_FusedElementwise" else None
    if program is None:
        return ""
    rows = []
    for j, (row, operands) in enumerate(program.steps):
        args = ",".join(("x" if kind == "in" else "t") + str(k) for kind, k in operands)
        rows.append(f"t{j}={row}({args})")
    outs = ",".join(f"t{k}" for k in program.outputs)
    return "{" + "; ".join(rows) + f" -> {outs}" + "}"


def format_node(node: Node, on_host: bool = False) -> str:
    """One node as a line: `%id = Type{detail}(&assigned_var, %input, ...) ^%control @host ->
    output specs   # name` (`on_host`: runs on the host of a device plan)."""
    from graphflow.framework.tensor_shape import format_dims

    refs = [f"&{v}" for v in node.ref_vars]
    ins = [f"%{src.id}" + (f".{i}" if len(src.out_specs) > 1 else "") for src, i in node.inputs]
    ctl = (" ^" + " ^".join(f"%{c.id}" for c in node.control)) if node.control else ""
    mark = " @host" if on_host or node.host else ""
    outs = " ".join(f"{s.dtype.name}{format_dims(s.dims)}" for s in node.out_specs)
    return (f"%{node.id} = {node.type}{_detail(node)}({', '.join(refs + ins)}){ctl}{mark} -> "
            f"{outs}   # {node.name}")


def format_nodes(nodes: Iterable[Node], on_host: Iterable[Node] = ()) -> str:
    """Printable listing of a node sequence (one line per node, see `format_node`), for
    GF_DEBUG and tests; `on_host`: nodes of a device plan found to run on the host."""
    host = {n.id for n in on_host}
    return "\n".join(format_node(n, n.id in host) for n in nodes)
