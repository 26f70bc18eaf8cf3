"""TF1's seed semantics: graph-level and op-level seeds, new sessions restart op streams, and
an op's implicit seed comes from its name, so unrelated ops never change its numbers."""

from __future__ import annotations

import numpy as np

import graphflow as tf


def _values(build, runs=2):
    graph = tf.Graph()
    with graph.as_default():
        t = build()
        with tf.Session() as sess:
            return [sess.run(t) for _ in range(runs)]


def test_graph_seed_makes_runs_repeatable_across_graphs():
    def build():
        tf.set_random_seed(42)
        return tf.random_normal([4])

    first, second = _values(build), _values(build)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], first[1])  # each run draws new numbers


def test_op_seed_alone_is_repeatable():
    build = lambda: tf.random_uniform([3], seed=7)  # noqa: E731
    np.testing.assert_array_equal(_values(build)[0], _values(build)[0])


def test_unrelated_op_does_not_change_values():
    def plain():
        tf.set_random_seed(1)
        return tf.random_normal([5], name="noise")

    def with_extra_op():
        tf.set_random_seed(1)
        tf.random_uniform([2], name="other")  # created first in this graph
        return tf.random_normal([5], name="noise")

    np.testing.assert_array_equal(_values(plain)[0], _values(with_extra_op)[0])


def test_no_seed_differs_between_graphs():
    build = lambda: tf.random_normal([8])  # noqa: E731
    assert not np.array_equal(_values(build)[0], _values(build)[0])


def test_distributions():
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(3)
        normal = tf.random_normal([20000], mean=1.0, stddev=2.0)
        truncated = tf.truncated_normal([20000])
        uniform = tf.random_uniform([20000], minval=-1.0, maxval=3.0)
        ints = tf.random_uniform([1000], maxval=5, dtype=tf.int32)
        with tf.Session() as sess:
            n, t, u, i = sess.run([normal, truncated, uniform, ints])
    assert abs(n.mean() - 1.0) < 0.05 and abs(n.std() - 2.0) < 0.05
    assert np.abs(t).max() <= 2.0 and abs(t.std() - 0.88) < 0.02
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    assert set(np.unique(i)) == {0, 1, 2, 3, 4} and i.dtype == np.int32
