"""`tf.nn` cross-entropies, softmax and l2_loss against float64 numpy formulas (evaluated in
a stable form, or with extended precision) and finite differences, including logits of 1e4."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.gradcheck import assert_gradients_close, numeric_gradients

RNG = np.random.default_rng(3)


def np_log_softmax(x, axis=-1):
    x = np.asarray(x, np.longdouble)  # extended precision: an independent oracle
    m = np.max(x, axis=axis, keepdims=True)
    return np.asarray(x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)),
                      np.float64)


def np_sigmoid_xent(z, x):
    """-z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x)) with log(sigmoid(x)) = -logaddexp(0, -x)."""
    return z * np.logaddexp(0.0, -x) + (1 - z) * np.logaddexp(0.0, x)


def _run(fetch, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetch, feeds)


def test_softmax_and_log_softmax_along_any_axis(graph):
    x = RNG.normal(size=(2, 3, 4)) * 5
    t = tf.constant(x)
    got = _run([tf.nn.softmax(t), tf.nn.softmax(t, axis=1), tf.nn.log_softmax(t, axis=0),
                tf.nn.softmax(tf.constant([[1e4, -1e4, 0.0]]))])
    np.testing.assert_allclose(got[0], np.exp(np_log_softmax(x)), rtol=1e-12)
    np.testing.assert_allclose(got[1], np.exp(np_log_softmax(x, 1)), rtol=1e-12)
    np.testing.assert_allclose(got[2], np_log_softmax(x, 0), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(got[3], [[1.0, 0.0, 0.0]])
    assert tf.nn.softmax(t, axis=1).shape.as_list() == [2, 3, 4]
    with pytest.raises(ValueError, match="out of range"):
        tf.nn.softmax(t, axis=3)


def test_softmax_cross_entropy_is_stable_and_exact(graph):
    logits = np.array([[1e4, -1e4, 0.0], [3.0, 1.0, -2.0], [-1e4, 1e4, 1e4]])
    labels = np.array([[0.0, 1.0, 0.0], [0.2, 0.5, 0.3], [0.5, 0.25, 0.25]])
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    expected = -np.sum(labels * np_log_softmax(logits), axis=-1)
    np.testing.assert_allclose(_run(loss), expected, rtol=1e-12)
    assert np.all(np.isfinite(_run(loss)))
    loss32 = tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=labels.astype(np.float32), logits=logits.astype(np.float32))
    np.testing.assert_allclose(_run(loss32), expected, rtol=1e-6)


def test_sparse_softmax_cross_entropy_on_any_rank(graph):
    logits = RNG.normal(size=(2, 3, 5)) * 4
    labels = RNG.integers(0, 5, size=(2, 3))
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    assert loss.shape.as_list() == [2, 3]
    expected = -np.take_along_axis(np_log_softmax(logits), labels[..., None], -1)[..., 0]
    np.testing.assert_allclose(_run(loss), expected, rtol=1e-12)
    big = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=[0, 1], logits=tf.constant([[-1e4, 1e4], [-1e4, 1e4]], tf.float32))
    np.testing.assert_allclose(_run(big), [2e4, 0.0])
    with pytest.raises(ValueError, match="Rank mismatch"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[[0]], logits=[[1.0, 2.0]])


def test_sparse_label_out_of_range_names_the_op(graph):
    labels = tf.placeholder(tf.int32, [None])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=[[1.0, 2.0]])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="SparseSoftmaxCrossEntropyWithLogits.*2"):
        sess.run(loss, {labels: [2]})


def test_sigmoid_and_weighted_cross_entropy(graph):
    x = np.array([[1e4, -1e4, 0.0, 2.5], [-3.0, 0.7, 40.0, -40.0]])
    z = np.array([[0.0, 1.0, 0.5, 1.0], [1.0, 0.0, 0.3, 0.8]])
    sig = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)
    weighted = tf.nn.weighted_cross_entropy_with_logits(targets=z, logits=x, pos_weight=3.0)
    got_sig, got_weighted = _run([sig, weighted])
    np.testing.assert_allclose(got_sig, np_sigmoid_xent(z, x), rtol=1e-12)
    expected = 3.0 * z * np.logaddexp(0.0, -x) + (1 - z) * np.logaddexp(0.0, x)
    np.testing.assert_allclose(got_weighted, expected, rtol=1e-12)
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.sigmoid_cross_entropy_with_logits(z, x)
    with pytest.raises(ValueError, match="same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=z[:, :2], logits=x)


@pytest.mark.parametrize("which", ["softmax_v2", "softmax_v1", "sparse", "sigmoid", "weighted",
                                   "l2_loss", "log_softmax_axis0"])
def test_gradients_match_finite_differences(graph, which):
    logits = RNG.normal(size=(3, 4)) * 2
    labels = RNG.random((3, 4))
    labels /= labels.sum(axis=1, keepdims=True)
    sparse = np.array([3, 0, 1])
    weights = RNG.normal(size=(3, 4))
    build = {
        "softmax_v2": lambda x, z: tf.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x),
        "softmax_v1": lambda x, z: tf.nn.softmax_cross_entropy_with_logits(labels=z, logits=x),
        "sparse": lambda x, z: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=sparse,
                                                                              logits=x),
        "sigmoid": lambda x, z: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
        "weighted": lambda x, z: tf.nn.weighted_cross_entropy_with_logits(z, x, 2.0),
        "l2_loss": lambda x, z: tf.nn.l2_loss(x * z),
        "log_softmax_axis0": lambda x, z: tf.nn.log_softmax(x, axis=0) * z,
    }[which]
    numpy = {
        "softmax_v2": lambda x, z: -np.sum(z * np_log_softmax(x), -1),
        "softmax_v1": lambda x, z: -np.sum(z * np_log_softmax(x), -1),
        "sparse": lambda x, z: -np_log_softmax(x)[np.arange(3), sparse],
        "sigmoid": lambda x, z: np_sigmoid_xent(z, x),
        "weighted": lambda x, z: 2.0 * z * np.logaddexp(0, -x) + (1 - z) * np.logaddexp(0, x),
        "l2_loss": lambda x, z: np.sum((x * z) ** 2) / 2,
        "log_softmax_axis0": lambda x, z: np_log_softmax(x, 0) * z,
    }[which]
    x, z = tf.constant(logits), tf.constant(labels)
    out = build(x, z)
    w = weights[: out.shape[0]] if out.shape.ndims == 2 else weights[:, 0] \
        if out.shape.ndims == 1 else np.float64(1.5)
    grads = tf.gradients(tf.reduce_sum(out * w), [x, z])
    values = iter(_run([g for g in grads if g is not None]))
    symbolic = [None if g is None else next(values) for g in grads]
    numeric = numeric_gradients(lambda a: float(np.sum(numpy(*a) * w)), [logits, labels],
                                [0, 1])
    if which == "softmax_v1":  # TF1's v1 op stops the gradient into the labels
        assert grads[1] is None
        numeric[1] = np.zeros_like(labels)
    if which == "sparse":
        numeric[1] = np.zeros_like(labels)
    assert_gradients_close(symbolic, numeric, which)


def test_l2_loss(graph):
    x = RNG.normal(size=(4, 3))
    assert _run(tf.nn.l2_loss(tf.constant(x))) == pytest.approx(np.sum(x * x) / 2, rel=1e-12)


def test_sparse_cross_entropy_op_is_named_inside_its_own_scope_as_tf1(graph):
    logits = tf.placeholder(tf.float32, [None, 3])
    labels = tf.placeholder(tf.int32, [None])
    with tf.name_scope("loss"):
        named = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                name="xentropy")
    default = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    assert named.name == "loss/xentropy/xentropy:0"
    assert default.name == ("SparseSoftmaxCrossEntropyWithLogits/"
                            "SparseSoftmaxCrossEntropyWithLogits:0")


def test_softmax_labels_of_another_rank_are_flattened_as_tf1(graph):
    # public code wraps the labels in a list: tf.stop_gradient([one_hot]) has shape [1, N, C]
    logits = tf.placeholder(tf.float32, [None, 3])
    labels = tf.placeholder(tf.float32, [None, 3])
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=tf.stop_gradient([labels]))
    assert loss.get_shape().as_list() == [None]
    logit_values = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], np.float32)
    label_values = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], np.float32)
    with tf.Session() as sess:
        value = sess.run(loss, {logits: logit_values, labels: label_values})
    log_softmax = logit_values - np.log(np.exp(logit_values.astype(np.float64)).sum(1, keepdims=True))
    np.testing.assert_allclose(value, -(label_values * log_softmax).sum(1), rtol=1e-6)
