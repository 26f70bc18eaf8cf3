"""Fused groups stay within their bounds (ops, inputs), identical groups share one compiled
kernel, and the passes stay linear on long chains."""

from __future__ import annotations

import time

import numpy as np
import pytest

import graphflow as tf
from graphflow.backends import cpu_fused
from graphflow.compiler.fuse import MAX_GROUP_INPUTS, MAX_GROUP_OPS
from graphflow.compiler.toposort import topological_order


def _fused_nodes(sess):
    (plan,) = sess._plans.values()
    return [n for n in plan.order if n.type == "_FusedElementwise"]


def _chain(x, n):
    h = x
    for k in range(n):
        h = [lambda v: v * 0.999, lambda v: v + 0.001, lambda v: tf.maximum(v, -10.0),
             lambda v: v - 0.0005][k % 4](h)
    return h


def _chain_numpy(xv, n):
    h = xv.astype(np.float64)
    for k in range(n):
        h = [lambda v: v * 0.999, lambda v: v + 0.001, lambda v: np.maximum(v, -10.0),
             lambda v: v - 0.0005][k % 4](h)
    return h


def test_a_long_chain_becomes_bounded_groups_sharing_few_kernels(graph):
    n = 1000
    x = tf.placeholder(tf.float32, [16, 8])
    h = _chain(x, n)
    xv = np.random.default_rng(0).normal(size=(16, 8)).astype(np.float32)
    before = len(cpu_fused._kernels)
    with tf.Session() as sess:
        got = sess.run(h, {x: xv})
        fused = _fused_nodes(sess)
    np.testing.assert_allclose(got, _chain_numpy(xv, n), rtol=1e-4)
    steps = [len(node.attrs["program"].steps) for node in fused]
    assert max(steps) <= MAX_GROUP_OPS and sum(steps) == n
    assert len(fused) >= n // MAX_GROUP_OPS
    programs = {node.attrs["program"] for node in fused}
    assert len(programs) <= 3  # full groups of one phase of the 4-op block, and the tail
    assert len(cpu_fused._kernels) - before <= len(programs)


def test_groups_read_at_most_max_group_inputs_values(graph):
    xs = [tf.placeholder(tf.float32, [64], name=f"x{k}") for k in range(40)]
    total = xs[0] * 1.5
    for k, x in enumerate(xs[1:], start=1):
        total = total + x * float(k)
    feeds = {x: np.full(64, k, np.float32) for k, x in enumerate(xs)}
    with tf.Session() as sess:
        got = sess.run(total, feeds)
        fused = _fused_nodes(sess)
    want = 0 * 1.5 + sum(k * k for k in range(1, 40))
    np.testing.assert_allclose(got, np.full(64, want), rtol=1e-6)
    assert fused and all(len(node.inputs) <= MAX_GROUP_INPUTS for node in fused)


def test_compile_time_per_op_does_not_grow_with_the_chain(graph):
    def first_run_seconds(n):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [4, 4])
            h = _chain(x, n)
            with tf.Session() as sess:
                sess.run(h, {x: np.ones((4, 4), np.float32)})  # kernels compiled here
            times = []
            for _ in range(2):
                with tf.Session() as sess:
                    start = time.process_time()  # CPU time: the machine may be shared
                    sess.run(h, {x: np.ones((4, 4), np.float32)})  # graph work only
                    times.append(time.process_time() - start)
            return min(times)

    small, large = first_run_seconds(500), first_run_seconds(4000)
    # 8x the ops: a quadratic pass would take 64x; allow noise of a shared machine
    assert large < 8 * small * 3, (small, large)


def test_topological_order_breaks_ties_by_key_and_rejects_cycles():
    items = ["a", "b", "c", "d"]
    succ = {"a": ["c"], "b": ["c", "c"], "c": [], "d": []}
    keys = {"a": 3, "b": 1, "c": 0, "d": 2}
    assert topological_order(items, succ, keys.__getitem__) == ["b", "d", "a", "c"]
    with pytest.raises(ValueError, match="cycle"):
        topological_order(["a", "b"], {"a": ["b"], "b": ["a"]}, {"a": 0, "b": 1}.__getitem__)


def test_a_chain_far_deeper_than_the_recursion_limit_lowers(graph):
    import sys

    n = 3 * sys.getrecursionlimit()
    x = tf.placeholder(tf.float32, [3])
    h = x
    for _ in range(n):
        h = tf.abs(h)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(h, {x: np.array([-1, 2, -3], np.float32)}), [1, 2, 3])
