"""The reference backend: numpy references, every op alone (it skips the fusion pass), the
same values as the CPU backend."""

from __future__ import annotations

import numpy as np

import graphflow as tf


def _run(backend, monkeypatch, fetches, feeds):
    monkeypatch.setenv("GF_BACKEND", backend)
    with tf.Session() as sess:
        values = sess.run(fetches, feeds)
        (plan,) = sess._plans.values()
    return values, plan


def test_runs_every_op_alone_with_the_cpus_values(graph, monkeypatch):
    x = tf.placeholder(tf.float64, [64, 32], name="x")
    h = x
    for _ in range(4):
        h = tf.tanh(h * 0.9 + 0.1)
    loss = tf.reduce_sum(h)
    xv = np.random.default_rng(0).normal(size=(64, 32))
    ref, ref_plan = _run("reference", monkeypatch, loss, {x: xv})
    cpu, cpu_plan = _run("cpu", monkeypatch, loss, {x: xv})
    assert "_FusedElementwise" not in {n.type for n in ref_plan.order}
    assert "_FusedElementwise" in {n.type for n in cpu_plan.order}
    expected = xv
    for _ in range(4):
        expected = np.tanh(expected * 0.9 + 0.1)
    np.testing.assert_allclose(ref, expected.sum(), rtol=1e-13)
    np.testing.assert_allclose(cpu, expected.sum(), rtol=1e-13)
    assert ref_plan.backend == "reference" and ref_plan.host_nodes == []


def test_variables_and_updates(graph, monkeypatch):
    v = tf.Variable([1.0, 2.0], name="v")
    step = tf.assign_add(v, [0.5, 0.5])
    monkeypatch.setenv("GF_BACKEND", "reference")
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(step)
        np.testing.assert_array_equal(sess.run(v), [1.5, 2.5])
