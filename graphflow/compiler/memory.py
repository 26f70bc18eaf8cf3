"""Memory planning: liveness of every intermediate value over the schedule.

The CPU backend holds values in local variables of the generated plan function; a value is
released (`del`) right after its last consumer, so peak memory follows the live set rather than
the whole graph. Variables live in the session's store, outside this plan; fetched values and
constants are never released.
"""

from __future__ import annotations

from collections.abc import Sequence

from .ir import Node, Value


def last_uses(order: Sequence[Node], fetched: Sequence[Value]) -> dict[int, list[Value]]:
    """Maps a step index to the values whose last use is that step (to be released after it)."""
    last: dict[Value, int] = {}
    for step, node in enumerate(order):
        for v in node.inputs:
            last[v] = step
    keep = set(fetched)
    releases: dict[int, list[Value]] = {}
    for value, step in last.items():
        if value not in keep and not value[0].is_const:
            releases.setdefault(step, []).append(value)
    return releases
