"""A small LSTM training step (tf.nn.dynamic_rnn with sequence_length, Adam) on the CUDA backend,
compared with a CPU session of the same graph.

Collected only when named explicitly: tests/cuda/test_rnn_sim.py runs this file in a child
process under numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1, GF_BACKEND=cuda).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf
from graphflow.cuda.device import is_device

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") != "1",
                                reason="run by tests/cuda/test_rnn_sim.py under the simulator")


def _lstm_classifier():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2, 3, 2], name="x")
        lengths = tf.placeholder(tf.int32, [2], name="lengths")
        y = tf.placeholder(tf.int32, [2], name="y")
        cell = tf.nn.rnn_cell.BasicLSTMCell(3)
        outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
        w = tf.Variable(np.linspace(-0.4, 0.4, 9).reshape(3, 3).astype(np.float32), name="w")
        logits = tf.matmul(state.h, w)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train = tf.train.AdamOptimizer(0.1).minimize(loss)
        init = tf.global_variables_initializer()
        kernel = cell.weights[0]
        # [inputs + units, 4 units]: fixed values so both sessions train the same weights.
        fixed_kernel = tf.assign(kernel, np.linspace(-0.5, 0.5, 60).reshape(5, 12).astype(np.float32))
    return graph, (x, lengths, y), outputs, loss, train, init, fixed_kernel, kernel


def test_lstm_training_step_on_the_device_matches_the_cpu(monkeypatch):
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(2, 3, 2)).astype(np.float32)
    results = {}
    for backend in ("cpu", "cuda"):
        monkeypatch.setenv("GF_BACKEND", backend)
        graph, (x, lengths, y), outputs, loss, train, init, fixed_kernel, kernel = _lstm_classifier()
        feed = {x: xs, lengths: [3, 1], y: [2, 0]}
        with tf.Session(graph=graph) as sess:
            sess.run(init)
            sess.run(fixed_kernel)
            losses = [sess.run([loss, train], feed)[0] for _ in range(2)]
            results[backend] = losses, sess.run(outputs, feed), sess.run(kernel)
            if backend == "cuda":
                assert all(is_device(v) for v in sess._state.variables.values())
    for got, want in zip(results["cuda"], results["cpu"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert np.all(results["cpu"][1][1, 1:] == 0)  # past the second sequence's length
