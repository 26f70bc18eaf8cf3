"""`tf.cond`, `tf.case` and `tf.while_loop` with TF1's contract, built as functional ops.

Each branch, predicate and body is traced into a FuncGraph (graphflow.framework.func_graph)
held by one `If` or `While` op (graphflow.ops.control_flow); outer tensors used inside become
extra inputs of that op. Loop vars and branch results may be nested structures
(graphflow.nest); an object with a `_with_flow` method (a TensorArray) travels as its `flow`
tensor and is rebuilt around the new flow inside bodies and on output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphflow import nest
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.func_graph import FuncGraph, trace
from graphflow.framework.graph import Graph
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.tensor_shape import TensorShape

from ._build import graph_of

# ---- structures and flows --------------------------------------------------------------------


def _has_flow(x: Any) -> bool:
    return hasattr(x, "_with_flow")


def flat_tensors(structure: Any, dtypes_like: Sequence[Any] | None = None) -> list[Tensor]:
    """The leaves of `structure` as tensors (a TensorArray as its flow)."""
    out = []
    for i, x in enumerate(nest.flatten(structure)):
        if _has_flow(x):
            out.append(x.flow)
        elif isinstance(x, Operation):
            out.append(x)
        else:
            dtype = None if dtypes_like is None else dtypes_like[i]
            out.append(convert_to_tensor(x, dtype=dtype))
    return out


def pack_flat(template: Any, flat: Sequence[Tensor]) -> Any:
    """`flat` in `template`'s structure; a TensorArray leaf rebuilt around its new flow."""
    leaves = nest.flatten(template)
    values = [t._with_flow(v) if _has_flow(t) else v for t, v in zip(leaves, flat)]
    return nest.pack_sequence_as(template, values)


def _merged_shape(a: TensorShape, b: TensorShape) -> TensorShape:
    """The most specific shape compatible with both branch results."""
    if a.dims is None or b.dims is None or len(a.dims) != len(b.dims):
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.dims, b.dims)])


def _finish(func: FuncGraph, results: Sequence[Any]) -> None:
    """Records a traced function's outputs (outer tensors returned as they are: captured)."""
    func.outputs = [func.capture(t) if t.graph is not func else t for t in results]


def _unify_captures(graphs: Sequence[FuncGraph], num_args: int) -> list[Tensor]:
    """Gives every graph the same captured inputs, in one order; returns the outer tensors."""
    outer: list[Tensor] = []
    for g in graphs:
        for source, _ in g.captures:
            if source not in outer:
                outer.append(source)
    for g in graphs:
        args = g.inputs[:num_args]
        g.inputs = args + [g.capture(t) for t in outer]
    return outer


def _written_variables(graphs: Sequence[FuncGraph]) -> set[str]:
    """Names of the variables that ops of `graphs` (or of bodies nested in them) assign."""
    from graphflow.ops import registry

    names: set[str] = set()
    for g in graphs:
        for op in g.get_operations():
            opdef = registry.get(op.type)
            names.update(t.op.name for i, t in enumerate(op.inputs) if opdef.is_ref_input(i))
            nested = [v for v in op.attrs.values() if isinstance(v, FuncGraph)]
            names |= _written_variables(nested)
    return names


def _read_written_variables_live(graphs: Sequence[FuncGraph]) -> None:
    """A body that assigns a variable and reads it must see its current value (TF1 reads a
    variable when the reading op runs), not the value captured on entry: the uses of such a
    captured read are rewired to a read of the variable inside the body."""
    written = _written_variables(graphs)
    if not written:
        return
    from graphflow.api.array import identity

    for g in graphs:
        for source, inner in list(g.captures):
            variable = getattr(source, "_variable_object", None) or getattr(
                source, "_captured_variable", None)
            if variable is None or variable.op.name not in written:
                continue
            users = [op for op in inner.consumers()]
            with g.as_default(), Graph.control_dependencies(g, None):
                read = identity(inner, name="read_variable")
            # the read takes the variable itself (lowered as a read when the body runs)
            inner._consumers.remove(read.op)
            read.op._inputs = (variable._ref(),)
            for op in users:
                op._inputs = tuple(read if t is inner else t for t in op.inputs)
                read._consumers.append(op)
            inner._consumers = [c for c in inner._consumers if c not in users]
            g.outputs = [read if t is inner else t for t in g.outputs]
            # keep the body's op list topological (copies and graph files walk it in order)
            g._ops.remove(read.op)
            first = min((g._ops.index(op) for op in users), default=len(g._ops))
            g._ops.insert(first, read.op)


def _external_control(graphs: Sequence[FuncGraph]) -> list[Operation]:
    return list(dict.fromkeys(op for g in graphs for op in g.external_control))


# ---- tf.cond ---------------------------------------------------------------------------------


