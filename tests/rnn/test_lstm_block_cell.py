"""tf.contrib.rnn.LSTMBlockCell under dynamic_rnn against TensorFlow's BlockLSTM op (what the
cell ran in TF1; recorded by tests/rnn/record.py): every step's h, the last memory, and the
gradients w.r.t. the inputs, weights and initial state; plus TF1's variable names."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.rnn import cases
from tests.rnn.recorded import ATOL, DATA, RTOL

with np.load(DATA / "block.npz") as _arrays:
    EXPECTED = {key: _arrays[key] for key in _arrays.files}


@pytest.mark.parametrize("case", sorted(cases.BLOCK_CASES))
def test_lstm_block_cell_matches_tensorflows_block_lstm(case):
    peephole, clip = cases.BLOCK_CASES[case]
    values = cases.block_values(peephole)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [cases.STEPS, None, cases.DEPTH])
        c0 = tf.placeholder(tf.float32, [None, cases.UNITS])
        h0 = tf.placeholder(tf.float32, [None, cases.UNITS])
        cell = tf.contrib.rnn.LSTMBlockCell(cases.UNITS, forget_bias=cases.BLOCK_FORGET_BIAS,
                                            cell_clip=clip, use_peephole=peephole)
        h, state = tf.nn.dynamic_rnn(cell, x, initial_state=tf.nn.rnn_cell.LSTMStateTuple(c0, h0),
                                     time_major=True)
        loss = cases.block_loss(tf, h, state.c)
        variables = {v.op.name.rsplit("/", 1)[-1]: v for v in tf.global_variables()}
        expected_names = ["kernel", "bias"] + (["w_i_diag", "w_f_diag", "w_o_diag"] if peephole else [])
        assert [v.op.name for v in tf.global_variables()] == [f"rnn/lstm_cell/{n}" for n in expected_names]
        wrt = {"x": x, "c0": c0, "h0": h0, **variables}
        grads = dict(zip(wrt, tf.gradients(loss, list(wrt.values()))))
        with tf.Session() as sess:
            for name, variable in variables.items():
                variable.load(values[name], sess)
            got = sess.run({"h": h, "c": state.c, "loss": loss,
                            **{f"grad/{k}": g for k, g in grads.items()}},
                           {x: values["x"], c0: values["c0"], h0: values["h0"]})
    for key, value in got.items():
        if clip > 0 and key.startswith("grad/"):
            continue  # TF's BlockLSTM gradient ignores the clip: see the float64 test below
        np.testing.assert_allclose(value, EXPECTED[f"{case}|{key}"], rtol=RTOL, atol=ATOL,
                                   err_msg=f"{case}: {key}")


def test_clipped_block_cell_gradients_match_finite_differences_in_float64():
    values = {k: v.astype(np.float64) for k, v in cases.block_values(True).items()}
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [cases.STEPS, cases.BATCH, cases.DEPTH])
        cell = tf.contrib.rnn.LSTMBlockCell(cases.UNITS, forget_bias=0.7, cell_clip=0.4,
                                            use_peephole=True)
        state0 = tf.nn.rnn_cell.LSTMStateTuple(tf.constant(values["c0"]), tf.constant(values["h0"]))
        h, state = tf.nn.dynamic_rnn(cell, x, initial_state=state0, time_major=True)
        loss = tf.reduce_sum(h * cases.fixed(h.shape.as_list(), "wh", 1.0, np.float64)) + \
            tf.reduce_sum(state.c * cases.fixed([cases.BATCH, cases.UNITS], "wc", 1.0, np.float64))
        grad, = tf.gradients(loss, [x])
        eps = 1e-6
        with tf.Session() as sess:
            for variable in tf.global_variables():
                variable.load(values[variable.op.name.rsplit("/", 1)[-1]], sess)
            symbolic = sess.run(grad, {x: values["x"]})
            numeric = np.zeros_like(values["x"])
            for idx in np.ndindex(values["x"].shape):
                up, down = values["x"].copy(), values["x"].copy()
                up[idx] += eps
                down[idx] -= eps
                numeric[idx] = (sess.run(loss, {x: up}) - sess.run(loss, {x: down})) / (2 * eps)
            clipped = np.abs(sess.run(state.c, {x: values["x"]})) >= 0.4
    assert clipped.any()  # the clip is active, so the check covers it
    np.testing.assert_allclose(symbolic, numeric, rtol=1e-5, atol=1e-8)
