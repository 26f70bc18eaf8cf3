"""TF1's optimizers step by step against independent float64 numpy implementations of their
published update rules (and against TensorFlow itself in tests/compat)."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

RNG = np.random.default_rng(0)
X = RNG.normal(size=(8, 3))
Y = RNG.normal(size=(8, 1))
W0 = RNG.normal(size=(3, 1))


def loss_grad(w: np.ndarray) -> np.ndarray:
    """Gradient of mean((X w - Y)^2)."""
    return 2.0 * X.T @ (X @ w - Y) / len(X)


def momentum(lr, mu, nesterov=False):
    def steps(w, n):
        acc = np.zeros_like(w)
        for _ in range(n):
            g = loss_grad(w)
            acc = mu * acc + g
            w = w - lr * (g + mu * acc if nesterov else acc)
        return w
    return steps


def adagrad(lr, init=0.1):
    def steps(w, n):
        acc = np.full_like(w, init)
        for _ in range(n):
            g = loss_grad(w)
            acc = acc + g * g
            w = w - lr * g / np.sqrt(acc)
        return w
    return steps


def adadelta(lr, rho, eps):
    def steps(w, n):
        acc, acc_up = np.zeros_like(w), np.zeros_like(w)
        for _ in range(n):
            g = loss_grad(w)
            acc = rho * acc + (1 - rho) * g * g
            up = np.sqrt(acc_up + eps) / np.sqrt(acc + eps) * g
            acc_up = rho * acc_up + (1 - rho) * up * up
            w = w - lr * up
        return w
    return steps


def rmsprop(lr, decay, mu, eps, centered):
    def steps(w, n):
        ms, mg, mom = np.ones_like(w), np.zeros_like(w), np.zeros_like(w)
        for _ in range(n):
            g = loss_grad(w)
            ms = decay * ms + (1 - decay) * g * g
            mg = decay * mg + (1 - decay) * g
            denom = ms - mg * mg + eps if centered else ms + eps
            mom = mu * mom + lr * g / np.sqrt(denom)
            w = w - mom
        return w
    return steps


def adam(lr, b1, b2, eps):
    def steps(w, n):
        m, v = np.zeros_like(w), np.zeros_like(w)
        for t in range(1, n + 1):
            g = loss_grad(w)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            w = w - lr_t * m / (np.sqrt(v) + eps)
        return w
    return steps


CASES = {
    "momentum": (lambda: tf.train.MomentumOptimizer(0.05, 0.9), momentum(0.05, 0.9)),
    "nesterov": (lambda: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
                 momentum(0.05, 0.9, nesterov=True)),
    "adagrad": (lambda: tf.train.AdagradOptimizer(0.3), adagrad(0.3)),
    "adadelta": (lambda: tf.train.AdadeltaOptimizer(1.0, 0.9, 1e-6), adadelta(1.0, 0.9, 1e-6)),
    "rmsprop": (lambda: tf.train.RMSPropOptimizer(0.01, 0.9, 0.5, 1e-10),
                rmsprop(0.01, 0.9, 0.5, 1e-10, False)),
    "rmsprop_centered": (lambda: tf.train.RMSPropOptimizer(0.01, 0.8, 0.0, 1e-6, centered=True),
                         rmsprop(0.01, 0.8, 0.0, 1e-6, True)),
    "adam": (lambda: tf.train.AdamOptimizer(0.1, 0.8, 0.99, 1e-7), adam(0.1, 0.8, 0.99, 1e-7)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_matches_update_rule(name):
    make, reference = CASES[name]
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(W0)
        loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(X), w) - tf.constant(Y)))
        step = make().minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for n in range(1, 7):
                sess.run(step)
                np.testing.assert_allclose(sess.run(w), reference(W0, n), rtol=1e-10,
                                           atol=1e-12, err_msg=f"{name} after {n} steps")


def test_slots_are_variables_with_tf1_names():
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(np.zeros(2), name="w")
        opt = tf.train.AdamOptimizer()
        opt.minimize(tf.reduce_sum(tf.square(w - 1.0)))
        assert opt.get_slot_names() == ["m", "v"]
        assert opt.get_slot(w, "m").op.name == "w/Adam"
        assert opt.get_slot(w, "v").op.name == "w/Adam_1"
        names = {v.op.name for v in tf.global_variables()}
        assert {"beta1_power", "beta2_power", "w/Adam", "w/Adam_1"} <= names
        assert tf.trainable_variables() == [w]
        rms = tf.train.RMSPropOptimizer(0.1)
        rms.minimize(tf.reduce_sum(w * w))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(rms.get_slot(w, "rms")), [1.0, 1.0])


def test_adagrad_rejects_nonpositive_initial_accumulator():
    with pytest.raises(ValueError):
        tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
