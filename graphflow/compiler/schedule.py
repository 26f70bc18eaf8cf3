"""Scheduling: a deterministic topological order of the IR nodes, computed with networkx.

Besides data and control edges it adds read-before-write edges: a read of variable V that does
not depend on an assignment to V runs before it, so reads see the value from the start of the
run unless the user ordered them after the write (`tf.control_dependencies`).
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
    for n in nodes:
        if n.type == "VariableV2":
            reads.setdefault(n.name, []).append(n)
    for w in nodes:
        for var in w.ref_vars:
            if var not in reads or w.type == "IsVariableInitialized":
                continue
            after_w = nx.descendants(g, w)
            for r in reads[var]:
                if r not in after_w:
                    g.add_edge(r, w)


def schedule(nodes: Sequence[Node]) -> list[Node]:
    """Topological order; ties broken by lowering order, which keeps plans deterministic."""
    g = dependency_graph(nodes)
    _add_read_before_write(g, nodes)
    order = {n.id: i for i, n in enumerate(nodes)}
    return list(nx.lexicographical_topological_sort(g, key=lambda n: order[n.id]))