def cond(pred: Any, true_fn: Callable[[], Any] | None = None,
         false_fn: Callable[[], Any] | None = None, strict: bool = False, name: str | None = None,
         fn1: Callable[[], Any] | None = None, fn2: Callable[[], Any] | None = None) -> Any:
    """Returns `true_fn()` if `pred` is true else `false_fn()`; only the taken branch runs.

    Args:
        pred: a scalar boolean tensor.
        true_fn, false_fn: functions of no arguments returning the same structure of tensors
            with the same dtypes (or only running ops: the result is then `pred`'s value).
        strict: keep a single-element list result as a list.
        name: the name scope (default "cond").
        fn1, fn2: TF1's deprecated names of true_fn / false_fn.

    Returns:
        The taken branch's results, in the branches' structure.

    Raises:
        TypeError: a function is missing or not callable, `pred` is a Python bool or not
            boolean, or both fn1 and true_fn (fn2 and false_fn) are given.
        ValueError: `pred` is not a scalar, a branch returns nothing, or the branches return
            different structures or dtypes.
    """
    if fn1 is not None:
        if true_fn is not None:
            raise TypeError("cond(): 'true_fn' and 'fn1' may not be set simultaneously.")
        true_fn = fn1
    if fn2 is not None:
        if false_fn is not None:
            raise TypeError("cond(): 'false_fn' and 'fn2' may not be set simultaneously.")
        false_fn = fn2
    if not callable(true_fn):
        raise TypeError("'true_fn' must be callable.")
    if not callable(false_fn):
        raise TypeError("'false_fn' must be callable.")
    if isinstance(pred, bool):
        raise TypeError("'pred' must not be a Python bool.")
    graph = graph_of(pred)
    with graph.as_default(), graph.name_scope(name or "cond") as scope:
        pred = convert_to_tensor(pred)
        if pred.dtype != dtypes.bool_:
            raise TypeError(f"Input 'pred' of 'If' Op has type {pred.dtype.name} that does not "
                            f"match expected type of bool.")
        if pred.shape.ndims not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {pred.shape.ndims} for "
                             f"'{scope}If' (op: 'If') with input shapes: {pred.shape}.")
        branches = []
        for label, fn in (("true_fn", true_fn), ("false_fn", false_fn)):
            func, result = trace(f"{scope}{label}", lambda f, fn=fn: fn(), graph)
            if result is None:
                raise ValueError(f"'{label}' must have a return value.")
            branches.append((func, result))
        (then_g, then_r), (else_g, else_r) = branches
        try:
            nest.assert_same_structure(then_r, else_r)
        except (TypeError, ValueError) as e:
            raise ValueError(str(e)) from None
        then_flat, else_flat = _branch_outputs(then_g, then_r, pred), _branch_outputs(else_g, else_r, pred)
        for t, e in zip(then_flat, else_flat):
            if t.dtype != e.dtype:
                raise ValueError(
                    "Outputs of 'true_fn' and 'false_fn' must have the same type(s). Received "
                    f"{t.dtype.name} from 'true_fn' and {e.dtype.name} from 'false_fn'.")
        _finish(then_g, then_flat)
        _finish(else_g, else_flat)
        _read_written_variables_live([then_g, else_g])
        captured = _unify_captures([then_g, else_g], 0)
        shapes = [_merged_shape(t.shape, e.shape).dims for t, e in zip(then_flat, else_flat)]
        with graph.control_dependencies(_external_control([then_g, else_g])):
            op = graph.create_op("If", [pred, *captured], {
                "then_graph": then_g, "else_graph": else_g, "output_shapes": shapes,
                "output_dtypes": [t.dtype for t in then_flat]}, name="If")
    template = then_r
    outputs = pack_flat(_without_ops(template), list(op.outputs))
    if not strict and isinstance(outputs, (list, tuple)) and len(outputs) == 1:
        return outputs[0]  # TF1 unpacks any one-element list or tuple
    return outputs


def _without_ops(structure: Any) -> Any:
    return nest.pack_sequence_as(structure, [None if isinstance(x, Operation) else x
                                             for x in nest.flatten(structure)])


def _branch_outputs(func: FuncGraph, result: Any, pred: Tensor) -> list[Tensor]:
    """A branch's results as tensors of `func`; an op becomes `pred` after that op (TF1)."""
    from graphflow.api.array import identity

    out = []
    with func.as_default():
        for x in flat_tensors(result):
            if isinstance(x, Operation):
                with func.control_dependencies([x]):
                    x = identity(func.capture(pred))
            out.append(x)
    return out


# ---- tf.case ---------------------------------------------------------------------------------


