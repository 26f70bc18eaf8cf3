"""Compiler pass "sink_control_inputs": a pure node whose value shape inference already knows (a
Shape, Size or Rank of a static shape, and the arithmetic on such values) hands its control
inputs to its consumers, so that "fold" can turn it into a constant; so does a shape-keeping
reshape, broadcast or SumToShape of a computed value, so that "simplify" can drop it.

Why: gradients built under `tf.control_dependencies(...)` (TF1's idiom of running the batch norm
UPDATE_OPS with the training step) carry those control inputs on every op, shape queries
included, and "fold" never folds a node with control inputs. The separable step's plan held 26
Shape nodes and 20 more of their arithmetic for that reason (219 kernels against 173 without
the control dependencies). TF1's own constant folding does the same: it folds such nodes and
keeps the control dependencies on what reads them.

The order the control inputs express is kept: a consumer of the node now waits for them itself
(and passes them on if it too is a known value). A known value that nothing reads keeps nothing:
its control inputs' effects still run (every stateful node is kept), and a constant has no order
of its own to respect. Consumes and produces IR node lists; runs before "fold".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .ir import Node, Value
from .rewrite import rewrite
from .simplify import _SHAPE_KEEPING


def _known_value(node: Node) -> bool:
    """Whether "fold" would turn `node` into a constant but for its control inputs."""
    return (not node.stateful and len(node.out_specs) == 1 and not node.opdef.list_output
            and not node.is_const and node.out_specs[0].value is not None
            and node.out_specs[0].dtype.name != "variant")


def _forwards_computed_value(node: Node) -> bool:
    """Whether "simplify" would drop `node` but for its control inputs (a reshape, broadcast or
    reverse broadcast that keeps the shape: a gradient's SumToShape of a same-shaped operand),
    its input computed by a pure op that returns a new array. Not a variable's value (nor a view
    of one): there the control inputs may order the read itself, as `tf.identity` under
    `tf.control_dependencies` does in TF1."""
    if node.type not in _SHAPE_KEEPING or not node.inputs:
        return False
    src, index = node.inputs[0]
    before, after = src.out_specs[index].shape, node.out_specs[0].shape
    return (before.is_fully_defined() and before == after and not src.stateful
            and not src.opdef.aliases_input and not src.is_const and src.type != "_Feed")


def sink_control_inputs(nodes: Sequence[Node], fetched: Sequence[Value]
                        ) -> tuple[list[Node], list[Value]]:
    """The node list with the control inputs of known-value nodes moved to their consumers.

    Args:
        nodes: the IR nodes in a valid order.
        fetched: the fetched values (and target ops' markers).

    Returns:
        (nodes, fetched): the same nodes, those whose control inputs changed replaced.
    """
    handed: dict[int, tuple[Node, ...]] = {}  # known-value node id -> the control inputs it passes on

    def visit(original: Node, current: Node) -> Node:
        control: dict[int, Node] = {}
        for c, now in zip(original.control, current.control):
            for kept in handed.get(c.id, (now,)):
                control[kept.id] = kept
        for src, _ in original.inputs:
            for kept in handed.get(src.id, ()):
                control[kept.id] = kept
        if control and (_known_value(original) or _forwards_computed_value(original)):
            handed[original.id] = tuple(control.values())
            control = {}
        new_control = tuple(control.values())
        return current if new_control == current.control else current.replace(control=new_control)

    return rewrite(nodes, fetched, visit)


def sink_control_inputs_pass(c: Any, _policy: Any) -> None:
    """The pipeline step (graphflow.compiler.passes): rewrites `c.nodes` and `c.fetched`."""
    c.nodes, c.fetched = sink_control_inputs(c.nodes, c.fetched)
