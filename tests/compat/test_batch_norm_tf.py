"""Batch normalization side by side with TensorFlow (tf.compat.v1, its layers through tf_keras):
the programs of tests/layers/batch_norm_programs.py, whose recorded values
tests/layers/test_batch_norm_recorded.py checks without TensorFlow. Skipped where TensorFlow
is not installed (never a dependency of graphflow)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as gf
from tests.layers.batch_norm_programs import CASES

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # tf.compat.v1.layers needs tf_keras
tf1 = pytest.importorskip("tensorflow").compat.v1
tf1.disable_v2_behavior()


@pytest.mark.parametrize("case", sorted(CASES))
def test_batch_norm_matches_tensorflow(case):
    program, args = CASES[case]
    try:
        with tf1.Graph().as_default():
            expected = program(tf1, *args)
    except AttributeError as e:  # tf.layers without tf_keras (Keras 3 only)
        pytest.skip(f"TensorFlow's tf.layers are unavailable here: {e}")
    with gf.Graph().as_default():
        got = program(gf, *args)
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, rtol=2e-5, atol=2e-5, err_msg=f"{case}: {key}")
