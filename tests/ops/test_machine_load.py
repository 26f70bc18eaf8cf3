"""ops/_machine_load: whether other processes hold the cores (the CPU kernels' BLAS threading
choice), from the load average, this process's own CPU use and the threads runnable now."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


def test_own_load_follows_this_processs_cpu_use(monkeypatch):
    from graphflow.ops import _machine_load

    clock = {"wall": 100.0, "cpu": 10.0}
    monkeypatch.setattr(_machine_load.time, "monotonic", lambda: clock["wall"])
    monkeypatch.setattr(_machine_load.time, "process_time", lambda: clock["cpu"])
    monkeypatch.setitem(_machine_load._own, "wall", -1.0)
    monkeypatch.setitem(_machine_load._own, "load", 0.0)
    assert _machine_load.own_load() == 0.0  # the first call only takes a sample
    clock["wall"], clock["cpu"] = 160.0, 70.0  # one core busy for a minute
    assert _machine_load.own_load() == pytest.approx(1.0 - np.exp(-1.0))
    clock["wall"] += 600.0  # ten idle minutes
    assert _machine_load.own_load() == pytest.approx((1.0 - np.exp(-1.0)) * np.exp(-10.0))


def test_a_load_left_by_an_ended_process_does_not_count(monkeypatch):
    from graphflow.ops import _machine_load

    monkeypatch.setattr(_machine_load.os, "getloadavg", lambda: (3.0, 3.0, 3.0))
    monkeypatch.setattr(_machine_load, "own_load", lambda: 0.0)
    for running, taken in ((0, False), (1, True), (None, True)):
        monkeypatch.setattr(_machine_load, "others_running", lambda running=running: running)
        assert _machine_load.cores_taken() is taken


def test_a_runnable_thread_seen_for_a_moment_does_not_count(monkeypatch):
    from graphflow.ops import _machine_load

    monkeypatch.setattr(_machine_load.os, "getloadavg", lambda: (3.0, 3.0, 3.0))
    monkeypatch.setattr(_machine_load, "own_load", lambda: 0.0)
    monkeypatch.setattr(_machine_load, "RUNNABLE_SAMPLE_GAP_S", 0.0)
    for looks, taken in (([1, 1, 1], True), ([1, 0, 1], False), ([2, 1, 0], False), ([0], False)):
        seen = iter(looks)
        monkeypatch.setattr(_machine_load, "others_running", lambda seen=seen: next(seen))
        assert _machine_load.cores_taken() is taken


def test_others_running_subtracts_this_processs_running_threads(monkeypatch):
    import io

    from graphflow.ops import _machine_load

    files = {"/proc/loadavg": "2.10 1.50 1.20 5/300 4242\n",
             "/proc/self/task/1/stat": "1 (python (main)) R 0 1 1",
             "/proc/self/task/2/stat": "2 (OpenBLAS) S 0 1 1",
             "/proc/self/task/3/stat": "3 (worker) R 0 1 1"}
    monkeypatch.setattr(_machine_load, "open", lambda path: io.StringIO(files[path]), raising=False)
    monkeypatch.setattr(_machine_load.os, "listdir", lambda path: ["1", "2", "3"])
    assert _machine_load.others_running() == 3  # 5 runnable, 2 of them this process's


def test_the_answer_serves_for_a_while_and_needs_two_yeses_in_a_row(monkeypatch):
    from graphflow.ops import _machine_load

    answers = iter([True, False, True, True, True])
    asked = []
    monkeypatch.setattr(_machine_load, "cores_taken", lambda: asked.append(1) or next(answers))
    monkeypatch.setattr(_machine_load, "TAKEN_TTL_S", 3600.0)
    for key, value in (("at", -1e9), ("value", False), ("last", False)):
        monkeypatch.setitem(_machine_load._taken, key, value)  # restored after the test
    assert not _machine_load.cores_taken_lately()  # a first yes alone does not count
    assert not _machine_load.cores_taken_lately() and len(asked) == 1  # served for TAKEN_TTL_S
    seen = []
    for _ in range(4):
        _machine_load._taken["at"] = -1e9  # the period is over: ask again
        seen.append(_machine_load.cores_taken_lately())
    assert seen == [False, False, True, True]  # no, yes, then yes after yes


def test_products_leave_blas_threads_while_the_cores_are_taken(monkeypatch):
    """A MatMul large enough for BLAS's threads runs on one while other processes hold the
    cores, and with BLAS's threads otherwise; its value is the same."""
    from graphflow.ops import _blocked_matmul, _cpu_workers, _machine_load

    pinned = []
    real = np.matmul
    monkeypatch.setattr(_blocked_matmul, "MAX_TUNED_WORK", 0)  # one numpy product per run

    def recording_matmul(a, b, *args, **kwargs):
        pinned.append(_cpu_workers._state["active"] > 0)
        return real(a, b, *args, **kwargs)

    a = np.random.RandomState(0).rand(256, 256).astype(np.float32)
    x = tf.placeholder(tf.float32, [256, 256])
    y = tf.matmul(x, x)  # 16.8M multiply-adds: above MIN_THREADED_MATMUL_WORK
    with tf.Session() as sess:
        sess.run(y, {x: a})  # compiled before numpy's matmul is watched
        monkeypatch.setattr("graphflow.ops.matmul.np.matmul", recording_matmul)
        for taken in (False, True):
            monkeypatch.setattr(_machine_load, "cores_taken_lately", lambda taken=taken: taken)
            monkeypatch.setattr("graphflow.ops.matmul.cores_taken_lately", lambda taken=taken: taken)
            np.testing.assert_allclose(sess.run(y, {x: a}), a.astype(np.float64) @ a, rtol=1e-4)
    assert pinned == [False, True]
