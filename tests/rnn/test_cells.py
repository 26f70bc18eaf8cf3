"""RNN cell behaviour beyond the recorded values: TF1's variable names and scopes (names recorded
from TensorFlow), zero states, sizes, reuse, errors, and float64 finite-difference gradients."""

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


def test_variable_names_and_layer_names_follow_tf1():
    # Recorded from TensorFlow (tf.compat.v1.nn.rnn_cell) running the same calls.
    x = tf.placeholder(tf.float32, [None, 3])
    c1, c2 = tf.nn.rnn_cell.BasicLSTMCell(4), tf.nn.rnn_cell.BasicLSTMCell(4)
    _, s = c1(x, c1.zero_state(2, tf.float32))
    _, s = c2(x, c2.zero_state(2, tf.float32))
    c1(x, s)  # second call reuses
    c3 = tf.nn.rnn_cell.GRUCell(4)
    c3(x, tf.zeros([2, 4]), scope="mygru")
    c4 = tf.nn.rnn_cell.LSTMCell(4, use_peepholes=True, num_proj=2)
    with tf.variable_scope("outer"):
        c4(x, c4.zero_state(2, tf.float32))
    assert [v.name for v in tf.global_variables()] == [
        "basic_lstm_cell/kernel:0", "basic_lstm_cell/bias:0", "basic_lstm_cell_1/kernel:0",
        "basic_lstm_cell_1/bias:0", "mygru/gates/kernel:0", "mygru/gates/bias:0",
        "mygru/candidate/kernel:0", "mygru/candidate/bias:0", "outer/lstm_cell/kernel:0",
        "outer/lstm_cell/bias:0", "outer/lstm_cell/w_f_diag:0", "outer/lstm_cell/w_i_diag:0",
        "outer/lstm_cell/w_o_diag:0", "outer/lstm_cell/projection/kernel:0"]
    assert (c1.name, c2.name, c3.name) == ("basic_lstm_cell_1", "basic_lstm_cell_2", "gru_cell_1")
    assert [v.name for v in c1.trainable_variables] == ["basic_lstm_cell/kernel:0",
                                                        "basic_lstm_cell/bias:0"]
    assert c1.state_size == tf.nn.rnn_cell.LSTMStateTuple(4, 4) and c1.output_size == 4
    assert c4.state_size == (4, 2) and c4.output_size == 2


def test_wrappers_keep_the_wrapped_cells_names_and_multi_cell_nests_them():
    x = tf.placeholder(tf.float32, [None, 3])
    cell = tf.nn.rnn_cell.MultiRNNCell([
        tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(4), output_keep_prob=0.5),
        tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.GRUCell(4))])
    tf.nn.static_rnn(cell, [x, x], dtype=tf.float32)
    assert [v.name for v in tf.global_variables()] == [
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0",
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias:0",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel:0",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias:0",
        "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel:0",
        "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias:0"]
    assert len(cell.trainable_variables) == 6


def test_zero_state_shapes_static_and_fed_batch():
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(4), tf.nn.rnn_cell.GRUCell(3)])
    zero = cell.zero_state(5, tf.float32)
    assert isinstance(zero[0], tf.nn.rnn_cell.LSTMStateTuple)
    assert [t.shape.as_list() for t in tf.nest.flatten(zero)] == [[5, 4], [5, 4], [5, 3]]
    assert zero[0].c.name.startswith("MultiRNNCellZeroState/BasicLSTMCellZeroState/")
    batch = tf.placeholder(tf.int32, [])
    fed = tf.nn.rnn_cell.BasicLSTMCell(4).zero_state(batch, tf.float64)
    assert fed.h.shape.as_list() == [None, 4] and fed.dtype == tf.float64
    with tf.Session() as sess:
        c = sess.run(fed.c, {batch: 3})
    np.testing.assert_array_equal(c, np.zeros((3, 4)))


def test_tf1_errors():
    x = tf.placeholder(tf.float32, [None, 3])
    cell = tf.nn.rnn_cell.BasicLSTMCell(4)
    with pytest.raises(ValueError, match="If no initial_state is provided, dtype must be specified"):
        tf.nn.static_rnn(cell, [x])
    with pytest.raises(ValueError, match="inputs must not be empty"):
        tf.nn.static_rnn(cell, [])
    with pytest.raises(TypeError, match="inputs must be a sequence"):
        tf.nn.static_rnn(cell, x)
    with pytest.raises(ValueError, match="input_keep_prob must be between 0 and 1"):
        tf.nn.rnn_cell.DropoutWrapper(cell, input_keep_prob=1.5)
    with pytest.raises(ValueError, match="Must specify at least one cell for MultiRNNCell"):
        tf.nn.rnn_cell.MultiRNNCell([])
    with pytest.raises(ValueError, match="inputs.shape\\[-1\\] to be known"):
        cell(tf.placeholder(tf.float32, [None, None]), cell.zero_state(2, tf.float32))
    with pytest.raises(ValueError, match="sequence_length must be a vector"):
        tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(2), [x], dtype=tf.float32, sequence_length=[[1]])


