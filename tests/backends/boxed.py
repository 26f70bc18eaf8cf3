"""A toy third backend for the tests: values "live elsewhere" as `Box`es, so every transfer
the Backend protocol promises (feeds and constants up, fetches down, variables kept boxed) is
visible. Kernels are the CPU's, applied to unboxed values. Registered by the tests only."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from graphflow.backends.base import Backend, BackendState, Kernel
from graphflow.backends.cpu import cpu_kernel
from graphflow.compiler.ir import Node


class Box:
    """A value on the toy device."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _unbox(x: Any) -> Any:
    return x.value if isinstance(x, Box) else x


class BoxedBackend(Backend):
    """Counts its uploads and downloads; stores variables as Boxes."""

    name = "boxed"
    moves_values: ClassVar[bool] = True
    uploads = 0
    downloads = 0

    def upload(self, value: Any) -> Any:
        type(self).uploads += 1
        return Box(np.asarray(value))

    def download(self, value: Any) -> Any:
        type(self).downloads += 1
        return np.array(_unbox(value), copy=True)

    def kernel(self, node: Node, state: BackendState, host_nodes: list[Node]) -> Kernel:
        inner = cpu_kernel(node, state)
        if node.type == "VariableV2":  # a read hands out the stored box
            return inner
        several = len(node.out_specs) > 1 or node.opdef.list_output
        store, refs = state.variables, node.ref_vars

        def run(*xs: Any) -> Any:
            # the CPU kernel of an update works on plain arrays: unbox its variables around it
            for name in refs:
                if name in store:
                    store[name] = _unbox(store[name])
            try:
                out = inner(*(_unbox(x) for x in xs))
            finally:
                for name in refs:
                    if name in store and not isinstance(store[name], Box):
                        store[name] = Box(store[name])
            if out is None:
                return None
            return tuple(Box(o) for o in out) if several else Box(out)

        return run
