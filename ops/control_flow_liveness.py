"""Which loop variables of a `While` a run needs: the others are not carried at all.

A loop variable is dead in a plan when the plan uses neither its final value (the outer
compiler's "histories" pass records the unused outputs in attr `unused_outputs`) nor anything
that depends on it inside the loop: the predicate, another needed loop variable's next value or
the body's effects (`control_outputs`). Only a loop that records no history drops variables, and
such a loop does not compute the body's extra outputs either (ops.control_flow.bind_while).
`dynamic_rnn`'s outputs TensorArray in a run that fetches only the final state, or the
gradient TensorList of a fed input in a training step (the backward loop accumulates it each
iteration, and nothing reads it), are dead: the body plan then neither computes nor returns
them, the loop passes their initial value through, and the While's output for them is that
initial value (which nothing reads).

A variable whose next value depends on a stateful op (a random draw, an assignment, a nested
loop) stays live: its effects keep running as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from . import registry

#: Stateful ops (never folded or merged) that have no effect: reading them can be skipped.
_EFFECT_FREE = frozenset({"LoopHistoryRead", "VariableV2"})


def _cone(ops: Iterable[Any], inputs: dict[int, int]) -> tuple[set[int], bool]:
    """The function inputs (their indices) that `ops` depend on (through data and control
    inputs), and whether a stateful op lies on the way."""
    found: set[int] = set()
    stateful = False
    seen: set[int] = set()
    stack = list(ops)
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        argument = False
        for out in op.outputs:
            index = inputs.get(id(out))
            if index is not None:
                found.add(index)
                argument = True
        if argument:  # an inner placeholder: fed, not run
            continue
        if op.type not in _EFFECT_FREE and op.type in registry.REGISTRY \
                and registry.get(op.type).stateful:
            stateful = True
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return found, stateful


def live_loop_vars(cond: Any, body: Any, n: int, unused: Sequence[int]) -> list[int]:
    """The indices of the loop variables a run must carry.

    Args:
        cond, body: the While's predicate and body FuncGraphs (inputs: the n loop variables,
            then the captured values).
        n: the number of loop variables.
        unused: loop variables whose final value the plan does not use.

    Returns:
        The live loop variables, in order (all n when none can be dropped).
    """
    unused_set = {k for k in unused if 0 <= k < n}
    if not unused_set:
        return list(range(n))
    cond_inputs = {id(t): i for i, t in enumerate(cond.inputs)}
    body_inputs = {id(t): i for i, t in enumerate(body.inputs)}
    needed, _ = _cone([t.op for t in cond.outputs], cond_inputs)
    # the body's effects run in every iteration whatever the plan uses; its extra outputs
    # (what a gradient records) are not computed by a loop that records no history, the only
    # kind of loop that drops variables
    extra, _ = _cone(body.control_outputs, body_inputs)
    needed |= extra
    cones = [_cone([body.outputs[k].op], body_inputs) for k in range(n)]
    live = {k for k in range(n) if k not in unused_set or cones[k][1]}
    live |= {k for k in needed if k < n}
    changed = True
    while changed:
        changed = False
        for k in list(live):
            for j in cones[k][0]:
                if j < n and j not in live:
                    live.add(j)
                    changed = True
    return sorted(live)


def zero_gradient_vars(body: Any, n: int, var_idx: Sequence[int], no_gradient: Sequence[int]
                       ) -> set[int]:
    """The loop variables whose gradient is zero in every iteration of a backward loop.

    A loop variable whose final value receives no gradient (`no_gradient`: the user's loss does
    not depend on it, e.g. dynamic_rnn's outputs TensorArray when only the final state is used)
    keeps a zero gradient through the iterations unless its input feeds the next value of a
    variable that does get one. The backward loop then carries no gradient for it at all (TF1
    builds no gradient ops for it either).

    Args:
        body: the While's body FuncGraph.
        n: the number of loop variables.
        var_idx: the differentiable loop variables.
        no_gradient: those among them whose final value has no incoming gradient.

    Returns:
        The subset of `no_gradient` whose gradient stays zero.
    """
    inputs = {id(t): i for i, t in enumerate(body.inputs)}
    cones = {j: _cone([body.outputs[j].op], inputs)[0] for j in var_idx}
    zero = {i for i in no_gradient if i in cones}
    changed = True
    while changed:
        changed = False
        for i in sorted(zero):
            if any(i in cones[j] for j in var_idx if j not in zero):
                zero.discard(i)
                changed = True
    return zero
