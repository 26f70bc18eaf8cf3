"""CUDA kernels of the TensorList ops: the list container stays a host object, its elements
device arrays, so a loop writing and reading a TensorArray on the GPU never copies elements
through the host.

Every list op's logic is written once in graphflow.ops (`ListOp.compute`), over an `arrays`
object; this module's `DeviceArrays` gives it device arrays: rows are views, Stack / Gather /
Concat allocate one device array and fill it with device-to-device copies, an unwritten
slot reads as zeros filled on the device, gradient lists add with the elementwise Add kernel.
Only index-like arguments (indices, sizes, lengths) are read on the host, as TF1 keeps them in
host memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

#: Distinct (shape, dtype) runners kept per kind (zeros, add); a loop over ever new shapes
#: must not grow memory.
MAX_RUNNERS = 64


class DeviceArrays:
    """`ops.tensor_list_value.HostArrays`'s methods over numba device arrays."""

    def __init__(self) -> None:
        self._zeros: dict[Any, Callable[[], Any]] = {}
        self._adds: dict[Any, Callable[..., Any]] = {}

    @staticmethod
    def asarray(value: Any) -> Any:
        from .device import to_device

        return to_device(value)

    @staticmethod
    def ints(value: Any) -> np.ndarray:
        from .device import to_host

        return np.asarray(to_host(value))

    @staticmethod
    def row(tensor: Any, index: int) -> Any:
        return tensor[index:index + 1].reshape(tuple(tensor.shape[1:]))

    @staticmethod
    def rows(tensor: Any, start: int, stop: int) -> Any:
        return tensor[start:stop]

    def zeros(self, shape: Sequence[int], dtype: Any) -> Any:
        from .convert import zeros_runner

        key = (tuple(int(d) for d in shape), np.dtype(dtype).str)
        run = self._zeros.get(key)
        if run is None:
            if len(self._zeros) >= MAX_RUNNERS:
                self._zeros.clear()
            run = self._zeros[key] = zeros_runner(key[0], np.dtype(dtype))
        return run()

    def add(self, a: Any, b: Any) -> Any:
        from graphflow.compiler.fused_op import single_row

        from .elementwise import program_runner

        a, b = self.asarray(a), self.asarray(b)
        if tuple(a.shape) != tuple(b.shape):
            raise ValueError(f"cannot add list elements of shapes {tuple(a.shape)} and {tuple(b.shape)}")
        dtype = np.dtype(a.dtype).name
        key = (tuple(a.shape), dtype)
        run = self._adds.get(key)
        if run is None:
            if len(self._adds) >= MAX_RUNNERS:
                self._adds.clear()
            program = single_row("Add", (key[0], key[0]), (dtype, dtype), dtype)
            run = self._adds[key] = program_runner(program)
        return run(a, b)

    def stack(self, items: Sequence[Any]) -> Any:
        shape = tuple(items[0].shape)
        for item in items:
            if tuple(item.shape) != shape:
                raise ValueError(f"all input arrays must have the same shape, got {shape} and "
                                 f"{tuple(item.shape)}")
        return self._joined([self.asarray(x) for x in items], (len(items),) + shape,
                            [1] * len(items))

    def concatenate(self, items: Sequence[Any]) -> Any:
        tail = tuple(items[0].shape[1:])
        for item in items:
            if tuple(item.shape[1:]) != tail:
                raise ValueError(f"all the input array dimensions except for the concatenation "
                                 f"axis must match, got {tail} and {tuple(item.shape[1:])}")
        counts = [int(x.shape[0]) for x in items]
        return self._joined([self.asarray(x) for x in items], (sum(counts),) + tail, counts)

    @staticmethod
    def _joined(items: Sequence[Any], shape: tuple[int, ...], counts: Sequence[int]) -> Any:
        """A fresh device array of `shape` whose consecutive blocks of `counts` rows are
        copies of `items` (device to device)."""
        from .device import empty

        out = empty(shape, items[0].dtype)
        inner = int(np.prod(shape[1:], dtype=np.int64)) if len(shape) > 1 else 1
        if out.size == 0:
            return out
        rows = out.reshape(shape[0], inner)
        start = 0
        for item, count in zip(items, counts):
            if count:
                rows[start:start + count].copy_to_device(item.reshape(count, inner))
            start += count
        return out


_ARRAYS = DeviceArrays()


def build_list_op(node: Any) -> Callable[..., Any]:
    """Any TensorList op: its one implementation (`compute`) over device arrays, errors raised
    as TF1's, naming the op."""
    from graphflow.ops.tensor_list import error_mapping

    compute = node.opdef.compute
    return error_mapping(node, lambda attrs, *xs: compute(attrs, _ARRAYS, *xs))
