"""Gradients through a branch that `tf.where` masks off, as TF computes them: TF's SqrtGrad,
RsqrtGrad and ReciprocalGrad give 0 for a zero incoming gradient even where the local
derivative is infinite or NaN, so `tf.where(x > 0, tf.sqrt(x), 0)` has gradient 0 at x <= 0;
other rules (Log, Pow, Relu) give NaN there in TF, and so they do here. Expected values were
recorded from TensorFlow 2.21 (tf.compat.v1) at x = [-1, 0, 4, 0.25, -0]."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

X = np.array([-1.0, 0.0, 4.0, 0.25, -0.0], np.float32)
NAN = np.nan
RECORDED = {
    "sqrt": [0.0, 0.0, 0.25, 1.0, 0.0],
    "sqrt_python_zero": [0.0, 0.0, 0.25, 1.0, 0.0],
    "rsqrt": [0.0, 0.0, -0.0625, -4.0, 0.0],
    "reciprocal": [0.0, 0.0, -0.0625, -16.0, 0.0],
    "log": [-0.0, NAN, 0.25, 4.0, NAN],
    "pow": [NAN, NAN, 0.25, 1.0, NAN],
    "sqrt_relu": [NAN, NAN, 0.25, 1.0, NAN],
    "sqrt_of_sqrt": [0.0, 0.0, 0.0883883461356163, 0.7071067690849304, 0.0],
}


def _masked(tf, x):
    zeros = tf.zeros_like(x)
    return {
        "sqrt": tf.where(x > 0, tf.sqrt(x), zeros),
        "sqrt_python_zero": tf.where(x > 0, tf.sqrt(x), 0),
        "rsqrt": tf.where(x > 0, tf.rsqrt(x), zeros),
        "reciprocal": tf.where(x > 0, tf.reciprocal(x), zeros),
        "log": tf.where(x > 0, tf.log(x), zeros),
        "pow": tf.where(x > 0, tf.pow(x, 0.5), zeros),
        "sqrt_relu": tf.sqrt(tf.nn.relu(x)),
        "sqrt_of_sqrt": tf.where(x > 0, tf.sqrt(tf.sqrt(x)), zeros),
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("backend", ["cpu", "reference"])
def test_masked_gradients_match_tensorflow(graph, monkeypatch, dtype, backend):
    monkeypatch.setenv("GF_BACKEND", backend)
    x = tf.placeholder(dtype, [5])
    grads = {k: tf.gradients(tf.reduce_sum(y), x)[0] for k, y in _masked(tf, x).items()}
    with tf.Session() as sess:
        got = sess.run(grads, {x: X.astype(dtype)})
    for name, expected in RECORDED.items():
        np.testing.assert_allclose(got[name], np.array(expected, dtype), rtol=1e-6,
                                   err_msg=name)


def test_second_derivative_is_nan_where_tensorflows_is(graph):
    """TF's Hessian of where(x > 0, sqrt(x), 0) is NaN at x <= 0 (SqrtGradGrad divides by x);
    recorded: [nan, nan, -0.03125, -2, nan]."""
    x = tf.placeholder(tf.float32, [5])
    y = tf.where(x > 0, tf.sqrt(x), tf.zeros_like(x))
    (g,) = tf.gradients(tf.reduce_sum(y), x)
    (h,) = tf.gradients(tf.reduce_sum(g), x)
    with tf.Session() as sess:
        got = sess.run(h, {x: X})
    np.testing.assert_allclose(got, [np.nan, np.nan, -0.03125, -2.0, np.nan], rtol=1e-6)


def test_a_loop_that_trains_in_tensorflow_trains_here(graph):
    """Gradient descent through tf.where(h > 0, tf.sqrt(h), 0) with some h <= 0: the losses
    and final weights TF recorded (no NaN)."""
    w = tf.Variable(np.array([0.5, -0.5, 1.5], np.float32))
    data = tf.constant(np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], np.float32))
    h = data * w
    loss = tf.reduce_sum(tf.square(tf.where(h > 0, tf.sqrt(h), tf.zeros_like(h)) - 1.0))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([train, loss])[1] for _ in range(5)]
        final = sess.run(w)
    np.testing.assert_allclose(losses, [3.1037356853485107, 3.087151050567627,
                                        3.0744733810424805, 3.0644869804382324,
                                        3.0564427375793457], rtol=1e-5)
    np.testing.assert_allclose(final, [0.6623700857162476, -0.5, 1.5372308492660522], rtol=1e-5)


def test_mul_no_nan_is_zero_where_the_gradient_is(graph):
    """The MulNoNan row behind those gradients: x * y, and 0 where y == 0 even for an
    infinite or NaN x (TF's tf.math.multiply_no_nan), on every path and in its own gradient."""
    from graphflow.api._build import out

    x = tf.placeholder(tf.float64, [4])
    y = tf.placeholder(tf.float64, [4])
    z = out("MulNoNan", [x, y])
    gx, gy = tf.gradients(tf.reduce_sum(z * z), [x, y])
    xv = np.array([np.inf, np.nan, 2.0, 3.0])
    yv = np.array([0.0, 0.0, 0.5, -2.0])
    with tf.Session() as sess:
        got, dx, dy = sess.run([z, gx, gy], {x: xv, y: yv})
    np.testing.assert_array_equal(got, [0.0, 0.0, 1.0, -6.0])
    np.testing.assert_allclose(dx, [0.0, 0.0, 2 * 1.0 * 0.5, 2 * -6.0 * -2.0])
    # d/dy: 2 z x, masked where the incoming gradient 2 z is 0
    np.testing.assert_allclose(dy, [0.0, 0.0, 2 * 1.0 * 2.0, 2 * -6.0 * 3.0])


def test_multiply_no_nan_and_its_gradients_match_tf(graph):
    """tf.math.multiply_no_nan: 0 where y == 0 even for x = inf or NaN; its gradients w.r.t. x
    and y recorded from TensorFlow 2.21 (d/dx is multiply_no_nan(dz, y), d/dy is dz * x)."""
    x = tf.constant([1.0, np.inf, np.nan, 3.0])
    y = tf.constant([0.0, 0.0, 0.0, 2.0])
    z = tf.math.multiply_no_nan(x, y)
    assert z.op.type == "MulNoNan"
    value, dx, dy = tf.Session().run([z, *tf.gradients(tf.reduce_sum(z), [x, y])])
    np.testing.assert_array_equal(value, [0.0, 0.0, 0.0, 6.0])
    np.testing.assert_array_equal(dx, [0.0, 0.0, 0.0, 2.0])
    np.testing.assert_array_equal(dy, [1.0, np.inf, np.nan, 3.0])
