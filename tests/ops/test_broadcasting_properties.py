"""Property-based checks (hypothesis) of broadcasting and reductions over generated shapes:
static shape rule, kernel values and gradients against numpy in float64."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import graphflow as tf
from tests.gradcheck import assert_gradients_close, numeric_gradients

BINARY = {
    "Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "RealDiv": np.divide,
    "Maximum": np.maximum, "Minimum": np.minimum, "Pow": np.power,
    "SquaredDifference": lambda x, y: (x - y) ** 2,
}
REDUCE = {"Sum": np.sum, "Mean": np.mean, "Max": np.max, "Min": np.min, "Prod": np.prod}

shapes_pairs = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


def _operand(seed: int, shape: tuple[int, ...], positive: bool, offset: float) -> np.ndarray:
    """Values away from 0 and from each other (no ties for Maximum/Minimum, no kinks)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 2.0, shape) + offset
    return x if positive else x * rng.choice([-1.0, 1.0], shape)


@given(op_type=st.sampled_from(sorted(BINARY)), shapes=shapes_pairs, seed=st.integers(0, 2**16))
def test_binary_broadcasting(op_type, shapes, seed):
    (sx, sy), expected_shape = shapes
    positive = op_type in ("Pow", "RealDiv")
    x = _operand(seed, sx, positive, 0.0)
    y = _operand(seed + 1, sy, positive, 0.013)
    graph = tf.Graph()
    with graph.as_default():
        px = tf.placeholder(tf.float64, sx)
        py = tf.placeholder(tf.float64, sy)
        z = graph.create_op(op_type, [px, py]).outputs[0]
        assert z.shape.as_list() == list(expected_shape)
        w = np.random.default_rng(seed + 2).normal(size=expected_shape)
        grads = tf.gradients(tf.reduce_sum(z * w), [px, py])
    with tf.Session(graph=graph) as sess:
        value, gx, gy = sess.run([z, *grads], {px: x, py: y})
    np.testing.assert_allclose(value, BINARY[op_type](x, y), rtol=1e-12, atol=1e-12)

    def loss(args):
        return float(np.sum(BINARY[op_type](*args) * w))

    assert_gradients_close([gx, gy], numeric_gradients(loss, [x, y], [0, 1]), op_type)


@given(op_type=st.sampled_from(sorted(REDUCE)),
       shape=array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3),
       data=st.data(), keepdims=st.booleans())
def test_reductions(op_type, shape, data, keepdims):
    rank = len(shape)
    axes = data.draw(st.lists(st.integers(-rank, rank - 1), max_size=rank,
                              unique_by=lambda a: a % rank))
    axis = axes or None  # an empty list here means "all axes"
    n = int(np.prod(shape))
    x = (np.random.default_rng(n).permutation(n).reshape(shape) + 1.0) / n + 0.5
    graph = tf.Graph()
    with graph.as_default():
        px = tf.placeholder(tf.float64, shape)
        reduce = {"Sum": tf.reduce_sum, "Mean": tf.reduce_mean, "Max": tf.reduce_max,
                  "Min": tf.reduce_min, "Prod": tf.reduce_prod}[op_type]
        y = reduce(px, axis=axis, keepdims=keepdims)
        np_axis = None if axis is None else tuple(a % rank for a in axis)
        expected = REDUCE[op_type](x, axis=np_axis, keepdims=keepdims)
        assert y.shape.as_list() == list(np.shape(expected))
        w = np.random.default_rng(1).normal(size=np.shape(expected))
        (gx,) = tf.gradients(tf.reduce_sum(y * w), [px])
    with tf.Session(graph=graph) as sess:
        value, grad = sess.run([y, gx], {px: x})
    np.testing.assert_allclose(value, expected, rtol=1e-12)

    def loss(args):
        return float(np.sum(REDUCE[op_type](args[0], axis=np_axis, keepdims=keepdims) * w))

    assert_gradients_close([grad], numeric_gradients(loss, [x], [0]), op_type)
