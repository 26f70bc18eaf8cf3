"""The RNN cases of tests/rnn/cases.py run live on TensorFlow (tf.compat.v1) and graphflow side by
side: same variable names, outputs, final states and gradients. Skipped where TensorFlow is not
installed (the recorded copies in tests/rnn/data/ keep CI covered)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as gf
from tests.rnn import cases
from tests.rnn.recorded import ATOL, RTOL

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
tensorflow = pytest.importorskip("tensorflow")
pytest.importorskip("tf_keras")
tf1 = tensorflow.compat.v1
tf1.disable_v2_behavior()


def _compare(build):
    want, want_names = cases.run_case(tf1, build)
    got, got_names = cases.run_case(gf, build)
    assert got_names == want_names
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=RTOL, atol=ATOL, err_msg=key)


@pytest.mark.parametrize("case", sorted(cases.STATIC_CASES))
def test_static_case_live(case):
    _compare(cases.STATIC_CASES[case])


@pytest.mark.parametrize("case", sorted(cases.DYNAMIC_CASES))
def test_dynamic_case_live(case):
    _compare(cases.DYNAMIC_CASES[case])
