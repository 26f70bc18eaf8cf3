"""Initializers: shapes, dtypes and the statistics of TF1's formulas."""

import numpy as np
import pytest

import graphflow as tf


def _value(init, shape, dtype=tf.float32):
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        t = init(shape, dtype=dtype)
        with tf.Session() as sess:
            return sess.run(t)


def test_constant_zeros_ones():
    np.testing.assert_array_equal(_value(tf.zeros_initializer(), [2, 3]), np.zeros((2, 3)))
    np.testing.assert_array_equal(_value(tf.ones_initializer(), [4], tf.float64), np.ones(4))
    np.testing.assert_array_equal(_value(tf.constant_initializer([1, 2, 3, 4]), [2, 2]),
                                  [[1, 2], [3, 4]])
    assert _value(tf.zeros_initializer(), [2], tf.int64).dtype == np.int64


def test_truncated_normal_range_and_std():
    v = _value(tf.truncated_normal_initializer(stddev=0.5), [100, 100])
    assert np.abs(v).max() <= 1.0  # two standard deviations
    assert abs(v.std() - 0.5 * 0.8796) < 0.02  # std of N(0,1) truncated at 2 is 0.8796


def test_random_uniform_and_normal():
    u = _value(tf.random_uniform_initializer(-2.0, 3.0), [20000])
    assert u.min() >= -2.0 and u.max() < 3.0 and abs(u.mean() - 0.5) < 0.05
    n = _value(tf.random_normal_initializer(1.0, 2.0), [20000])
    assert abs(n.mean() - 1.0) < 0.05 and abs(n.std() - 2.0) < 0.05


@pytest.mark.parametrize(("mode", "fan"), [("fan_in", 64 * 9), ("fan_out", 32 * 9),
                                           ("fan_avg", 48 * 9)])
def test_variance_scaling_fans_for_conv_kernels(mode, fan):
    init = tf.variance_scaling_initializer(scale=2.0, mode=mode, distribution="uniform")
    v = _value(init, [3, 3, 64, 32])
    limit = np.sqrt(3.0 * 2.0 / fan)
    assert np.abs(v).max() <= limit and abs(v.std() - limit / np.sqrt(3)) < 0.03 * limit


def test_he_normal_std():
    v = _value(tf.initializers.he_normal(), [400, 300])
    assert abs(v.std() - np.sqrt(2.0 / 400)) < 0.03 * np.sqrt(2.0 / 400)


def test_bad_arguments():
    with pytest.raises(ValueError):
        tf.variance_scaling_initializer(scale=-1.0)
    with pytest.raises(ValueError):
        tf.initializers.get("nope")
