"""Batched matrix product on the GPU: C[b] = A[b] @ B[b], tiled in shared memory with register
blocking.

Each block of 256 threads computes a 64 x 64 tile of C, walking K eight columns at a time: the
threads stage an 8 x 64 slice of A (stored transposed) and of B in shared memory, synchronize,
and each thread accumulates a 4 x 4 sub-tile of C in registers from four values of A and four of
B per step (16 multiply-adds per 8 shared-memory reads). A thread's columns are 16 apart, so a
warp reads consecutive shared-memory words and writes consecutive addresses of C. Operands are
1-D device arrays addressed through strides, so transposed operands (transpose_a/b) and a batch
broadcast (batch stride 0) need no copies. One kernel per dtype, generated from one template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .kernel_cache import cached_kernel, configure

#: Block tile (rows and columns of C), K step, and the rows/columns each thread accumulates.
BLOCK, STEP, PER_THREAD = 64, 8, 4
THREADS = (BLOCK // PER_THREAD) ** 2  # 256

_TEMPLATE = '''
from numba import cuda, {dtype}

BLOCK = {block}
STEP = {step}
PER = {per}
LANES = BLOCK // PER
THREADS = LANES * LANES


@cuda.jit
def kernel(a, b, c, m, n, k, a_row, a_col, a_batch, b_row, b_col, b_batch):
    tid = cuda.threadIdx.x
    tx = tid % LANES
    ty = tid // LANES
    batch = cuda.blockIdx.z
    row0 = cuda.blockIdx.y * BLOCK
    col0 = cuda.blockIdx.x * BLOCK
    tile_a = cuda.shared.array((STEP, BLOCK), {dtype})
    tile_b = cuda.shared.array((STEP, BLOCK), {dtype})
    acc = cuda.local.array((PER, PER), {dtype})
    left = cuda.local.array(PER, {dtype})
    right = cuda.local.array(PER, {dtype})
    for i in range(PER):
        for j in range(PER):
            acc[i, j] = 0
    for t in range(0, k, STEP):
        for e in range(tid, BLOCK * STEP, THREADS):
            r = e // STEP
            q = e % STEP
            if row0 + r < m and t + q < k:
                tile_a[q, r] = a[batch * a_batch + (row0 + r) * a_row + (t + q) * a_col]
            else:
                tile_a[q, r] = 0
            q = e // BLOCK
            r = e % BLOCK
            if t + q < k and col0 + r < n:
                tile_b[q, r] = b[batch * b_batch + (t + q) * b_row + (col0 + r) * b_col]
            else:
                tile_b[q, r] = 0
        cuda.syncthreads()
        for q in range(STEP):
            for i in range(PER):
                left[i] = tile_a[q, ty + i * LANES]
                right[i] = tile_b[q, tx + i * LANES]
            for i in range(PER):
                for j in range(PER):
                    acc[i, j] += left[i] * right[j]
        cuda.syncthreads()
    for i in range(PER):
        row = row0 + ty + i * LANES
        for j in range(PER):
            col = col0 + tx + j * LANES
            if row < m and col < n:
                c[batch * m * n + row * n + col] = acc[i, j]
'''


def kernel_source(dtype: str) -> str:
    return _TEMPLATE.format(dtype=dtype, block=BLOCK, step=STEP, per=PER_THREAD)


def matmul_kernel(dtype: str) -> Any:
    """The compiled (lazily, by numba) kernel for `dtype` ("float32" or "float64")."""
    if dtype not in ("float32", "float64"):
        raise TypeError(f"MatMul on the GPU supports float32 and float64, not {dtype}")
    return cached_kernel(("gemm", dtype), lambda: kernel_source(dtype), "cuda_gemm")


def matmul_runner(a_shape: tuple[int, ...], b_shape: tuple[int, ...], dtype: Any,
                  transpose_a: bool = False, transpose_b: bool = False
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
    grid = (-(-n // BLOCK), -(-m // BLOCK), max(batches, 1))
    configured = configure(matmul_kernel(np.dtype(dtype).name), grid, THREADS)
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
    from .layout import layout_runner

    full = (*batch_shape, *shape[-2:])
    return layout_runner(lambda attrs, x: np.broadcast_to(x, full), None, shape, dtype, ()), full


def matmul(a: np.ndarray, b: np.ndarray, transpose_a: bool = False, transpose_b: bool = False
           ) -> np.ndarray:
    """A @ B on the device, from and to host arrays (tests; the backend keeps operands on the
    device)."""
    from .device import to_device

    run = matmul_runner(a.shape, b.shape, a.dtype, transpose_a, transpose_b)
    return run(to_device(a), to_device(b)).copy_to_host()


def build_matmul(node: Any) -> Callable[[Any, Any], Any] | None:
    """MatMul, BatchMatMulV2 (floats; the op names its transpose attributes)."""
    from .builder_inputs import shape_of

    a, b = node.in_specs
    if a.dtype.np.kind != "f":
        return None
    opdef = node.opdef
    return matmul_runner(shape_of(a), shape_of(b), a.dtype.np, bool(node.attrs.get(opdef.a_attr)),
                         bool(node.attrs.get(opdef.b_attr)))


def launch_signatures() -> list[Any]:
    """The tiled matmul in float32 and float64."""
    from numba import types

    from .launch_signatures import Launch, array

    return [Launch(f"matmul-{dtype}", matmul_kernel(dtype).py_func,
                   (array(dtype),) * 3 + (types.int64,) * 9) for dtype in ("float32", "float64")]
