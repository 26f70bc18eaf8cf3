"""Gradients of the functional control-flow ops (If, While), built from graph ops.

If: an If over the two branches' gradient functions. Each is the branch's forward ops copied
    into a new branch (`copy_function`) followed by `tf.gradients` of its outputs with respect
    to its captured inputs, weighted by the incoming gradients; a captured value a branch does
    not use gets zeros.
While: the forward loop exposes its history (the loop vars each iteration started from; see
    graphflow.ops.control_flow), and a backward `tf.while_loop` runs the iterations in reverse:
    iteration t reads its loop vars from the history, recomputes the body on them (a copy of
    the body's ops) and applies the body's vector-Jacobian product to the loop vars'
    gradients, summing the captured values' gradients (variables read inside the loop) across
    iterations. Gradients flow to the initial loop values and to the captured values. Since
    the backward pass is built of If/While ops itself, gradients of nested loops and conds, and
    gradients of gradients, come from the same two rules.

Only floating and variant (TensorList) values carry gradients. Recomputing a body also repeats
its random draws and assignments: a body whose gradient depends on them differs from TF1's
(which saves every intermediate).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphflow.framework import dtypes
from graphflow.framework.func_graph import FuncGraph
from graphflow.framework.graph import Graph, get_default_graph
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.tensor_shape import TensorShape


def _differentiable(dtype: Any) -> bool:
    return dtype.is_floating or dtype.name == "variant"


def _recomputed(attrs: Any) -> dict[str, Any]:
    """A copied op's attributes: a TensorArray read recomputed for a gradient is not a second
    user read (clear_after_read would refuse it)."""
    attrs = dict(attrs)
    if attrs.get("clear_after_read"):
        attrs["clear_after_read"] = False
    return attrs


def copy_function(src: FuncGraph, dst: Graph, inputs: Sequence[Tensor]) -> dict[Tensor, Tensor]:
    """Copies the ops of `src` into `dst` (the default graph, possibly a FuncGraph), with
    `src.inputs[i]` standing for `inputs[i]`; returns the map from `src`'s tensors to the
    copies. References to outer variables stay references; TensorArray reads keep their
    elements (see `_recomputed`)."""
    mapping: dict[Tensor, Tensor] = {}
    for placeholder, t in zip(src.inputs, inputs):
        mapping[placeholder] = dst.capture(t) if isinstance(dst, FuncGraph) else t
    copies: dict[Operation, Operation] = {}
    for op in src.get_operations():
        if op.outputs and op.outputs[0] in mapping:
            continue
        control = [copies[c] for c in op.control_inputs if c in copies]
        with dst.control_dependencies(control):
            new = dst.create_op(op.type, [mapping.get(t, t) for t in op.inputs], _recomputed(op.attrs),
                                name=op.name.rpartition("/")[2])
        copies[op] = new
        for a, b in zip(op.outputs, new.outputs):
            mapping[a] = b
    return mapping


def _zeros_like(t: Tensor) -> Tensor:
    from .math import zeros_like

    return zeros_like(t)


# ---- If ---------------------------------------------------------------------------------------


def if_grad(op: Operation, *dys: Tensor | None) -> list[Tensor | None]:
    """Gradients of an If op with respect to its captured inputs (None for the predicate)."""
    from graphflow.gradients import gradients

    from .control_flow import cond

    pred, captured = op.inputs[0], list(op.inputs[1:])
    outputs = op.outputs
    live = [k for k, dy in enumerate(dys) if dy is not None and _differentiable(outputs[k].dtype)]
    wrt = [j for j, c in enumerate(captured) if _differentiable(c.dtype)]
    if not live or not wrt:
        return [None] * len(op.inputs)

    def branch(func: FuncGraph) -> Any:
        def grads() -> list[Tensor]:
            mapping = copy_function(func, get_default_graph(), captured)
            ys = [mapping[func.outputs[k]] for k in live]
            xs = [mapping[func.inputs[j]] for j in wrt]
            found = gradients(ys, xs, grad_ys=[dys[k] for k in live])
            return [g if g is not None else _zeros_like(x) for g, x in zip(found, xs)]

        return grads

    results = cond(pred, branch(op.get_attr("then_graph")), branch(op.get_attr("else_graph")),
                   strict=True, name="If_grad")
    out: list[Tensor | None] = [None] * len(op.inputs)
    for j, g in zip(wrt, results):
        g.set_shape(captured[j].shape)
        out[1 + j] = g
    return out


# ---- While ------------------------------------------------------------------------------------


def _history(op: Operation) -> Tensor:
    """The loop's history output, added to the op on first use (see ops.control_flow.While)."""
    n = len(op.get_attr("output_shapes"))
    if len(op.outputs) > n:
        return op.outputs[n]
    op._attrs["history"] = True
    history = Tensor(op, n, dtypes.variant, TensorShape([]))
    op._outputs = (*op.outputs, history)
    return history


