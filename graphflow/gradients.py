"""`tf.gradients`: reverse-mode differentiation that builds the backward pass as graph ops.

Walks the ops between `xs` and `ys` in reverse topological order, calls each op's
`OpDef.grad` (which builds ordinary graph ops, so gradients are differentiable again), and sums
fan-in with `AddN`. Returns None for an `x` that `ys` does not depend on.
"""

from __future__ import annotations

from typing import Any

from graphflow.ops import registry

from .api import math as gmath
from .framework import dtypes
from .framework.constant import convert_to_tensor
from .framework.graph import get_default_graph
from .framework.tensor import Operation, Tensor


def _as_list(x: Any) -> list[Any]:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _x_tensor(x: Any) -> Tensor:
    ref = getattr(x, "_ref", None)  # a Variable: differentiate with respect to its storage
    return ref() if ref is not None else convert_to_tensor(x)


def _between(ys: list[Tensor], xs: list[Tensor], stops: set[Tensor]) -> set[Operation]:
    """Ops reachable forward from xs and backward from ys (the ones gradients pass through)."""
    forward: set[Operation] = set()
    stack = [c for x in xs for c in x.consumers()]
    while stack:
        op = stack.pop()
        if op in forward:
            continue
        forward.add(op)
        stack.extend(c for t in op.outputs if t not in stops for c in t.consumers())
    between: set[Operation] = set()
    stack = [y.op for y in ys]
    while stack:
        op = stack.pop()
        if op in between or op not in forward:
            continue
        between.add(op)
        stack.extend(t.op for t in op.inputs if t not in stops)
    return between


def gradients(ys: Any, xs: Any, grad_ys: Any = None, name: str = "gradients",
              colocate_gradients_with_ops: bool = False, gate_gradients: bool = False,
              aggregation_method: Any = None, stop_gradients: Any = None,
              unconnected_gradients: str = "none") -> list[Tensor | None]:
    """Symbolic derivatives of `sum(ys)` with respect to each of `xs`.

    Args:
        ys: a tensor or list of tensors to differentiate.
        xs: a tensor/Variable or list of them.
        grad_ys: optional initial gradients, one per y (default: ones).
        name: name scope of the gradient ops.
        stop_gradients: tensors treated as constants.
        unconnected_gradients: "none" (return None) or "zero" for xs that ys do not depend on.

    Returns:
        A list with one gradient tensor (or None) per x.

    Raises:
        LookupError: if an op on the path has no gradient defined.
        ValueError: if grad_ys does not match ys.
    """
    ys = [convert_to_tensor(y) for y in _as_list(ys)]
    xs_list = [_x_tensor(x) for x in _as_list(xs)]
    stops = {convert_to_tensor(s) for s in _as_list(stop_gradients)} if stop_gradients else set()
    graph = ys[0].graph if ys else get_default_graph()
    grad_ys = [None] * len(ys) if grad_ys is None else _as_list(grad_ys)
    if len(grad_ys) != len(ys):
        raise ValueError(f"Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
    with graph.as_default(), graph.name_scope(name):
        between = _between(ys, xs_list, stops)
        grads: dict[Tensor, list[Tensor]] = {}
        for y, gy in zip(ys, grad_ys):
            if gy is None:
                gy = gmath.ones_like(y, name=f"grad_ys_{len(grads)}")
            else:
                gy = convert_to_tensor(gy, dtype=y.dtype)
            grads.setdefault(y, []).append(gy)
        # pending[op] = number of consumers (within `between`) whose gradients are still missing
        pending = {op: 0 for op in between}
        for op in between:
            for t in op.inputs:
                if t.op in between:
                    pending[t.op] += 1
        ready = [op for op in between if pending[op] == 0]
        while ready:
            op = ready.pop()
            _backprop_op(op, grads, stops)
            for t in op.inputs:
                if t.op in between:
                    pending[t.op] -= 1
                    if pending[t.op] == 0:
                        ready.append(t.op)
        result: list[Tensor | None] = []
        for x in xs_list:
            total = _aggregate(grads.get(x, []))
            if total is None and unconnected_gradients == "zero":
                total = gmath.zeros_like(x)
            result.append(total)
    return result


def _aggregate(parts: list[Tensor]) -> Tensor | None:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else gmath.add_n(parts)


def _backprop_op(op: Operation, grads: dict[Tensor, list[Tensor]], stops: set[Tensor]) -> None:
    out_grads = [_aggregate(grads.get(t, [])) for t in op.outputs]
    for t, g in zip(op.outputs, out_grads):
        if g is not None:
            grads[t] = [g]
    if all(g is None for g in out_grads) or not op.inputs:
        return
    opdef = registry.get(op.type)
    if not opdef.differentiable:
        return
    if any(g is None for g in out_grads) and not opdef.grad_takes_none:  # unused outputs
        out_grads = [g if g is not None else gmath.zeros_like(t) for t, g in zip(op.outputs, out_grads)]
    with op.graph.name_scope(f"{op.name}_grad"):
        in_grads = list(opdef.grad(op, *out_grads))
    if len(in_grads) != len(op.inputs):
        raise ValueError(
            f"Gradient of {op.type} ('{op.name}') returned {len(in_grads)} values for "
            f"{len(op.inputs)} inputs"
        )
    for i, (t, g) in enumerate(zip(op.inputs, in_grads)):
        if g is None or t in stops or opdef.is_ref_input(i):
            continue
        if not (t.dtype.is_floating or t.dtype == dtypes.variant):  # lists carry gradients too
            continue
        grads.setdefault(t, []).append(convert_to_tensor(g))


def hessians(ys: Any, xs: Any, name: str = "hessians") -> list[Tensor | None]:
    """Second derivatives for scalar ys with respect to small xs (via gradients of gradients).

    Args:
        ys: a scalar tensor (or list of them, summed).
        xs: tensors or Variables with fully defined static shapes.
        name: name scope of the gradient ops.

    Returns:
        One tensor of shape x.shape + x.shape per x.

    Raises:
        ValueError: for an x whose static shape is not fully defined (one gradient op per
            element is built, so the element count must be known when the graph is built).
    """
    from .api.array import reshape

    out = []
    for x in _as_list(xs):
        n = _x_tensor(x).shape.num_elements()
        if n is None:
            raise ValueError(f"tf.hessians needs a fully defined shape for {_x_tensor(x).name}, "
                             f"got {_x_tensor(x).shape}")
        (g,) = gradients(ys, [x], name=name)
        flat = reshape(g, [-1])
        rows = [gradients(flat[i], [x])[0] for i in range(n)]
        from .api.indexing import stack

        out.append(reshape(stack(rows), [*_x_tensor(x).shape.as_list(), *_x_tensor(x).shape.as_list()]))
    return out
