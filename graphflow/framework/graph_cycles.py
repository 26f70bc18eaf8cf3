"""Cycle detection for the ops a run needs.

A graph built through the public API is acyclic, but `Operation._add_control_input` (or an
edited graph file) can close a loop of control or data edges. TF1 rejects such a graph when it
runs it ("Graph is invalid, contains a cycle with N nodes, including: ..."); graphflow checks
the ops a run needs before lowering them, iteratively, so a cycle is a clear
InvalidArgumentError naming its ops, never a RecursionError.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import errors
from .tensor import Operation, Tensor

_WHITE, _GREY, _BLACK = 0, 1, 2


def _predecessors(op: Operation, fed: set[Tensor]) -> list[Operation]:
    """The ops `op` waits for: producers of its unfed inputs, then its control inputs."""
    return [t.op for t in op.inputs if t not in fed] + list(op.control_inputs)


def find_cycle(roots: Iterable[Operation], fed: Iterable[Tensor] = ()) -> list[Operation] | None:
    """One cycle among the ops `roots` depend on (fed tensors cut their edge), in dependency
    order, or None when there is none."""
    fed_set = set(fed)
    color: dict[Operation, int] = {}
    for root in roots:
        if color.get(root, _WHITE) != _WHITE:
            continue
        path: list[Operation] = [root]
        pending = [iter(_predecessors(root, fed_set))]
        color[root] = _GREY
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                color[path.pop()] = _BLACK
                pending.pop()
                continue
            state = color.get(nxt, _WHITE)
            if state == _GREY:  # a back edge: the path from nxt to here is a cycle
                return path[path.index(nxt):]
            if state == _WHITE:
                color[nxt] = _GREY
                path.append(nxt)
                pending.append(iter(_predecessors(nxt, fed_set)))
    return None


def check_acyclic(roots: Iterable[Operation], fed: Iterable[Tensor] = ()) -> None:
    """Raises InvalidArgumentError naming the ops of a cycle the run of `roots` would need.

    Raises:
        InvalidArgumentError: when the ops `roots` depend on contain a cycle.
    """
    cycle = find_cycle(roots, fed)
    if cycle is None:
        return
    names = sorted(op.name for op in cycle)
    shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
    raise errors.InvalidArgumentError(
        None, cycle[0], f"Graph is invalid, contains a cycle with {len(cycle)} nodes, "
        f"including: {shown}")
