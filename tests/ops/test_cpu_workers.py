"""Splitting kernels over the cores (graphflow.ops._cpu_workers): every image is covered once,
results come back in order, a worker's error reaches the caller, and BLAS's thread count is
restored afterwards, also when calls overlap."""

from __future__ import annotations

import threading

import pytest

from graphflow.ops import _cpu_workers as workers


def _blas_threads() -> list[int]:
    return [lib.num_threads for lib in workers._blas_libraries()]


def test_a_split_covers_every_image_once_in_order():
    ranges = workers.split_images(7, lambda worker, lo, hi: (worker, lo, hi), cost=10 ** 9)
    assert [r[1:] for r in ranges] == sorted(r[1:] for r in ranges)
    covered = [i for _, lo, hi in ranges for i in range(lo, hi)]
    assert covered == list(range(7))
    assert [r[0] for r in ranges] == list(range(len(ranges)))
    assert len(ranges) == workers.workers_for(7, 10 ** 9)


def test_small_work_runs_whole_on_the_calling_thread():
    caller = threading.get_ident()
    got = workers.split_images(64, lambda worker, lo, hi: (lo, hi, threading.get_ident()), cost=1)
    assert got == [(0, 64, caller)]


def test_blas_runs_single_threaded_inside_and_is_restored_after():
    before = _blas_threads()
    inside = workers.split_images(4, lambda worker, lo, hi: _blas_threads(), cost=10 ** 9)
    if workers.ThreadpoolController is not None and before:
        assert all(threads == [1] * len(before) for threads in inside)
    assert _blas_threads() == before
    # overlapping calls (two sessions at once) restore the count once, at the end
    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=workers.split_images,
                                args=(2, lambda worker, lo, hi: barrier.wait(5), 1))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _blas_threads() == before


def test_a_workers_error_reaches_the_caller_and_blas_is_restored():
    before = _blas_threads()

    def work(worker, lo, hi):
        if worker == workers.workers_for(8, 10 ** 9) - 1:
            raise ValueError(f"bad images {lo}..{hi}")
        return lo

    with pytest.raises(ValueError, match="bad images"):
        workers.split_images(8, work, cost=10 ** 9)
    assert _blas_threads() == before
