"""Algebraic simplification: drops no-op nodes (identities without control dependencies,
reshapes/broadcasts/sum-to-shape that keep the shape)."""

from __future__ import annotations

from collections.abc import Sequence

from .ir import Node, Value
from .rewrite import rewrite

_SHAPE_KEEPING = {"Reshape", "BroadcastTo", "SumToShape", "RestoreReducedDims"}


def simplify(nodes: Sequence[Node], fetched: Sequence[Value]) -> tuple[list[Node], list[Value]]:
    """Returns the node list without nodes that only forward their first input."""

    def visit(_: Node, node: Node) -> Node | Value:
        if node.control or not node.inputs:
            return node
        if node.type in ("Identity", "StopGradient", "PlaceholderWithDefault"):
            return node.inputs[0]
        if node.type in _SHAPE_KEEPING:
            src, i = node.inputs[0]
            before, after = src.out_specs[i].shape, node.out_specs[0].shape
            if before.is_fully_defined() and before == after:
                return node.inputs[0]
        return node

    return rewrite(nodes, fetched, visit)
