"""Batched matrix product on the GPU: C[b] = A[b] @ B[b], tiled in shared memory.

Each block computes a TILE x TILE tile of C, walking K one tile at a time: the threads load one
tile of A and one of B into shared memory, synchronize, and accumulate. Operands are 1-D
device arrays addressed through strides, so transposed operands (transpose_a/b) and a batch
broadcast (batch stride 0) need no copies. One kernel per dtype, generated from one template.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from graphflow.backends.generated import load_generated

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

_lock = threading.Lock()
_kernels: dict[tuple[str, int], Any] = {}


def kernel_source(dtype: str, tile: int = TILE) -> str:
    return _TEMPLATE.format(dtype=dtype, tile=tile)


def matmul_kernel(dtype: str, tile: int = TILE) -> Any:
    """The compiled (lazily, by numba) kernel for `dtype` ("float32" or "float64")."""
    if dtype not in ("float32", "float64"):
        raise TypeError(f"MatMul on the GPU supports float32 and float64, not {dtype}")
    with _lock:
        key = (dtype, tile)
        if key not in _kernels:
            _kernels[key] = load_generated(kernel_source(dtype, tile), f"cuda_gemm_{tile}").kernel
        return _kernels[key]


def matmul(a: np.ndarray, b: np.ndarray, transpose_a: bool = False, transpose_b: bool = False,
           tile: int = TILE) -> np.ndarray:
    """A @ B (batched over leading dimensions, broadcast when one operand has no batch) on
    the device, from and to host arrays (tests; the backend keeps operands on the device)."""
    from numba import cuda

    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    m, k = (a.shape[-1], a.shape[-2]) if transpose_a else a.shape[-2:]
    k2, n = (b.shape[-1], b.shape[-2]) if transpose_b else b.shape[-2:]
    if k != k2:
        raise ValueError(f"Matrix size-incompatible: In[0]: {list(a.shape)}, In[1]: "
                         f"{list(b.shape)}")
    batch_shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    batches = int(np.prod(batch_shape, dtype=np.int64))
    a_row, a_col = (1, m) if transpose_a else (k, 1)
    b_row, b_col = (1, k) if transpose_b else (n, 1)
    a_batch = m * k if a.ndim > 2 else 0
    b_batch = k * n if b.ndim > 2 else 0
    c = cuda.device_array(batches * m * n, a.dtype)
    grid = ((n + tile - 1) // tile, (m + tile - 1) // tile, max(batches, 1))
    matmul_kernel(a.dtype.name, tile)[grid, (tile, tile)](
        cuda.to_device(a.reshape(-1)), cuda.to_device(b.reshape(-1)), c, m, n, k,
        a_row, a_col, a_batch, b_row, b_col, b_batch)
    return c.copy_to_host().reshape(*batch_shape, m, n)
