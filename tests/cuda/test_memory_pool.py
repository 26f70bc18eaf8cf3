"""The caching device allocator, driven through a fake CUDA driver (no GPU here): blocks freed
by numba's reference counting return to the pool and serve the next requests of their size
without a driver allocation, so a plan's steady-state runs allocate nothing."""

from __future__ import annotations

import gc
import itertools

import pytest

from graphflow.cuda import memory_pool


class FakeDriver:
    """cuMemAlloc / cuMemFree handing out integer addresses and counting calls."""

    def __init__(self, capacity: int = 1 << 20) -> None:
        self.addresses = itertools.count(4096, 4096)
        self.live: dict[int, int] = {}
        self.capacity = capacity

    def cuMemAlloc(self, size):  # noqa: N802 - the driver's name
        if sum(self.live.values()) + size > self.capacity:
            raise memory_pool.cudadrv.CudaAPIError(
                memory_pool.cudadrv.binding.CUresult.CUDA_ERROR_OUT_OF_MEMORY, "out of memory")
        address = next(self.addresses)
        self.live[address] = size
        return address

    def cuMemFree(self, address):  # noqa: N802
        del self.live[address]


class FakeContext:
    pass


@pytest.fixture
def pool(monkeypatch):
    fake = FakeDriver()
    monkeypatch.setattr(memory_pool.cudadrv, "driver", fake)
    context = FakeContext()
    manager = memory_pool.PoolingMemoryManager(context=context)
    manager.fake, manager.keep_context = fake, context
    return manager


def _run(pool, sizes):
    """One 'run': allocate every size, then drop them all (as a plan's values die)."""
    blocks = [pool.memalloc(size) for size in sizes]
    addresses = [int(b.device_pointer) for b in blocks]
    del blocks
    gc.collect()
    return addresses


def test_steady_state_runs_make_no_driver_allocation(pool):
    sizes = [4000, 96, 4000, 1 << 16]
    first = _run(pool, sizes)
    assert pool.driver_allocations == 4
    for _ in range(3):
        again = _run(pool, sizes)
        assert sorted(again) == sorted(first)  # the same blocks, recycled
    assert pool.driver_allocations == 4 and pool.reuses == 12
    assert pool.idle_bytes() == 2 * 4096 + 512 + (1 << 16)


def test_a_block_in_use_is_never_handed_out(pool):
    held = pool.memalloc(1000)
    alias = held  # another reference (as a view holds) keeps the block in use
    other = pool.memalloc(1000)
    assert int(other.device_pointer) != int(alias.device_pointer)
    address = int(held.device_pointer)
    del held, alias
    gc.collect()
    assert int(pool.memalloc(700).device_pointer) == address  # same 1024-byte block
    assert memory_pool.block_size(700) == memory_pool.block_size(1000) == 1024


def test_out_of_memory_returns_idle_blocks_to_the_driver(pool):
    _run(pool, [600 * 1024])  # one idle block of 600 KiB
    assert pool.fake.live
    block = pool.memalloc(700 * 1024)  # does not fit beside it: the idle block is freed
    assert pool.idle_bytes() == 0 and list(pool.fake.live.values()) == [700 * 1024]
    del block