def case(pred_fn_pairs: Any, default: Callable[[], Any] | None = None, exclusive: bool = False,
         strict: bool = False, name: str = "case") -> Any:
    """The result of the first function whose predicate is true (else `default()`).

    Args:
        pred_fn_pairs: a list of (boolean scalar tensor, function) pairs, or a dict.
        default: the function run when no predicate holds (default: the last pair's function).
        exclusive: check at run time that at most one predicate is true
            (InvalidArgumentError otherwise).
        strict, name: as in `cond`.

    Returns:
        The chosen function's results.

    Raises:
        TypeError: pairs that are not (predicate, callable) pairs.
        ValueError: no pairs.
    """
    from graphflow.api.indexing import stack

    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    if not pairs and default is None:
        raise ValueError("pred_fn_pairs must not be empty when there is no default.")
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError("Each entry in pred_fn_pairs must be a 2-tuple")
        if not callable(pair[1]):
            raise TypeError(f"fn for pred {getattr(pair[0], 'name', pair[0])} must be callable.")
    if default is None:
        pairs, default = pairs[:-1], pairs[-1][1]
        if not pairs:
            return default()
    graph = graph_of(*[p for p, _ in pairs])
    with graph.as_default(), graph.name_scope(name) as scope:
        preds = [convert_to_tensor(p) for p, _ in pairs]
        control = []
        if exclusive:
            control.append(_assert_exclusive(stack(preds), scope))
        with graph.control_dependencies(control):
            result = _case_chain(list(zip(preds, [f for _, f in pairs])), default, strict)
    return result


def _case_chain(pairs: list[tuple[Tensor, Callable[[], Any]]], default: Callable[[], Any],
                strict: bool) -> Any:
    if not pairs:
        return default()
    (pred, fn), rest = pairs[0], pairs[1:]
    return cond(pred, fn, lambda: _case_chain(rest, default, strict), strict=strict)


def _assert_exclusive(preds: Tensor, scope: str) -> Operation:
    from graphflow.api.math import cast, less_equal, reduce_sum

    from .control_flow_build import assert_exclusive

    count = reduce_sum(cast(preds, dtypes.int32))
    return assert_exclusive(less_equal(count, 1), preds, scope)


# ---- tf.while_loop ---------------------------------------------------------------------------


def _shape_less_or_equal(shape: TensorShape, invariant: TensorShape) -> bool:
    """Whether `shape` is at least as specific as `invariant` (TF1's loop shape check)."""
    if invariant.dims is None:
        return True
    if shape.dims is None or len(shape.dims) != len(invariant.dims):
        return False
    return all(i is None or s == i for s, i in zip(shape.dims, invariant.dims))


def while_loop(cond: Callable[..., Any], body: Callable[..., Any], loop_vars: Any,
               shape_invariants: Any = None, parallel_iterations: int = 10, back_prop: bool = True,
               swap_memory: bool = False, maximum_iterations: Any = None, name: str | None = None,
               return_same_structure: bool = False) -> Any:
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` is true.

    Args:
        cond: a function of the loop vars returning a scalar boolean tensor.
        body: a function of the loop vars returning new values in the same structure.
        loop_vars: a (nested) list/tuple/dict of tensors, TensorArrays or Python values.
        shape_invariants: per loop var, a shape the var keeps across iterations (None dims may
            change); default: its entering shape.
        parallel_iterations, swap_memory: accepted (iterations run in order).
        back_prop: False stops gradients through the loop.
        maximum_iterations: an integer scalar bounding the number of iterations.
        name: the name scope (default "while").
        return_same_structure: keep a single-element list result as a list.

    Returns:
        The loop vars after the last iteration, in `loop_vars`' structure.

    Raises:
        TypeError: cond/body not callable, a non-boolean predicate, a loop var changing dtype,
            a non-integer maximum_iterations.
        ValueError: no loop vars, the body returns a different structure, a loop var's shape
            changes without a shape invariant allowing it, a non-scalar maximum_iterations.
    """
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if isinstance(parallel_iterations, bool) or not isinstance(parallel_iterations, int) \
            or parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    single = not nest.is_nested(loop_vars)
    structure = [loop_vars] if single else loop_vars
    if not nest.flatten(structure):
        raise ValueError("'loop_vars' must be provided.")
    graph = graph_of(*[x.flow if _has_flow(x) else x for x in nest.flatten(structure)])
    with graph.as_default(), graph.name_scope(name or "while") as scope:
        from .control_flow_build import build_while

        outputs = build_while(graph, scope, cond, body, structure, shape_invariants,
                              parallel_iterations, back_prop, maximum_iterations, single)
    if single:
        return outputs[0]
    if not return_same_structure and isinstance(outputs, (list, tuple)) and len(outputs) == 1:
        return outputs[0]
    return outputs


__all__ = ["case", "cond", "while_loop"]
