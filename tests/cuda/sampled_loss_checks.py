"""Candidate sampling on the CUDA backend: the sampler ops run on the host (TF1 has only CPU
kernels for them; `host_memory`), everything after them on the device, and a session draws the
same candidates and computes the same nce / sampled-softmax training as a CPU session.

Collected only when named explicitly: tests/cuda/test_sampled_loss_sim.py runs this file in a
child process under numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1, GF_BACKEND=cuda).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf
from graphflow.ops import registry

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") != "1",
                                reason="run by tests/cuda/test_sampled_loss_sim.py under the simulator")


def _train(backend, monkeypatch):
    monkeypatch.setenv("GF_BACKEND", backend)
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(4)
        inputs = tf.placeholder(tf.int32, [None])
        labels = tf.placeholder(tf.int64, [None, 1])
        embeddings = tf.Variable(np.linspace(-1, 1, 24, dtype=np.float32).reshape(12, 2))
        weights = tf.Variable(np.cos(np.arange(24, dtype=np.float32)).reshape(12, 2))
        biases = tf.Variable(tf.zeros([12]))
        embed = tf.nn.embedding_lookup(embeddings, inputs)
        nce = tf.reduce_mean(tf.nn.nce_loss(weights, biases, labels, embed, 4, 12))
        softmax = tf.reduce_mean(tf.nn.sampled_softmax_loss(weights, biases, labels, embed, 3, 12))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(nce + softmax)
        sampled = tf.nn.uniform_candidate_sampler(labels, 1, 5, True, 12)[0]
    feed = {inputs: [0, 1, 2, 3], labels: [[1], [2], [3], [4]]}
    with tf.Session(graph=graph) as sess:
        sess.run(tf.variables_initializer(graph.get_collection("variables")))
        runs = [sess.run([nce, softmax, sampled, train], feed)[:3] for _ in range(3)]
        host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
    return runs, host


def test_sampled_losses_train_alike_on_the_device(monkeypatch):
    cpu, _ = _train("cpu", monkeypatch)
    device, host = _train("cuda", monkeypatch)
    assert {"LogUniformCandidateSampler", "UniformCandidateSampler"} <= host
    assert all(registry.get(t).host_memory for t in host), f"ran on the host: {host}"
    for (c_nce, c_softmax, c_ids), (d_nce, d_softmax, d_ids) in zip(cpu, device):
        np.testing.assert_array_equal(d_ids, c_ids)
        np.testing.assert_allclose([d_nce, d_softmax], [c_nce, c_softmax], rtol=1e-5)
