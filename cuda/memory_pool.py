"""A caching device allocator for the CUDA backend (a numba EMM plugin).

numba's own allocator calls cuMemAlloc for every device array and frees in batches with
cuMemFree, which synchronizes the device. A plan allocates the same sizes run after run (its
outputs and temporaries, the feed copies), so freed blocks are kept in a pool by size and handed
out again: after the first run, a steady-state `run` makes no driver allocation at all (the
allocation counters below tell). Blocks go back to the pool when numba would have freed them
(the array and every view of it are gone); all of the backend's work is on one stream, so a
block reused by the next kernel is never still in use by an earlier one. When the device runs
out of memory, the idle blocks are returned to the driver and the allocation retried.

Installed when a session first uses the GPU (`graphflow.cuda.device.install_pool`), unless
GF_CUDA_POOL=0. The simulator has no memory managers: there the pool is not used.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from typing import Any

from numba.cuda.cudadrv import driver as cudadrv

#: Requests are rounded up to a multiple of this (bytes), so nearby sizes share blocks.
GRANULE = 512


def block_size(size: int) -> int:
    """The pooled block size serving a request of `size` bytes."""
    return -(-size // GRANULE) * GRANULE


class PoolingMemoryManager(cudadrv.NumbaCUDAMemoryManager):
    """numba's device memory manager, with freed blocks kept for reuse instead of freed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.idle: dict[int, list[Any]] = defaultdict(list)  # block size -> free pointers
        self.driver_allocations = 0  # cuMemAlloc calls made (the pool's misses)
        self.reuses = 0

    def memalloc(self, size: int) -> Any:
        if size <= 0:
            return super().memalloc(size)
        block = block_size(size)
        idle = self.idle[block]
        if idle:
            pointer = idle.pop()
            self.reuses += 1
        else:
            pointer = self._allocate(block)
        allocations = self.allocations

        def release() -> None:  # the array is gone: keep its block for the next request
            allocations.pop(pointer, None)
            idle.append(pointer)

        memory = cudadrv.AutoFreePointer(weakref.proxy(self.context), pointer, block,
                                         finalizer=release)
        self.allocations[pointer] = memory
        return memory.own()

    def _allocate(self, block: int) -> Any:
        def allocate() -> Any:
            return cudadrv.driver.cuMemAlloc(block)

        try:
            pointer = self._attempt_allocation(allocate)
        except cudadrv.CudaAPIError as e:
            if e.code != cudadrv.binding.CUresult.CUDA_ERROR_OUT_OF_MEMORY:
                raise
            self.trim()  # out of memory: give the idle blocks back and try once more
            pointer = self._attempt_allocation(allocate)
        self.driver_allocations += 1
        return pointer

    def trim(self) -> None:
        """Returns every idle block to the driver."""
        for pointers in self.idle.values():
            while pointers:
                cudadrv.driver.cuMemFree(pointers.pop())

    def reset(self) -> None:
        super().reset()
        self.idle.clear()  # the context's memory is gone with it

    def idle_bytes(self) -> int:
        return sum(size * len(pointers) for size, pointers in self.idle.items())
