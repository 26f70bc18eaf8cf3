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


def trajectory(make_step):
    """steps(w, n) from `make_step() -> step(w, t)`, a rule holding its own slots."""
    def steps(w, n):
        step = make_step()
        for t in range(1, n + 1):
            w = step(w, t)
        return w
    return steps


def momentum_rule(lr, mu, nesterov=False):
    def make():
        acc = 0.0

        def step(w, t):
            nonlocal acc
            g = loss_grad(w)
            acc = mu * acc + g
            return w - lr * (g + mu * acc if nesterov else acc)
        return step
    return make


def momentum(lr, mu, nesterov=False):
    return trajectory(momentum_rule(lr, mu, nesterov))


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


def adamax(lr, b1, b2, eps):
    def steps(w, n):
        m, u = np.zeros_like(w), np.zeros_like(w)
        for t in range(1, n + 1):
            g = loss_grad(w)
            m = b1 * m + (1 - b1) * g
            u = np.maximum(b2 * u, np.abs(g) + eps)
            w = w - lr / (1 - b1 ** t) * m / u
        return w
    return steps


def nadam(lr, b1, b2, eps, psi=0.004):
    def steps(w, n):
        m, v, mu_product = np.zeros_like(w), np.zeros_like(w), 1.0
        for t in range(1, n + 1):
            g = loss_grad(w)
            mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
            mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
            mu_product *= mu
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            d = np.sqrt(v / (1 - b2 ** t)) + eps
            w = (w - lr * (1 - mu) / (1 - mu_product) * g / d
                 - lr * mu_next / (1 - mu_product * mu_next) * m / d)
        return w
    return steps


def adam_torch_style(lr, b1, b2, eps, amsgrad=False, weight_decay=0.0):
    """torch.optim.Adam(amsgrad=...) / AdamW: epsilon added after the bias correction."""
    def steps(w, n):
        m, v, vhat = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
        for t in range(1, n + 1):
            g = loss_grad(w)
            w = w * (1 - lr * weight_decay)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            vhat = np.maximum(vhat, v)
            d = np.sqrt(vhat if amsgrad else v) / np.sqrt(1 - b2 ** t) + eps
            w = w - lr / (1 - b1 ** t) * m / d
        return w
    return steps


def radam_rule(lr, b1, b2, eps):
    def make():
        m = v = 0.0
        rho_inf = 2 / (1 - b2) - 1

        def step(w, t):
            nonlocal m, v
            g = loss_grad(w)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            m_hat = m / (1 - b1 ** t)
            rho = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
            if rho <= 5:
                return w - lr * m_hat
            r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
            return w - lr * m_hat * r * np.sqrt(1 - b2 ** t) / (np.sqrt(v) + eps)
        return step
    return make


def radam(lr, b1, b2, eps):
    return trajectory(radam_rule(lr, b1, b2, eps))


def lookahead(make_fast, k, alpha):
    """Lookahead around a fast rule whose slots carry across synchronizations."""
    def steps(w, n):
        slow, fast = w.copy(), make_fast()
        for t in range(1, n + 1):
            w = fast(w, t)
            if t % k == 0:
                slow = slow + alpha * (w - slow)
                w = slow.copy()
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
    "adamax": (lambda: tf.train.AdaMaxOptimizer(0.1, 0.8, 0.99, 1e-7), adamax(0.1, 0.8, 0.99, 1e-7)),
    "nadam": (lambda: tf.train.NadamOptimizer(0.1, 0.8, 0.99, 1e-7, momentum_decay=0.1),
              nadam(0.1, 0.8, 0.99, 1e-7, 0.1)),
    "amsgrad": (lambda: tf.train.AdamOptimizer(0.1, 0.8, 0.9, 1e-3, amsgrad=True),
                adam_torch_style(0.1, 0.8, 0.9, 1e-3, amsgrad=True)),
    "adamw": (lambda: tf.train.AdamWOptimizer(0.3, 0.1, 0.8, 0.99, 1e-3),
              adam_torch_style(0.1, 0.8, 0.99, 1e-3, weight_decay=0.3)),
    # beta2 = 0.6 passes rho_t > 5 at step 4: both branches of the rectifier are exercised.
    "radam": (lambda: tf.train.RAdamOptimizer(0.1, 0.8, 0.6, 1e-3), radam(0.1, 0.8, 0.6, 1e-3)),
    "lookahead_momentum": (
        lambda: tf.train.LookaheadOptimizer(tf.train.MomentumOptimizer(0.05, 0.9), 2, 0.3),
        lookahead(momentum_rule(0.05, 0.9), 2, 0.3)),
    "ranger": (lambda: tf.train.RangerOptimizer(0.1, 0.8, 0.6, 1e-3, sync_period=3),
               lookahead(radam_rule(0.1, 0.8, 0.6, 1e-3), 3, 0.5)),
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


def test_new_optimizers_slots_and_global_step():
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(np.ones(2), name="w")
        loss = tf.reduce_sum(tf.square(w - 3.0))
        step = tf.train.create_global_step()
        ams = tf.train.AdamOptimizer(0.1, amsgrad=True)
        ams.minimize(loss)
        assert ams.get_slot_names() == ["m", "v", "vhat"]
        assert ams.get_slot(w, "vhat").op.name == "w/Adam_2"
        nadam = tf.train.NadamOptimizer()
        nadam.minimize(loss)
        assert nadam.get_slot(w, "m").op.name == "w/Nadam"
        assert {v.op.name for v in nadam.variables()} >= {"mu_product", "momentum_power"}
        ranger = tf.train.RangerOptimizer(0.1)
        train = ranger.minimize(loss, global_step=step)
        assert ranger.get_slot_names() == ["m", "slow", "v"]
        assert ranger.get_slot(w, "slow").op.name == "w/Ranger"
        assert ranger.get_slot(w, "m").op.name == "w/RangerRAdam"
        assert tf.trainable_variables() == [w]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(ranger.get_slot(w, "slow")), [1.0, 1.0])
            for _ in range(5):
                sess.run(train)
            assert sess.run(step) == 5
            assert sess.run(loss) < 8.0


def test_lookahead_checks_its_arguments():
    with pytest.raises(ValueError, match="sync_period"):
        tf.train.LookaheadOptimizer(tf.train.GradientDescentOptimizer(0.1), sync_period=0)
    with pytest.raises(ValueError, match="slow_step_size"):
        tf.train.LookaheadOptimizer(tf.train.GradientDescentOptimizer(0.1), slow_step_size=2.0)


def test_gathered_rows_get_dense_gradients(graph):
    """Embedding lookups: the gradient of gather is densified (repeated ids add up), so every
    optimizer applies its dense rule, here Adam."""
    table = RNG.normal(size=(5, 2))
    ids = np.array([0, 2, 2])
    w = tf.Variable(table)
    loss = tf.reduce_sum(tf.square(tf.gather(w, ids)))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    grad = np.zeros_like(table)
    np.add.at(grad, ids, 2 * table[ids])
    m, v = 0.1 * grad, 0.001 * grad * grad
    expected = table - 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9) * m / (np.sqrt(v) + 1e-8)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), expected, rtol=1e-10)
