"""Scheduling: a deterministic topological order of the IR nodes, computed with networkx.

Besides data and control edges it orders each read of a variable V against each assignment to V:
a read whose consumers all run after the assignment (they depend on it, through data or
`tf.control_dependencies`) runs after it, as TF1 reads a variable when the consuming op runs;
every other read runs before it, so it sees the value from the start of the run.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from .ir import Node


def dependency_graph(nodes: Sequence[Node]) -> nx.DiGraph:
    """Nodes and their data/control edges (edge src -> dst means src runs first)."""
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    for n in nodes:
        for src, _ in n.inputs:
            g.add_edge(src, n)
        for c in n.control:
            g.add_edge(c, n)
    return g


def _add_read_before_write(g: nx.DiGraph, nodes: Sequence[Node]) -> None:
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
            after_w = nx.descendants(g, w)
            for r in reads[var]:
                if r in after_w:
                    continue
                users = consumers.get(r.id, [])
                if users and all(u in after_w for u in users) and w not in nx.descendants(g, r):
                    g.add_edge(w, r)  # its consumers run after w: TF1 reads when they run
                else:
                    g.add_edge(r, w)


def schedule(nodes: Sequence[Node]) -> list[Node]:
    """Topological order; ties broken by lowering order, which keeps plans deterministic."""
    g = dependency_graph(nodes)
    _add_read_before_write(g, nodes)
    order = {n.id: i for i, n in enumerate(nodes)}
    return list(nx.lexicographical_topological_sort(g, key=lambda n: order[n.id]))
