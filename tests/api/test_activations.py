"""tf.nn activations against numpy float64 formulas, gradients against finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special

import graphflow as tf
from tests.gradcheck import assert_gradients_close, numeric_gradients

X = np.concatenate([np.linspace(-7.5, 7.3, 23), [-40.0, 40.0, 800.0, -800.0]])
ALPHA, SCALE = 1.6732632423543772, 1.0507009873554805

ACTIVATIONS = {
    "relu": (tf.nn.relu, lambda x: np.maximum(x, 0)),
    "relu6": (tf.nn.relu6, lambda x: np.minimum(np.maximum(x, 0), 6)),
    "elu": (tf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0)))),
    "selu": (tf.nn.selu, lambda x: SCALE * np.where(x > 0, x, ALPHA * np.expm1(np.minimum(x, 0)))),
    "softplus": (tf.nn.softplus, lambda x: np.logaddexp(0, x)),
    "softsign": (tf.nn.softsign, lambda x: x / (1 + np.abs(x))),
    "leaky_relu": (lambda x: tf.nn.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    "swish": (tf.nn.swish, lambda x: x * scipy.special.expit(x)),
    "gelu": (tf.nn.gelu, lambda x: 0.5 * x * (1 + scipy.special.erf(x / math.sqrt(2)))),
    "gelu_tanh": (lambda x: tf.nn.gelu(x, approximate=True),
                  lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_values_and_gradients(graph, name):
    ours, reference = ACTIVATIONS[name]
    x = tf.constant(X)
    y = ours(x)
    (g,) = tf.gradients(tf.reduce_sum(y * tf.constant(np.cos(X))), [x])
    with tf.Session() as sess:
        got, grad = sess.run([y, g])
    np.testing.assert_allclose(got, reference(X), rtol=1e-12, atol=1e-12)
    smooth = np.abs(X) < 30  # finite differences away from saturation
    numeric = numeric_gradients(lambda a: float(np.sum(reference(a[0]) * np.cos(X))),
                                [X], [0])[0]
    assert_gradients_close([grad[smooth]], [numeric[smooth]], name)
    assert np.all(np.isfinite(grad))


def test_relu_at_infinities_and_nan_alone_and_fused(graph):
    """TF's Relu is max(x, 0): 0 at -inf (not -inf * 0 = NaN), NaN stays NaN, +0.0 for
    negatives; the same inside a fused loop (the scale and shift around it fuse with it)."""
    x = tf.placeholder(tf.float32, [5])
    values = np.array([-np.inf, np.inf, np.nan, -3.0, 2.0], np.float32)
    alone, fused = tf.nn.relu(x), tf.nn.relu(x * 2.0) + 1.0
    with tf.Session() as sess:
        got_alone, got_fused = sess.run([alone, fused], {x: values})
    np.testing.assert_array_equal(got_alone, [0.0, np.inf, np.nan, 0.0, 2.0])
    assert not np.signbit(got_alone[3])
    np.testing.assert_array_equal(got_fused, [1.0, np.inf, np.nan, 1.0, 5.0])
