"""tf.nn.dynamic_rnn and tf.nn.bidirectional_dynamic_rnn (batch- and time-major, with and without
sequence_length, a loop stopping before the last step, an initial state, every cell kind):
outputs, final states and variable names against values recorded from TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.rnn import cases
from tests.rnn.recorded import ATOL, RTOL, load

EXPECTED, NAMES = load("dynamic")


def _forward_only(tf_module, fetches, wrt):
    return fetches


@pytest.mark.parametrize("case", sorted(cases.DYNAMIC_CASES))
def test_dynamic_case_forward_matches_tensorflow(case, monkeypatch):
    monkeypatch.setattr(cases, "_with_gradients", _forward_only)
    got, names = cases.run_case(tf, cases.DYNAMIC_CASES[case])
    assert names == NAMES[case]
    expected = {k: v for k, v in EXPECTED[case].items() if not k.startswith("grad/") and k != "loss"}
    assert sorted(got) == sorted(expected)
    for key, want in expected.items():
        np.testing.assert_allclose(got[key], want, rtol=RTOL, atol=ATOL, err_msg=f"{case}: {key}")


def test_every_dynamic_case_was_recorded():
    assert sorted(EXPECTED) == sorted(cases.DYNAMIC_CASES)
