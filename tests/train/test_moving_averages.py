"""tf.train.ExponentialMovingAverage against numpy recurrences: plain and num_updates-capped
decay, zero-debiased tensor averages, ordering after a training step, names, errors, and
restoring averages into the variables with variables_to_restore."""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf


def test_variable_average_follows_the_recurrence(graph):
    w = tf.Variable(np.array([1.0, -2.0], np.float32), name="w")
    ema = tf.train.ExponentialMovingAverage(0.75)
    update = ema.apply([w])
    values = [np.array([3.0, 1.0]), np.array([0.0, 5.0]), np.array([2.0, 2.0])]
    shadow = np.array([1.0, -2.0])  # starts at the variable's initial value
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for value in values:
            w.load(value.astype(np.float32), sess)
            sess.run(update)
            shadow = shadow - 0.25 * (shadow - value)
            np.testing.assert_allclose(sess.run(ema.average(w)), shadow, rtol=1e-6)
    assert update.name == "ExponentialMovingAverage"
    assert ema.average(w).name == "w/ExponentialMovingAverage:0"
    assert ema.average_name(w) == "w/ExponentialMovingAverage"
    assert ema.average(w) not in tf.trainable_variables()
    assert tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES) == [w]


def test_num_updates_caps_the_decay_and_reads_after_the_training_step(graph):
    w = tf.Variable(0.0, name="w")
    step = tf.Variable(0, trainable=False, name="step")
    train = tf.group(tf.assign_add(w, 1.0), tf.assign_add(step, 1))
    ema = tf.train.ExponentialMovingAverage(0.9, num_updates=step)
    with tf.control_dependencies([train]):
        update = ema.apply([w])
    shadow, value = 0.0, 0.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for n in range(1, 6):
            sess.run(update)
            value += 1.0
            decay = min(0.9, (1.0 + n) / (10.0 + n))  # the step after its increment
            shadow -= (1.0 - decay) * (shadow - value)
            assert sess.run(ema.average(w)) == pytest.approx(shadow, rel=1e-6)


@pytest.mark.parametrize("zero_debias", [False, True])
def test_tensor_average_starts_at_zero_and_is_debiased_on_request(graph, zero_debias):
    x = tf.placeholder(tf.float32, [2])
    ema = tf.train.ExponentialMovingAverage(0.8, zero_debias=zero_debias)
    update = ema.apply([x])
    feeds = [np.array([1.0, 4.0]), np.array([3.0, 0.0]), np.array([2.0, 2.0])]
    biased = np.zeros(2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t, value in enumerate(feeds, start=1):
            sess.run(update, {x: value})
            biased = biased - 0.2 * (biased - value)
            expected = biased / (1 - 0.8 ** t) if zero_debias else biased
            np.testing.assert_allclose(sess.run(ema.average(x)), expected, rtol=1e-6)
    assert tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES) == []  # tensors are not added


def test_bad_inputs_raise(graph):
    counter = tf.Variable(0, name="counter")
    w = tf.Variable(1.0)
    ema = tf.train.ExponentialMovingAverage(0.9)
    with pytest.raises(TypeError, match="counter"):
        ema.apply([counter])
    ema.apply([w])
    with pytest.raises(ValueError, match="already computed"):
        ema.apply([w])


def test_variables_to_restore_loads_the_averages(graph, tmp_path):
    w = tf.Variable(np.array([0.0, 0.0], np.float32), name="w")
    step = tf.Variable(7, trainable=False, name="global_step")
    ema = tf.train.ExponentialMovingAverage(0.5)
    update = ema.apply([w])
    path = os.path.join(tmp_path, "model")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w.load(np.array([4.0, 8.0], np.float32), sess)
        sess.run(update)  # shadow = 0.5 * [4, 8]
        tf.train.Saver().save(sess, path)
    restore_map = ema.variables_to_restore()
    assert sorted(restore_map) == ["global_step", "w/ExponentialMovingAverage"]
    with tf.Session() as sess:
        tf.train.Saver(restore_map).restore(sess, path)
        np.testing.assert_array_equal(sess.run(w), [2.0, 4.0])
        assert sess.run(step) == 7
