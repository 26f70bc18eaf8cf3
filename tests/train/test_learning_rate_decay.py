"""Learning-rate schedules against the published formulas evaluated in numpy (float64)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import graphflow as tf

STEPS = [0, 1, 7, 10, 15, 20, 33]


def _values(make):
    graph = tf.Graph()
    with graph.as_default():
        step = tf.placeholder(tf.int64, [])
        lr = make(step)
        with tf.Session() as sess:
            return [float(sess.run(lr, {step: s})) for s in STEPS]


def _sgdr(lr, step, first, t_mul, m_mul, alpha):
    """SGDR walked period by period (not by the closed form the schedule uses)."""
    start, length, restart = 0.0, float(first), 0
    while step >= start + length:
        start, length, restart = start + length, length * t_mul, restart + 1
    fraction = (step - start) / length
    cosine = 0.5 * m_mul ** restart * (1 + math.cos(math.pi * fraction))
    return lr * ((1 - alpha) * cosine + alpha)


SCHEDULES = {
    "exponential": (lambda g: tf.train.exponential_decay(0.1, g, 10, 0.5),
                    lambda s: 0.1 * 0.5 ** (s / 10)),
    "exponential_staircase": (lambda g: tf.train.exponential_decay(0.1, g, 10, 0.5, True),
                              lambda s: 0.1 * 0.5 ** (s // 10)),
    "natural_exp": (lambda g: tf.train.natural_exp_decay(0.1, g, 10, 0.3),
                    lambda s: 0.1 * math.exp(-0.3 * s / 10)),
    "inverse_time": (lambda g: tf.train.inverse_time_decay(0.1, g, 10, 2.0, staircase=True),
                     lambda s: 0.1 / (1 + 2.0 * (s // 10))),
    "polynomial": (lambda g: tf.train.polynomial_decay(0.1, g, 20, 0.01, power=2.0),
                   lambda s: (0.1 - 0.01) * (1 - min(s, 20) / 20) ** 2 + 0.01),
    "polynomial_cycle": (lambda g: tf.train.polynomial_decay(0.1, g, 10, 0.0, cycle=True),
                         lambda s: 0.1 * (1 - s / (10 * max(1, math.ceil(s / 10))))),
    "cosine": (lambda g: tf.train.cosine_decay(0.1, g, 20, alpha=0.1),
               lambda s: 0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(s, 20) / 20)) + 0.1)),
    "cosine_restarts": (lambda g: tf.train.cosine_decay_restarts(0.1, g, 5, t_mul=2.0, m_mul=0.5,
                                                                 alpha=0.1),
                        lambda s: _sgdr(0.1, s, 5, 2.0, 0.5, 0.1)),
    "cosine_restarts_fixed_period": (
        lambda g: tf.train.cosine_decay_restarts(0.1, g, 7, t_mul=1.0),
        lambda s: _sgdr(0.1, s, 7, 1.0, 1.0, 0.0)),
    "linear_warmup": (lambda g: tf.train.linear_warmup(
        tf.train.exponential_decay(0.1, g, 10, 0.5), g, 12, initial_learning_rate=0.01),
        lambda s: 0.01 + (0.1 * 0.5 ** (s / 10) - 0.01) * s / 12 if s < 12
        else 0.1 * 0.5 ** (s / 10)),
    "piecewise": (lambda g: tf.train.piecewise_constant(g, [np.int64(7), np.int64(15)],
                                                        [1.0, 0.5, 0.1]),
                  lambda s: 1.0 if s <= 7 else 0.5 if s <= 15 else 0.1),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_matches_formula(name):
    make, formula = SCHEDULES[name]
    np.testing.assert_allclose(_values(make), [formula(s) for s in STEPS], rtol=1e-6, atol=1e-8)


def test_schedule_drives_an_optimizer_and_variable_rates_change_between_steps():
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(0.0)
        step = tf.train.get_or_create_global_step()
        lr = tf.train.exponential_decay(1.0, step, 1, 0.5, staircase=True)
        train = tf.train.GradientDescentOptimizer(lr).minimize(-w, global_step=step)
        rate = tf.Variable(1.0, trainable=False)
        train_with_variable_rate = tf.train.GradientDescentOptimizer(rate).minimize(-w)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            assert sess.run(w) == pytest.approx(1.0 + 0.5 + 0.25)
            sess.run(rate.assign(10.0))  # as reduce-on-plateau does
            sess.run(train_with_variable_rate)
            assert sess.run(w) == pytest.approx(11.75)


def test_piecewise_constant_checks_lengths():
    with pytest.raises(ValueError):
        tf.train.piecewise_constant(tf.constant(1), [1, 2], [0.1, 0.2])
