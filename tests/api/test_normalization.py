"""tf.nn normalization against numpy float64: moments, batch_normalization, fused_batch_norm
(training and inference, NHWC and NCHW), l2_normalize and local response normalization."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.gradcheck import assert_gradients_close, numeric_gradients

RNG = np.random.default_rng(8)
X = RNG.normal(size=(4, 3, 5, 6)) * 2 + 1


def _run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def test_moments_and_batch_normalization(graph):
    mean, var = tf.nn.moments(tf.constant(X), [0, 1, 2])
    kept = tf.nn.moments(tf.constant(X), [1], keep_dims=True)
    scale, offset = RNG.normal(size=6), RNG.normal(size=6)
    y = tf.nn.batch_normalization(X, mean, var, offset, scale, 1e-3)
    m, v, (mk, vk), got = _run([mean, var, kept, y])
    np.testing.assert_allclose(m, X.mean((0, 1, 2)), rtol=1e-12)
    np.testing.assert_allclose(v, X.var((0, 1, 2)), rtol=1e-12)
    assert mk.shape == (4, 1, 5, 6) and vk.shape == (4, 1, 5, 6)
    expected = (X - X.mean((0, 1, 2))) / np.sqrt(X.var((0, 1, 2)) + 1e-3) * scale + offset
    np.testing.assert_allclose(got, expected, rtol=1e-10)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_fused_batch_norm(graph, data_format):
    x = X if data_format == "NHWC" else np.transpose(X, (0, 3, 1, 2))
    scale, offset = RNG.normal(size=6), RNG.normal(size=6)
    y, mean, var = tf.nn.fused_batch_norm(x, scale, offset, epsilon=1e-3,
                                          data_format=data_format)
    inference = tf.nn.fused_batch_norm(x, scale, offset, mean=np.ones(6), variance=np.full(6, 4.0),
                                       data_format=data_format, is_training=False)[0]
    got, m, v, inf = _run([y, mean, var, inference])
    if data_format == "NCHW":
        got, inf = np.transpose(got, (0, 2, 3, 1)), np.transpose(inf, (0, 2, 3, 1))
    n = X.size / 6
    np.testing.assert_allclose(m, X.mean((0, 1, 2)), rtol=1e-12)
    np.testing.assert_allclose(v, X.var((0, 1, 2)) * n / (n - 1), rtol=1e-12)  # unbiased
    np.testing.assert_allclose(got, (X - X.mean((0, 1, 2))) / np.sqrt(X.var((0, 1, 2)) + 1e-3)
                               * scale + offset, rtol=1e-10)
    np.testing.assert_allclose(inf, (X - 1.0) / np.sqrt(4.0 + 1e-3) * scale + offset, rtol=1e-10)


def test_batch_norm_gradient_matches_finite_differences(graph):
    x0 = RNG.normal(size=(3, 2, 2, 4))
    w = RNG.normal(size=x0.shape)
    x = tf.constant(x0)
    y = tf.nn.fused_batch_norm(x, np.ones(4), np.zeros(4), epsilon=1e-3)[0]
    (g,) = tf.gradients(tf.reduce_sum(y * w), [x])

    def loss(a):
        v = a[0]
        return float(np.sum((v - v.mean((0, 1, 2))) / np.sqrt(v.var((0, 1, 2)) + 1e-3) * w))

    assert_gradients_close(_run([g]), numeric_gradients(loss, [x0], [0]), "fused_batch_norm")


def test_l2_normalize_and_lrn(graph):
    norm = tf.nn.l2_normalize(X, axis=-1)
    lrn = tf.nn.lrn(X, depth_radius=2, bias=1.5, alpha=0.3, beta=0.75)
    got_norm, got_lrn = _run([norm, lrn])
    np.testing.assert_allclose(got_norm, X / np.sqrt((X ** 2).sum(-1, keepdims=True)),
                               rtol=1e-12)
    sq = np.pad(X ** 2, ((0, 0), (0, 0), (0, 0), (2, 2)))
    window = sum(sq[..., i:i + 6] for i in range(5))
    np.testing.assert_allclose(got_lrn, X / (1.5 + 0.3 * window) ** 0.75, rtol=1e-12)
    zero = _run(tf.nn.l2_normalize(tf.zeros([3]), 0))
    np.testing.assert_array_equal(zero, [0.0, 0.0, 0.0])
