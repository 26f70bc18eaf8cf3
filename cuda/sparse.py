"""Static linear ops on the GPU as one sparse matrix-vector product.

Gradients of layout ops (StridedSliceGrad, MirrorPadGrad), col2im (the input gradient of a
convolution), average pooling and its gradient are all linear maps whose matrix depends only
on static shapes and attributes. Each is built once per plan node on the host as a scipy CSR
matrix, from the same index maps the gathers use (`gather_matrix`, its transpose for the
adjoint), and uploaded; the device then runs one kernel: out[d] = sum_k w[k] * src[col[k]] over
row d's entries. Every output is written by one thread, in a fixed order: no atomics, results
are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse

from .kernel_cache import cached_kernel, output_runner

_SOURCE = '''
from numba import cuda


@cuda.jit
def kernel(src, ptr, cols, weights, zero, out):
    for d in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        acc = zero[0]
        for k in range(ptr[d], ptr[d + 1]):
            acc += weights[k] * src[cols[k]]
        out[d] = acc
'''


def spmv_kernel() -> Any:
    """out[d] = sum over k in [ptr[d], ptr[d+1]) of weights[k] * src[cols[k]]."""
    return cached_kernel("spmv", lambda: _SOURCE, "cuda_spmv")


def gather_matrix(index: np.ndarray, src_size: int) -> scipy.sparse.csr_matrix:
    """The 0/1 matrix of a gather map: out[i] = src[index[i]] (nothing where index[i] < 0)."""
    rows = np.flatnonzero(index >= 0)
    return scipy.sparse.csr_matrix((np.ones(rows.size), (rows, index[rows])),
                                   shape=(index.size, src_size))


def linear_runner(matrix: scipy.sparse.spmatrix, out_shape: tuple[int, ...], dtype: Any,
                  threads: int = 256) -> Callable[[Any], Any]:
    """`run(src)`: the device array of `out_shape` holding `matrix @ src.ravel()`. The matrix
    goes to the device once, here, with weights in `dtype`."""
    from numba import cuda

    from .device import flat

    csr = scipy.sparse.csr_matrix(matrix)
    csr.sum_duplicates()
    size = csr.shape[0]
    assert size == int(np.prod(out_shape, dtype=np.int64)), (csr.shape, out_shape)
    ptr = cuda.to_device(csr.indptr.astype(np.int64))
    cols = cuda.to_device(csr.indices.astype(np.int64))
    weights = cuda.to_device(csr.data.astype(dtype))
    zero = cuda.to_device(np.zeros(1, dtype))
    product = output_runner(spmv_kernel(), out_shape, dtype, threads)
    return lambda src: product(flat(src), ptr, cols, weights, zero)


def launch_signatures() -> list[Any]:
    """The sparse matrix-vector product, for every dtype it multiplies (average pooling,
    resizes, layout gradients)."""
    from .launch_signatures import Launch, array

    index = array("int64")
    return [Launch(f"spmv-{dtype}", spmv_kernel().py_func,
                   (array(dtype), index, index, array(dtype), array(dtype), array(dtype)))
            for dtype in ("float32", "float64", "int32", "int64")]
