"""Splitting kernels over the cores (graphflow.ops._cpu_workers): the ranges tile the batch once,
a worker's error reaches the caller, and BLAS's thread count is restored afterwards, also when
calls overlap."""

from __future__ import annotations

import threading

import pytest

from graphflow.ops import _cpu_workers as workers

BIG = 10 ** 9  # a cost above MIN_SPLIT_WORK


def _blas_threads() -> list[int]:
    return [lib.num_threads for lib in workers._blas_libraries()]


@pytest.mark.parametrize(("n", "most"), [(7, None), (64, 3), (1, None), (5, 1)])
def test_the_ranges_tile_the_batch_once(n, most):
    seen = []
    workers.split_images(n, lambda worker, lo, hi: seen.append((worker, lo, hi)), BIG, most)
    covered = sorted(i for _, lo, hi in seen for i in range(lo, hi))
    assert covered == list(range(n))
    assert all(0 <= worker < workers.workers_for(n, BIG) for worker, _, _ in seen)
    if most is not None:
        assert all(hi - lo <= most for _, lo, hi in seen)


def test_small_work_runs_whole_on_the_calling_thread():
    caller, seen = threading.get_ident(), []
    workers.split_images(64, lambda worker, lo, hi: seen.append((lo, hi, threading.get_ident())), 1)
    assert seen == [(0, 64, caller)]


def test_blas_runs_single_threaded_inside_and_is_restored_after():
    before, inside = _blas_threads(), []
    workers.split_images(4, lambda worker, lo, hi: inside.append(_blas_threads()), BIG)
    if workers.ThreadpoolController is not None and before:
        assert inside and all(threads == [1] * len(before) for threads in inside)
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


def test_an_error_reaches_the_caller_and_blas_is_restored():
    before = _blas_threads()

    def work(worker, lo, hi):
        if lo <= 5 < hi:
            raise ValueError(f"bad images {lo}..{hi}")

    with pytest.raises(ValueError, match="bad images"):
        workers.split_images(8, work, BIG)
    assert _blas_threads() == before
