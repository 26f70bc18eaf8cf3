"""tf.nn.dynamic_rnn and tf.nn.bidirectional_dynamic_rnn (batch- and time-major, with and without
sequence_length, a loop stopping before the last step, an initial state, every cell kind):
outputs, final states, gradients w.r.t. every variable, the inputs and the initial state, and
variable names, against values recorded from TensorFlow."""

from __future__ import annotations

import pytest

import graphflow as tf
from tests.rnn import cases
from tests.rnn.recorded import assert_matches, load

EXPECTED, NAMES = load("dynamic")


@pytest.mark.parametrize("case", sorted(cases.DYNAMIC_CASES))
def test_dynamic_case_matches_tensorflow(case):
    got, names = cases.run_case(tf, cases.DYNAMIC_CASES[case])
    assert_matches(case, got, names, EXPECTED[case], NAMES[case])


def test_every_dynamic_case_was_recorded():
    assert sorted(EXPECTED) == sorted(cases.DYNAMIC_CASES)
