"""The "fuse_pool_relu_grad" pass: the backward pass of `max_pool(relu(conv + bias))` as one
`_MaxPoolReluGrad` node (ops/pool_relu_grad.py).

Matches `ReluGrad(MaxPoolGrad(x, y, dy), x)`, where x, the pool's input, is the ReLU's output
(TF1's ReluGrad masks with the ReLU's output), the ReluGrad alone or as a one-row fused program,
the MaxPoolGrad used by nothing else, NHWC, float32/float64, rank 4 with the channels known
(the batch may be known only at run time: a plan general in the batch size fuses too). A
SumToShape of the ReluGrad's result to [C] (the gradient of a bias added over the channels, by
`+` or `tf.nn.bias_add`) becomes the fused node's second output.

Why: on the CNN benchmark's first layer ([64, 28, 28, 32] float32, 6.4 MB) the max-pool
gradient, ReluGrad and the bias gradient's sum each read that tensor again (3.8 ms of a 21 ms
step); the fused kernel writes it once.

Consumes the nodes after "fuse" (a backend that skips "fuse", the reference interpreter, skips
this too, so it stays an op-by-op oracle); produces the same nodes with each matched ReluGrad
replaced by the fused node and the matched SumToShapes' consumers reading its second output
("dce" drops the MaxPoolGrad and SumToShape nodes left unused). Values keep their dtypes and
shapes; the ReluGrad's node name stays (profiles and GF_DEBUG show it as the ReluGrad).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from graphflow.ops.registry import REGISTRY

from .ir import Node, Value
from .pattern_fusion import run_where_fusing
from .rewrite import Replacement, rewrite

_FLOATS = ("float32", "float64")


def _relu_grad_operands(node: Node) -> tuple[Value, Value] | None:
    """(gradient, features) of a ReluGrad node or of a fused program that is one ReluGrad
    row of its two inputs."""
    if node.type == "ReluGrad":
        return node.inputs[0], node.inputs[1]
    if node.type != "_FusedElementwise":
        return None
    program = node.attrs["program"]
    if (len(program.steps) != 1 or program.outputs != (0,) or program.in_offsets
            or program.steps[0] != ("ReluGrad", (("in", 0), ("in", 1)))):
        return None
    return node.inputs[0], node.inputs[1]


def _channels(node: Node) -> int | None:
    """The known channel count of a 4-D NHWC output (other dims may be known only at run
    time: the CPU kernel takes any batch and image size), else None."""
    shape = node.out_specs[0].shape
    return shape.dims[3] if shape.ndims == 4 else None


def _pool_grad(relu: Node, uses: Counter) -> Node | None:
    """The MaxPoolGrad that `relu` (a ReluGrad) masks, when the pair fuses."""
    operands = _relu_grad_operands(relu)
    if operands is None:
        return None
    (pool, k), features = operands
    if (pool.type != "MaxPoolGrad" or k != 0 or uses[(pool.id, 0)] != 1
            or pool.inputs[0] != features or pool.host != relu.host
            or pool.attrs.get("data_format", "NHWC") != "NHWC"):
        return None
    channels = _channels(pool)
    specs = (*pool.in_specs, *pool.out_specs, *relu.in_specs, *relu.out_specs)
    if channels is None or _channels(relu) != channels or len({s.dtype.name for s in specs}) != 1 \
            or specs[0].dtype.name not in _FLOATS:
        return None
    return pool


def _is_bias_sum(node: Node, value: Value, channels: int) -> bool:
    """Whether `node` is a SumToShape of `value` to [channels] (a channel-wise bias gradient)
    without control inputs (they would be lost with it)."""
    if node.type != "SumToShape" or node.inputs[0] != value or node.host or node.control:
        return False
    shape = node.out_specs[0].shape
    return shape.is_fully_defined() and shape.as_list() == [channels]


def fuse_pool_relu_grads(nodes: Sequence[Node], fetched: Sequence[Value]
                         ) -> tuple[list[Node], list[Value]]:
    """The nodes with each matched ReluGrad(MaxPoolGrad) pair (and its bias SumToShape) as one
    `_MaxPoolReluGrad` node (see the module docstring), and the fetched values remapped."""
    uses: Counter = Counter((src.id, i) for n in nodes for src, i in n.inputs)
    uses.update((n.id, i) for n, i in fetched)
    uses.update((c.id, 0) for n in nodes for c in n.control)  # a control edge keeps it too
    matched: dict[int, list[Node]] = {}  # a matched ReluGrad's id -> its bias SumToShapes
    for relu in nodes:
        if _pool_grad(relu, uses) is not None:
            channels = _channels(relu)
            matched[relu.id] = [n for n in nodes if n.inputs and _is_bias_sum(n, (relu, 0), channels)]
    if not matched:
        return list(nodes), list(fetched)
    opdef = REGISTRY["_MaxPoolReluGrad"]
    fused: dict[int, Node] = {}  # a bias SumToShape's id -> the fused node computing its value

    def visit(original: Node, current: Node) -> Node | Replacement:
        sums = matched.get(original.id)
        if sums is not None:  # the ReluGrad: the fused node, of the MaxPoolGrad's operands
            pool = current.inputs[0][0]
            attrs: dict[str, Any] = {**pool.attrs, "bias_gradient": bool(sums)}
            new = Node(opdef, current.name, attrs, pool.inputs,
                       tuple(dict.fromkeys((*pool.control, *current.control))), pool.in_specs,
                       opdef.infer(pool.in_specs, attrs), op=current.op, host=current.host)
            fused.update((s.id, new) for s in sums)
            return new
        if original.id in fused:  # a bias SumToShape: left unread, for "dce"
            return Replacement(current, {0: (fused[original.id], 1)})
        return current

    return rewrite(nodes, fetched, visit)


def run_pass(compilation: Any, policy: Any) -> None:
    """The pipeline's entry (graphflow.compiler.passes.PASSES), off wherever "fuse" is."""
    run_where_fusing(compilation, policy, fuse_pool_relu_grads)