def test_dropout_wrapper_masks_outputs_and_h_but_not_c():
    x = tf.placeholder(tf.float32, [None, 50])
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(50), output_keep_prob=0.5,
                                         state_keep_prob=0.25, seed=3)
    inner_output, inner_state = cell.cell(x, cell.zero_state(64, tf.float32))
    output, state = cell(x, cell.zero_state(64, tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([output, state, inner_output, inner_state], {x: fixed([64, 50], "x", 1.0)})
    (out, (c, h), plain_out, (plain_c, plain_h)) = got
    kept = out != 0
    assert 0.4 < kept.mean() < 0.6
    np.testing.assert_allclose(out[kept], plain_out[kept] / 0.5, rtol=1e-5)
    np.testing.assert_allclose(c, plain_c, rtol=1e-6)  # the memory is never dropped (TF1)
    assert 0.15 < (h != 0).mean() < 0.35
    np.testing.assert_allclose(h[h != 0], plain_h[h != 0] / 0.25, rtol=1e-5)


def test_variational_dropout_uses_one_mask_for_every_step():
    x = tf.placeholder(tf.float32, [None, 40])
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(40), input_keep_prob=0.5,
                                         output_keep_prob=0.5, variational_recurrent=True,
                                         input_size=40, dtype=tf.float32, seed=1)
    outputs, _ = tf.nn.static_rnn(cell, [x, x, x], dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(outputs, {x: fixed([8, 40], "x", 1.0) + 2.0})
    masks = [v != 0 for v in values]
    assert 0.3 < masks[0].mean() < 0.7
    for mask in masks[1:]:
        np.testing.assert_array_equal(mask, masks[0])
    # One mask per run: shape [1, size], so every batch row drops the same units.
    np.testing.assert_array_equal(masks[0], np.broadcast_to(masks[0][:1], masks[0].shape))
    with pytest.raises(ValueError, match="dtype must be provided"):
        tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(4), variational_recurrent=True)


def test_keep_prob_placeholder_fed_one_is_identity():
    x = tf.placeholder(tf.float32, [None, 3])
    keep = tf.placeholder_with_default(1.0, [])
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(4), input_keep_prob=keep,
                                         output_keep_prob=keep)
    out, _ = cell(x, cell.zero_state(2, tf.float32))
    plain, _ = cell.cell(x, cell.zero_state(2, tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([out, plain], {x: fixed([2, 3], "x")})
    np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("make", [
    lambda: tf.nn.rnn_cell.LSTMCell(3, use_peepholes=True, cell_clip=0.4, num_proj=2, proj_clip=0.3),
    lambda: tf.nn.rnn_cell.GRUCell(3),
    lambda: tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(3),
                                         tf.nn.rnn_cell.BasicRNNCell(2)]),
], ids=["lstm_peephole_proj", "gru", "multi"])
def test_static_rnn_gradients_match_finite_differences_in_float64(make):
    xs = [tf.placeholder(tf.float64, [2, 3], name=f"x{t}") for t in range(3)]
    lengths = tf.constant([3, 2])
    outputs, state = tf.nn.static_rnn(make(), xs, dtype=tf.float64, sequence_length=lengths)
    parts = outputs + tf.nest.flatten(state)
    loss = tf.add_n([tf.reduce_sum(p * fixed(p.shape.as_list(), f"w{i}", 1.0, np.float64))
                     for i, p in enumerate(parts)])
    variables = tf.trainable_variables()
    grads = tf.gradients(loss, variables + xs)
    feeds = {x: fixed([2, 3], f"x{t}", 1.0, np.float64) for t, x in enumerate(xs)}
    eps = 1e-6
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        symbolic = sess.run(grads, feeds)
        # Inputs: every element by central differences.
        for t, x in enumerate(xs):
            numeric = np.zeros((2, 3))
            for idx in np.ndindex(2, 3):
                up, down = dict(feeds), dict(feeds)
                up[x] = feeds[x].copy()
                up[x][idx] += eps
                down[x] = feeds[x].copy()
                down[x][idx] -= eps
                numeric[idx] = (sess.run(loss, up) - sess.run(loss, down)) / (2 * eps)
            np.testing.assert_allclose(symbolic[len(variables) + t], numeric, rtol=1e-5, atol=1e-8)
        assert_variable_gradients(sess, loss, variables, symbolic, feeds, eps)
