"""Backends turn scheduled IR nodes into kernels: `reference` (numpy references, the oracle),
`cpu` (numba / tuned numpy kernels, the default) and `cuda` (numba-CUDA, see backends/cuda.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphflow.compiler.ir import Node

BACKENDS = ("reference", "cpu", "cuda")


def reference_kernel(node: Node) -> Callable[..., Any]:
    """The op's numpy reference with the node's attributes bound."""
    reference, attrs = node.opdef.reference, node.attrs
    return lambda *xs: reference(attrs, *xs)


def kernel_for(node: Node, backend: str, state: Any) -> Callable[..., Any]:
    """The callable that executes `node` on `backend` (stateful ops are bound to `state`)."""
    if node.stateful:
        return node.opdef.bind(node, state)
    if backend != "reference":
        kernel = node.opdef.cpu_kernel(node)
        if kernel is not None:
            return kernel
    return reference_kernel(node)


def make_kernels(order: Sequence[Node], backend: str, state: Any) -> dict[int, Callable[..., Any]]:
    """Kernels for every executable node of a schedule."""
    return {n.id: kernel_for(n, backend, state) for n in order
            if n.type != "_Feed" and not n.is_const}