def while_grad(op: Operation, *dys: Tensor | None) -> list[Tensor | None]:
    """Gradients of a While op with respect to its initial loop values and captured inputs."""
    from graphflow.gradients import gradients

    from ._build import out as make
    from .control_flow import while_loop
    from .math import add_n, greater, subtract

    n = len(op.get_attr("output_shapes"))
    loop_outputs, captured = op.outputs[:n], list(op.inputs[n:])
    var_idx = [i for i in range(n) if _differentiable(loop_outputs[i].dtype)]
    cap_idx = [j for j, c in enumerate(captured) if _differentiable(c.dtype)]
    if not var_idx or all(dys[i] is None for i in var_idx):
        return [None] * len(op.inputs)
    body_g: FuncGraph = op.get_attr("body_graph")
    shapes, types = op.get_attr("output_shapes"), op.get_attr("output_dtypes")
    history = _history(op)
    start = make("LoopHistoryLength", [history], name="iterations")
    d_vars = [dys[i] if dys[i] is not None else _zeros_like(loop_outputs[i]) for i in var_idx]
    d_caps = [_zeros_like(captured[j]) for j in cap_idx]
    nv = len(var_idx)

    def backward_body(k: Tensor, *grads: Tensor) -> list[Tensor]:
        d_out, acc = list(grads[:nv]), list(grads[nv:])
        step = subtract(k, 1)
        values = make_list("LoopHistoryRead", [history, step], {"dtypes": list(types),
                                                              "shapes": list(shapes)})
        mapping = copy_function(body_g, get_default_graph(), [*values, *captured])
        ys = [mapping[body_g.outputs[i]] for i in var_idx]
        xs = [mapping[body_g.inputs[i]] for i in var_idx]
        xs += [mapping[body_g.inputs[n + j]] for j in cap_idx]
        found = gradients(ys, xs, grad_ys=d_out)
        new_d = [g if g is not None else _zeros_like(x) for g, x in zip(found[:nv], xs[:nv])]
        new_acc = [a if g is None else add_n([a, g]) for a, g in zip(acc, found[nv:])]
        return [step, *new_d, *new_acc]

    invariants = [TensorShape([]), *[TensorShape(None)] * (len(d_vars) + len(d_caps))]
    results = while_loop(lambda k, *_: greater(k, 0), backward_body, [start, *d_vars, *d_caps],
                         shape_invariants=invariants, name="While_grad",
                         return_same_structure=True)
    grads: list[Tensor | None] = [None] * len(op.inputs)
    for i, g in zip(var_idx, results[1:1 + nv]):
        g.set_shape(op.inputs[i].shape)
        grads[i] = g
    for j, g in zip(cap_idx, results[1 + nv:]):
        g.set_shape(captured[j].shape)
        grads[n + j] = g
    return grads


def make_list(op_type: str, inputs: list[Tensor], attrs: dict[str, Any]) -> list[Tensor]:
    """All outputs of a new op of the default graph."""
    return list(get_default_graph().create_op(op_type, inputs, attrs).outputs)
