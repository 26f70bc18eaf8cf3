"""tf.nn.dynamic_rnn beyond the recorded values: TF1's errors, static shapes, the graph it builds
(one while loop over TensorArrays), and zeros past each sequence's end."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.rnn.cases import fixed


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


def test_errors_are_tf1s():
    cell = tf.nn.rnn_cell.GRUCell(3)
    x = tf.placeholder(tf.float32, [None, 4, 2])
    with pytest.raises(ValueError, match="If there is no initial_state, you must give a dtype."):
        tf.nn.dynamic_rnn(cell, x)
    with pytest.raises(ValueError, match="sequence_length must be a vector of length batch_size"):
        tf.nn.dynamic_rnn(cell, x, sequence_length=[[2]], dtype=tf.float32)
    with pytest.raises(ValueError, match="Input size \\(depth of inputs\\) must be accessible"):
        tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [None, 4, None]), dtype=tf.float32)
    with pytest.raises(ValueError, match="Time steps is not the same"):
        tf.nn.dynamic_rnn(cell, (x, tf.placeholder(tf.float32, [None, 5, 2])), dtype=tf.float32)


def test_static_shapes_and_names():
    x = tf.placeholder(tf.float32, [8, 6, 2])
    outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(3), x, dtype=tf.float32)
    assert outputs.shape.as_list() == [8, 6, 3]
    assert state.c.shape.as_list() == [8, 3] and state.h.shape.as_list() == [8, 3]
    assert [v.name for v in tf.global_variables()] == ["rnn/basic_lstm_cell/kernel:0",
                                                       "rnn/basic_lstm_cell/bias:0"]
    assert "While" in {op.type for op in tf.get_default_graph().get_operations()}
    y = tf.placeholder(tf.float32, [None, None, 2])
    outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(5), y, dtype=tf.float32, scope="enc")
    assert outputs.shape.as_list() == [None, None, 5] and state.shape.as_list() == [None, 5]


def test_outputs_past_each_length_are_zero_and_state_is_the_last_valid_one():
    x = tf.placeholder(tf.float64, [None, None, 2])
    lengths = tf.placeholder(tf.int32, [None])
    cell = tf.nn.rnn_cell.BasicRNNCell(3)
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float64)
    value = fixed([3, 5, 2], "x", 1.0, np.float64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run([cell.weights[0], cell.weights[1]])
        got_outputs, got_state = sess.run([outputs, state], {x: value, lengths: [5, 2, 0]})
        # A different time length reuses the same graph (the loop bound is a tensor).
        short = sess.run(outputs, {x: value[:, :3], lengths: [3, 1, 2]})
    h = np.zeros((3, 3))
    expected = np.zeros((3, 5, 3))
    for t in range(5):
        new = np.tanh(np.concatenate([value[:, t], h], 1) @ kernel + bias)
        alive = (t < np.array([5, 2, 0]))[:, None]
        expected[:, t] = np.where(alive, new, 0.0)
        h = np.where(alive, new, h)
    np.testing.assert_allclose(got_outputs, expected, rtol=1e-12)
    np.testing.assert_allclose(got_state, h, rtol=1e-12)
    assert short.shape == (3, 3, 3) and np.all(short[1, 1:] == 0) and np.all(short[2, 2:] == 0)
