"""A `While`'s integer counters and predicate kept as Python ints by the loop driver.

The usual `tf.while_loop` (and every `dynamic_rnn`) counts with 0-d integer loop variables:
the predicate compares them with captured bounds (`i < n`, `i < maximum_iterations`, joined by
LogicalAnd) and the body adds a constant to each (`i + 1`). Run as plans, that is a predicate
plan of a few 0-d kernels and two 0-d Add kernels in the body, every iteration: about 10 us of
an LSTM step's 160. `host_counters` recognizes the pattern when the loop is bound; the loop
driver (ops.control_flow.bind_while) then evaluates the predicate on Python ints, advances the
counters itself (with the dtype's wrap-around, as the Add kernel would), never calls the
predicate's plan, and feeds the body the counters as fresh 0-d arrays of their dtype.

The values are those of the plans: Python compares integers exactly, as numpy does for two
operands of one integer dtype (TF's comparison ops take one dtype), and the counters' sums wrap
as int32/int64 sums do. Anything else in the predicate (a float, a tensor of rank > 0, an op
outside the comparisons and logic, an effect) leaves the loop to its plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

_COMPARISONS = {"Less": "<", "LessEqual": "<=", "Greater": ">", "GreaterEqual": ">=",
                "Equal": "==", "NotEqual": "!="}
_LOGIC = {"LogicalAnd": "and", "LogicalOr": "or"}
_ADDS = ("Add", "AddV2")
#: dtypes a host predicate reads (as Python ints/bools) and counters count in
_LEAF_DTYPES = ("int32", "int64", "bool")
_COUNTER_DTYPES = ("int32", "int64")


class Counter(NamedTuple):
    """A loop var whose next value is itself plus `increment`, in its integer `dtype` (whose
    range is [low, high])."""

    var: int
    increment: int
    dtype: np.dtype
    low: int
    high: int


@dataclass(frozen=True)
class HostCounters:
    """What the loop driver needs to run a loop's predicate and counters on the host.

    Attributes:
        predicate: `predicate(ints, fixed) -> bool`: the cond graph's value, from the loop
            vars' Python ints (`ints[k]`, counters only) and the captured values' (`fixed[j]`
            for the While's captured input j, those the predicate reads; None elsewhere).
        counters: the counters: loop vars whose next value is the var plus a constant (0 for
            a var the body returns unchanged).
        captured_read: indices (among the captured inputs) that the predicate reads.
        expression: the predicate's Python expression (for GF_DEBUG).
    """

    predicate: Any
    counters: tuple[Counter, ...]
    captured_read: tuple[int, ...]
    expression: str

    def describe(self) -> str:
        """What GF_DEBUG prints in place of the predicate's plan."""
        steps = ", ".join(f"v[{c.var}] += {c.increment}" for c in self.counters)
        return f"on Python ints: while {self.expression}: {steps} (v: loop vars, c: captured)"

    def start(self, values: list[Any]) -> list[int | None]:
        """The loop vars' Python ints (None for the vars that are not counters)."""
        ints: list[int | None] = [None] * len(values)
        for counter in self.counters:
            ints[counter.var] = int(values[counter.var])
        return ints

    def fixed(self, captured: tuple[Any, ...]) -> list[Any]:
        """The captured values the predicate reads, as Python ints or bools."""
        fixed: list[Any] = [None] * len(captured)
        for j in self.captured_read:
            value = np.asarray(captured[j])
            fixed[j] = bool(value) if value.dtype == np.bool_ else int(value)
        return fixed


def _is_scalar(tensor: Any, dtypes: tuple[str, ...]) -> bool:
    shape = tensor.shape
    return shape.rank == 0 and tensor.dtype.np.name in dtypes


def _predicate_source(cond: Any, n: int) -> tuple[str, set[int], set[int]] | None:
    """The Python expression of the cond graph's output over `v[k]` (loop var k) and `c[j]`
    (captured input j), with the loop vars and captured inputs it reads; None when the graph
    is anything but comparisons and logic on 0-d integer or bool values."""
    if len(cond.outputs) != 1 or cond.control_outputs or not _is_scalar(cond.outputs[0], ("bool",)):
        return None
    positions = {id(t): i for i, t in enumerate(cond.inputs)}
    loop_vars: set[int] = set()
    captured: set[int] = set()

    def text(tensor: Any) -> str | None:
        position = positions.get(id(tensor))
        if position is not None:
            if not _is_scalar(tensor, _LEAF_DTYPES):
                return None
            if position < n:
                loop_vars.add(position)
                return f"v[{position}]"
            captured.add(position - n)
            return f"c[{position - n}]"
        op = tensor.op
        if op.control_inputs:
            return None
        kind = op.type
        if kind == "Const":
            value = np.asarray(op.get_attr("value"))
            if value.shape != () or not _is_scalar(tensor, _LEAF_DTYPES):
                return None
            return repr(bool(value)) if tensor.dtype.np == np.bool_ else repr(int(value))
        if kind == "Identity":
            return text(op.inputs[0])
        parts = [text(t) for t in op.inputs]
        if any(p is None for p in parts) or not all(_is_scalar(t, _LEAF_DTYPES) for t in op.inputs):
            return None
        if kind in _COMPARISONS and len(parts) == 2:
            return f"({parts[0]} {_COMPARISONS[kind]} {parts[1]})"
        if kind in _LOGIC and len(parts) == 2:
            return f"({parts[0]} {_LOGIC[kind]} {parts[1]})"
        if kind == "LogicalNot" and len(parts) == 1:
            return f"(not {parts[0]})"
        return None

    expression = text(cond.outputs[0])
    if expression is None:
        return None
    return expression, loop_vars, captured


def _increment(body: Any, k: int) -> int | None:
    """The constant the body adds to 0-d integer loop var k (0 where it returns it unchanged),
    or None where its next value is anything else."""
    source, result = body.inputs[k], body.outputs[k]
    if not _is_scalar(source, _COUNTER_DTYPES) or not _is_scalar(result, _COUNTER_DTYPES) \
            or result.dtype != source.dtype:
        return None
    while result is not source and result.op.type == "Identity" and not result.op.control_inputs:
        result = result.op.inputs[0]
    if result is source:
        return 0
    op = result.op
    if op.type not in _ADDS or op.control_inputs:
        return None
    a, b = op.inputs
    other = b if a is source else a if b is source else None
    if other is None or other.op.type != "Const" or other.dtype != source.dtype:
        return None
    value = np.asarray(other.op.get_attr("value"))
    if value.shape != ():
        return None
    return int(value)


def host_counters(cond: Any, body: Any, n: int, live: list[int]) -> HostCounters | None:
    """The host form of a While's predicate and counters, or None where the loop does not
    have that form.

    Args:
        cond, body: the While's predicate and body FuncGraphs (inputs: the n loop vars, then
            the captured values).
        n: the number of loop vars.
        live: the loop vars the loop carries (ops.control_flow_liveness).

    Returns:
        A HostCounters when every loop var the predicate reads is a counter (its next value
        the var plus a constant) and the predicate is comparisons and logic on 0-d integer
        or bool values; else None.
    """
    found = _predicate_source(cond, n)
    if found is None:
        return None
    expression, read_vars, read_captured = found
    counters = []
    for k in live:
        step = _increment(body, k)
        if step is not None:
            dtype = body.inputs[k].dtype.np
            info = np.iinfo(dtype)
            counters.append(Counter(k, step, dtype, int(info.min), int(info.max)))
        elif k in read_vars:
            return None
    namespace: dict[str, Any] = {}
    source = f"def predicate(v, c):\n    return {expression}\n"
    exec(compile(source, "<graphflow loop predicate>", "exec"), namespace)  # noqa: S102
    return HostCounters(namespace["predicate"], tuple(counters), tuple(sorted(read_captured)),
                        expression)


def wrapped(value: int, counter: Counter) -> int:
    """`value` wrapped into the range of the counter's dtype (what a numpy sum of that dtype
    gives when it overflows)."""
    span = counter.high - counter.low + 1
    return (value - counter.low) % span + counter.low
