"""The "fuse_bias_relu_pool" pass: the forward pass `max_pool(relu(z + bias))` of a convolution
layer as one `_BiasReluMaxPool` node (ops/bias_relu_pool.py) with both values as outputs.

Matches a MaxPool (NHWC, rank 4, the channels known) of a fused program that is exactly
`Relu(Add(z, bias))` or `Relu(BiasAdd(z, bias))` of a 4-D z and a bias [C] of z's dtype
(float32/float64). The fused program's other consumers (the backward pass keeps the ReLU's
output) read the new node's first output.

Why: on the CNN benchmark's first layer the ReLU's output ([64, 28, 28, 32] float32, 6.4 MB) is
written by the bias + ReLU loop and read back whole by MaxPool; the fused kernel pools each
image while it is in cache.

Consumes the nodes after "fuse" (does nothing where "fuse" is off: the reference interpreter
stays op by op); produces the same nodes with each matched fused program replaced in place and
the MaxPool's consumers reading the new node's second output ("dce" drops the MaxPool).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphflow.ops.registry import REGISTRY

from .ir import Node, Value
from .pattern_fusion import run_where_fusing
from .rewrite import Replacement, rewrite

_FLOATS = ("float32", "float64")


def _bias_relu(node: Node) -> bool:
    """Whether `node` is a fused program computing exactly relu(z + bias), z 4-D, bias [C]."""
    if node.type != "_FusedElementwise":
        return False
    program = node.attrs["program"]
    if program.in_offsets or program.outputs != (1,) or len(program.steps) != 2:
        return False
    (first, operands), second = program.steps
    if first not in ("Add", "BiasAdd") or operands != (("in", 0), ("in", 1)) \
            or second != ("Relu", (("step", 0),)):
        return False
    z, bias = node.in_specs
    return (z.rank == 4 and bias.rank == 1 and z.dims[3] is not None and bias.dims == (z.dims[3],)
            and z.dtype == bias.dtype == node.out_specs[0].dtype and z.dtype.name in _FLOATS)


def _pool_of(node: Node, relu_ids: set[int]) -> bool:
    """Whether `node` is an NHWC MaxPool of a matched program's output."""
    if node.type != "MaxPool" or node.attrs.get("data_format", "NHWC") != "NHWC":
        return False
    source, k = node.inputs[0]
    return k == 0 and source.id in relu_ids


def fuse_bias_relu_pools(nodes: Sequence[Node], fetched: Sequence[Value]
                         ) -> tuple[list[Node], list[Value]]:
    """The nodes with each matched program + MaxPool as one `_BiasReluMaxPool` node (see the
    module docstring), and the fetched values remapped."""
    programs = {n.id: n for n in nodes if _bias_relu(n)}
    pools: dict[int, Node] = {}  # the program's id -> the first MaxPool of it
    for node in nodes:
        # (a MaxPool with control inputs stays: the fused node takes the program's place, which
        # may come before them)
        if _pool_of(node, set(programs)) and node.inputs[0][0].id not in pools \
                and node.host == node.inputs[0][0].host and not node.control:
            pools[node.inputs[0][0].id] = node
    if not pools:
        return list(nodes), list(fetched)
    opdef = REGISTRY["_BiasReluMaxPool"]
    fused: dict[int, Node] = {}  # a matched MaxPool's id -> the fused node computing its value

    def visit(original: Node, current: Node) -> Node | Replacement:
        pool = pools.get(original.id)
        if pool is not None:  # the program: the fused node takes its place
            attrs: dict[str, Any] = dict(pool.attrs)
            new = Node(opdef, current.name, attrs, current.inputs, current.control, current.in_specs,
                       opdef.infer(current.in_specs, attrs), op=current.op, host=current.host)
            fused[pool.id] = new
            return new
        if original.id in fused:  # the MaxPool: left unread, for "dce"
            return Replacement(current, {0: (fused[original.id], 1)})
        return current

    return rewrite(nodes, fetched, visit)


def run_pass(compilation: Any, policy: Any) -> None:
    """The pipeline's entry (graphflow.compiler.passes.PASSES), off wherever "fuse" is."""
    run_where_fusing(compilation, policy, fuse_bias_relu_pools)
