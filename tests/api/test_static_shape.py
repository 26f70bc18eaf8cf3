"""Static shapes that shape-taking ops infer from partly known shape tensors (TF1's
constant_value_as_shape), each against the shape TensorFlow 2.21's tf.compat.v1 gives for the
same expression (recorded), and the while_loop idiom they enable."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

# expression on x: [?, 5, 7] (b = tf.shape(x)[0]) -> TensorFlow's static shape
CASES = {
    "zeros of a stack": (lambda x, b: tf.zeros(tf.stack([b, 128])), "(?, 128)"),
    "ones of a stack of three": (lambda x, b: tf.ones(tf.stack([b, 3, 4])), "(?, 3, 4)"),
    "reshape to a stack": (lambda x, b: tf.reshape(x, tf.stack([b, 35])), "(?, 35)"),
    "reshape to a concat": (lambda x, b: tf.reshape(x, tf.concat([tf.shape(x)[:1], [35]], 0)),
                            "(?, 35)"),
    "reshape to shape[1:]": (lambda x, b: tf.reshape(x, tf.shape(x)[1:]), "(5, 7)"),
    "fill of a cast stack": (lambda x, b: tf.fill(tf.cast(tf.stack([b, 2]), tf.int64), 1.0),
                             "(?, 2)"),
    "zeros of a list": (lambda x, b: tf.zeros([b, 128]), "(?, 128)"),
    "reshape to a stack with -1": (lambda x, b: tf.reshape(x, tf.stack([-1, 35])), "(?, 35)"),
    "broadcast_to a stack": (lambda x, b: tf.broadcast_to(tf.constant(1.0), tf.stack([b, 3])),
                             "(?, 3)"),
    "reshape to shape[-2:]": (lambda x, b: tf.reshape(x, tf.shape(x)[-2:]), "(5, 7)"),
    "reshape to shape[::2]": (lambda x, b: tf.reshape(x, tf.shape(x)[::2]), "(?, 7)"),
    "zeros of a shape": (lambda x, b: tf.zeros(tf.shape(x)), "(?, 5, 7)"),
    "zeros of a concat of a shape": (lambda x, b: tf.zeros(tf.concat([tf.shape(x), [2]], 0)),
                                     "(?, 5, 7, 2)"),
    "random_normal of a stack": (lambda x, b: tf.random_normal(tf.stack([b, 4])), "(?, 4)"),
    "zeros of a stack of static dims": (
        lambda x, b: tf.zeros(tf.stack([tf.shape(x)[1], tf.shape(x)[2]])), "(5, 7)"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_static_shape_is_tensorflows(case):
    build, expected = CASES[case]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5, 7])
        result = build(x, tf.shape(x)[0])
        assert str(result.shape) == expected
        if case == "reshape to shape[::2]":  # [?, 7] of [?, 5, 7]'s elements: never runs
            return
        batch = 1 if "shape[" in case else 2  # reshaping to x's own trailing dims: one row
        with tf.Session() as sess:  # the run agrees with the static shape
            value = sess.run(result, {x: np.ones((batch, 5, 7), np.float32)})
        assert tf.TensorShape(value.shape).is_compatible_with(result.shape)


def test_a_zeros_state_of_the_open_batch_enters_a_loop_with_a_shape_invariant():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        state = tf.zeros(tf.stack([tf.shape(x)[0], 4]))
        w = tf.constant(np.full((3, 4), 0.5, np.float32))
        _, final = tf.while_loop(
            lambda i, s: i < 3, lambda i, s: (i + 1, s + tf.matmul(x, w)), [tf.constant(0), state],
            shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 4])])
        assert str(final.shape) == "(?, 4)"
        with tf.Session() as sess:
            value = sess.run(final, {x: np.ones((2, 3), np.float32)})
    np.testing.assert_allclose(value, np.full((2, 4), 4.5))
