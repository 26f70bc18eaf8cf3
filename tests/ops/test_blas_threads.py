"""BLAS thread control without threadpoolctl (graphflow.ops._openblas_threads) and the MatMul CPU
kernel that runs small products on one BLAS thread: values against numpy float64 on both paths,
every transpose combination, and the thread count restored afterwards."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pytest

from graphflow.compiler.ir import Node
from graphflow.ops import _cpu_workers, _openblas_threads, matmul
from graphflow.ops.registry import REGISTRY

OPENBLAS = _openblas_threads.numpy_openblas()
needs_openblas = pytest.mark.skipif(OPENBLAS is None, reason="numpy is not built with OpenBLAS here")


@needs_openblas
def test_numpy_openblas_reads_and_sets_the_thread_count():
    before = OPENBLAS.num_threads
    assert before >= 1
    try:
        OPENBLAS.set_num_threads(1)
        assert OPENBLAS.num_threads == 1
    finally:
        OPENBLAS.set_num_threads(before)
    assert OPENBLAS.num_threads == before


@needs_openblas
def test_without_threadpoolctl_single_threaded_blas_uses_numpys_openblas(monkeypatch):
    monkeypatch.setattr(_cpu_workers, "ThreadpoolController", None)
    monkeypatch.setitem(_cpu_workers._state, "blas", None)  # found again, through ctypes
    before = OPENBLAS.num_threads
    with _cpu_workers.single_threaded_blas():
        assert [lib.num_threads for lib in _cpu_workers._blas_libraries()] == [1]
        with _cpu_workers.single_threaded_blas():  # nested: still one thread
            assert OPENBLAS.num_threads == 1
        assert OPENBLAS.num_threads == 1
    assert OPENBLAS.num_threads == before


def test_a_library_without_thread_functions_is_not_controlled(monkeypatch, tmp_path):
    monkeypatch.setattr(_openblas_threads, "_candidate_paths", lambda: [str(tmp_path / "missing.so")])
    assert _openblas_threads.numpy_openblas() is None


@pytest.fixture
def single_threaded_calls(monkeypatch):
    """One entry per `single_threaded_blas()` block a kernel opens (BLAS itself left alone)."""
    used = []

    @contextmanager
    def recording():
        used.append(True)
        yield

    monkeypatch.setattr(_cpu_workers, "single_threaded_blas", recording)
    return used


def _kernel(node_type: str, **attrs):
    opdef = REGISTRY[node_type]
    return opdef.cpu_kernel(Node(opdef, node_type, attrs, (), (), (), ()))


@pytest.mark.parametrize("large", [False, True], ids=["single-threaded", "threaded"])
@pytest.mark.parametrize(("ta", "tb"), [(False, False), (False, True), (True, False), (True, True)])
def test_matmul_cpu_kernel_matches_float64(monkeypatch, single_threaded_calls, ta, tb, large):
    used = single_threaded_calls
    monkeypatch.setattr(matmul, "_alone", {"work": 0})  # as with a BLAS of unknown threading
    if large:
        monkeypatch.setattr(_cpu_workers, "MIN_THREADED_MATMUL_WORK", 0)
    rng = np.random.default_rng(3)
    a = rng.standard_normal((7, 5) if ta else (5, 7)).astype(np.float32)
    b = rng.standard_normal((3, 7) if tb else (7, 3)).astype(np.float32)
    got = _kernel("MatMul", transpose_a=ta, transpose_b=tb)(a, b)
    want = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b).astype(np.float64)
    assert got.dtype == np.float32 and got.shape == (5, 3)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert used == ([] if large else [True])


def test_batch_matmul_cpu_kernel_broadcasts_batches():
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((2, 1, 4, 3)), rng.standard_normal((3, 2, 4))
    got = _kernel("BatchMatMulV2", adj_x=True, adj_y=True)(a, b)
    want = np.einsum("xykm,znk->xzmn", a, b)
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize(("shape_a", "shape_b", "policy"), [
    ((128, 256), (256, 256), "threads"),  # 8.4M multiply-adds: BLAS's threads pay off
    ((128, 256), (256, 10), "alone"),  # 0.3M: numpy's OpenBLAS stays on one thread by itself
    ((128, 128), (128, 32), "alone"),  # 0.52M: the most it keeps on one thread
    ((128, 128), (128, 128), "single"),  # 2.1M: one thread, set around the product
])
def test_matmul_threads_by_product_size(single_threaded_calls, shape_a, shape_b, policy):
    used = single_threaded_calls
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal(shape_a).astype(np.float32), rng.standard_normal(shape_b).astype(np.float32)
    got = _kernel("MatMul")(a, b)
    np.testing.assert_allclose(got, a.astype(np.float64) @ b.astype(np.float64), rtol=1e-4, atol=1e-3)
    openblas = OPENBLAS is not None
    assert used == ([] if policy == "threads" or (policy == "alone" and openblas) else [True])
