"""Gradient clipping against numpy: clip_by_norm, global_norm, clip_by_global_norm."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


def test_clip_by_norm(graph):
    t = np.array([[3.0, 4.0], [0.0, 0.0]])
    with tf.Session() as sess:
        whole, rows, small = sess.run([tf.clip_by_norm(tf.constant(t), 2.5),
                                       tf.clip_by_norm(tf.constant(t), 2.5, axes=[1]),
                                       tf.clip_by_norm(tf.constant(t), 10.0)])
    np.testing.assert_allclose(whole, t * 0.5)
    np.testing.assert_allclose(rows, [[1.5, 2.0], [0.0, 0.0]])
    np.testing.assert_allclose(small, t)


def test_clip_by_norm_gradient_is_finite_at_zero(graph):
    x = tf.placeholder(tf.float64, [2])
    (g,) = tf.gradients(tf.reduce_sum(tf.clip_by_norm(x, 1.0)), [x])
    with tf.Session() as sess:
        assert np.all(np.isfinite(sess.run(g, {x: [0.0, 0.0]})))


def test_clip_by_global_norm(graph):
    a, b = np.array([3.0, 0.0]), np.array([[0.0], [4.0]])
    clipped, norm = tf.clip_by_global_norm([tf.constant(a), None, tf.constant(b)], 2.5)
    assert clipped[1] is None
    with tf.Session() as sess:
        ca, cb, n = sess.run([clipped[0], clipped[2], norm])
        g = sess.run(tf.global_norm([tf.constant(a), tf.constant(b)]))
    assert n == pytest.approx(5.0) and g == pytest.approx(5.0)
    np.testing.assert_allclose(ca, a * 0.5)
    np.testing.assert_allclose(cb, b * 0.5)
    with pytest.raises(TypeError):
        tf.clip_by_global_norm(tf.constant(a), 1.0)
