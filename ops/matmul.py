"""MatMul (2-D, transpose_a/b) and BatchMatMul (leading batch dims broadcast). CPU: BLAS via
numpy, which beats any numba loop; the gradient is two more matmuls.

The CPU kernel runs products below `_cpu_workers.MIN_THREADED_MATMUL_WORK` multiply-adds (4M) on
one BLAS thread: waking OpenBLAS's pool costs more than it saves there, and on a busy 2-core
machine a call can wait a scheduler slice for the second thread. Larger products (an MLP's
128x256 @ 256x256, an LSTM's 128x156 @ 156x512) keep BLAS's threads (10-40% faster steps
measured on the 2-core machine, numbers in `_cpu_workers`), except while other processes hold the
cores (`_machine_load.cores_taken_lately`): then a product's second BLAS thread waits scheduler
slices, and one thread is 4-30x faster (an MLP step 2.3 against 10-32 ms, benchmarks/README.md).
Products on one thread (the smaller ones, and every product inside a `single_threaded_blas` block
such as an LSTM loop's halves) run in column blocks where that was measured faster for their
shape (`_blocked_matmul`).
"""

from __future__ import annotations

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from . import _cpu_workers
from ._blocked_matmul import one_thread_matmul
from ._cpu_workers import threaded_matmul
from ._machine_load import cores_taken_lately
from ._openblas_threads import numpy_openblas
from ._rules import broadcast_dims, same_dtype
from .registry import OpDef, Sample, Spec, register


def _mT(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


#: Multiply-adds up to which numpy's OpenBLAS runs a product on one thread by itself (its gemm
#: interface: 2 x 65536 x GEMM_MULTITHREAD_THRESHOLD 4; measured with 0.3.31: 128x256 @ 256x10
#: and 128x128 @ 128x32 take the same time with one thread or two): no thread count to set
#: around them, which costs about 2.5 us a product (the MLP's three 10-class products).
OPENBLAS_ONE_THREAD_WORK = 524_288
_alone: dict[str, int] = {}


def _one_thread_work() -> int:
    """Multiply-adds up to which numpy's BLAS stays on one thread by itself (0: not known)."""
    if "work" not in _alone:
        _alone["work"] = OPENBLAS_ONE_THREAD_WORK if numpy_openblas() is not None else 0
    return _alone["work"]


class _MatMulBase(OpDef):
    a_attr, b_attr = "transpose_a", "transpose_b"
    defaults = {"transpose_a": False, "transpose_b": False}

    def infer(self, inputs, attrs):
        a, b = inputs
        same_dtype(inputs)
        if a.dtype.is_bool:
            raise TypeError("MatMul does not support bool")
        ta, tb = attrs.get(self.a_attr, False), attrs.get(self.b_attr, False)
        if a.rank is None or b.rank is None:
            return [Spec(TensorShape(None), a.dtype)]
        self.check_rank(a, b)
        ad, bd = list(a.dims), list(b.dims)
        m, k1 = (ad[-1], ad[-2]) if ta else (ad[-2], ad[-1])
        k2, n = (bd[-1], bd[-2]) if tb else (bd[-2], bd[-1])
        if k1 is not None and k2 is not None and k1 != k2:
            raise ValueError(f"Dimensions must be equal, but are {k1} and {k2}")
        batch = broadcast_dims(TensorShape(ad[:-2]), TensorShape(bd[:-2]))
        return [Spec(TensorShape([*batch.dims, m, n]), a.dtype)]

    def check_rank(self, a, b):
        if a.rank < 2 or b.rank < 2:
            raise ValueError(f"{self.type} needs rank >= 2 inputs, got ranks {a.rank} and {b.rank}")

    def reference(self, attrs, a, b):
        if attrs.get(self.a_attr, False):
            a = _mT(a)
        if attrs.get(self.b_attr, False):
            b = _mT(b)
        return np.matmul(a, b)

    def cpu_kernel(self, node):
        ta, tb = node.attrs.get(self.a_attr, False), node.attrs.get(self.b_attr, False)
        single_threaded = _cpu_workers.single_threaded_blas
        alone = _one_thread_work()

        def matmul(a, b):
            a = _mT(a) if ta else a  # a view: BLAS reads it through its transpose flag
            b = _mT(b) if tb else b
            multiply_adds = max(a.size * b.shape[-1], b.size * a.shape[-2])  # batches broadcast
            if multiply_adds <= alone:  # BLAS keeps it on one thread by itself
                return np.matmul(a, b)
            if multiply_adds >= _cpu_workers.MIN_THREADED_MATMUL_WORK \
                    and not _cpu_workers.blas_on_one_thread() and not cores_taken_lately():
                return threaded_matmul(a, b)
            with single_threaded():
                return one_thread_matmul(a, b)

        return matmul

    def grad(self, op, dc):
        from graphflow.api import math

        a, b = op.inputs
        ta, tb = op.get_attr(self.a_attr), op.get_attr(self.b_attr)
        mm = lambda x, y, tx, ty: math.matmul(x, y, transpose_a=tx, transpose_b=ty)  # noqa: E731
        if not ta and not tb:
            da, db = mm(dc, b, False, True), mm(a, dc, True, False)
        elif not ta and tb:
            da, db = mm(dc, b, False, False), mm(dc, a, True, False)
        elif ta and not tb:
            da, db = mm(b, dc, False, True), mm(a, dc, False, False)
        else:
            da, db = mm(b, dc, True, True), mm(dc, a, True, True)
        if self.type == "BatchMatMulV2":
            da, db = math.sum_to_shape(da, a), math.sum_to_shape(db, b)
        return [da, db]


@register
class MatMul(_MatMulBase):
    """C = op(A) @ op(B) for rank-2 A and B."""

    type = "MatMul"
    kernels = {"cuda": "graphflow.cuda.gemm:build_matmul"}

    def check_rank(self, a, b):
        if a.rank != 2 or b.rank != 2:
            raise ValueError(f"Shape must be rank 2 but is rank {a.rank if a.rank != 2 else b.rank}")

    def samples(self, rng):
        return [Sample([rng.normal(size=(m, k)) if not ta else rng.normal(size=(k, m)),
                        rng.normal(size=(k, n)) if not tb else rng.normal(size=(n, k))],
                       {"transpose_a": ta, "transpose_b": tb})
                for (m, k, n) in [(3, 4, 2)] for ta in (False, True) for tb in (False, True)]


@register
class BatchMatMulV2(_MatMulBase):
    """Batched matmul over leading dims (broadcast), `adj_x`/`adj_y` transpose the last two."""

    type = "BatchMatMulV2"
    kernels = {"cuda": "graphflow.cuda.gemm:build_matmul"}
    a_attr, b_attr = "adj_x", "adj_y"
    defaults = {"adj_x": False, "adj_y": False}

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 5))]),
                Sample([rng.normal(size=(2, 1, 4, 3)), rng.normal(size=(3, 2, 4))],
                       {"adj_x": True, "adj_y": True}),
                Sample([rng.normal(size=(3, 2)), rng.normal(size=(4, 2, 2))])]
