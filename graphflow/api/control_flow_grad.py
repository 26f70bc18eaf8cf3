"""Gradients of the functional control-flow ops (If, While), built from graph ops.

If: an If over the two branches' gradient functions. Each is the branch's forward ops copied
    into a new branch (`copy_function`) followed by `tf.gradients` of its outputs with respect
    to its captured inputs, weighted by the incoming gradients; a captured value a branch does
    not use gets zeros.
While: the forward loop exposes its history (per iteration, the loop vars it started from and
    the values its gradient reads; see graphflow.ops.control_flow), and a backward
    `tf.while_loop` runs the iterations in reverse: iteration t reads its record, applies the
    body's vector-Jacobian product to the loop vars' gradients and sums the captured values'
    gradients (variables read inside the loop) across iterations. The VJP reads the recorded
    intermediates it needs (the "frontier": activations, operands of products) rather than
    recomputing the body; only TensorList values are rebuilt. Random draws and assignments
    inside the body are recorded too, never run again. Gradients flow to the initial loop
    values and to the captured values. Since the backward pass is built of If/While ops
    itself, gradients of nested loops and conds come from the same two rules.

Only floating and variant (TensorList) values carry gradients. Second-order gradients work
through conds; through a loop they raise TF1's TypeError "Second-order gradient for while loops
not supported." (the backward loop reads the forward loop's record, which carries no gradient).
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


def copy_function(src: FuncGraph, dst: Graph, inputs: Sequence[Tensor],
                  given: dict[Tensor, Tensor] | None = None) -> dict[Tensor, Tensor]:
    """Copies the ops of `src` into `dst` (the default graph, possibly a FuncGraph), with
    `src.inputs[i]` standing for `inputs[i]`; returns the map from `src`'s tensors to the
    copies. An op whose outputs are all in `given` is not copied: its outputs are those
    values (a random draw saved by the forward loop). References to outer variables stay
    references; TensorArray reads keep their elements (see `_recomputed`)."""
    mapping: dict[Tensor, Tensor] = dict(given or {})
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
    wrt = [j for j, c in enumerate(captured)
           if _differentiable(c.dtype) and not getattr(c, "_is_loop_history", False)]
    if not live or not wrt:
        return [None] * len(op.inputs)

    saved = _if_saved(op)

    def branch(func: FuncGraph) -> Any:
        def grads() -> list[Tensor]:
            mapping = copy_function(func, get_default_graph(), captured, given=saved[func])
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


def _placeholder_zero(func: FuncGraph, t: Tensor) -> Tensor:
    """A scalar of `t`'s dtype standing in a branch for the other branch's saved value."""
    import numpy as np

    value = np.array(b"", object) if t.dtype.np.kind == "O" else np.zeros((), t.dtype.np)
    with func.as_default():
        return func.create_op("Const", [], {"value": value, "dtype": t.dtype},
                              name="unused_saved").outputs[0]


def _if_saved(op: Operation) -> dict[FuncGraph, dict[Tensor, Tensor]]:
    """Per branch, its saved tensors -> the If outputs carrying their forward values (appended
    to the op on first use, see ops.control_flow.If)."""
    then_g, else_g = op.get_attr("then_graph"), op.get_attr("else_graph")
    if "saved_outputs" not in op.attrs:
        mine = {g: [t for o in _saved_ops(g) for t in o.outputs] for g in (then_g, else_g)}
        k = len(op.outputs)
        if mine[then_g] or mine[else_g]:
            then_g.outputs = [*then_g.outputs, *mine[then_g],
                              *[_placeholder_zero(then_g, t) for t in mine[else_g]]]
            else_g.outputs = [*else_g.outputs,
                              *[_placeholder_zero(else_g, t) for t in mine[then_g]], *mine[else_g]]
            extra = [*mine[then_g], *mine[else_g]]
            op._attrs["output_shapes"] = [*op.get_attr("output_shapes"),
                                          *[None for _ in extra]]
            op._attrs["output_dtypes"] = [*op.get_attr("output_dtypes"), *[t.dtype for t in extra]]
            op._outputs = (*op.outputs, *[Tensor(op, k + i, t.dtype, TensorShape(None))
                                          for i, t in enumerate(extra)])
        op._attrs["saved_outputs"] = [len(mine[then_g]), len(mine[else_g])]
    n_then, n_else = op.get_attr("saved_outputs")
    start = len(op.outputs) - n_then - n_else
    then_saved = [t for o in _saved_ops(then_g) for t in o.outputs]
    else_saved = [t for o in _saved_ops(else_g) for t in o.outputs]
    return {then_g: dict(zip(then_saved, op.outputs[start:start + n_then])),
            else_g: dict(zip(else_saved, op.outputs[start + n_then:]))}


# ---- While ------------------------------------------------------------------------------------


def _saved_ops(body: FuncGraph) -> list[Operation]:
    """The body's ops whose values the backward loop must read rather than recompute: random
    draws and assignments (stateful, not differentiable)."""
    from graphflow.ops import registry

    out = []
    for op in body.get_operations():
        opdef = registry.get(op.type)
        if op.outputs and opdef.stateful and not opdef.differentiable and op.type != "Placeholder":
            out.append(op)
    return out


def _frontier(op: Operation, body: FuncGraph, n: int) -> list[Tensor]:
    """The body's intermediate values that its vector-Jacobian product reads (activations, the
    operands of products): recorded by the forward loop, so that the backward loop does not
    compute them again. Found by building the VJP once in a scratch graph. Inputs (loop vars
    and captures are at hand anyway), constants and TensorList values (recomputed: a list is
    cheap to rebuild) are left out."""
    from graphflow.gradients import gradients

    var_idx = [i for i in range(n) if _differentiable(op.outputs[i].dtype)]
    captured = op.inputs[n:]
    cap_idx = [j for j, c in enumerate(captured)
               if _differentiable(c.dtype) and not getattr(c, "_is_loop_history", False)]
    scratch = FuncGraph(f"{body.name}_vjp_scratch", body.outer_graph)
    with scratch.as_default():
        args = [scratch.add_input(t.dtype, t.shape.dims) for t in body.inputs]
        mapping = copy_function(body, scratch, args)
        ys = [mapping[body.outputs[i]] for i in var_idx]
        xs = [args[i] for i in var_idx] + [args[n + j] for j in cap_idx]
        seeds = [scratch.add_input(y.dtype, y.shape.dims) for y in ys]
        gradients(ys, xs, grad_ys=seeds)
    original = {copy: t for t, copy in mapping.items() if t.graph is body}
    copies = {t.op for t in original}
    inputs = set(body.inputs)
    needed: dict[Tensor, None] = {}
    for grad_op in scratch.get_operations():
        if grad_op in copies or grad_op.type == "Placeholder":
            continue
        for t in grad_op.inputs:
            source = original.get(t)
            if source is not None and source not in inputs and source.op.type != "Const" \
                    and source.dtype.name != "variant":
                needed[source] = None
    return list(needed)


def _history(op: Operation) -> Tensor:
    """The loop's history output, added to the op on first use (see ops.control_flow.While);
    the body's saved values become extra outputs of the body (recorded, never loop vars)."""
    n = len(op.get_attr("output_shapes"))
    if len(op.outputs) > n:
        return op.outputs[n]
    body: FuncGraph = op.get_attr("body_graph")
    saved = [t for o in _saved_ops(body) for t in o.outputs]
    saved += [t for t in _frontier(op, body, n) if t not in saved]
    body.outputs = [*body.outputs[:n], *saved]
    op._attrs["history"] = True
    history = Tensor(op, n, dtypes.variant, TensorShape([]))
    history._is_loop_history = True  # type: ignore[attr-defined]  # bookkeeping: no gradient
    op._outputs = (*op.outputs, history)
    return history


