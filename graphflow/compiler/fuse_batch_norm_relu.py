"""Compiler pass "fuse_batch_norm_relu": a fused batch norm whose output only a ReLU reads becomes
one _FusedBatchNormRelu node, and a ReluGrad that only a fused batch norm gradient reads is folded
into that gradient as one _FusedBatchNormReluGrad node (graphflow.ops.fused_batch_norm_relu).

Runs after "simplify" and before "fuse" (which would otherwise take the ReLU rows into
elementwise groups). Consumes and produces IR node lists; the fused nodes keep the batch norm's
name (and of the gradient, the gradient's), so traces and errors name the user's ops. A pair is
left alone when the batch norm's output (or the ReluGrad's) is fetched or read elsewhere, when
the two sit on different devices, or when the forward ReLU carries control inputs (a fused
gradient takes the control inputs of both ops it replaces).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from graphflow.ops.fused_batch_norm_relu import BATCH_NORM_TYPES
from graphflow.ops.registry import REGISTRY

from .dce import eliminate_dead_code
from .ir import Node, Value
from .pattern_fusion import run_where_fusing
from .rewrite import rewrite

_GRADIENT_TYPES = {grad: forward for forward, grad in BATCH_NORM_TYPES.items()}


def _readers(nodes: Sequence[Node]) -> dict[tuple[int, int], list[Node]]:
    readers: dict[tuple[int, int], list[Node]] = defaultdict(list)
    for node in nodes:
        for src, index in node.inputs:
            readers[(src.id, index)].append(node)
    return readers


def _sole_reader(node: Node, producer: Node, readers, fetched_ids) -> bool:
    """Whether `node` is the only reader of `producer`'s output 0 and nothing fetches it."""
    return ((producer.id, 0) not in fetched_ids and len(readers[(producer.id, 0)]) == 1
            and producer.host == node.host)


def fuse_batch_norm_relu(nodes: Sequence[Node], fetched: Sequence[Value]
                         ) -> tuple[list[Node], list[Value]]:
    """The node list with batch norm + ReLU pairs fused (see the module docstring).

    Args:
        nodes: the IR nodes in a valid order.
        fetched: the fetched values (and target ops' markers).

    Returns:
        (nodes, fetched) after the rewrite, dead ReLU nodes removed.
    """
    readers = _readers(nodes)
    fetched_ids = {(n.id, i) for n, i in fetched}
    forward: dict[int, Node] = {}  # batch norm id -> its ReLU
    relus: set[int] = set()
    gradients: set[int] = set()  # batch norm gradient ids whose dy is a sole-reader ReluGrad
    for node in nodes:
        if not node.inputs:
            continue
        src, index = node.inputs[0]
        if (node.type == "Relu" and index == 0 and src.type in BATCH_NORM_TYPES and not node.control
                and _sole_reader(node, src, readers, fetched_ids)):
            forward[src.id] = node
            relus.add(node.id)
        elif (node.type in _GRADIENT_TYPES and index == 0 and src.type == "ReluGrad"
              and src.in_specs[1].dtype == node.in_specs[1].dtype
              and _sole_reader(node, src, readers, fetched_ids)):
            gradients.add(node.id)
    if not forward and not gradients:
        return list(nodes), list(fetched)

    def visit(original: Node, current: Node) -> Node | Value:
        if original.id in relus:
            return current.inputs[0]  # the fused node's output 0
        if original.id in forward:
            return current.replace(opdef=REGISTRY["_FusedBatchNormRelu"],
                                   attrs={**current.attrs, "batch_norm_type": current.type})
        if original.id in gradients:
            relu_grad = current.inputs[0][0]
            # gradients built under tf.control_dependencies carry them on both ops
            control = tuple({c.id: c for c in (*relu_grad.control, *current.control)}.values())
            return current.replace(
                opdef=REGISTRY["_FusedBatchNormReluGrad"],
                attrs={**current.attrs, "batch_norm_type": _GRADIENT_TYPES[current.type]},
                in_specs=(*relu_grad.in_specs, *current.in_specs[1:]),
                inputs=(*relu_grad.inputs, *current.inputs[1:]), control=control)
        return current

    fused, fetched = rewrite(nodes, fetched, visit)
    return eliminate_dead_code(fused, fetched), fetched


def fuse_batch_norm_relu_pass(c: Any, policy: Any) -> None:
    """The pipeline step (graphflow.compiler.passes), off wherever "fuse" is."""
    run_where_fusing(c, policy, fuse_batch_norm_relu)
