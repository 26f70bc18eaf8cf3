"""Fetch structures: flatten whatever the user passed to `run` into graph elements, and rebuild
the same structure (lists, tuples, namedtuples, dicts, nesting) around the fetched values.

Errors follow TF1: an unsupported type is a TypeError, a name that does not exist a ValueError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphflow.framework.graph import Graph
from graphflow.framework.tensor import Operation, Tensor


def _element(graph: Graph, fetch: Any) -> Tensor | Operation:
    if fetch is None:
        raise TypeError(f"Fetch argument {fetch!r} has invalid type {type(fetch)}")
    try:
        return graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)
    except TypeError as e:
        raise TypeError(
            f"Fetch argument {fetch!r} has invalid type {type(fetch)}, must be a string or "
            f"Tensor. ({e})"
        ) from None
    except (ValueError, KeyError) as e:
        raise ValueError(
            f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. ({e})"
        ) from None


def flatten_fetches(graph: Graph, fetches: Any) -> tuple[list[Tensor | Operation],
                                                         Callable[[list[Any]], Any]]:
    """Returns (graph elements, rebuild) where rebuild(values) mirrors `fetches`' structure.

    `values[i]` is the value of element i (None for an Operation).
    """
    elements: list[Tensor | Operation] = []

    def walk(f: Any) -> Callable[[list[Any]], Any]:
        if isinstance(f, (list, tuple)) and not hasattr(f, "_as_graph_element"):
            parts = [walk(x) for x in f]
            if isinstance(f, tuple) and hasattr(f, "_fields"):  # namedtuple
                return lambda vals, t=type(f): t(*[p(vals) for p in parts])
            kind = type(f)
            return lambda vals: kind(p(vals) for p in parts)
        if isinstance(f, Mapping):
            keys, parts = list(f.keys()), [walk(v) for v in f.values()]
            kind = type(f)

            def build(vals: list[Any]) -> Any:
                items = zip(keys, (p(vals) for p in parts))
                try:
                    return kind(items)
                except TypeError:
                    return dict(items)

            return build
        index = len(elements)
        elements.append(_element(graph, f))
        return lambda vals: vals[index]

    return elements, walk(fetches)
