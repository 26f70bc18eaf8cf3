"""SumToShape's CPU kernel (ops/shape_ops.py, ops/_sum_rows_numba.py): bias gradients summed by
one numba loop, bit-identical to numpy's in-order reduction; every other case keeps the
reference."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.api import math
from graphflow.ops._sum_rows_numba import sum_rows


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(128, 256), (7, 3), (1, 5), (3, 1), (0, 4), (2000, 32)])
def test_rows_sum_bit_for_bit_as_numpy(dtype, shape):
    x = np.random.default_rng(1).uniform(-1, 1, shape).astype(dtype)
    out = np.full(shape[1], np.nan, dtype)
    sum_rows(x, out)
    np.testing.assert_array_equal(out, np.add.reduce(x, axis=0))
    # in-order float32 sums differ from float64 ones: the test compares the same order
    if dtype == np.float32 and shape[0] > 100:
        assert not np.array_equal(out, x.astype(np.float64).sum(0).astype(dtype))


def _sum_to_shape(dy, target):
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.as_dtype(dy.dtype), [None, *dy.shape[1:]])
        out = math.sum_to_shape(x, tf.zeros(target))
    with tf.Session(graph=graph) as sess:
        return sess.run(out, {x: dy})


@pytest.mark.parametrize(("shape", "target"), [
    ((128, 256), (256,)), ((128, 256), (1, 256)), ((4, 5, 6, 8), (8,)), ((4, 5, 6, 8), (1, 1, 8)),
    ((4, 5, 6, 8), (5, 1, 8)), ((6, 4), (6, 1)), ((6, 4), ()), ((1, 4), (1, 4)), ((3, 4), (3, 4))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_kernel_equals_numpy_sums(shape, target, dtype):
    dy = np.random.default_rng(2).uniform(-3, 3, shape).astype(dtype)
    got = _sum_to_shape(dy, target)
    lead = len(shape) - len(target)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(target)
                                      if d == 1 and shape[lead + i] != 1)
    expected = np.sum(dy, axis=axes).reshape(target) if axes else dy.reshape(target)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_a_transposed_gradient_takes_the_reference():
    dy = np.random.default_rng(3).uniform(-1, 1, (6, 5)).astype(np.float32)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [5, 6])
        out = math.sum_to_shape(tf.transpose(x), tf.zeros([5]))
    with tf.Session(graph=graph) as sess:
        got = sess.run(out, {x: dy.T.copy()})
    np.testing.assert_allclose(got, dy.sum(0), rtol=1e-6)
