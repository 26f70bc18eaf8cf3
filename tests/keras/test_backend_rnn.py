"""`K.rnn` (Keras 2's backend loop) against a numpy float64 reference: a running sum whose step
output is 2 * state, over unknown-length and fixed-length inputs, with masks, go_backwards,
zero_output_for_mask, constants and unroll."""

import numpy as np
import pytest

import graphflow as tf
from graphflow.keras import backend as K


def _reference(x, mask, go_backwards, zero_output_for_mask, constant):
    batch, steps, _ = x.shape
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    state = np.zeros((batch, x.shape[2]))
    prev = np.zeros_like(state)
    outputs = []
    for t in order:
        new_state = state + x[:, t] * constant
        out = 2.0 * new_state
        if mask is not None:
            keep = mask[:, t][:, None]
            out = np.where(keep, out, 0.0 if zero_output_for_mask else prev)
            new_state = np.where(keep, new_state, state)
        outputs.append(out)
        prev, state = out, new_state
    return outputs[-1], np.stack(outputs, 1), state


def _step(x_t, states):
    state, constant = states
    new_state = states[0] + x_t * constant
    return 2.0 * new_state, [new_state]


@pytest.mark.parametrize("unroll", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("with_mask,zero_output", [(False, False), (True, False), (True, True)])
def test_rnn_matches_numpy(unroll, go_backwards, with_mask, zero_output):
    rng = np.random.RandomState(1)
    x = rng.standard_normal((3, 5, 2))
    mask = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1], [1, 0, 1, 0, 1]], bool)
    x_ph = tf.placeholder(tf.float32, (None, 5 if unroll else None, 2))
    mask_ph = tf.placeholder(tf.bool, (None, 5 if unroll else None)) if with_mask else None
    zeros = tf.zeros_like(x_ph[:, 0])
    last, outputs, states = K.rnn(_step, x_ph, [zeros], go_backwards=go_backwards, mask=mask_ph,
                                  constants=[tf.constant(0.5)], unroll=unroll,
                                  zero_output_for_mask=zero_output)
    feed = {x_ph: x, **({mask_ph: mask} if with_mask else {})}
    got = tf.Session().run([last, outputs, states[0]], feed)
    want = _reference(x, mask if with_mask else None, go_backwards, zero_output, 0.5)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_rnn_gradient_matches_finite_differences():
    x = np.random.RandomState(2).standard_normal((2, 4, 3))
    x_ph = tf.placeholder(tf.float64, (None, None, 3))
    w = tf.constant(np.random.RandomState(3).standard_normal((3, 3)))

    def step(x_t, states):
        h = tf.tanh(tf.matmul(x_t, w) + states[0])
        return h, [h]
    last, _, _ = K.rnn(step, x_ph, [tf.zeros_like(x_ph[:, 0])])
    loss = tf.reduce_sum(last ** 2)
    session = tf.Session()
    grad = session.run(tf.gradients(loss, x_ph)[0], {x_ph: x})
    eps, numeric = 1e-6, np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (session.run(loss, {x_ph: up}) - session.run(loss, {x_ph: down})) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_rnn_rejects_low_rank_inputs():
    with pytest.raises(ValueError, match="inputs must be at least 3D"):
        K.rnn(_step, tf.placeholder(tf.float32, (None, 3)), [])
