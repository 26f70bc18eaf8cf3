"""tf.contrib.layers initializers and flatten: TF1's bounds and spreads for xavier and the
contrib variance_scaling initializer (checked on large draws), names, errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


def draw(shape, initializer):
    variable = tf.get_variable("v", shape, initializer=initializer)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(variable)


def test_xavier_uniform_fills_glorot_bounds(graph):
    values = draw([300, 200], tf.contrib.layers.xavier_initializer(seed=1))
    limit = np.sqrt(6.0 / (300 + 200))
    assert np.abs(values).max() <= limit
    assert np.abs(values).max() > 0.99 * limit  # 60,000 draws reach the bound
    assert values.std() == pytest.approx(limit / np.sqrt(3.0), rel=0.02)


def test_xavier_normal_on_a_convolution_kernel_is_truncated(graph):
    values = draw([3, 3, 32, 64], tf.contrib.layers.xavier_initializer_conv2d(uniform=False, seed=2))
    stddev = np.sqrt(1.3 / ((9 * 32 + 9 * 64) / 2.0))  # before truncation at two stddevs
    assert np.abs(values).max() <= 2.0 * stddev
    assert values.std() == pytest.approx(0.87962566 * stddev, rel=0.02)


def test_variance_scaling_defaults_are_he_initialization(graph):
    values = draw([500, 100], tf.contrib.layers.variance_scaling_initializer(seed=3))
    stddev = np.sqrt(1.3 * 2.0 / 500)
    assert values.std() == pytest.approx(0.87962566 * stddev, rel=0.02)
    assert values.dtype == np.float32


def test_bad_arguments_raise_tf1_errors():
    with pytest.raises(TypeError, match="non-floating"):
        tf.contrib.layers.xavier_initializer(dtype=tf.int32)
    with pytest.raises(TypeError, match="Unknown mode"):
        tf.contrib.layers.variance_scaling_initializer(mode="fan_in")


def test_flatten_keeps_the_batch_dimension_and_collects(graph):
    x = tf.placeholder(tf.float32, [None, 3, 4, 5])
    flat = tf.contrib.layers.flatten(x, outputs_collections=["outputs"])
    assert flat.get_shape().as_list() == [None, 60]
    assert flat.name == "Flatten/flatten/Reshape:0"
    assert tf.get_collection("outputs") == [flat]
    data = np.arange(120, dtype=np.float32).reshape(2, 3, 4, 5)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(flat, {x: data}), data.reshape(2, 60))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        tf.contrib.layers.flatten(tf.zeros([3]))


def test_fully_connected_variables_values_and_reuse(graph):
    # hunkim lab-12: tf.contrib.layers.fully_connected(X_for_fc, num_classes, activation_fn=None)
    x_value = np.arange(12, dtype=np.float32).reshape(4, 3) / 10.0
    x = tf.placeholder(tf.float32, [None, 3])
    hidden = tf.contrib.layers.fully_connected(x, 5, weights_regularizer=tf.contrib.layers.l2_regularizer(0.5))
    logits = tf.contrib.layers.fully_connected(hidden, 2, activation_fn=None)
    again = tf.contrib.layers.fully_connected(hidden, 2, activation_fn=None, scope="fully_connected_1",
                                              reuse=True)
    seq = tf.placeholder(tf.float32, [2, None, 3])
    per_step = tf.contrib.layers.fully_connected(seq, 4, activation_fn=tf.nn.sigmoid, biases_initializer=None,
                                                 scope="per_step")
    assert [v.name for v in tf.global_variables()] == [
        "fully_connected/weights:0", "fully_connected/biases:0", "fully_connected_1/weights:0",
        "fully_connected_1/biases:0", "per_step/weights:0"]
    assert hidden.op.type == "Relu" and hidden.op.name == "fully_connected/Relu"
    assert logits.shape.as_list() == [None, 2] and per_step.shape.as_list() == [2, None, 4]
    (reg,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    seq_value = np.stack([x_value, x_value[::-1]])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w1, b1, w2, b2, w3 = sess.run(tf.global_variables())
        feed = {x: x_value, seq: seq_value}
        got, got_again, got_steps, got_reg = sess.run([logits, again, per_step, reg], feed)
    assert not b1.any() and not b2.any()
    limit = np.sqrt(6.0 / (3 + 5))  # xavier_initializer(): uniform glorot bounds
    assert np.abs(w1).max() <= limit and np.abs(w1).std() > 0
    expected = np.maximum(x_value.astype(np.float64) @ w1 + b1, 0.0) @ w2 + b2
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got_again, got)
    np.testing.assert_allclose(got_steps, 1 / (1 + np.exp(-(seq_value.astype(np.float64) @ w3))), rtol=1e-5)
    np.testing.assert_allclose(got_reg, 0.5 * 0.5 * np.sum(np.square(w1.astype(np.float64))), rtol=1e-5)


def test_fully_connected_bad_inputs_raise_value_error(graph):
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        tf.contrib.layers.fully_connected(tf.placeholder(tf.float32, [3]), 2)
    with pytest.raises(ValueError, match="last dimension of the inputs to fully_connected should be defined"):
        tf.contrib.layers.fully_connected(tf.placeholder(tf.float32, [None, None]), 2)
