"""The "fuse_conv_backprops" pass: a Conv2DBackpropInput and a Conv2DBackpropFilter of the same
output gradient, where the convolution runs by transforms (`_fft_conv.fft_grid`), as one
`_Conv2DBackprops` node (ops/conv_backprops.py) that transforms the output gradient once.

Matches pairs with the same output gradient and attributes (NHWC), static shapes, float32 or
float64, the input gradient's shape that of the filter gradient's input and the filter
gradient's that of the input gradient's filter, and neither gradient an ancestor of the other
pair member's inputs (second-order graphs).

Why: the CNN benchmark's second layer (14x14x32 -> 64, 5x5) runs both backprops by transforms,
each transforming the [64, 14, 14, 64] output gradient (4,096 channel images); the fused kernel
does it once (about 1 ms of CPU of the two kernels' 7).

Consumes the nodes after "fuse" (does nothing where "fuse" is off: the reference interpreter
stays op by op); produces the same nodes with the earlier pair member replaced by the fused node
(when the convolution's input and filter come before it), the later dropped, and their
consumers reading its two outputs (a control input on the later waits for the fused node).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphflow.ops.registry import REGISTRY

from .ir import Node, Value
from .pattern_fusion import run_where_fusing
from .rewrite import Replacement, Rewriter

_FLOATS = ("float32", "float64")
_ATTRS = ("strides", "padding", "explicit_paddings", "data_format", "dilations")


def _static(spec) -> tuple[int, ...] | None:
    return tuple(spec.shape.as_list()) if spec.shape.is_fully_defined() else None


def _transformed(x_shape: tuple[int, ...], f_shape: tuple[int, ...], attrs, itemsize: int) -> bool:
    """Whether the CPU computes this convolution's gradients by transforms."""
    from graphflow.ops._fft_conv import fft_grid
    from graphflow.ops._sliding_windows import window_from_attrs

    return fft_grid(x_shape, f_shape, window_from_attrs(attrs, f_shape[:2]), itemsize) is not None


def _pairs(nodes: Sequence[Node]) -> list[tuple[Node, Node]]:
    """(input gradient, filter gradient) pairs that fuse."""
    inputs_by_dy: dict[tuple[int, int], list[Node]] = {}
    for n in nodes:
        if n.type == "Conv2DBackpropInput":
            inputs_by_dy.setdefault((n.inputs[2][0].id, n.inputs[2][1]), []).append(n)
    pairs, taken = [], set()
    for fg in nodes:
        if fg.type != "Conv2DBackpropFilter" or fg.attrs.get("data_format", "NHWC") != "NHWC":
            continue
        x_spec, _, dy_spec = fg.in_specs
        x_shape, df_shape = _static(x_spec), _static(fg.out_specs[0])
        if x_shape is None or df_shape is None or x_spec.dtype.name not in _FLOATS:
            continue
        for ig in inputs_by_dy.get((fg.inputs[2][0].id, fg.inputs[2][1]), []):
            if (ig.id in taken or ig.host != fg.host
                    or any(ig.attrs.get(k) != fg.attrs.get(k) for k in _ATTRS)
                    or _static(ig.out_specs[0]) != x_shape or _static(ig.in_specs[1]) != df_shape
                    or len({s.dtype for s in (*ig.in_specs[1:], *fg.in_specs[::2])}) != 1
                    or not _transformed(x_shape, df_shape, fg.attrs, x_spec.dtype.np.itemsize)):
                continue
            if _depends_on((fg.inputs[0], ig.inputs[1]), {ig.id, fg.id}):
                continue
            pairs.append((ig, fg))
            taken.add(ig.id)
            break
    return pairs


def _depends_on(values: Sequence[Value], ids: set[int]) -> bool:
    """Whether any of `values` is computed from a node in `ids`."""
    seen: set[int] = set()
    stack = [node for node, _ in values]
    while stack:
        node = stack.pop()
        if node.id in ids:
            return True
        if node.id not in seen:
            seen.add(node.id)
            stack.extend(src for src, _ in node.inputs)
            stack.extend(node.control)
    return False


def fuse_conv_backprops(nodes: Sequence[Node], fetched: Sequence[Value]
                        ) -> tuple[list[Node], list[Value]]:
    """The nodes with each matched pair as one `_Conv2DBackprops` node (see the module
    docstring), and the fetched values remapped."""
    position = {n.id: i for i, n in enumerate(nodes)}
    first: dict[int, tuple[Node, Node]] = {}  # the earlier member's id -> its pair
    for ig, fg in _pairs(nodes):
        early, late = sorted((ig, fg), key=lambda n: position[n.id])
        # the fused node takes the earlier place: its inputs (and the later member's control
        # inputs) must come before it there
        before = [v[0] for v in (fg.inputs[0], ig.inputs[1])] + list(late.control)
        if all(position[n.id] < position[early.id] for n in before):
            first[early.id] = (ig, fg)
    if not first:
        return list(nodes), list(fetched)
    opdef = REGISTRY["_Conv2DBackprops"]
    later: dict[int, Value] = {}  # the later member's id -> the fused node's output it becomes

    def visit(original: Node, current: Node) -> Node | Replacement:
        if original.id in later:  # dropped, its readers reading the fused node
            return Replacement(None, {0: later[original.id]})
        pair = first.get(original.id)
        if pair is None:
            return current
        ig, fg = pair
        # the later member's operands and control inputs come before this place (see above)
        values = tuple(rebuild.read(v) for v in (fg.inputs[0], ig.inputs[1], fg.inputs[2]))  # x, f, dy
        specs = (fg.in_specs[0], ig.in_specs[1], fg.in_specs[2])
        attrs: dict[str, Any] = {k: fg.attrs.get(k) for k in _ATTRS}
        control = tuple(rebuild.waited_for(c) for c in dict.fromkeys((*ig.control, *fg.control)))
        new = Node(opdef, fg.name, attrs, values, control, specs, opdef.infer(specs, attrs),
                   op=fg.op, host=fg.host)
        own, other = (0, 1) if original is ig else (1, 0)  # ig reads output 0, fg output 1
        later[(fg if original is ig else ig).id] = (new, other)
        return Replacement(new, {0: (new, own)})

    rebuild = Rewriter(visit)
    return rebuild(nodes, fetched)


def run_pass(compilation: Any, policy: Any) -> None:
    """The pipeline's entry (graphflow.compiler.passes.PASSES), off wherever "fuse" is."""
    run_where_fusing(compilation, policy, fuse_conv_backprops)
