"""The numba kernel of SparseSoftmaxCrossEntropyWithLogits (ops/_cross_entropy_numba.py) against
a float64 log-sum-exp, at ordinary and at huge logits, and TF1's error for a bad label."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.ops import registry


def _float64_reference(logits, labels):
    x = np.asarray(logits, np.float64)
    top = x.max(axis=1, keepdims=True)
    logsumexp = top[:, 0] + np.log(np.exp(x - top).sum(axis=1))
    rows = np.arange(len(labels))
    backprop = np.exp(x - logsumexp[:, None])
    backprop[rows, labels] -= 1.0
    return logsumexp - x[rows, labels], backprop


class _Node:
    """The little of a plan node the kernel builder reads."""

    def __init__(self, dtype):
        from graphflow.framework import dtypes

        self.in_specs = [registry.Spec(tf.TensorShape([None, None]), dtypes.as_dtype(dtype))]
        self.attrs = {}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_kernel_matches_a_float64_logsumexp(dtype, scale):
    rng = np.random.default_rng(4)
    logits = (rng.normal(size=(128, 10)) * scale).astype(dtype)
    labels = rng.integers(0, 10, 128)
    kernel = registry.get("SparseSoftmaxCrossEntropyWithLogits").cpu_kernel(_Node(dtype))
    for label_dtype in (np.int32, np.int64):
        loss, backprop = kernel(logits, labels.astype(label_dtype))
        want_loss, want_backprop = _float64_reference(logits, labels)
        assert loss.dtype == dtype and backprop.dtype == dtype
        tol = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(loss, want_loss, rtol=tol, atol=tol)
        np.testing.assert_allclose(backprop, want_backprop, rtol=tol, atol=tol)


def test_a_label_out_of_range_is_tf1s_error():
    logits = tf.placeholder(tf.float32, [None, 3])
    labels = tf.placeholder(tf.int64, [None])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    with tf.Session() as sess:
        got = sess.run(loss, {logits: np.zeros((2, 3), np.float32), labels: [0, 2]})
        np.testing.assert_allclose(got, [np.log(3.0)] * 2, rtol=1e-6)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"label value of 3 which is outside the valid range of \[0, 3\)"):
            sess.run(loss, {logits: np.zeros((2, 3), np.float32), labels: [0, 3]})
