"""A tiny rewriting helper shared by the passes: rebuild a node list while substituting values."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .ir import Node, Value


def rewrite(nodes: Sequence[Node], fetched: Sequence[Value],
            visit: Callable[[Node, dict[int, Value]], Node | Value | None]
            ) -> tuple[list[Node], list[Value]]:
    """Rebuilds `nodes` in order. For each node (with inputs already remapped), `visit` returns:
    the node itself (keep), a new Node (replace; outputs map index-wise), a Value (the node's
    single output is replaced by an existing value, the node is dropped), or None (drop; only
    for nodes without consumers)."""
    remap: dict[tuple[int, int], Value] = {}
    node_map: dict[int, Node] = {}
    out: list[Node] = []
    for node in nodes:
        inputs = tuple(remap.get((src.id, i), (src, i)) for src, i in node.inputs)
        control = tuple(node_map.get(c.id, c) for c in node.control)
        current = node if inputs == node.inputs and control == node.control else node.replace(
            inputs=inputs, control=control)
        result = visit(current, {})
        if result is None:
            continue
        if isinstance(result, tuple):
            remap[(node.id, 0)] = result
            node_map[node.id] = result[0]
            continue
        if result is not node:
            for i in range(len(node.out_specs)):
                remap[(node.id, i)] = (result, i)
        node_map[node.id] = result
        out.append(result)
    return out, [remap.get((n.id, i), (node_map.get(n.id, n), i)) for n, i in fetched]
