"""Functional control flow: `If` (tf.cond) and `While` (tf.while_loop).

Each holds its bodies as FuncGraphs in its attributes (graphflow.framework.func_graph) and, once
a session binds it, as sub-plans compiled and bound by the session's backend
(graphflow.backends.sub_plan): only the taken branch runs; a loop calls its predicate's plan
then its body's plan until the predicate is false. Both are stateful (never folded, merged or
moved by the outer plan's passes: a body's ops are not hoisted out of it), and run wherever the
session runs (on the CUDA backend the loop values stay on the device, only the predicate is read
on the host).

If:    inputs `pred, *captured`; attrs `then_graph`, `else_graph` (both take the captured
       values, in the same order), `output_shapes` (the branches' merged static shapes). Its
       gradient may append outputs: the branches' random draws and assignments (each branch
       gives a placeholder zero for the other's), which the gradient reads instead of
       running them again.
While: inputs `*loop_vars, *captured`; attrs `cond_graph`, `body_graph` (both take the loop vars
       then the captured values), `output_shapes` (the shape invariants), `parallel_iterations`,
       `back_prop`. Output i is loop var i after the last iteration. Once a gradient of the loop
       is built, attr `history` adds a last output (tf.variant): per iteration, the loop vars
       it started from and the body's extra outputs that the gradient appended (its random
       draws and assignments, and the intermediates its vector-Jacobian product reads), which
       the backward loop reads in reverse. The kernel fills it only when the plan consumes it
       (attr `record_history`, set by the compiler's "histories" pass), so a forward-only run
       costs what it did before: its body plan neither returns nor computes those values.
Gradients: graphflow.api.control_flow_grad.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from graphflow.framework import dtypes, errors
from graphflow.framework.tensor_shape import TensorShape

from .control_flow_history import LoopHistory
from .registry import OpDef, Spec, register


def _output_specs(attrs: Any) -> list[Spec]:
    specs = [Spec(TensorShape(shape), dtype)
             for shape, dtype in zip(attrs["output_shapes"], attrs["output_dtypes"])]
    if attrs.get("history"):  # see While: the loop vars each iteration started from
        specs.append(Spec(TensorShape([]), dtypes.variant))
    return specs


class _FunctionalOp(OpDef):
    """If and While: their outputs are the specs recorded in their attrs, and they run only as
    sub-plans a session binds (no numpy reference)."""

    stateful = True
    takes_host_objects = True
    grad_takes_none = True
    # If: a branch may return one of its inputs as it is; While: zero iterations return the inputs.
    aliases_input = True

    def infer(self, inputs, attrs):
        return _output_specs(attrs)

    def reference(self, attrs, *xs):
        raise NotImplementedError(f"{self.type} runs through sub-plans bound to a session (bind)")


@register
class If(_FunctionalOp):
    """Runs `then_graph` when `pred` is true, else `else_graph`, on the captured inputs."""

    type = "If"
    kernels = {"cuda": "graphflow.cuda.control_flow:build_if"}

    def bind(self, node, state):
        return bind_if(node, state)

    def grad(self, op, *dys):
        from graphflow.api.control_flow_grad import if_grad

        return if_grad(op, *dys)


@register
class While(_FunctionalOp):
    """Repeats `body_graph` on the loop vars while `cond_graph` returns true."""

    type = "While"
    kernels = {"cuda": "graphflow.cuda.control_flow:build_while"}
    defaults = {"parallel_iterations": 10, "back_prop": True, "checked_shapes": []}

    def bind(self, node, state):
        return bind_while(node, state)

    def grad(self, op, *dys):
        from graphflow.api.control_flow_grad import while_grad

        return while_grad(op, *dys)


@register
class Assert(OpDef):
    """Fails with InvalidArgumentError when `condition` is false, showing `data` (tf.Assert;
    tf.case's exclusive check)."""

    type = "Assert"
    stateful = True  # its failure is an effect: never folded or dropped
    host_memory = True
    differentiable = False
    defaults = {"summarize": 3, "message": ""}

    def infer(self, inputs, attrs):
        if inputs[0].rank not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {inputs[0].rank}")
        return []

    def bind(self, node, state):
        op, message, summarize = node.op, node.attrs["message"], node.attrs["summarize"]
        download = state._download

        def check(condition, *data):
            if not bool(np.asarray(download(condition))):
                shown = " ".join(str(np.asarray(download(d)).reshape(-1)[:summarize].tolist())
                                 for d in data)
                raise errors.InvalidArgumentError(None, op, f"assertion failed: {message} {shown}"
                                                  .rstrip())

        return check

    def reference(self, attrs, condition, *data):
        if not bool(condition):
            raise errors.InvalidArgumentError(None, None, f"assertion failed: {attrs['message']}")


def bind_if(node: Any, state: Any) -> Any:
    """The kernel of an If node: runs the taken branch's sub-plan."""
    from graphflow.backends.sub_plan import SubPlan

    then_plan = SubPlan(node.attrs["then_graph"], state, f"{node.name} (then)")
    else_plan = SubPlan(node.attrs["else_graph"], state, f"{node.name} (else)")
    count = len(node.out_specs)  # a gradient built later may add outputs to the branches
    several = count > 1
    to_bool = then_plan.truth

    def run_if(pred: Any, *captured: Any) -> Any:
        out = (then_plan if to_bool(pred) else else_plan)(captured)
        return out[:count] if several else (out[0] if out else None)

    return run_if


def _shape_check(node: Any, n: int) -> Any:
    """For loop vars whose body result had a less specific static shape than their invariant
    (attr `checked_shapes`): a check, after each iteration, that the invariant holds (TF1
    checks it when the graph is built, where its shape rules know the full shape)."""
    checked = [k for k in node.attrs.get("checked_shapes", ()) if k < n]
    if not checked:
        return None
    expected = {k: node.attrs["output_shapes"][k] for k in checked}

    def check(values: tuple[Any, ...]) -> None:
        for k, dims in expected.items():
            shape = values[k].shape
            if dims is not None and (len(shape) != len(dims) or any(
                    d is not None and d != s for d, s in zip(dims, shape))):
                raise errors.InvalidArgumentError(
                    None, node.op, f"Loop var {k} of '{node.name}' has shape {tuple(shape)} "
                    f"after an iteration, but its shape invariant is "
                    f"{TensorShape(dims)}; use shape_invariants to allow the change.")

    return check


def bind_while(node: Any, state: Any) -> Any:
    """The kernel of a While node: a Python loop calling the predicate's then the body's
    sub-plan (about a microsecond per iteration besides the body's own kernels: the plans'
    functions are called directly, their errors mapped to the failing op afterwards).

    Loop vars the plan does not need (ops.control_flow_liveness) are not carried: the body plan
    returns the live vars' next values only, the dead ones keep their initial value (also what
    the While outputs for them: nothing reads it). On a host backend the usual integer counters
    and their predicate run on Python ints (ops.control_flow_counters), and an inference loop
    whose body works row by row runs as two loops over halves of the batch on the two cores
    while no other process holds them (ops.control_flow_batch_split)."""
    from graphflow.backends.sub_plan import SubPlan
    from graphflow.compiler import debug

    from . import _cpu_workers, _machine_load
    from . import control_flow_batch_split as batch_split
    from .control_flow_counters import host_counters, wrapped
    from .control_flow_liveness import live_loop_vars

    n = len(node.attrs["output_shapes"])
    record = bool(node.attrs.get("record_history"))
    cond_graph, body_graph = node.attrs["cond_graph"], node.attrs["body_graph"]
    # a recorded history keeps every loop var (the backward loop may read any of them)
    live = list(range(n)) if record else live_loop_vars(
        cond_graph, body_graph, n, node.attrs.get("unused_outputs", ()))
    cond = SubPlan(cond_graph, state, f"{node.name} (cond)")
    # the usual counters (`i < n` and `i + 1`) as Python ints: no predicate plan, no 0-d
    # kernels (ops.control_flow_counters); a backend that moves values keeps them on its device
    host = None if state.backend.moves_values else host_counters(cond_graph, body_graph, n, live)
    counters = host.counters if host is not None else ()
    if host is not None and debug.debug_level():
        debug.write(f"graphflow sub-plan of {node.name} (cond): {host.describe()}")
    counted = {counter.var for counter in counters}
    # the loop vars whose next values the body plan returns (the counters' the loop computes)
    returned = [k for k in live if k not in counted]
    pruned = len(returned) < n
    # The body's extra outputs (what a gradient appended: intermediates, random draws and
    # assignments) exist for the history alone. A loop that records none neither returns nor
    # computes them: its body plan is the one it had before any gradient was built (an LSTM's
    # fused cell writes the next loop values, not every activation).
    body = SubPlan(body_graph, state, f"{node.name} (body)",
                   outputs=[*returned, *range(n, len(body_graph.outputs))] if record else returned)
    truth = cond.truth
    predicate = host.predicate if host is not None else None
    several = n > 1
    count = len(returned)
    # loop vars whose shape may change between iterations: plans are looked up again, unless
    # the body plan is known to return them with the shapes it was called with
    # (a dead var keeps its initial value, so its shape never changes; a counter is 0-d)
    looked_up = body.dynamic if host is not None else (*cond.dynamic, *body.dynamic)
    dynamic = sorted({i for i in looked_up if i < n and i in returned})
    varying = bool(dynamic)
    carried = [(k, returned.index(k)) for k in dynamic]
    # a LoopHistory carried as a loop var selects plans by the shapes of its slots: always looked up
    listed = sorted({i for i in (*cond.variants, *body.variants) if i < n and i in live})
    check = _shape_check(node, n)

    def loop(inputs: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[Any] | None]:
        captured = inputs[n:]
        values = list(inputs[:n])
        args = inputs
        plans = [None if host is not None else cond.plan_for(args), None]
        test, step = None if host is not None else plans[0].function, None
        ints = host.start(values) if host is not None else None
        fixed = host.fixed(captured) if host is not None else None
        history: LoopHistory | None = LoopHistory() if record else None
        stable = False  # the plans of this iteration serve the next ones too
        try:
            while predicate(ints, fixed) if test is None else truth(test(args)[0]):
                if step is None or varying and not stable:  # a body plan only for shapes that run it
                    plans[1] = body.plan_for(args)
                    step = plans[1].function
                    stable = _keeps_shapes(plans[1], carried, args) and not any(
                        isinstance(args[i], LoopHistory) for i in listed)
                out = step(args)
                if history is not None:  # with the values its gradient must not redraw
                    history.append((*args[:n], *out[count:]))
                if pruned:
                    for k, value in zip(returned, out):
                        values[k] = value
                    for counter in counters:
                        k, increment, dtype, low, high = counter
                        value = ints[k] + increment
                        if not low <= value <= high:  # the int32/int64 sum wraps around
                            value = wrapped(value, counter)
                        ints[k] = value
                        values[k] = np.asarray(value, dtype)
                    args = (*values, *captured)
                else:
                    args = (*out[:n], *captured)
                if check is not None:
                    check(args)
                if varying and not stable and test is not None:
                    plans[0] = cond.plan_for(args)
                    test = plans[0].function
        except errors.OpError:
            raise
        except Exception as e:  # a kernel inside failed: name the op inside the body
            for plan in plans:
                mapped = plan.op_error(e) if plan is not None else None
                if mapped is not None:
                    raise mapped from e
            raise
        return (tuple(values) if pruned else args[:n]), history

    # an inference loop whose body works row by row runs as two loops over halves of the batch
    # on the two cores (ops.control_flow_batch_split); counted on the host, so they agree
    split = None if host is None or record or not _cpu_workers.WORKERS > 1 else \
        batch_split.batch_split_form(body_graph, n, returned, counted)

    def run_split(inputs: tuple[Any, ...]) -> tuple[Any, ...] | None:
        if _cpu_workers.workers_for(2, _cpu_workers.MIN_SPLIT_WORK) < 2 \
                or not batch_split.HEALTH.allowed() or _machine_load.cores_taken_lately():
            return None
        halves = batch_split.split_rows(split, inputs, n)
        if halves is None:
            return None
        for half in halves:  # compiled here, not by both threads at once
            body.plan_for(half)
        results: list[Any] = [None, None]
        ends: list[Any] = [None, None]

        def run_halves(worker: int, lo: int, hi: int) -> None:
            for half in range(lo, hi):
                results[half] = loop(halves[half])[0]
                ends[half] = (worker, time.monotonic())

        start = time.monotonic()
        with _cpu_workers.single_threaded_blas():
            # OpenBLAS's workers spin about 0.1 s after a threaded product (a training step's)
            # and would take a share of a core from the halves
            _cpu_workers.park_spinning_blas()
            _cpu_workers.split_images(2, run_halves, _cpu_workers.MIN_SPLIT_WORK, most=1)
        batch_split.HEALTH.record(start, ends)
        return batch_split.join_rows(split, inputs, n, halves, results)

    def run_loop(inputs: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any]:
        if split is not None:
            values = run_split(inputs)
            if values is not None:
                return values, None
            if not batch_split.HEALTH.allowed():
                # a split just found the other core busy: BLAS's threads would wait for it too,
                # and threaded products keep OpenBLAS's idle workers spinning on it (~0.1 s
                # after each), which is what most often makes a split lag
                with _cpu_workers.single_threaded_blas():
                    return loop(inputs)
        return loop(inputs)

    if node.attrs.get("history"):
        def run_recording(*inputs: Any) -> Any:
            values, history = run_loop(inputs)
            return (*values, history)

        return run_recording

    def run_while(*inputs: Any) -> Any:
        values, _ = run_loop(inputs)
        return values if several else values[0]

    return run_while


def _keeps_shapes(plan: Any, carried: list[tuple[int, int]], args: tuple[Any, ...]) -> bool:
    """Whether the body plan `plan`, called on `args`, returns every loop var `k` of `carried`
    (at its output position) with the shape it has in `args`, a shape the plan's compilation
    knew in full (a plan specialized to the shapes of `args`, not the generic one). Then the
    next iteration has the shapes of this one and needs no new look-up of its plans (the
    look-ups cost a few microseconds per iteration of an LSTM whose batch is left open)."""
    for k, position in carried:
        source, index = plan.fetched[position]
        shape = source.out_specs[index].shape
        if not shape.is_fully_defined() or tuple(shape.as_list()) != tuple(args[k].shape):
            return False
    return True
