"""Building a `While` op for `tf.while_loop`: tracing the predicate and body into FuncGraphs,
TF1's checks on their results, the `maximum_iterations` counter, and the exclusive-case check.

`maximum_iterations` is an extra loop var (a counter) in front of the user's, and the
predicate becomes `counter < maximum_iterations and cond(...)`, as TF1 builds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphflow import nest
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.func_graph import FuncGraph, trace
from graphflow.framework.graph import Graph
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.tensor_shape import TensorShape, as_shape

from .control_flow import (
    _external_control,
    _finish,
    _read_written_variables_live,
    _shape_less_or_equal,
    _unify_captures,
    flat_tensors,
    pack_flat,
)


def _invariants(structure: Any, entering: list[Tensor], shape_invariants: Any,
                single: bool) -> list[TensorShape]:
    if shape_invariants is None:
        return [t.shape for t in entering]
    if single:
        shape_invariants = [shape_invariants]
    leaves = nest.flatten(structure)
    flat = _flat_shapes(shape_invariants)
    if len(flat) != len(leaves):
        raise ValueError(f"The two structures don't have the same number of elements: "
                         f"loop_vars has {len(leaves)}, shape_invariants has {len(flat)}.")
    out = []
    for t, inv in zip(entering, flat):
        inv = as_shape(inv)
        if not _shape_less_or_equal(t.shape, inv):
            raise ValueError(
                f"The shape invariant specified for {t.name} is not compatible with the initial "
                f"shape of the loop variable. It enters the loop with shape {t.shape}, but the "
                f"specified shape invariant is {inv}.")
        out.append(inv)
    return out


def _flat_shapes(shapes: Any) -> list[Any]:
    """Leaves of a structure of shapes (a TensorShape or a list of ints/None is one leaf)."""
    if isinstance(shapes, TensorShape) or shapes is None:
        return [shapes]
    if isinstance(shapes, (list, tuple)) and not nest._is_namedtuple(shapes) and all(
            s is None or isinstance(s, int) for s in shapes):
        return [shapes]
    if isinstance(shapes, dict):
        return [x for k in sorted(shapes) for x in _flat_shapes(shapes[k])]
    if isinstance(shapes, (list, tuple)):
        return [x for s in shapes for x in _flat_shapes(s)]
    return [shapes]


def _max_iterations(value: Any) -> Tensor:
    t = convert_to_tensor(value, name="maximum_iterations")
    if not t.dtype.is_integer:
        raise TypeError(f"'maximum_iterations' must be an int32 or int64 scalar. Received "
                        f"dtype: {t.dtype.name}")
    if t.shape.ndims not in (None, 0):
        raise ValueError(f"'maximum_iterations' must be a scalar. Received shape: {t.shape}")
    return t


def build_while(graph: Graph, scope: str, cond: Callable[..., Any], body: Callable[..., Any],
                structure: Any, shape_invariants: Any, parallel_iterations: int, back_prop: bool,
                maximum_iterations: Any, single: bool) -> Any:
    """Creates the While op in `graph` (under name scope `scope`) and returns the final loop
    vars in `structure` (see graphflow.api.control_flow.while_loop for the contract)."""
    from graphflow.api.math import add, less, logical_and

    entering = flat_tensors(structure)
    invariants = _invariants(structure, entering, shape_invariants, single)
    counted = maximum_iterations is not None
    limit = _max_iterations(maximum_iterations) if counted else None
    if counted:
        counter = convert_to_tensor(0, dtype=limit.dtype, name="iteration_counter")
        entering = [counter, *entering]
        invariants = [TensorShape([]), *invariants]
    n = len(entering)

    def arguments(func: FuncGraph) -> list[Any]:
        inner = [func.add_input(t.dtype, inv.dims, name="loop_var")
                 for t, inv in zip(entering, invariants)]
        return inner

    def call(fn: Callable[..., Any], inner: list[Tensor]) -> Any:
        user = inner[1:] if counted else inner
        packed = pack_flat(structure, user)
        return fn(packed[0]) if single else fn(*packed)

    def trace_cond(func: FuncGraph) -> Tensor:
        inner = arguments(func)
        result = call(cond, inner)
        if isinstance(result, bool) or not isinstance(result, Tensor):
            result = convert_to_tensor(result)
        if result.dtype != dtypes.bool_:
            raise TypeError(f"Input 'input' of 'LoopCond' Op has type {result.dtype.name} that "
                            f"does not match expected type of bool.")
        if result.shape.ndims not in (None, 0):
            raise ValueError(f"The loop condition of '{scope}' must be a scalar, got shape "
                             f"{result.shape}.")
        if counted:
            result = logical_and(less(inner[0], func.capture(limit)), result)
        return result

    cond_g, pred = trace(f"{scope}cond", trace_cond, graph)
    _finish(cond_g, [pred])

    def trace_body(func: FuncGraph) -> list[Tensor]:
        inner = arguments(func)
        result = call(body, inner)
        if not nest.is_nested(result):
            result = [result]
        try:
            nest.assert_same_structure(list(structure), list(result), check_types=False)
        except (TypeError, ValueError) as e:
            raise ValueError(str(e)) from None
        user_entering = entering[1:] if counted else entering
        flat = flat_tensors(list(result), [t.dtype for t in user_entering])
        flat = [x if not isinstance(x, Operation) else _op_result(x) for x in flat]
        if counted:
            flat = [add(inner[0], 1), *flat]
        return flat

    body_g, body_out = trace(f"{scope}body", trace_body, graph)
    for t, out, inv in zip(entering, body_out, invariants):
        if out.dtype != t.dtype:
            raise TypeError(f"Loop var {t.name} enters the loop with type {t.dtype.name}, but "
                            f"has type {out.dtype.name} after 1 iteration.")
        if _shape_less_or_equal(out.shape, inv):
            continue
        if out.shape.is_compatible_with(inv):
            # less specific than the invariant only because a shape rule here knows less than
            # TF's (TF1 would see the full shape): the invariant holds the known dims
            out.set_shape(inv)
        else:
            raise ValueError(
                f"Input tensor '{t.name}' enters the loop with shape {inv}, but has shape "
                f"{out.shape} after one iteration. To allow the shape to vary across iterations, "
                "use the `shape_invariants` argument of tf.while_loop to specify a less-specific "
                "shape.")
    _finish(body_g, body_out)
    _read_written_variables_live([cond_g, body_g])
    captured = _unify_captures([cond_g, body_g], n)
    with graph.control_dependencies(_external_control([cond_g, body_g])):
        op = graph.create_op("While", [*entering, *captured], {
            "cond_graph": cond_g, "body_graph": body_g,
            "output_shapes": [inv.dims for inv in invariants],
            "output_dtypes": [t.dtype for t in entering],
            "parallel_iterations": parallel_iterations, "back_prop": bool(back_prop)},
            name="While")
    outputs = list(op.outputs[1:] if counted else op.outputs)
    if not back_prop:
        from graphflow.api.array import stop_gradient

        outputs = [stop_gradient(o) for o in outputs]
    return pack_flat(structure, outputs)


def _op_result(op: Operation) -> Tensor:
    raise TypeError(f"A while_loop body must return tensors, got the operation {op.name}.")


def assert_exclusive(ok: Tensor, preds: Tensor, scope: str) -> Operation:
    """An op failing with InvalidArgumentError when `ok` is false (tf.case(exclusive=True))."""
    from graphflow.api._build import op

    return op("Assert", [ok, preds], {
        "message": "Input error: exclusive=True: more than 1 conditions evaluated as True:",
        "summarize": 3}, name="Assert")
