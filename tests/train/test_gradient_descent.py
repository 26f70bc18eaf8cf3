"""The Optimizer base and GradientDescentOptimizer: exact updates, global step, var_list,
compute/apply split, names."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


def test_one_step_matches_numpy(graph):
    w = tf.Variable([[1.0], [-2.0]], dtype=tf.float64)
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]], tf.float64)
    y = tf.constant([[1.0], [0.0]], tf.float64)
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    xs, ys, ws = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0], [0.0]]), np.array([[1.0], [-2.0]])
    expected = ws - 0.1 * (2 / 2) * xs.T @ (xs @ ws - ys)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        np.testing.assert_allclose(sess.run(w), expected, rtol=1e-12)


def test_global_step_var_list_and_names(graph):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(1.0, name="b")
    loss = a * a + b * b
    global_step = tf.train.get_or_create_global_step()
    assert tf.train.get_global_step() is global_step
    assert tf.train.get_or_create_global_step() is global_step
    train = tf.train.GradientDescentOptimizer(0.25).minimize(
        loss, global_step=global_step, var_list=[a], name="train")
    assert train.name == "train"
    assert tf.get_default_graph().get_operation_by_name("train") is train
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(2):
            sess.run("train")
        assert sess.run(global_step) == 2
        step = tf.train.global_step(sess, global_step)
        assert step == 2 and type(step) is int
        assert tf.train.global_step(sess, global_step.name) == 2
        assert sess.run(a) == pytest.approx(0.25) and sess.run(b) == 1.0


def test_compute_then_apply_with_clipping(graph):
    v = tf.Variable([3.0, -4.0])
    loss = tf.reduce_sum(v * v)
    opt = tf.train.GradientDescentOptimizer(1.0)
    grads_and_vars = opt.compute_gradients(loss)
    assert grads_and_vars[0][1] is v
    clipped = [(tf.clip_by_value(g, -1.0, 1.0), var) for g, var in grads_and_vars]
    apply = opt.apply_gradients(clipped)
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(apply)
        assert sess.run(v).tolist() == [2.0, -3.0]


def test_no_gradients_is_an_error(graph):
    v = tf.Variable(1.0)
    with pytest.raises(ValueError, match="No gradients"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1.0) + tf.stop_gradient(v))
