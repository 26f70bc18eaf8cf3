"""`max_pool(relu(conv + bias))` and its gradients on the CUDA backend: the compiler fuses the
forward pass into `_BiasReluMaxPool` (graphflow/compiler/fuse_bias_relu_pool.py) and the backward
pass into `_MaxPoolReluGrad` (fuse_pool_relu_grad.py); both run on the device
(cuda/bias_relu_pool.py, cuda/pool_relu_grad.py) and give the reference backend's values. Tiny
shapes.

Collected only when named explicitly: tests/cuda/test_pool_relu_grad_sim.py runs this file in a
child process under numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") != "1",
                                reason="run by tests/cuda/test_pool_relu_grad_sim.py under the simulator")


def _gradients():
    rng = np.random.RandomState(0)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2, 4, 3, 2])
        w = tf.constant(rng.randn(3, 3, 2, 3).astype(np.float32))
        b = tf.constant(np.array([0.3, -0.2, 0.1], np.float32))
        p = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + b),
                           [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        loss = tf.reduce_sum(p * tf.constant(rng.randn(2, 2, 2, 3).astype(np.float32)))
        grads = tf.gradients(loss, [x, b])
    return graph, x, [p, *grads]


def _run(backend, monkeypatch, value):
    monkeypatch.setenv("GF_BACKEND", backend)
    graph, x, grads = _gradients()
    with tf.Session(graph=graph) as sess:
        got = sess.run(grads, {x: value})
        nodes = [n for plan in sess._plans.values() for n in plan.order]
        host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
    return got, [n.type for n in nodes], host


def test_the_fused_gradient_runs_on_the_device(monkeypatch):
    value = np.random.RandomState(1).randn(2, 4, 3, 2).astype(np.float32)
    got, types, host = _run("cuda", monkeypatch, value)
    assert "_MaxPoolReluGrad" in types and "MaxPoolGrad" not in types, types
    assert "_BiasReluMaxPool" in types and "MaxPool" not in types, types
    assert not {"_MaxPoolReluGrad", "_BiasReluMaxPool"} & host, host
    want, _, _ = _run("reference", monkeypatch, value)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
