"""The traced variant of a bound plan's run function (`RunOptions(trace_level=FULL_TRACE)`).

Consumes a bound `ExecutionPlan` and produces, once per plan, a second generated function: the
plan's own source with every kernel-call line wrapped as
`_t = _now(); <the call>; _rec(<line>, _t, <outputs>)`. The wrapping stays on the kernel's line,
so line numbers, the file name and hence the plan's mapping from a failing line to its op are
those of the plain function. `run_traced` returns the fetched values and one `KernelRecord` per
kernel call: start and end (perf_counter nanoseconds) and each output's dtype, shape and bytes,
read when the call returns (no output is kept alive by the trace).

The plain function is untouched: an untraced run pays nothing for tracing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .ir import Node
from .plan import ExecutionPlan, _name


class OutputRecord(NamedTuple):
    """One output of a kernel call: numpy dtype (None when unknown), shape and bytes."""

    dtype: np.dtype | None
    shape: tuple[int, ...]
    nbytes: int


class KernelRecord(NamedTuple):
    """One kernel call of a traced run (perf_counter nanoseconds)."""

    node: Node
    start_ns: int
    end_ns: int
    outputs: tuple[OutputRecord, ...]


def _describe(value: Any) -> OutputRecord:
    dtype = getattr(value, "dtype", None)
    try:
        dtype = np.dtype(dtype) if dtype is not None else None
    except TypeError:  # a device array's dtype that numpy does not know
        dtype = None
    shape = tuple(int(d) for d in getattr(value, "shape", ()))
    return OutputRecord(dtype, shape, int(getattr(value, "nbytes", 0) or 0))


def _traced_function(plan: ExecutionPlan) -> Any:
    """Writes and compiles the traced variant of `plan`'s function (cached on the plan)."""
    cached = getattr(plan, "_traced_fn", None)
    if cached is not None:
        return cached
    lines = plan.source.rstrip("\n").split("\n")
    if lines[0] != "def plan(feeds):":  # pragma: no cover - guards against plan.py drifting
        raise RuntimeError("unexpected plan source: cannot build its traced variant")
    lines[0] = "def plan(feeds, _rec):"
    for number, node in plan._line_nodes.items():
        line = lines[number - 1]
        indent = line[: len(line) - len(line.lstrip())]
        outs = "".join(", " + _name((node, i)) for i in range(len(node.out_specs)))
        lines[number - 1] = f"{indent}_t = _now(); {line.strip()}; _rec({int(number)}, _t{outs})"
    namespace = dict(plan._namespace)
    namespace["_now"] = time.perf_counter_ns
    # compiled under the plan's file name: its failing-line lookup applies unchanged
    exec(compile("\n".join(lines) + "\n", plan.filename, "exec"), namespace)  # noqa: S102 - our own code
    fn = namespace["plan"]
    plan._traced_fn = fn  # type: ignore[attr-defined]
    return fn


def run_traced(plan: ExecutionPlan, feeds: Sequence[Any]) -> tuple[tuple[Any, ...], list[KernelRecord]]:
    """Runs `plan` once with every kernel call timed.

    Args:
        plan: a bound plan.
        feeds: the feed values, as for `plan.run`.

    Returns:
        (the fetched values as `plan.run` returns them, the kernel records in execution order).

    Raises:
        The errors of `plan.run` (a failing kernel is reported as an OpError naming its op).
    """
    fn = _traced_function(plan)
    line_nodes = plan._line_nodes
    now = time.perf_counter_ns
    records: list[KernelRecord] = []

    def record(line: int, start: int, *outputs: Any) -> None:
        end = now()
        records.append(KernelRecord(line_nodes[line], start, end, tuple(_describe(v) for v in outputs)))

    outputs = plan.run(feeds, lambda values: fn(values, record))
    return outputs, records
