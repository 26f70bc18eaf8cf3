"""tf.nn.dropout: inverted scaling, keep rates, noise_shape, seeds, identity at keep_prob 1."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


def test_kept_values_are_scaled_and_the_rate_is_right(graph):
    x = tf.ones([200, 500])
    y = tf.nn.dropout(x, keep_prob=0.8, seed=3)
    with tf.Session() as sess:
        out = sess.run(y)
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1.0 / 0.8, rtol=1e-6)
    assert kept.mean() == pytest.approx(0.8, abs=0.005)  # 100,000 draws: sd 0.0013


def test_rate_noise_shape_seed_and_feedable_keep_prob(graph):
    tf.set_random_seed(1)
    x = tf.reshape(tf.range(1.0, 25.0), [2, 3, 4])
    shared = tf.nn.dropout(x, rate=0.5, noise_shape=[2, 1, 4])
    keep = tf.placeholder_with_default(0.5, [])
    fed = tf.nn.dropout(x, keep_prob=keep)
    with tf.Session() as sess:
        out = sess.run(shared)
        np.testing.assert_array_equal(sess.run(fed, {keep: 1.0}), sess.run(x))
    mask = out != 0
    assert np.all(mask == mask[:, :1, :])  # one decision along the noise_shape's 1
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(shared), out)  # graph seed: reproducible


def test_keep_prob_one_is_identity_and_bad_values_fail(graph):
    x = tf.constant([1.0, 2.0])
    assert tf.nn.dropout(x, keep_prob=1.0) is x
    with pytest.raises(ValueError, match="range"):
        tf.nn.dropout(x, keep_prob=1.5)
    with pytest.raises(ValueError, match="exactly one"):
        tf.nn.dropout(x)


def test_gradient_flows_only_through_kept_values(graph):
    x = tf.constant(np.arange(1.0, 101.0))
    y = tf.nn.dropout(x, keep_prob=0.5, seed=7)
    (g,) = tf.gradients(tf.reduce_sum(y), [x])
    with tf.Session() as sess:
        out, grad = sess.run([y, g])
    np.testing.assert_allclose(grad, np.where(out != 0, 2.0, 0.0))


def test_keep_prob_placeholder_without_shape_keeps_the_static_shape(graph):
    x = tf.placeholder(tf.float32, [None, 5])
    keep_prob = tf.placeholder(tf.float32)  # unknown rank, as the classic tutorials declare it
    y = tf.nn.dropout(x, keep_prob)
    assert y.get_shape().as_list() == [None, 5]
    data = np.arange(10, dtype=np.float32).reshape(2, 5)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: data, keep_prob: 1.0}), data)
