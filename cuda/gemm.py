"""Batched matrix product on the GPU: C[b] = A[b] @ B[b], tiled in shared memory.

Each block computes a TILE x TILE tile of C, walking K one tile at a time: the threads load one
tile of A and one of B into shared memory, synchronize, and accumulate. Operands are 1-D
device arrays addressed through strides, so transposed operands (transpose_a/b) and a batch
broadcast (batch stride 0) need no copies. One kernel per dtype, generated from one template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .kernel_cache import cached_kernel, configure

TILE = 16

_TEMPLATE = '''
from numba import cuda, {dtype}

TILE = {tile}


@cuda.jit
def kernel(a, b, c, m, n, k, a_row, a_col, a_batch, b_row, b_col, b_batch):
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    batch = cuda.blockIdx.z
    row = cuda.blockIdx.y * TILE + ty
    col = cuda.blockIdx.x * TILE + tx
    tile_a = cuda.shared.array((TILE, TILE), {dtype})
    tile_b = cuda.shared.array((TILE, TILE), {dtype})
    acc = {dtype}(0)
    for t in range((k + TILE - 1) // TILE):
        p = t * TILE + tx
        if row < m and p < k:
            tile_a[ty, tx] = a[batch * a_batch + row * a_row + p * a_col]
        else:
            tile_a[ty, tx] = 0
        q = t * TILE + ty
        if q < k and col < n:
            tile_b[ty, tx] = b[batch * b_batch + q * b_row + col * b_col]
        else:
            tile_b[ty, tx] = 0
        cuda.syncthreads()
        for e in range(TILE):
            acc += tile_a[ty, e] * tile_b[e, tx]
        cuda.syncthreads()
    if row < m and col < n:
        c[batch * m * n + row * n + col] = acc
'''


def kernel_source(dtype: str, tile: int = TILE) -> str:
    return _TEMPLATE.format(dtype=dtype, tile=tile)


def matmul_kernel(dtype: str, tile: int = TILE) -> Any:
    """The compiled (lazily, by numba) kernel for `dtype` ("float32" or "float64")."""
    if dtype not in ("float32", "float64"):
        raise TypeError(f"MatMul on the GPU supports float32 and float64, not {dtype}")
    return cached_kernel(("gemm", dtype, tile), lambda: kernel_source(dtype, tile),
                         f"cuda_gemm_{tile}")


def matmul_runner(a_shape: tuple[int, ...], b_shape: tuple[int, ...], dtype: Any,
                  transpose_a: bool = False, transpose_b: bool = False, tile: int = TILE
                  ) -> Callable[[Any, Any], Any]:
    """`run(a, b)` for contiguous device arrays of these shapes: A @ B (batched over leading
    dimensions, broadcast when one operand has no batch) into a fresh device array. Strides,
    grid and kernel are fixed here, once."""
    from .device import empty, flat

    m, k = (a_shape[-1], a_shape[-2]) if transpose_a else a_shape[-2:]
    k2, n = (b_shape[-1], b_shape[-2]) if transpose_b else b_shape[-2:]
    if k != k2:
        raise ValueError(f"Matrix size-incompatible: In[0]: {list(a_shape)}, In[1]: "
                         f"{list(b_shape)}")
    batch_shape = tuple(np.broadcast_shapes(a_shape[:-2], b_shape[:-2]))
    expand_a, a_shape = _batch_broadcast(a_shape, batch_shape, dtype)
    expand_b, b_shape = _batch_broadcast(b_shape, batch_shape, dtype)
    batches = int(np.prod(batch_shape, dtype=np.int64))
    strides = ((1, m) if transpose_a else (k, 1)) + (m * k if len(a_shape) > 2 else 0,) + \
        ((1, k) if transpose_b else (n, 1)) + (k * n if len(b_shape) > 2 else 0,)
    a_row, a_col, a_batch, b_row, b_col, b_batch = strides
    grid = ((n + tile - 1) // tile, (m + tile - 1) // tile, max(batches, 1))
    configured = configure(matmul_kernel(np.dtype(dtype).name, tile), grid, (tile, tile))
    out_shape = (*batch_shape, m, n)

    def run(a: Any, b: Any) -> Any:
        a, b = expand_a(a), expand_b(b)
        c = empty(out_shape, dtype)
        if c.size:
            configured(flat(a), flat(b), flat(c), m, n, k, a_row, a_col, a_batch, b_row, b_col,
                       b_batch)
        return c

    return run


def _batch_broadcast(shape: tuple[int, ...], batch_shape: tuple[int, ...], dtype: Any
                     ) -> tuple[Callable[[Any], Any], tuple[int, ...]]:
    """(expand, new shape): an operand whose batch dimensions differ from the result's (other
    than having none, which the kernel broadcasts with batch stride 0) is broadcast by a gather."""
    if len(shape) == 2 or tuple(shape[:-2]) == batch_shape:
        return (lambda x: x), tuple(shape)
    from .gather import layout_runner

    full = (*batch_shape, *shape[-2:])
    return layout_runner(lambda attrs, x: np.broadcast_to(x, full), None, shape, dtype, ()), full


def matmul(a: np.ndarray, b: np.ndarray, transpose_a: bool = False, transpose_b: bool = False,
           tile: int = TILE) -> np.ndarray:
    """A @ B on the device, from and to host arrays (tests; the backend keeps operands on the
    device)."""
    from .device import to_device

    run = matmul_runner(a.shape, b.shape, a.dtype, transpose_a, transpose_b, tile)
    return run(to_device(a), to_device(b)).copy_to_host()
