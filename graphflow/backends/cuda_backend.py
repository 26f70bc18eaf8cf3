"""The CUDA backend as a `Backend`: values live on the device, each node gets the device kernel
that graphflow.backends.cuda builds for it, or runs on the host between copies.

A node runs on the host when lowering marked it `host` (pinned by `tf.device("/cpu:0")`), when
it has no device kernel for its variant (found when binding), or when a kernel specialized at
run time for argument values finds none (found while running). All three land in the one
`host_nodes` list the plan exposes, so checks that nothing runs on the host see every case.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from graphflow.compiler.fused_op import FusedElementwise
from graphflow.compiler.ir import Node

from .base import Backend, BackendState, Kernel


class CudaBackend(Backend):
    """numba-CUDA kernels; variables stay on the device between runs."""

    name = "cuda"
    num_gpus: ClassVar[int] = 1
    moves_values: ClassVar[bool] = True

    def fusable(self, node: Node) -> bool:
        return not node.host  # a node pinned to the host runs alone there

    def upload(self, value: Any) -> Any:
        from graphflow.cuda.device import to_device

        return to_device(value)

    def download(self, value: Any) -> Any:
        # a host-memory value (shapes, strings) may alias a constant: copied too
        if hasattr(value, "copy_to_host"):
            return value.copy_to_host()
        return np.array(value, copy=True) if type(value) is np.ndarray else value

    def new_state(self) -> BackendState:
        from graphflow.cuda.device import install_pool

        install_pool()  # before the first CUDA context: device memory comes from the pool
        return super().new_state()

    def kernel(self, node: Node, state: BackendState, host_nodes: list[Node]) -> Kernel:
        from .cuda import cuda_kernel, host_kernel

        if node.host:  # tf.device("/cpu:0"): on the host, as TF1
            kernel, on_device = host_kernel(node, state, pinned=True), False
        else:
            kernel, on_device = cuda_kernel(node, state, host_nodes)
        if not on_device:
            host_nodes.append(node)
        return kernel

    def kernel_sources(self, node: Node) -> list[str]:
        if not isinstance(node.opdef, FusedElementwise) or node.host:
            return []
        from graphflow.cuda.elementwise import kernel_source

        return [kernel_source(node.attrs["program"])]
