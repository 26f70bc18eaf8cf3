"""tf.contrib.rnn.LSTMBlockCell under dynamic_rnn against TensorFlow's BlockLSTM op (what the
cell ran in TF1; recorded by tests/rnn/record.py): every step's h, the last memory, and the
gradients w.r.t. the inputs, weights and initial state (TF's, which pass straight through
cell_clip); plus TF1's variable names."""

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
        np.testing.assert_allclose(value, EXPECTED[f"{case}|{key}"], rtol=RTOL, atol=ATOL,
                                   err_msg=f"{case}: {key}")
