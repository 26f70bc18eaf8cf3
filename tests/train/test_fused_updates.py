"""TF1's and Keras' optimizers build one fused update op per variable (ApplyAdam, ...) with TF1's
names; the fused Adam equals the op-by-op form step for step; meta graphs with either form
load and train."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow import keras
from graphflow.train.adam import AdamOptimizer

RNG = np.random.default_rng(5)
X = RNG.normal(size=(8, 3)).astype(np.float32)
T = RNG.normal(size=(8, 2)).astype(np.float32)
W0 = RNG.normal(size=(3, 2)).astype(np.float32)

TF1 = {
    "GradientDescent": (lambda: tf.train.GradientDescentOptimizer(0.1), "ApplyGradientDescent"),
    "Momentum": (lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True), "ApplyMomentum"),
    "Adam": (lambda: tf.train.AdamOptimizer(0.1), "ApplyAdam"),
    "RMSProp": (lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.5), "ApplyRMSProp"),
    "RMSProp_centered": (lambda: tf.train.RMSPropOptimizer(0.1, centered=True),
                         "ApplyCenteredRMSProp"),
    "Adagrad": (lambda: tf.train.AdagradOptimizer(0.1), "ApplyAdagrad"),
    "Adadelta": (lambda: tf.train.AdadeltaOptimizer(1.0), "ApplyAdadelta"),
}


def _problem():
    w = tf.Variable(W0, name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(X), w) - T))
    return w, loss


@pytest.mark.parametrize("key", sorted(TF1))
def test_tf1_optimizers_build_tf1s_op_and_name(key):
    make, op_type = TF1[key]
    with tf.Graph().as_default() as graph:
        w, loss = _problem()
        optimizer = make()
        optimizer.minimize(loss)
        name = optimizer.get_name()
        update = graph.get_operation_by_name(f"{name}/update_w/{op_type}")
        assert update.type == op_type
        assert update.inputs[0].op is w.op  # the variable itself, not a snapshot of it
        writes = [op for op in graph.get_operations() if op.type in ("Assign", "AssignSub")
                  and op.inputs[0].op is w.op and "update_w" in op.name]
        assert writes == []


@pytest.mark.parametrize("make", [lambda: tf.train.AdamOptimizer(0.1, amsgrad=True),
                                  lambda: tf.train.AdamWOptimizer(0.01, learning_rate=0.1)],
                         ids=["amsgrad", "adamw"])
def test_adam_variants_keep_their_own_rule(make):
    with tf.Graph().as_default() as graph:
        _, loss = _problem()
        make().minimize(loss)
        assert "ApplyAdam" not in {op.type for op in graph.get_operations()}


def _adam_steps(fused: bool, monkeypatch, steps=6, nesterov_free=True):
    monkeypatch.setattr(AdamOptimizer, "_fused", property(lambda self: fused))
    with tf.Graph().as_default() as graph:
        w, loss = _problem()
        train = tf.train.AdamOptimizer(0.05, beta1=0.8, beta2=0.95).minimize(loss)
        types = {op.type for op in graph.get_operations()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = [sess.run([train, loss])[1] for _ in range(steps)]
            return sess.run(w), values, types


def test_fused_adam_equals_the_op_by_op_form(monkeypatch):
    fused_w, fused_losses, fused_types = _adam_steps(True, monkeypatch)
    plain_w, plain_losses, plain_types = _adam_steps(False, monkeypatch)
    assert "ApplyAdam" in fused_types and "ApplyAdam" not in plain_types
    np.testing.assert_allclose(fused_w, plain_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fused_losses, plain_losses, rtol=1e-5)
    assert not np.allclose(fused_w, W0)


KERAS = {
    "sgd": (lambda: keras.optimizers.SGD(0.1), "ApplyGradientDescent"),
    "momentum": (lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
                 "ApplyKerasMomentum"),
    "adam": (lambda: keras.optimizers.Adam(0.1), "ApplyAdam"),
    "adamax": (lambda: keras.optimizers.Adamax(0.1), "ApplyAdaMax"),
    "adagrad": (lambda: keras.optimizers.Adagrad(0.1), "ApplyAdagradV2"),
    "adadelta": (lambda: keras.optimizers.Adadelta(1.0), "ApplyAdadelta"),
    "rmsprop_momentum": (lambda: keras.optimizers.RMSprop(0.1, momentum=0.5), "ApplyRMSProp"),
}


@pytest.mark.parametrize("key", sorted(KERAS))
def test_keras_optimizers_build_fused_updates(key):
    make, op_type = KERAS[key]
    with tf.Graph().as_default() as graph:
        w, loss = _problem()
        make().get_updates(loss, [w])
        assert op_type in {op.type for op in graph.get_operations()}


def test_a_keras_constraint_keeps_the_op_by_op_update():
    """The constraint applies to the new value, which a fused op never exposes."""
    with tf.Graph().as_default() as graph:
        w = tf.Variable(W0, name="w", constraint=lambda value: tf.clip_by_value(value, -0.5, 0.5))
        loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(X), w) - T))
        updates = keras.optimizers.Adam(0.1).get_updates(loss, [w])
        assert "ApplyAdam" not in {op.type for op in graph.get_operations()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(updates)
            assert np.abs(sess.run(w)).max() <= 0.5


def _export(directory, fused, monkeypatch):
    """A model trained 3 steps, checkpointed with its meta graph; then 2 more steps here."""
    monkeypatch.setattr(AdamOptimizer, "_fused", property(lambda self: fused))
    with tf.Graph().as_default() as graph:
        w, loss = _problem()
        train = tf.train.AdamOptimizer(0.05).minimize(loss, name="train")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            path = saver.save(sess, f"{directory}/model")
            for _ in range(2):
                sess.run(train)
            types = {op.type for op in graph.get_operations()}
            return path, sess.run(w), types


@pytest.mark.parametrize("fused", [True, False], ids=["apply_adam", "op_by_op"])
def test_meta_graph_round_trip_trains_on(tmp_path, monkeypatch, fused):
    path, expected, types = _export(str(tmp_path), fused, monkeypatch)
    assert ("ApplyAdam" in types) == fused
    monkeypatch.setattr(AdamOptimizer, "_fused", property(lambda self: True))
    with tf.Graph().as_default() as graph:
        saver = tf.train.import_meta_graph(path + ".meta")
        assert ("ApplyAdam" in {op.type for op in graph.get_operations()}) == fused
        with tf.Session() as sess:
            saver.restore(sess, path)
            for _ in range(2):
                sess.run("train")
            np.testing.assert_allclose(sess.run("w:0"), expected, rtol=1e-6)
