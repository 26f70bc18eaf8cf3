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


class Kernels(dict):
    """Kernels by node id, plus the nodes of a CUDA plan that run on the host."""

    def __init__(self) -> None:
        super().__init__()
        self.host_nodes: list[Node] = []


def make_kernels(order: Sequence[Node], backend: str, state: Any) -> Kernels:
    """Kernels for every executable node of a schedule."""
    kernels = Kernels()
    for node in order:
        if node.type == "_Feed" or node.is_const:
            continue
        if backend == "cuda":
            from graphflow.session.placement import pinned_to_host

            from .cuda import cuda_kernel, host_kernel

            if pinned_to_host(node.op):  # tf.device("/cpu:0"): on the host, as TF1
                kernels[node.id], on_device = host_kernel(node, state, pinned=True), False
            else:
                kernels[node.id], on_device = cuda_kernel(node, state, kernels.host_nodes)
            if not on_device:
                kernels.host_nodes.append(node)
        else:
            kernels[node.id] = kernel_for(node, backend, state)
    return kernels
