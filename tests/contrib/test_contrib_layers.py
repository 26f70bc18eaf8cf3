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
