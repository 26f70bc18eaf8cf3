"""Constant folding: pure nodes whose inputs are all constants (or whose value shape inference
already knows) become `Const` nodes, evaluated once by their numpy reference at compile time.
Stateful nodes and nodes with control dependencies are never folded.

Folding is bounded so that a plan never holds a large tensor the graph only describes: a result
of at most SMALL_FOLD_ELEMENTS elements is always folded; a larger one, up to
MAX_FOLD_ELEMENTS, only when it is no larger than its constant inputs together (a transpose or
a scaled copy of a constant array), never when it expands them (Fill, BroadcastTo, Tile or
ZerosLike of a scalar or small constant: `tf.zeros([16000, 16000])` stays a Fill computed when
it runs). Values shape inference computed are at most `MAX_PROPAGATED_ELEMENTS` elements (or
views of a constant) and always fold."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graphflow.ops.registry import REGISTRY, Spec

from .ir import Node, Value
from .rewrite import rewrite

#: Results up to this many elements (256 KiB of float32) are folded whatever their inputs.
SMALL_FOLD_ELEMENTS = 1 << 16
#: Results up to this many elements are folded when no larger than their inputs together.
MAX_FOLD_ELEMENTS = 1 << 22


def worth_folding(size: int, input_sizes: Sequence[int]) -> bool:
    """Whether a constant result of `size` elements computed from constant inputs of
    `input_sizes` elements is folded (see the module docstring)."""
    if size <= SMALL_FOLD_ELEMENTS:
        return True
    return size <= MAX_FOLD_ELEMENTS and size <= sum(input_sizes)


def const_node(name: str, value: np.ndarray, spec: Spec) -> Node:
    """A Const IR node holding a read-only `value`."""
    value = np.asarray(value, dtype=spec.dtype.np)
    value.setflags(write=False)
    return Node(REGISTRY["Const"], name, {"value": value, "dtype": spec.dtype}, (), (), (),
                (Spec(spec.shape, spec.dtype, value),))


def fold_constants(nodes: Sequence[Node], fetched: Sequence[Value]) -> tuple[list[Node], list[Value]]:
    """Replaces foldable single-output nodes by Const nodes."""

    def visit(_: Node, node: Node) -> Node | Value:
        if (node.stateful or node.control or node.is_const or len(node.out_specs) != 1
                or node.opdef.list_output):
            return node
        spec = node.out_specs[0]
        if spec.dtype.name == "variant":  # list values carry per-run read bookkeeping
            return node
        if spec.value is not None:
            return (const_node(node.name, spec.value, spec), 0)
        if not node.inputs or not all(src.is_const for src, _ in node.inputs):
            return node
        size = spec.shape.num_elements()
        args = [src.attrs["value"] for src, _ in node.inputs]
        if size is None or not worth_folding(size, [np.size(a) for a in args]):
            return node
        try:
            with np.errstate(all="ignore"):
                value = node.opdef.reference(node.attrs, *args)
        except Exception:  # left to fail at run time, with the op named in the error
            return node
        return (const_node(node.name, value, spec), 0)

    folded, fetched = rewrite(nodes, fetched, visit)
    # Const nodes created while visiting must precede their consumers.
    consts = {src.id: src for n in folded for src, _ in n.inputs if src.is_const}
    consts.update({n.id: n for n, _ in fetched if n.is_const})
    present = {n.id for n in folded}
    return [c for i, c in consts.items() if i not in present] + folded, fetched
