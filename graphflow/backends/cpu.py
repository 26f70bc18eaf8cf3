"""The CPU backend: numba `@njit` kernels, generated fused loops (cpu_fused.py), numpy/BLAS.

Its fusion policy: single nodes and small groups over few elements stay numpy calls, since a
numba call costs more than a numpy ufunc on a small array.
"""

from __future__ import annotations

from graphflow.compiler.fused_op import FusedElementwise
from graphflow.compiler.ir import Node
from graphflow.ops.elementwise import ELEMENTWISE

from .base import Backend, BackendState, Kernel, reference_kernel
from .host_memory import keep_freed_memory

#: A numba call costs about 1.5 us against about 0.5 us for a numpy ufunc on a small array, so
#: small groups only pay off over many elements (measured with benchmarks/overhead.py).
SMALL_GROUP, SMALL_SIZE = 3, 1024


def cpu_kernel(node: Node, state: BackendState) -> Kernel:
    """The host callable of `node`: a stateful op bound to `state`, a fused program's generated
    loop, the op's CPU kernel, or else its numpy reference."""
    if node.stateful:
        return node.opdef.bind(node, state)
    if isinstance(node.opdef, FusedElementwise):
        from .cpu_fused import fused_kernel

        return fused_kernel(node.attrs["program"])
    kernel = node.opdef.cpu_kernel(node)
    return kernel if kernel is not None else reference_kernel(node)


class CpuBackend(Backend):
    """Kernels on the host, values as numpy arrays."""

    name = "cpu"
    #: the generated loops check run-time shapes (cpu_fused), so plans general in the batch
    #: size fuse too
    fuses_unknown_dims = True
    #: fused loops read a Split's pieces inside the split array (graphflow.compiler.fuse_slices)
    fuses_split_pieces = True
    general_plans = True

    def __init__(self) -> None:
        keep_freed_memory()  # large arrays of one run are reused by the next without page faults

    def fusable(self, node: Node) -> bool:
        # Tanh, Sigmoid, Exp over float32 inline vectorizable approximations (ops/_fast_math.py)
        return ELEMENTWISE[node.type].fuses_on_cpu_in(node.in_specs[0].dtype.np)

    def worth_fusing(self, members: list[Node]) -> bool:
        size = members[0].out_specs[0].shape.num_elements()
        if size is None:  # a batch known at run time: assume it is not tiny
            size = SMALL_SIZE
        if len(members) == 1:  # alone, only a row numpy runs in several passes gains
            return ELEMENTWISE[members[0].type].multipass and size >= SMALL_SIZE
        return len(members) > SMALL_GROUP or size >= SMALL_SIZE

    def kernel(self, node: Node, state: BackendState, host_nodes: list[Node]) -> Kernel:
        return cpu_kernel(node, state)

    def kernel_sources(self, node: Node) -> list[str]:
        if not isinstance(node.opdef, FusedElementwise):
            return []
        from .cpu_fused import kernel_source

        return [kernel_source(node.attrs["program"])]
