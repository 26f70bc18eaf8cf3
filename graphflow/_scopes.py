"""Default-graph shorthands: `tf.name_scope`, `tf.control_dependencies`, `tf.device`,
collections."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from graphflow.framework.graph import get_default_graph


@contextlib.contextmanager
def name_scope(name: str | None, default_name: str | None = None,
               values: Sequence[Any] | None = None) -> Iterator[str]:
    """Prefixes the names of ops created inside with `name/` (unique-ified: `name_1/`...)."""
    graph = get_default_graph()
    if values:
        graph = next((getattr(v, "graph", None) for v in values if hasattr(v, "graph")), graph)
    with graph.as_default(), graph.name_scope(name if name is not None else default_name) as s:
        yield s


def control_dependencies(control_inputs: Sequence[Any] | None) -> Any:
    """Ops created inside run after `control_inputs` (None clears enclosing dependencies)."""
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name: str | None) -> Any:
    """Pins ops created inside to a device ("/cpu:0", "/gpu:0")."""
    return get_default_graph().device(device_name)


def add_to_collection(name: str, value: Any) -> None:
    """Appends `value` to the default graph's collection `name`."""
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names: Any, value: Any) -> None:
    get_default_graph().add_to_collections(names, value)


def get_collection(key: str, scope: str | None = None) -> list[Any]:
    """A copy of collection `key`, filtered by the name regex `scope`."""
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key: str) -> list[Any]:
    return get_default_graph().get_collection_ref(key)
