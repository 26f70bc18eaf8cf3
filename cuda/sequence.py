"""Ops whose output size depends on input values: Range and Where. As TF1's GPU kernels, each
reads what fixes the size on the host (Range its three scalars; Where the count of true elements
per thread chunk) and then fills its output on the device."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .kernel_cache import cached_kernel, configure

_RANGE = '''
from numba import cuda


@cuda.jit
def kernel(start, delta, out):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        out[i] = start + delta * i
'''

_COUNT = '''
from numba import cuda


@cuda.jit
def kernel(x, chunk, counts):
    t = cuda.grid(1)
    if t < counts.shape[0]:
        n = 0
        for j in range(t * chunk, min((t + 1) * chunk, x.shape[0])):
            if x[j] != 0:
                n += 1
        counts[t] = n
'''

_COORDINATES = '''
from numba import cuda


@cuda.jit
def kernel(x, chunk, offsets, dims, out):
    t = cuda.grid(1)
    if t < offsets.shape[0]:
        rank = dims.shape[0]
        k = offsets[t]
        for j in range(t * chunk, min((t + 1) * chunk, x.shape[0])):
            if x[j] != 0:
                rest = j
                for d in range(rank - 1, -1, -1):
                    out[k * rank + d] = rest % dims[d]
                    rest //= dims[d]
                k += 1
'''

#: Threads of Where's count and write passes (each scans one contiguous chunk, in order).
WHERE_THREADS = 4096


def range_kernel() -> Any:
    return cached_kernel("range", lambda: _RANGE, "cuda_range")


def count_kernel() -> Any:
    return cached_kernel("where_count", lambda: _COUNT, "cuda_where_count")


def coordinates_kernel() -> Any:
    return cached_kernel("where_coordinates", lambda: _COORDINATES, "cuda_where_coordinates")


def range_runner(dtype: Any) -> Callable[[Any, Any, Any], Any]:
    """`run(start, limit, delta)`: Range, its length from the host copies of the scalars."""
    from graphflow.ops.sequence import range_length

    from .device import empty, to_host
    from .elementwise import launch_config

    dtype = np.dtype(dtype)
    wide = np.float64 if dtype.kind == "f" else np.int64  # the CPU computes in these too

    def run(start: Any, limit: Any, delta: Any) -> Any:
        start, limit, delta = (np.asarray(to_host(v))[()] for v in (start, limit, delta))
        size = range_length(start, limit, delta)
        out = empty((size,), dtype)
        if size:
            configure(range_kernel(), *launch_config(size))(wide(start), wide(delta), out)
        return out

    return run


def where_runner(shape: tuple[int, ...]) -> Callable[[Any], Any]:
    """`run(x)`: Where, the int64 coordinates [n, rank] of the non-zero elements of a device
    array of `shape`, row-major (one host round trip: the per-chunk counts)."""
    from numba import cuda

    from .device import empty, flat
    from .elementwise import launch_config

    size = int(np.prod(shape, dtype=np.int64))
    threads = max(1, min(size, WHERE_THREADS))
    chunk = -(-size // threads)
    blocks, per_block = launch_config(threads)
    count = configure(count_kernel(), blocks, per_block)
    write = configure(coordinates_kernel(), blocks, per_block)
    dims = cuda.to_device(np.asarray(shape, np.int64))

    def run(x: Any) -> Any:
        counts = empty((threads,), np.int64)
        count(flat(x), chunk, counts)
        per_thread = counts.copy_to_host()
        offsets = np.concatenate([[0], np.cumsum(per_thread)[:-1]]).astype(np.int64)
        out = empty((int(per_thread.sum()), len(shape)), np.int64)
        if out.size:
            write(flat(x), chunk, cuda.to_device(offsets), dims, flat(out))
        return out

    return run


# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`; value-shaped: only the inputs'
# shapes are static) -------------------------------------------------------------------------------

def build_range(node: Any) -> Callable[..., Any] | None:
    """Range(start, limit, delta): the length from the scalars (read on the host)."""
    dtype = node.out_specs[0].dtype.np
    return range_runner(dtype) if dtype.kind in "fi" else None


def build_where(node: Any) -> Callable[..., Any] | None:
    """Where(condition): coordinates of the non-zero elements."""
    from .builder_inputs import shape_of

    shape = shape_of(node.in_specs[0])
    return where_runner(shape) if shape else None  # a scalar condition stays on the host


def launch_signatures() -> list[Any]:
    """Range in its four dtypes (computed in float64 or int64) and Where's two passes."""
    from numba import types

    from .launch_signatures import Launch, array

    i64, index, launches = types.int64, array("int64"), []
    for dtype in ("int32", "int64", "float32", "float64"):
        wide = types.float64 if dtype.startswith("float") else i64
        launches.append(Launch(f"range-{dtype}", range_kernel().py_func, (wide, wide, array(dtype))))
    for dtype in ("bool", "int32", "int64", "float32", "float64"):
        launches.append(Launch(f"where_count-{dtype}", count_kernel().py_func, (array(dtype), i64, index)))
        launches.append(Launch(f"where_coordinates-{dtype}", coordinates_kernel().py_func,
                               (array(dtype), i64, index, index, index)))
    return launches
