"""Assign's shape check (validate_shape=True) when the value's shape is only known at run time:
a matching value passes the exact-shape fast path and is stored as a copy, a mismatch is TF1's
InvalidArgumentError naming both shapes."""

import numpy as np
import pytest

import graphflow as tf


def _assign_through_placeholder(var_shape, feed_shape):
    with tf.Graph().as_default():
        var = tf.Variable(np.zeros(var_shape, np.float32))
        value = tf.placeholder(tf.float32, None)
        write = tf.assign(var, value)
        with tf.Session() as sess:
            sess.run(var.initializer)
            fed = np.arange(np.prod(feed_shape), dtype=np.float32).reshape(feed_shape)
            return fed, sess.run(write, {value: fed}), sess.run(var)


def test_matching_shape_is_stored_as_a_copy():
    fed, written, stored = _assign_through_placeholder((2, 3), (2, 3))
    np.testing.assert_array_equal(written, fed)
    np.testing.assert_array_equal(stored, fed)
    fed[0, 0] = 99.0  # the variable never aliases the user's array
    assert stored[0, 0] == 0.0


@pytest.mark.parametrize("var_shape, feed_shape, shapes", [
    ((2, 3), (4, 3), ("[2,3]", "[4,3]")),
    ((2, 3), (3, 2), ("[2,3]", "[3,2]")),
    ((), (1,), ("[]", "[1]")),
    ((1,), (), ("[1]", "[]")),
])
def test_mismatched_shape_raises_invalid_argument(var_shape, feed_shape, shapes):
    with pytest.raises(tf.errors.InvalidArgumentError) as raised:
        _assign_through_placeholder(var_shape, feed_shape)
    assert all(shape in str(raised.value) for shape in shapes), str(raised.value)


def test_build_time_shape_errors_read_as_tf1s():
    """Texts recorded from TF 2.21's tf.compat.v1 (the part before its NodeDef dump)."""
    with tf.Graph().as_default():
        v = tf.Variable(np.zeros((2, 3), np.float32))
        with pytest.raises(ValueError, match=r"Dimension 0 in both shapes must be equal, but are 2 "
                                             r"and 4\. Shapes are \[2,3\] and \[4,3\]\."):
            tf.assign(v, tf.zeros([4, 3]))
        with pytest.raises(ValueError, match="Shapes must be equal rank, but are 2 and 1"):
            tf.assign(v, tf.zeros([4]))
