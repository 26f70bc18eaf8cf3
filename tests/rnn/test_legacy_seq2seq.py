"""tf.contrib.legacy_seq2seq.rnn_decoder / basic_rnn_seq2seq / tied_rnn_seq2seq: scopes and
variable sharing as TF 1.15's contrib source builds them (TF 2 has no contrib to record from),
values against numpy float64, loop_function feeding outputs back."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.rnn.cases import fixed


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


def _rnn(xs, h, kernel, bias):
    outputs = []
    for x in xs:
        h = np.tanh(np.concatenate([x, h], 1) @ kernel + bias)
        outputs.append(h)
    return outputs, h


def _load(sess):
    for v in tf.global_variables():
        v.load(fixed(v.get_shape().as_list(), v.op.name, dtype=np.float64), sess)
    return {v.op.name: sess.run(v) for v in tf.global_variables()}


def test_rnn_decoder_with_a_loop_function():
    xs = [tf.placeholder(tf.float64, [None, 3]) for _ in range(3)]
    h0 = tf.placeholder(tf.float64, [None, 3])
    feedback = fixed([3, 3], "feedback", 1.0, np.float64)

    def loop_function(previous, step):
        return tf.matmul(previous, feedback) * float(step)

    cell = tf.nn.rnn_cell.BasicRNNCell(3)
    outputs, state = tf.contrib.legacy_seq2seq.rnn_decoder(xs, h0, cell, loop_function=loop_function)
    assert [v.op.name for v in tf.global_variables()] == ["rnn_decoder/basic_rnn_cell/kernel",
                                                          "rnn_decoder/basic_rnn_cell/bias"]
    value, start = fixed([3, 2, 3], "x", 1.0, np.float64), fixed([2, 3], "h0", 1.0, np.float64)
    with tf.Session() as sess:
        w = _load(sess)
        got, got_state = sess.run([outputs, state], {**dict(zip(xs, value)), h0: start})
    kernel, bias = w["rnn_decoder/basic_rnn_cell/kernel"], w["rnn_decoder/basic_rnn_cell/bias"]
    h, expected, previous = start, [], None
    for i in range(3):
        step_input = value[i] if previous is None else (previous @ feedback) * i
        (h,), h = _rnn([step_input], h, kernel, bias)
        expected.append(h)
        previous = h
    np.testing.assert_allclose(np.array(got), np.array(expected), rtol=1e-12)
    np.testing.assert_allclose(got_state, expected[-1], rtol=1e-12)


def test_basic_rnn_seq2seq_has_separate_encoder_weights():
    enc = [tf.placeholder(tf.float64, [None, 3]) for _ in range(2)]
    dec = [tf.placeholder(tf.float64, [None, 3]) for _ in range(2)]
    outputs, state = tf.contrib.legacy_seq2seq.basic_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.BasicRNNCell(3),
                                                                 dtype=tf.float64)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["basic_rnn_seq2seq/rnn/basic_rnn_cell/kernel",
                     "basic_rnn_seq2seq/rnn/basic_rnn_cell/bias",
                     "basic_rnn_seq2seq/rnn_decoder/basic_rnn_cell/kernel",
                     "basic_rnn_seq2seq/rnn_decoder/basic_rnn_cell/bias"]
    value = fixed([4, 2, 3], "x", 1.0, np.float64)
    with tf.Session() as sess:
        w = _load(sess)
        got = sess.run(outputs, dict(zip(enc + dec, value)))
    _, h = _rnn(value[:2], np.zeros((2, 3)), w[names[0]], w[names[1]])
    expected, _ = _rnn(value[2:], h, w[names[2]], w[names[3]])
    np.testing.assert_allclose(np.array(got), np.array(expected), rtol=1e-12)


def test_tied_rnn_seq2seq_shares_one_set_of_weights():
    enc = [tf.placeholder(tf.float64, [None, 3]) for _ in range(2)]
    dec = [tf.placeholder(tf.float64, [None, 3]) for _ in range(2)]
    outputs, _ = tf.contrib.legacy_seq2seq.tied_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.BasicRNNCell(3),
                                                            dtype=tf.float64)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["combined_tied_rnn_seq2seq/tied_rnn_seq2seq/basic_rnn_cell/kernel",
                     "combined_tied_rnn_seq2seq/tied_rnn_seq2seq/basic_rnn_cell/bias"]
    value = fixed([4, 2, 3], "x", 1.0, np.float64)
    with tf.Session() as sess:
        w = _load(sess)
        got = sess.run(outputs, dict(zip(enc + dec, value)))
    expected, _ = _rnn(value, np.zeros((2, 3)), w[names[0]], w[names[1]])
    np.testing.assert_allclose(np.array(got), np.array(expected[2:]), rtol=1e-12)
