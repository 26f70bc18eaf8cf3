"""`tf.losses.*` against their formulas in float64 numpy, with weights and every reduction."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

RNG = np.random.default_rng(11)
LABELS = RNG.random((4, 3))
PRED = RNG.random((4, 3))
LOGITS = RNG.normal(size=(4, 3)) * 3
BINARY = (RNG.random((4, 3)) > 0.5).astype(np.float64)
WEIGHTS = np.array([[1.0], [0.0], [2.0], [0.5]])  # broadcast over the last axis; one zero row


def log_softmax(x):
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def huber(e, delta):
    a = np.abs(e)
    return np.where(a <= delta, 0.5 * e * e, delta * (a - 0.5 * delta))


ONEHOT = np.eye(3)[[0, 2, 1, 1]]
SPARSE = np.array([0, 2, 1, 1])

#: name -> (graphflow loss with weights and reduction, per-element numpy losses)
LOSSES = {
    "absolute_difference": (lambda **k: tf.losses.absolute_difference(LABELS, PRED, **k),
                            np.abs(PRED - LABELS)),
    "mean_squared_error": (lambda **k: tf.losses.mean_squared_error(LABELS, PRED, **k),
                           (PRED - LABELS) ** 2),
    "huber_loss": (lambda **k: tf.losses.huber_loss(LABELS, PRED * 4, delta=0.7, **k),
                   huber(PRED * 4 - LABELS, 0.7)),
    "log_loss": (lambda **k: tf.losses.log_loss(BINARY, PRED, **k),
                 -BINARY * np.log(PRED + 1e-7) - (1 - BINARY) * np.log(1 - PRED + 1e-7)),
    "hinge_loss": (lambda **k: tf.losses.hinge_loss(BINARY, LOGITS, **k),
                   np.maximum(0.0, 1 - (2 * BINARY - 1) * LOGITS)),
    "sigmoid_cross_entropy": (
        lambda **k: tf.losses.sigmoid_cross_entropy(BINARY, LOGITS, label_smoothing=0.2, **k),
        (lambda z: z * np.logaddexp(0, -LOGITS) + (1 - z) * np.logaddexp(0, LOGITS))(
            BINARY * 0.8 + 0.1)),
    "cosine_distance": (
        lambda **k: tf.losses.cosine_distance(LABELS, PRED, axis=1, **k),
        1 - np.sum(LABELS * PRED, axis=1, keepdims=True)),
}

PER_EXAMPLE = {
    "softmax_cross_entropy": (
        lambda **k: tf.losses.softmax_cross_entropy(ONEHOT, LOGITS, label_smoothing=0.3, **k),
        -np.sum((ONEHOT * 0.7 + 0.1) * log_softmax(LOGITS), axis=-1)),
    "sparse_softmax_cross_entropy": (
        lambda **k: tf.losses.sparse_softmax_cross_entropy(SPARSE, LOGITS, **k),
        -log_softmax(LOGITS)[np.arange(4), SPARSE]),
}

R = tf.losses.Reduction


def reduce(losses, weights, reduction):
    weighted = losses * weights
    broadcast = np.broadcast_to(weights, losses.shape)
    if reduction == R.NONE:
        return weighted
    total = weighted.sum()
    return {R.SUM: total, R.MEAN: total / broadcast.sum(),
            R.SUM_OVER_BATCH_SIZE: total / losses.size,
            R.SUM_BY_NONZERO_WEIGHTS: total / np.count_nonzero(broadcast)}[reduction]


@pytest.mark.parametrize("reduction", [R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE,
                                       R.SUM_BY_NONZERO_WEIGHTS])
@pytest.mark.parametrize("name", sorted(LOSSES) + sorted(PER_EXAMPLE))
def test_loss_matches_formula(graph, name, reduction):
    make, per_element = {**LOSSES, **PER_EXAMPLE}[name]
    weights = WEIGHTS[:, 0] if name in PER_EXAMPLE else WEIGHTS
    loss = make(weights=weights, reduction=reduction)
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]
    with tf.Session() as sess:
        got = sess.run(loss)
    np.testing.assert_allclose(got, reduce(per_element, weights, reduction), rtol=1e-10,
                               atol=1e-12)


def test_default_weights_and_reduction_is_the_mean(graph):
    loss = tf.losses.mean_squared_error(LABELS, PRED)
    assert loss.op.name == "mean_squared_error/value"
    with tf.Session() as sess:
        assert sess.run(loss) == pytest.approx(np.mean((PRED - LABELS) ** 2), rel=1e-12)


def test_zero_weights_give_zero_not_nan(graph):
    loss = tf.losses.absolute_difference(LABELS, PRED, weights=0.0)
    with tf.Session() as sess:
        assert sess.run(loss) == 0.0


def test_sparse_weights_of_shape_batch_by_one_are_squeezed(graph):
    loss = tf.losses.sparse_softmax_cross_entropy(SPARSE, LOGITS, weights=WEIGHTS)
    with tf.Session() as sess:
        expected = reduce(-log_softmax(LOGITS)[np.arange(4), SPARSE], WEIGHTS[:, 0],
                          R.SUM_BY_NONZERO_WEIGHTS)
        assert sess.run(loss) == pytest.approx(expected, rel=1e-12)


def test_bad_arguments(graph):
    with pytest.raises(ValueError, match="labels must not be None"):
        tf.losses.mean_squared_error(None, PRED)
    with pytest.raises(ValueError, match="incompatible"):
        tf.losses.mean_squared_error(LABELS[:, :2], PRED)
    with pytest.raises(ValueError, match="can not be broadcast"):
        tf.losses.mean_squared_error(LABELS, PRED, weights=np.ones((2, 3)))
    with pytest.raises(ValueError, match="Invalid Reduction"):
        tf.losses.mean_squared_error(LABELS, PRED, reduction="average")
    with pytest.raises(ValueError, match="axis"):
        tf.losses.cosine_distance(LABELS, PRED)


def test_losses_train_a_model(graph):
    x = RNG.normal(size=(32, 3))
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) > 0).astype(np.float64)
    w = tf.Variable(np.zeros((3, 1)))
    tf.losses.sigmoid_cross_entropy(y, tf.matmul(tf.constant(x), w))
    train = tf.train.GradientDescentOptimizer(1.0).minimize(tf.losses.get_total_loss())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(tf.losses.get_total_loss())
        for _ in range(50):
            sess.run(train)
        assert sess.run(tf.losses.get_total_loss()) < 0.5 * first
