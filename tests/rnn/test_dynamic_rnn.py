"""tf.nn.dynamic_rnn beyond the recorded values: TF1's errors, static shapes, the graph it builds
(one while loop over TensorArrays), and zeros past each sequence's end."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.rnn.cases import fixed
from tests.rnn.variable_gradcheck import assert_variable_gradients


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


def test_dynamic_rnn_gradients_match_finite_differences_in_float64():
    x = tf.placeholder(tf.float64, [2, 4, 3])
    lengths = tf.constant([4, 2])
    cell = tf.nn.rnn_cell.MultiRNNCell([
        tf.nn.rnn_cell.LSTMCell(3, use_peepholes=True, num_proj=2, cell_clip=0.5),
        tf.nn.rnn_cell.GRUCell(2)])
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float64)
    parts = [outputs] + tf.nest.flatten(state)
    loss = tf.add_n([tf.reduce_sum(p * fixed(p.shape.as_list(), f"w{i}", 1.0, np.float64))
                     for i, p in enumerate(parts)])
    variables = tf.trainable_variables()
    grads = tf.gradients(loss, variables + [x])
    value = fixed([2, 4, 3], "x", 1.0, np.float64)
    eps = 1e-6
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        symbolic = sess.run(grads, {x: value})
        numeric = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            up, down = value.copy(), value.copy()
            up[idx] += eps
            down[idx] -= eps
            numeric[idx] = (sess.run(loss, {x: up}) - sess.run(loss, {x: down})) / (2 * eps)
        np.testing.assert_allclose(symbolic[-1], numeric, rtol=1e-5, atol=1e-9)
        assert np.all(symbolic[-1][1, 2:] == 0)  # steps past the second sequence's end
        assert_variable_gradients(sess, loss, variables, symbolic, {x: value}, eps)


def test_lstm_training_graph_survives_a_meta_graph_round_trip(tmp_path):
    x = tf.placeholder(tf.float32, [None, 3, 2], name="x")
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), x, sequence_length=lengths,
                                       dtype=tf.float32)
    loss = tf.reduce_mean(tf.square(state.h), name="loss")
    tf.train.AdamOptimizer(0.1).minimize(loss, name="train")
    feed = {"x:0": fixed([2, 3, 2], "x", 1.0), "lengths:0": [3, 1]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver = tf.train.Saver()
        path = saver.save(sess, str(tmp_path / "model"))
        expected = [sess.run(["loss:0", "train"], feed)[0] for _ in range(3)]
    with tf.Graph().as_default():
        restorer = tf.train.import_meta_graph(path + ".meta")
        assert [v.name for v in tf.trainable_variables()] == ["rnn/basic_lstm_cell/kernel:0",
                                                              "rnn/basic_lstm_cell/bias:0"]
        with tf.Session() as sess:
            restorer.restore(sess, path)
            got = [sess.run(["loss:0", "train"], feed)[0] for _ in range(3)]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_sequence_length_of_the_wrong_size_is_an_invalid_argument_and_the_session_survives():
    x = tf.placeholder(tf.float32, [None, 3, 2])
    lengths = tf.placeholder(tf.int32, [None])
    outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), x, sequence_length=lengths,
                                   dtype=tf.float32)
    value = fixed([3, 3, 2], "x", 1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="Expected shape for Tensor"):
            sess.run(outputs, {x: value, lengths: [2]})  # would broadcast without the check
        assert sess.run(outputs, {x: value, lengths: [3, 2, 1]}).shape == (3, 3, 2)


def test_raw_rnn_without_emit_structure_or_loop_state_equals_dynamic_rnn():
    x = tf.placeholder(tf.float32, [4, None, 2])
    lengths = tf.placeholder(tf.int32, [None])
    cell = tf.nn.rnn_cell.GRUCell(3)
    inputs_ta = tf.TensorArray(tf.float32, size=4).unstack(x)

    def loop_fn(time, cell_output, cell_state, loop_state):
        state = cell.zero_state(tf.shape(x)[1], tf.float32) if cell_output is None else cell_state
        finished = time >= lengths
        next_input = tf.cond(tf.reduce_all(finished), lambda: tf.zeros_like(x[0]),
                             lambda: inputs_ta.read(time))
        return finished, next_input, state, cell_output, None  # emit: None (the output size) first

    emit_ta, raw_state, loop_state = tf.nn.raw_rnn(cell, loop_fn)
    assert loop_state is None
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32,
                                       time_major=True)  # the same cell: the same variables
    assert len(tf.global_variables()) == 4
    feed = {x: fixed([4, 3, 2], "x", 1.0), lengths: [4, 1, 3]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        raw_out, raw_final, out, final = sess.run([emit_ta.stack(), raw_state, outputs, state], feed)
    np.testing.assert_allclose(raw_out, out, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(raw_final, final, rtol=1e-6, atol=1e-7)
    with pytest.raises(TypeError, match="loop_fn must be a callable"):
        tf.nn.raw_rnn(cell, None)
