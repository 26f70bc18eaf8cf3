"""Parking OpenBLAS's spinning workers (graphflow.ops._cpu_workers.park_spinning_blas, with
ops._blas_spinners): after a threaded product its idle worker burns a core for about 0.1 s;
parked, it burns nothing, BLAS runs on one thread, and the next product that asks for BLAS's
threads brings them back with the right results. Parking refuses where another Python thread
could be inside BLAS, where no threaded product ran lately, and outside a single-threaded
block."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from graphflow.ops import _blas_spinners, _cpu_workers, _openblas_threads

OPENBLAS = _openblas_threads.numpy_openblas()
pytestmark = pytest.mark.skipif(
    OPENBLAS is None or not OPENBLAS.can_stop_workers or len(os.sched_getaffinity(0)) < 2,
    reason="needs numpy's OpenBLAS with blas_thread_shutdown_ and two cores")


@pytest.fixture(autouse=True)
def blas_restored():
    before = OPENBLAS.num_threads
    yield
    _cpu_workers.bring_back_blas_threads()
    OPENBLAS.set_num_threads(before)
    _blas_spinners.forget_threaded_products()


def _threaded_product() -> np.ndarray:
    OPENBLAS.set_num_threads(2)
    a = np.random.default_rng(0).standard_normal((512, 512)).astype(np.float32)
    return _cpu_workers.threaded_matmul(a, a)


def _cpu_seconds_while_sleeping(seconds: float = 0.06) -> float:
    start = time.process_time()
    time.sleep(seconds)
    return time.process_time() - start


def test_a_threaded_product_leaves_a_worker_spinning():
    _threaded_product()
    assert _blas_spinners.may_spin()
    assert _cpu_seconds_while_sleeping() > 0.03  # the worker's busy wait, while we sleep


def test_parking_ends_the_spinning_worker_and_products_come_back_threaded():
    _threaded_product()
    with _cpu_workers.single_threaded_blas():
        assert _cpu_workers.park_spinning_blas()
    assert _cpu_seconds_while_sleeping() < 0.02  # nobody spins
    assert OPENBLAS.num_threads == 1 and _cpu_workers._state["parked"] == [2]
    with _cpu_workers.single_threaded_blas():  # no thread count set while parked
        assert _cpu_workers._state["parked"] == [2]
    rng = np.random.default_rng(1)
    a = rng.standard_normal((300, 200)).astype(np.float32)
    b = rng.standard_normal((200, 100)).astype(np.float32)
    got = _cpu_workers.threaded_matmul(a, b)  # brings the pool back
    assert _cpu_workers._state["parked"] is None and OPENBLAS.num_threads == 2
    np.testing.assert_allclose(got, a.astype(np.float64) @ b.astype(np.float64), rtol=1e-4, atol=1e-4)


def test_parking_refuses_without_a_recent_threaded_product():
    _blas_spinners.forget_threaded_products()
    with _cpu_workers.single_threaded_blas():
        assert not _cpu_workers.park_spinning_blas()
    assert _cpu_workers._state["parked"] is None


def test_parking_refuses_outside_a_single_threaded_block():
    _threaded_product()
    assert not _cpu_workers.park_spinning_blas()
    assert _cpu_workers._state["parked"] is None


def test_parking_refuses_while_another_python_thread_runs():
    _threaded_product()
    release = threading.Event()
    other = threading.Thread(target=release.wait, name="user-thread")
    other.start()
    try:
        assert not _blas_spinners.only_this_thread_runs_python()
        with _cpu_workers.single_threaded_blas():
            assert not _cpu_workers.park_spinning_blas()
    finally:
        release.set()
        other.join()
    assert _cpu_workers._state["parked"] is None
