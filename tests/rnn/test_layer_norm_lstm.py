"""tf.contrib.rnn.LayerNormBasicLSTMCell: TF1's variable names and creation order (from TF 1.15's
contrib source; TF 2 has no contrib to record from), values against a numpy float64 reference
of its formulas, gradients by finite differences, and the recurrent dropout's mask."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.rnn.cases import fixed


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _norm(x, w, scope):
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * w[f"{scope}/gamma"] + w[f"{scope}/beta"]


def _numpy_cell(xs, c, h, w, forget_bias, layer_norm):
    outputs = []
    for x in xs:
        gates = np.concatenate([x, h], 1) @ w["kernel"]
        if not layer_norm:
            gates = gates + w["bias"]
        i, j, f, o = np.split(gates, 4, axis=1)
        if layer_norm:
            i, j, f, o = (_norm(v, w, s) for v, s in zip((i, j, f, o),
                                                         ("input", "transform", "forget", "output")))
        c = c * _sigmoid(f + forget_bias) + _sigmoid(i) * np.tanh(j)
        if layer_norm:
            c = _norm(c, w, "state")
        h = np.tanh(c) * _sigmoid(o)
        outputs.append(h)
    return outputs, c, h


@pytest.mark.parametrize("layer_norm", [True, False])
def test_layer_norm_lstm_values_names_and_gradients(layer_norm):
    xs = [tf.placeholder(tf.float64, [2, 3]) for _ in range(3)]
    cell = tf.contrib.rnn.LayerNormBasicLSTMCell(4, forget_bias=0.5, layer_norm=layer_norm)
    outputs, state = tf.nn.static_rnn(cell, xs, dtype=tf.float64)
    names = [v.op.name.split("layer_norm_basic_lstm_cell/")[1] for v in tf.global_variables()]
    if layer_norm:
        assert names == ["kernel"] + [f"{s}/{p}" for s in ("input", "transform", "forget", "output",
                                                          "state") for p in ("gamma", "beta")]
    else:
        assert names == ["kernel", "bias"]
    assert tf.global_variables()[0].op.name == "rnn/layer_norm_basic_lstm_cell/kernel"
    loss = tf.add_n([tf.reduce_sum(o * fixed([2, 4], f"w{t}", 1.0, np.float64))
                     for t, o in enumerate(outputs)]) + tf.reduce_sum(state.c)
    variables = tf.global_variables()
    grads = tf.gradients(loss, variables + xs[:1])
    value = fixed([3, 2, 3], "x", 1.0, np.float64)
    feed = dict(zip(xs, value))
    with tf.Session() as sess:
        for v in variables:
            v.load(fixed(v.get_shape().as_list(), v.op.name, 0.8, np.float64), sess)
        w = {n: sess.run(v) for n, v in zip(names, variables)}
        got, (c, h), symbolic = sess.run([outputs, state, grads], feed)
        eps = 1e-6
        numeric = np.zeros((2, 3))
        for idx in np.ndindex(2, 3):
            up, down = dict(feed), dict(feed)
            up[xs[0]] = value[0].copy()
            up[xs[0]][idx] += eps
            down[xs[0]] = value[0].copy()
            down[xs[0]][idx] -= eps
            numeric[idx] = (sess.run(loss, up) - sess.run(loss, down)) / (2 * eps)
    expected, expected_c, expected_h = _numpy_cell(value, np.zeros((2, 4)), np.zeros((2, 4)), w,
                                                   0.5, layer_norm)
    np.testing.assert_allclose(np.array(got), np.array(expected), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(c, expected_c, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(symbolic[-1], numeric, rtol=1e-5, atol=1e-8)
    assert all(g is not None for g in symbolic)


def test_recurrent_dropout_drops_the_candidate_only():
    x = tf.placeholder(tf.float32, [64, 5])
    keep = tf.placeholder_with_default(1.0, [])
    cell = tf.contrib.rnn.LayerNormBasicLSTMCell(32, layer_norm=False, dropout_keep_prob=keep,
                                                 dropout_prob_seed=4)
    # From c = 0 the new memory is sigmoid(i) * dropout(g): zero exactly where g is dropped.
    _, state = cell(x, cell.zero_state(64, tf.float32))
    feed = {x: fixed([64, 5], "x", 1.0)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        plain = sess.run(state.c, feed)
        dropped = sess.run(state.c, {**feed, keep: 0.5})
    kept = dropped != 0
    assert 0.4 < kept.mean() < 0.6 and np.all(plain != 0)
    np.testing.assert_allclose(dropped[kept], plain[kept] / 0.5, rtol=1e-5)
