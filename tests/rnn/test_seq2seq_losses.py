"""tf.contrib.legacy_seq2seq.sequence_loss_by_example / sequence_loss and
tf.contrib.seq2seq.sequence_loss against numpy float64 references of TF1's formulas (TF 2 has no
contrib to record from)."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.rnn.cases import fixed

BATCH, STEPS, CLASSES = 3, 4, 5
LOGITS = fixed([BATCH, STEPS, CLASSES], "logits", 3.0, np.float64)
TARGETS = np.array([[0, 4, 2, 1], [3, 3, 0, 2], [1, 0, 4, 4]], np.int32)
WEIGHTS = np.array([[1, 1, 0.5, 0], [1, 0, 0, 0], [0, 0, 0, 0]], np.float64)


def _crossent():
    shifted = LOGITS - LOGITS.max(-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return -np.take_along_axis(log_probs, TARGETS[..., None], -1)[..., 0]  # [batch, steps]


def _run(tensor):
    with tf.Session() as sess:
        return sess.run(tensor)


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


@pytest.mark.parametrize("average", [True, False])
def test_legacy_sequence_loss_by_example(average):
    logits = [tf.constant(LOGITS[:, t]) for t in range(STEPS)]
    targets = [tf.constant(TARGETS[:, t]) for t in range(STEPS)]
    weights = [tf.constant(WEIGHTS[:, t]) for t in range(STEPS)]
    loss = tf.contrib.legacy_seq2seq.sequence_loss_by_example(logits, targets, weights,
                                                              average_across_timesteps=average)
    expected = (_crossent() * WEIGHTS).sum(1)
    if average:
        expected = expected / (WEIGHTS.sum(1) + 1e-12)
    np.testing.assert_allclose(_run(loss), expected, rtol=1e-10)
    with pytest.raises(ValueError, match="Lengths of logits, weights, and targets must be the same"):
        tf.contrib.legacy_seq2seq.sequence_loss_by_example(logits, targets[:2], weights)


@pytest.mark.parametrize("average_batch", [True, False])
def test_legacy_sequence_loss_and_custom_loss_function(average_batch):
    logits = [tf.constant(LOGITS[:, t]) for t in range(STEPS)]
    targets = [tf.constant(TARGETS[:, t]) for t in range(STEPS)]
    weights = [tf.constant(WEIGHTS[:, t]) for t in range(STEPS)]

    def doubled(labels, logits):
        return 2.0 * tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)

    loss = tf.contrib.legacy_seq2seq.sequence_loss(
        logits, targets, weights, average_across_batch=average_batch, softmax_loss_function=doubled)
    per_example = (2 * _crossent() * WEIGHTS).sum(1) / (WEIGHTS.sum(1) + 1e-12)
    expected = per_example.sum() / (BATCH if average_batch else 1)
    np.testing.assert_allclose(_run(loss), expected, rtol=1e-10)


@pytest.mark.parametrize("flags, reference", [
    ({}, lambda c, w: (c * w).sum() / w.sum()),
    ({"average_across_timesteps": False}, lambda c, w: (c * w).sum(0) / np.where(
        w.sum(0) == 0, np.inf, w.sum(0))),
    ({"average_across_batch": False}, lambda c, w: np.divide(
        (c * w).sum(1), w.sum(1), out=np.zeros(BATCH), where=w.sum(1) != 0)),
    ({"average_across_timesteps": False, "average_across_batch": False}, lambda c, w: c * w),
    ({"average_across_timesteps": False, "average_across_batch": False, "sum_over_timesteps": True,
      "sum_over_batch": True}, lambda c, w: (c * w).sum() / np.count_nonzero(w)),
    ({"average_across_timesteps": False, "average_across_batch": False,
      "sum_over_timesteps": True}, lambda c, w: np.divide(
          (c * w).sum(1), np.count_nonzero(w, 1), out=np.zeros(BATCH),
          where=np.count_nonzero(w, 1) != 0)),
], ids=["mean", "per_step", "per_example", "none", "sum_both", "sum_steps"])
def test_seq2seq_sequence_loss(flags, reference):
    loss = tf.contrib.seq2seq.sequence_loss(tf.constant(LOGITS), tf.constant(TARGETS),
                                            tf.constant(WEIGHTS), **flags)
    np.testing.assert_allclose(_run(loss), reference(_crossent(), WEIGHTS), rtol=1e-6)


def test_seq2seq_sequence_loss_errors():
    logits, targets, weights = tf.constant(LOGITS), tf.constant(TARGETS), tf.constant(WEIGHTS)
    with pytest.raises(ValueError, match="Logits must be a"):
        tf.contrib.seq2seq.sequence_loss(logits[0], targets, weights)
    with pytest.raises(ValueError, match="Targets must be a"):
        tf.contrib.seq2seq.sequence_loss(logits, targets[0], weights)
    with pytest.raises(ValueError, match="cannot be set to True at same time"):
        tf.contrib.seq2seq.sequence_loss(logits, targets, weights, sum_over_timesteps=True)


def test_seq2seq_sequence_loss_gradient_matches_finite_differences():
    logits = tf.placeholder(tf.float64, [BATCH, STEPS, CLASSES])
    loss = tf.contrib.seq2seq.sequence_loss(logits, tf.constant(TARGETS), tf.constant(WEIGHTS))
    grad, = tf.gradients(loss, [logits])
    eps = 1e-6
    with tf.Session() as sess:
        symbolic = sess.run(grad, {logits: LOGITS})
        numeric = np.zeros_like(LOGITS)
        for idx in np.ndindex(LOGITS.shape):
            up, down = LOGITS.copy(), LOGITS.copy()
            up[idx] += eps
            down[idx] -= eps
            numeric[idx] = (sess.run(loss, {logits: up}) - sess.run(loss, {logits: down})) / (2 * eps)
    np.testing.assert_allclose(symbolic, numeric, rtol=1e-5, atol=1e-9)
