"""The reference backend: every op runs its numpy reference, alone (no fusion). The oracle of
the tests (`GF_BACKEND=reference`)."""

from __future__ import annotations

from typing import ClassVar

from graphflow.compiler.ir import Node

from .base import Backend, BackendState, Kernel, reference_kernel


class ReferenceBackend(Backend):
    """Numpy references on the host; stateful ops bind to the session's storage as on the CPU."""

    name = "reference"
    skipped_passes: ClassVar[frozenset[str]] = frozenset({"fuse"})
    general_plans = True  # numpy references take any shape

    def kernel(self, node: Node, state: BackendState, host_nodes: list[Node]) -> Kernel:
        if node.stateful:
            return node.opdef.bind(node, state)
        return reference_kernel(node)
