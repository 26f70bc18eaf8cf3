"""tf.contrib.rnn.OutputProjectionWrapper / InputProjectionWrapper / EmbeddingWrapper: TF1's
scopes (the wrapper's own, the wrapped cell's inside it) and creation order (from TF 1.15's
contrib source; TF 2 has no contrib to record from), and values against numpy float64."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.rnn.cases import fixed


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


def _numpy_rnn_steps(xs, kernel, bias):
    h = np.zeros((xs.shape[1], kernel.shape[1]))
    hs = []
    for x in xs:
        h = np.tanh(np.concatenate([x, h], 1) @ kernel + bias)
        hs.append(h)
    return hs


def _load(sess):
    for v in tf.global_variables():
        v.load(fixed(v.get_shape().as_list(), v.op.name, dtype=np.float64), sess)
    return {v.op.name: sess.run(v) for v in tf.global_variables()}


def test_output_projection_wrapper():
    xs = [tf.placeholder(tf.float64, [None, 3]) for _ in range(3)]
    cell = tf.contrib.rnn.OutputProjectionWrapper(tf.nn.rnn_cell.BasicRNNCell(4), 2,
                                                  activation=tf.nn.relu)
    outputs, state = tf.nn.static_rnn(cell, xs, dtype=tf.float64)
    assert cell.output_size == 2 and cell.state_size == 4
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["rnn/output_projection_wrapper/basic_rnn_cell/kernel",
                     "rnn/output_projection_wrapper/basic_rnn_cell/bias",
                     "rnn/output_projection_wrapper/kernel", "rnn/output_projection_wrapper/bias"]
    assert len(cell.trainable_variables) == 4
    value = fixed([3, 2, 3], "x", 1.0, np.float64)
    with tf.Session() as sess:
        w = _load(sess)
        got, got_state = sess.run([outputs, state], dict(zip(xs, value)))
    hs = _numpy_rnn_steps(value, w[names[0]], w[names[1]])
    for h, out in zip(hs, got):
        np.testing.assert_allclose(out, np.maximum(h @ w[names[2]] + w[names[3]], 0), rtol=1e-12)
    np.testing.assert_allclose(got_state, hs[-1], rtol=1e-12)
    with pytest.raises(ValueError, match="output_size must be > 0"):
        tf.contrib.rnn.OutputProjectionWrapper(tf.nn.rnn_cell.GRUCell(2), 0)
    with pytest.raises(TypeError, match="not RNNCell"):
        tf.contrib.rnn.OutputProjectionWrapper("cell", 2)


def test_input_projection_wrapper():
    xs = [tf.placeholder(tf.float64, [None, 3]) for _ in range(2)]
    cell = tf.contrib.rnn.InputProjectionWrapper(tf.nn.rnn_cell.BasicRNNCell(4), 5)
    outputs, _ = tf.nn.static_rnn(cell, xs, dtype=tf.float64)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["rnn/input_projection_wrapper/kernel", "rnn/input_projection_wrapper/bias",
                     "rnn/input_projection_wrapper/basic_rnn_cell/kernel",
                     "rnn/input_projection_wrapper/basic_rnn_cell/bias"]
    value = fixed([2, 2, 3], "x", 1.0, np.float64)
    with tf.Session() as sess:
        w = _load(sess)
        got = sess.run(outputs, dict(zip(xs, value)))
    projected = value @ w[names[0]] + w[names[1]]
    for h, out in zip(_numpy_rnn_steps(projected, w[names[2]], w[names[3]]), got):
        np.testing.assert_allclose(out, h, rtol=1e-12)


def test_embedding_wrapper_under_dynamic_rnn():
    ids = tf.placeholder(tf.int32, [None, 4, 1])
    cell = tf.contrib.rnn.EmbeddingWrapper(tf.nn.rnn_cell.BasicRNNCell(3), 10, 2)
    outputs, _ = tf.nn.dynamic_rnn(cell, ids, dtype=tf.float64)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["rnn/embedding_wrapper/embedding",
                     "rnn/embedding_wrapper/basic_rnn_cell/kernel",
                     "rnn/embedding_wrapper/basic_rnn_cell/bias"]
    value = np.array([[[1], [7], [7], [0]], [[9], [2], [5], [5]]], np.int32)
    with tf.Session() as sess:
        w = _load(sess)
        got = sess.run(outputs, {ids: value})
        grads = sess.run(tf.gradients(tf.reduce_sum(outputs), tf.trainable_variables()), {ids: value})
    embedded = w[names[0]][value[..., 0]].transpose(1, 0, 2)  # time-major
    hs = _numpy_rnn_steps(embedded, w[names[1]], w[names[2]])
    np.testing.assert_allclose(got, np.stack(hs, 1), rtol=1e-12)
    unused = [i for i in range(10) if i not in value]
    assert np.all(grads[0][unused] == 0) and np.all(grads[0][[1, 7, 9]] != 0)
    with pytest.raises(ValueError, match="must be > 0"):
        tf.contrib.rnn.EmbeddingWrapper(tf.nn.rnn_cell.GRUCell(2), 0, 2)
