"""Scheduling: a deterministic topological order of the IR nodes (networkx, via toposort.py).

Besides data and control edges it orders each read of a variable V against each assignment to V:
a read whose consumers all run after the assignment (they depend on it, through data or
`tf.control_dependencies`) runs after it, as TF1 reads a variable when the consuming op runs;
every other read runs before it, so it sees the value from the start of the run.

Linear in the graph apart from the read/write ordering (one walk per assignment of a variable
that is also read) and the priority queue of the topological sort.
"""

from __future__ import annotations

from collections.abc import Sequence

from .ir import Node
from .toposort import topological_order


def dependency_graph(nodes: Sequence[Node]) -> dict[Node, list[Node]]:
    """Each node's successors through data/control edges (src -> dst: src runs first)."""
    succ: dict[Node, list[Node]] = {n: [] for n in nodes}
    for n in nodes:
        for src, _ in n.inputs:
            succ[src].append(n)
        for c in n.control:
            succ[c].append(n)
    return succ


def descendants(succ: dict[Node, list[Node]], start: Node) -> set[Node]:
    """The nodes reachable from `start` (not itself, unless on a cycle)."""
    seen: set[Node] = set()
    stack = list(succ[start])
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            stack.extend(succ[n])
    return seen


def _add_read_before_write(succ: dict[Node, list[Node]], nodes: Sequence[Node]) -> None:
    reads: dict[str, list[Node]] = {}
    consumers: dict[int, list[Node]] = {}
    for n in nodes:
        if n.type == "VariableV2":
            reads.setdefault(n.name, []).append(n)
        for src in {src for src, _ in n.inputs} | set(n.control):
            consumers.setdefault(src.id, []).append(n)
    for w in nodes:
        for var in w.ref_vars:
            if var not in reads or w.type == "IsVariableInitialized":
                continue
            after_w = descendants(succ, w)
            for r in reads[var]:
                if r in after_w:
                    continue
                users = consumers.get(r.id, [])
                if users and all(u in after_w for u in users) and w not in descendants(succ, r):
                    succ[w].append(r)  # its consumers run after w: TF1 reads when they run
                else:
                    succ[r].append(w)


def schedule(nodes: Sequence[Node]) -> list[Node]:
    """Topological order; ties broken by lowering order, which keeps plans deterministic."""
    succ = dependency_graph(nodes)
    _add_read_before_write(succ, nodes)
    order = {n.id: i for i, n in enumerate(nodes)}
    return topological_order(list(nodes), succ, key=lambda n: order[n.id])