def while_grad(op: Operation, *dys: Tensor | None) -> list[Tensor | None]:
    """Gradients of a While op with respect to its initial loop values and captured inputs."""
    from graphflow.gradients import gradients
    from graphflow.ops.control_flow_liveness import zero_gradient_vars

    from ._build import out as make
    from .control_flow import while_loop
    from .math import add_n, greater, subtract

    n = len(op.get_attr("output_shapes"))
    loop_outputs, captured = op.outputs[:n], list(op.inputs[n:])
    body_g: FuncGraph = op.get_attr("body_graph")
    var_idx = [i for i in range(n) if _differentiable(loop_outputs[i].dtype)]
    # vars whose gradient stays zero through every iteration get no backward loop var
    zero = zero_gradient_vars(body_g, n, var_idx, [i for i in var_idx if dys[i] is None])
    var_idx = [i for i in var_idx if i not in zero]
    cap_idx = [j for j, c in enumerate(captured)
               if _differentiable(c.dtype) and not getattr(c, "_is_loop_history", False)]
    if not var_idx or all(dys[i] is None for i in var_idx):
        return [None] * len(op.inputs)
    if any(getattr(c, "_is_loop_history", False) for c in captured):
        # the backward loop reads the forward loop's record, which carries no gradient
        raise TypeError(f"Second-order gradient for while loops not supported. (differentiating "
                        f"the gradient loop '{op.name}')")
    history = _history(op)
    saved = body_g.outputs[n:]
    draws = {t for o in _saved_ops(body_g) for t in o.outputs}  # the rest: the VJP's frontier
    shapes = [*op.get_attr("output_shapes"), *[t.shape.dims for t in saved]]
    types = [*op.get_attr("output_dtypes"), *[t.dtype for t in saved]]
    start = make("LoopHistoryLength", [history], name="iterations")
    d_vars = [dys[i] if dys[i] is not None else _zeros_like(loop_outputs[i]) for i in var_idx]
    d_caps = [_zeros_like(captured[j]) for j in cap_idx]
    nv = len(var_idx)

    def backward_body(k: Tensor, *grads: Tensor) -> list[Tensor]:
        d_out, acc = list(grads[:nv]), list(grads[nv:])
        step = subtract(k, 1)
        values = make_list("LoopHistoryRead", [history, step], {"dtypes": list(types),
                                                              "shapes": list(shapes)})
        recorded = dict(zip(saved, values[n:]))
        graph = get_default_graph()
        mapping = copy_function(body_g, graph, [*values[:n], *captured],
                                given={t: v for t, v in recorded.items() if t in draws})
        first_gradient_op = len(graph.get_operations())
        ys = [mapping[body_g.outputs[i]] for i in var_idx]
        xs = [mapping[body_g.inputs[i]] for i in var_idx]
        xs += [mapping[body_g.inputs[n + j]] for j in cap_idx]
        found = gradients(ys, xs, grad_ys=d_out)
        # the gradient ops read the recorded intermediates, not their recomputed copies (which
        # the compiler then prunes); the copies stay on the differentiation path above
        _read_recorded(graph.get_operations()[first_gradient_op:],
                       {mapping[t]: v for t, v in recorded.items() if t not in draws})
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


def _read_recorded(ops: list[Operation], replace: dict[Tensor, Tensor]) -> None:
    """Rewires inputs of the freshly built gradient ops `ops` from recomputed tensors to the
    recorded values standing for them (same dtype and shape)."""
    for op in ops:
        if not any(t in replace for t in op.inputs):
            continue
        inputs = []
        for t in op.inputs:
            new = replace.get(t)
            if new is None:
                inputs.append(t)
                continue
            if op in t._consumers:
                t._consumers.remove(op)
            new._consumers.append(op)
            inputs.append(new)
        op._inputs = tuple(inputs)


def make_list(op_type: str, inputs: list[Tensor], attrs: dict[str, Any]) -> list[Tensor]:
    """All outputs of a new op of the default graph."""
    return list(get_default_graph().create_op(op_type, inputs, attrs).outputs)
