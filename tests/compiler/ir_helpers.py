"""Helpers of the per-pass compiler tests: lower a small graph with ids numbered from 0, run
passes on it, and print IR for golden-string comparisons."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence

from graphflow.compiler.ir import Node, Value, format_nodes, numbering
from graphflow.compiler.lower import lower
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.registry import Spec


@contextlib.contextmanager
def compilation() -> Iterator[None]:
    """Ids of nodes made inside (lowering and passes) count from 0, as in one compilation."""
    with numbering():
        yield


def lowered(fetches: Sequence[Tensor | Operation], feeds: Mapping[Tensor, Sequence[int]] = {}
            ) -> tuple[list[Node], list[Value]]:
    """Lowers `fetches` with `feeds` (tensor -> fed shape); call inside `compilation()`."""
    tensors = [f for f in fetches if isinstance(f, Tensor)]
    targets = [f for f in fetches if isinstance(f, Operation)]
    fed = list(feeds)
    specs = [Spec(TensorShape(list(feeds[t])), t.dtype) for t in fed]
    nodes, fetched, _ = lower(tensors, targets, fed, specs)
    return nodes, fetched


def listing(nodes: Sequence[Node]) -> str:
    """The printed IR, one node per line, with the trailing name comments kept."""
    return format_nodes(nodes)


def golden(text: str) -> str:
    """A golden listing written indented in a test, as `listing` prints it."""
    import textwrap

    return textwrap.dedent(text).strip("\n")
