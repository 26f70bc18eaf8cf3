"""Deterministic topological ordering (Kahn's algorithm with a priority queue), shared by the
scheduler and the fuser.

Among the items whose predecessors have all been placed, the one with the smallest key comes
next, so an order is a pure function of the graph and the keys (plans print the same in every
process). O((V + E) log V); the compiler passes call it on graphs of 100,000 nodes and more, so
it works on plain dicts and lists rather than a graph library.
"""

from __future__ import annotations

import heapq
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
    indegree: dict[T, int] = dict.fromkeys(items, 0)
    unique: dict[T, list[T]] = {}
    for item in items:
        after = list(dict.fromkeys(successors.get(item, ())))
        unique[item] = after
        for s in after:
            indegree[s] += 1
    ready = [(key(item), k, item) for k, item in enumerate(items) if indegree[item] == 0]
    heapq.heapify(ready)
    position = {item: k for k, item in enumerate(items)}
    order: list[T] = []
    while ready:
        _, _, item = heapq.heappop(ready)
        order.append(item)
        for s in unique[item]:
            indegree[s] -= 1
            if indegree[s] == 0:
                heapq.heappush(ready, (key(s), position[s], s))
    if len(order) != len(indegree):
        raise ValueError(f"the graph has a cycle through {len(indegree) - len(order)} node(s)")
    return order
