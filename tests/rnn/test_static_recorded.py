"""Every cell (BasicRNN, BasicLSTM, LSTM with peepholes/clipping/projection, GRU, MultiRNNCell,
DropoutWrapper, ResidualWrapper) under tf.nn.static_rnn with and without sequence_length,
static_bidirectional_rnn and reverse_sequence: outputs, final states, gradients w.r.t. every
variable and the inputs, and variable names, against values recorded from TensorFlow."""

from __future__ import annotations

import pytest

import graphflow as tf
from tests.rnn import cases
from tests.rnn.recorded import assert_matches, load

EXPECTED, NAMES = load("static")


@pytest.mark.parametrize("case", sorted(cases.STATIC_CASES))
def test_static_case_matches_tensorflow(case):
    got, names = cases.run_case(tf, cases.STATIC_CASES[case])
    assert_matches(case, got, names, EXPECTED[case], NAMES[case])


def test_every_static_case_was_recorded():
    assert sorted(EXPECTED) == sorted(cases.STATIC_CASES)
