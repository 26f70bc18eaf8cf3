"""Deterministic topological ordering with networkx, shared by the scheduler and the fuser.

Among the items whose predecessors have all been placed, the one with the smallest key comes
next (networkx's lexicographical topological sort, O((V + E) log V)), so an order is a pure
function of the graph and the keys: plans print the same in every process. networkx is imported
on the first compilation, not at `import graphflow` (it costs a few tenths of a second).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def topological_order(items: Sequence[T], successors: Mapping[T, Iterable[T]],
                      key: Callable[[T], int]) -> list[T]:
    """`items` in a topological order of the edges `item -> successors[item]`, ties broken by
    the smallest `key` (distinct per item).

    Args:
        items: every item (each edge's ends must be among them).
        successors: item -> the items that must come after it (duplicates allowed).
        key: an integer per item; among ready items the smallest goes first.

    Returns:
        The ordered items.

    Raises:
        ValueError: the edges contain a cycle.
    """
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(items)
    graph.add_edges_from((item, after) for item in items for after in successors.get(item, ()))
    try:
        return list(nx.lexicographical_topological_sort(graph, key=key))
    except nx.NetworkXUnfeasible:
        cyclic = len(nx.find_cycle(graph))
        raise ValueError(f"the graph has a cycle through {cyclic} node(s)") from None
