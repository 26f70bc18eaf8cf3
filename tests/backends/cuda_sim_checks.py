"""The CUDA backend's host fallbacks, on the simulated device.

Collected only when named explicitly: tests/backends/test_cuda_backend.py runs this file in a
child process under numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1, GF_BACKEND=cuda).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") != "1",
                                reason="run by tests/backends/test_cuda_backend.py")


def test_a_fallback_found_at_run_time_is_in_the_plans_host_nodes(graph):
    # ScatterNd's shape is fed, so its kernel is specialized when the run reads it; the device
    # kernels have no int8 variant, so that specialization runs on the host
    indices = tf.constant([[0], [2]], tf.int32)
    updates = tf.placeholder(tf.int8, [2], name="updates")
    shape = tf.placeholder(tf.int32, [1], name="shape")
    out = tf.scatter_nd(indices, updates, shape, name="scatter")
    with tf.Session() as sess:
        assert sess.backend == "cuda"
        value = sess.run(out, {updates: np.array([5, 7], np.int8), shape: [4]})
        (plan,) = sess._plans.values()
        assert [n.name for n in plan.host_nodes] == ["scatter"]
        assert "@host" in next(line for line in plan.describe().splitlines() if "# scatter" in line)
    np.testing.assert_array_equal(value, np.array([5, 0, 7, 0], np.int8))


def test_pinned_nodes_run_on_the_host_and_alone(graph):
    x = tf.placeholder(tf.float32, [3], name="x")
    h = x * 2.0 + 1.0
    with tf.device("/cpu:0"):
        pinned = tf.exp(h, name="pinned")
    y = pinned * 3.0 - 1.0
    with tf.Session() as sess:
        xv = np.array([0.0, 0.5, -1.0], np.float32)
        np.testing.assert_allclose(sess.run(y, {x: xv}), np.exp(xv * 2 + 1) * 3 - 1, rtol=1e-6)
        (plan,) = sess._plans.values()
    assert [n.name for n in plan.host_nodes] == ["pinned"]
    assert [n.type for n in plan.order if n.type not in ("_Feed", "Const")] == [
        "_FusedElementwise", "Exp", "_FusedElementwise"]


def test_debug_2_shows_the_device_kernels(graph, monkeypatch, capsys):
    x = tf.placeholder(tf.float32, [3], name="x")
    y = tf.tanh(x * 2.0 + 1.0)
    monkeypatch.setenv("GF_DEBUG", "2")
    with tf.Session() as sess:
        sess.run(y, {x: np.zeros(3, np.float32)})
    err = capsys.readouterr().err
    assert "(cuda):" in err and "# kernel of %" in err and "cuda.grid(1)" in err
