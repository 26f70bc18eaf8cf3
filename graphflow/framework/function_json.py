"""Function bodies (FuncGraphs held by If/While ops) in graph files, as TF's function library.

A FuncGraph attribute is written as `{"function": {"name", "node", "inputs", "outputs",
"control_outputs"}}`: its ops in the same node form as a graph's (graph_json), nested bodies
recursively, and the names of its argument placeholders, results and effect ops. Reading one
rebuilds a FuncGraph enclosed by the graph being imported: a body's reference to an enclosing
graph's variable resolves to that graph's op of the same name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from .graph import Graph
from .tensor import Operation, Tensor

#: While importing: (the graph receiving the ops, the ops visible by file name, name prefix).
_CONTEXT: ContextVar[tuple[Graph, Any, str] | None] = ContextVar("graphflow_import", default=None)


@contextlib.contextmanager
def importing(graph: Graph, visible: Any, prefix: str) -> Iterator[None]:
    """Function attributes decoded inside the block are enclosed by `graph`."""
    token = _CONTEXT.set((graph, visible, prefix))
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def encode_function(func: Any, where: str) -> dict[str, Any]:
    """The JSON-able form of a FuncGraph."""
    from .graph_json import node_json

    return {"name": func.name,
            "node": [node_json(op) for op in func.get_operations()],
            "inputs": [t.name for t in func.inputs],
            "outputs": [t.name for t in func.outputs],
            "control_outputs": [op.name for op in func.control_outputs]}


def decode_function(body: dict[str, Any], depth: int) -> Any:
    """Rebuilds a FuncGraph from `encode_function`'s output, enclosed by the graph being
    imported.

    Raises:
        GraphFormatError: outside an import, or for a malformed body.
    """
    from .func_graph import FuncGraph
    from .graph_json import GraphFormatError, _check_node, check_node_names, import_nodes

    context = _CONTEXT.get()
    if context is None:
        raise GraphFormatError("a function attribute can only be read while importing a graph")
    outer, visible, prefix = context
    nodes = body.get("node")
    names = {key: body.get(key) for key in ("inputs", "outputs", "control_outputs")}
    if not isinstance(nodes, list) or not isinstance(body.get("name"), str) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in names.values()):
        raise GraphFormatError("malformed function attribute")
    for number, node in enumerate(nodes):
        _check_node(node, number)
    check_node_names(nodes, prefix)
    func = FuncGraph(f"{prefix}{body['name']}", outer)
    func._importing = True  # inputs as written: the file's captures are placeholders already
    try:
        with func.as_default():
            created = import_nodes(nodes, func, prefix, outer=visible)
    finally:
        func._importing = False

    def tensor(name: str) -> Tensor:
        op_name, _, index = name.rpartition(":")
        op = created.get(op_name)
        if op is None or not index.isdigit() or int(index) >= len(op.outputs):
            raise GraphFormatError(f"function {body['name']!r} names no tensor {name[:80]!r}")
        return op.outputs[int(index)]

    def operation(name: str) -> Operation:
        if name not in created:
            raise GraphFormatError(f"function {body['name']!r} names no op {name[:80]!r}")
        return created[name]

    func.inputs = [tensor(n) for n in names["inputs"]]
    func.outputs = [tensor(n) for n in names["outputs"]]
    func.control_outputs = [operation(n) for n in names["control_outputs"]]
    del depth  # nesting is bounded by the node structure itself
    return func
