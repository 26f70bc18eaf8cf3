"""The loss collections and regularizers: get_variable(regularizer=), get_total_loss."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

W = np.array([[1.0, -2.0], [0.5, 3.0]])


def test_regularizers_match_formulas(graph):
    w = tf.constant(W)
    l1 = tf.contrib.layers.l1_regularizer(0.1)(w)
    l2 = tf.contrib.layers.l2_regularizer(0.2)(w)
    both = tf.contrib.layers.l1_l2_regularizer(0.1, 0.2)(w)
    assert l1.op.name == "l1_regularizer" and l2.op.name == "l2_regularizer"
    with tf.Session() as sess:
        got = sess.run([l1, l2, both])
    np.testing.assert_allclose(got, [0.1 * np.abs(W).sum(), 0.2 * (W * W).sum() / 2,
                                     0.1 * np.abs(W).sum() + 0.2 * (W * W).sum() / 2],
                               rtol=1e-12)


def test_regularizer_scales_are_checked(graph):
    with pytest.raises(ValueError, match="integer"):
        tf.contrib.layers.l2_regularizer(1)
    with pytest.raises(ValueError, match="less than 0"):
        tf.contrib.layers.l1_regularizer(-0.1)
    assert tf.contrib.layers.l2_regularizer(0.0)(tf.constant(W)) is None
    assert tf.contrib.layers.l1_l2_regularizer(0.0, 0.0)(tf.constant(W)) is None


def test_get_variable_regularizer_feeds_the_total_loss(graph):
    with tf.variable_scope("layer", regularizer=tf.contrib.layers.l2_regularizer(0.5)):
        w = tf.get_variable("w", initializer=tf.constant(W))
        b = tf.get_variable("b", initializer=tf.constant([1.0, 1.0], tf.float64),
                            regularizer=tf.contrib.layers.l1_regularizer(0.25))
    data = tf.losses.mean_squared_error(tf.zeros([2, 2], tf.float64), w + b)
    reg = tf.losses.get_regularization_losses()
    assert [r.op.name for r in reg] == ["layer/w/Regularizer/l2_regularizer",
                                        "layer/b/Regularizer/l1_regularizer"]
    assert tf.losses.get_losses() == [data]
    total = tf.losses.get_total_loss()
    penalty = tf.losses.get_regularization_loss()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        t, p, d = sess.run([total, penalty, data])
    expected_penalty = 0.5 * (W * W).sum() / 2 + 0.25 * 2.0
    assert p == pytest.approx(expected_penalty, rel=1e-12)
    assert d == pytest.approx(np.mean((W + 1.0) ** 2), rel=1e-12)
    assert t == pytest.approx(d + p, rel=1e-12)
    assert tf.losses.get_total_loss(add_regularization_losses=False).op.name == "total_loss_1"


def test_apply_regularization_and_empty_collections(graph):
    assert tf.Session().run(tf.losses.get_regularization_loss()) == 0.0
    with pytest.raises(ValueError, match="No losses"):
        tf.losses.get_total_loss()
    penalty = tf.contrib.layers.apply_regularization(tf.contrib.layers.l1_regularizer(1.0),
                                                     [tf.constant(W), tf.constant(-W)])
    assert tf.losses.get_regularization_losses() == [penalty]
    assert tf.Session().run(penalty) == pytest.approx(2 * np.abs(W).sum())
