"""Dead-code elimination after rewriting passes: keeps what the fetches and the effects need."""

from __future__ import annotations

from collections.abc import Sequence

from .ir import Node, Value

# Stateful nodes whose only effect is producing a value: dropped when nothing consumes them.
_PURE_READS = {"VariableV2", "_Feed", "Placeholder", "IsVariableInitialized"}


def eliminate_dead_code(nodes: Sequence[Node], fetched: Sequence[Value]) -> list[Node]:
    """The nodes reachable (through data and control edges) from the fetched values and from
    every node with an effect (assignments, random draws, checks), in their original order."""
    roots = [n for n, _ in fetched] + [n for n in nodes if n.stateful and n.type not in _PURE_READS]
    live: set[int] = set()
    stack = list(roots)
    while stack:
        n = stack.pop()
        if n.id in live:
            continue
        live.add(n.id)
        stack.extend(src for src, _ in n.inputs)
        stack.extend(n.control)
    return [n for n in nodes if n.id in live]
