"""numba loops over column blocks of a product, each block one call of numpy's own OpenBLAS
`cblas_sgemm` / `cblas_dgemm` (see ops._blocked_matmul for why).

The gemm functions are reached as external symbols registered with LLVM at import
(`llvmlite.binding.add_symbol`), so the compiled loops name them rather than embed their
addresses, and numba's disk cache serves the next process. AVAILABLE is False where numpy's
BLAS exports no such functions (then the loops must not be called).
"""

from __future__ import annotations

import ctypes

import llvmlite.binding as llvm
from numba import njit, types

from ._openblas_threads import numpy_blas_library

# cblas names by build, most specific first: (single, double)
_NAMES = (("scipy_cblas_sgemm64_", "scipy_cblas_dgemm64_"), ("scipy_cblas_sgemm", "scipy_cblas_dgemm"),
          ("cblas_sgemm64_", "cblas_dgemm64_"), ("cblas_sgemm", "cblas_dgemm"))


def _find() -> tuple[int, int, bool] | None:
    """(sgemm address, dgemm address, whether its integers are 64-bit) of numpy's BLAS."""
    library = numpy_blas_library()
    if library is None:
        return None
    for single, double in _NAMES:
        if hasattr(library, single) and hasattr(library, double):
            address = lambda name: ctypes.cast(getattr(library, name), ctypes.c_void_p).value  # noqa: E731
            return address(single), address(double), single.endswith("64_")
    return None


_found = _find()
AVAILABLE = _found is not None
_WIDE = _found is None or _found[2]
# the integer width is part of the symbols' names: a disk-cached loop compiled against the
# other width fails to link instead of passing integers of the wrong size
_SUFFIX = "i64" if _WIDE else "i32"
if _found is not None:
    llvm.add_symbol(f"graphflow_cblas_sgemm_{_SUFFIX}", _found[0])
    llvm.add_symbol(f"graphflow_cblas_dgemm_{_SUFFIX}", _found[1])

_int = types.int64 if _WIDE else types.int32


def _signature(scalar: types.Type) -> types.Type:
    # (order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); pointers as
    # 64-bit integers (the same registers in the C calling convention)
    return types.void(types.int32, types.int32, types.int32, _int, _int, _int, scalar,
                      types.int64, _int, types.int64, _int, scalar, types.int64, _int)


_sgemm = types.ExternalFunction(f"graphflow_cblas_sgemm_{_SUFFIX}", _signature(types.float32))
_dgemm = types.ExternalFunction(f"graphflow_cblas_dgemm_{_SUFFIX}", _signature(types.float64))

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112


@njit(cache=True, nogil=True)
def gemm_blocks(double, trans_a, trans_b, m, n, k, a, lda, b, ldb, b_column_bytes, c, ldc,
                c_column_bytes, width):
    """C = op(A) op(B) (row-major, float64 if `double` else float32, C written in place),
    `width` columns at a time; the operands are addresses (`ndarray.ctypes.data`)."""
    for j in range(0, n, width):
        columns, b_at, c_at = min(width, n - j), b + j * b_column_bytes, c + j * c_column_bytes
        if double:
            _dgemm(ROW_MAJOR, trans_a, trans_b, m, columns, k, 1.0, a, lda, b_at, ldb, 0.0, c_at, ldc)
        else:
            _sgemm(ROW_MAJOR, trans_a, trans_b, m, columns, k, 1.0, a, lda, b_at, ldb, 0.0, c_at, ldc)
