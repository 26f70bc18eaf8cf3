"""tf.gradients: sums over ys and fan-out, grad_ys, unconnected inputs, stop_gradient,
second derivatives; checked against closed forms and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.gradcheck import assert_gradients_close, numeric_gradients


def test_sum_over_ys_and_fan_out(graph):
    x = tf.placeholder(tf.float64, [3])
    y1 = tf.reduce_sum(x * x)            # 2x
    y2 = tf.reduce_sum(tf.sin(x) * x)    # sin x + x cos x
    (g,) = tf.gradients([y1, y2], [x])
    value = np.array([0.3, -1.2, 2.0])
    with tf.Session() as sess:
        got = sess.run(g, {x: value})
    np.testing.assert_allclose(got, 2 * value + np.sin(value) + value * np.cos(value))


def test_grad_ys_weights_the_outputs(graph):
    x = tf.placeholder(tf.float64, [2])
    y = x * x
    (g,) = tf.gradients(y, x, grad_ys=tf.constant([10.0, -1.0], tf.float64))
    with tf.Session() as sess:
        assert sess.run(g, {x: [1.0, 3.0]}).tolist() == [20.0, -6.0]


def test_unconnected_and_integer_inputs_get_none(graph):
    x = tf.placeholder(tf.float32, [])
    z = tf.placeholder(tf.float32, [])
    n = tf.placeholder(tf.int32, [])
    y = x * 2.0 + tf.cast(n, tf.float32)
    gx, gz, gn = tf.gradients(y, [x, z, n])
    assert gz is None and gn is None and gx is not None
    assert tf.gradients(tf.stop_gradient(y), [x]) == [None]


def test_second_derivatives(graph):
    x = tf.placeholder(tf.float64, [])
    y = x ** 3 + tf.exp(2.0 * x)
    (dy,) = tf.gradients(y, x)
    (d2y,) = tf.gradients(dy, x)
    (hessian,) = tf.hessians(y, x)
    with tf.Session() as sess:
        first, second, h = sess.run([dy, d2y, hessian], {x: 0.5})
    assert first == pytest.approx(3 * 0.25 + 2 * np.exp(1.0))
    assert second == pytest.approx(6 * 0.5 + 4 * np.exp(1.0))
    assert h == pytest.approx(second)


def test_mlp_gradient_matches_finite_differences(graph):
    rng = np.random.default_rng(0)
    xs, w1, w2 = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    x = tf.placeholder(tf.float64, xs.shape)
    a = tf.placeholder(tf.float64, w1.shape)
    b = tf.placeholder(tf.float64, w2.shape)
    hidden = tf.tanh(tf.matmul(x, a))
    out = tf.reduce_mean(tf.square(tf.matmul(hidden, b)) + tf.sigmoid(hidden[:, :2]))
    grads = tf.gradients(out, [a, b])
    with tf.Session() as sess:
        symbolic = sess.run(grads, {x: xs, a: w1, b: w2})

    def loss(args):
        h = np.tanh(xs @ args[0])
        return float(np.mean((h @ args[1]) ** 2 + 1 / (1 + np.exp(-h[:, :2]))))

    assert_gradients_close(symbolic, numeric_gradients(loss, [w1, w2], [0, 1]), "mlp")


def test_gradients_of_variables(graph):
    v = tf.Variable([1.0, 2.0])
    loss = tf.reduce_sum(v * v)
    (g,) = tf.gradients(loss, [v])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(g).tolist() == [2.0, 4.0]


def test_hessians_need_a_fully_defined_shape(graph):
    x = tf.placeholder(tf.float32, [None], name="points")
    with pytest.raises(ValueError, match="fully defined shape for points:0"):
        tf.hessians(tf.reduce_sum(x * x), x)
