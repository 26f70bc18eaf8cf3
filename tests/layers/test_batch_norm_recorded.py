"""Batch normalization against values recorded from TensorFlow (data/batch_norm.npz, written by
record_batch_norm.py from batch_norm_programs.py): tf.nn.fused_batch_norm's outputs and
gradients in NHWC and NCHW, training and inference, and tf.layers.batch_normalization's moving
statistics after training steps (TF's fused numerics: unbiased variance in the moving average
on the fused path, the biased one with fused=False and for non-4-D inputs)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf

from .batch_norm_programs import CASES

DATA = np.load(os.path.join(os.path.dirname(__file__), "data", "batch_norm.npz"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_tensorflow(case):
    program, args = CASES[case]
    with tf.Graph().as_default():
        got = program(tf, *args)
    keys = sorted(k.split("/", 1)[1] for k in DATA.files if k.startswith(case + "/"))
    assert sorted(got) == keys
    for key in keys:
        expected = DATA[f"{case}/{key}"]
        np.testing.assert_allclose(got[key], expected, rtol=2e-5, atol=2e-5,
                                   err_msg=f"{case}: {key}")


def test_fused_path_is_one_op_per_direction():
    """The layer's fused path builds FusedBatchNormV3 and its gradient op, not elementwise ops."""
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, [None, 3, 3, 2])
        y = tf.layers.batch_normalization(x, training=True)
        tf.gradients(tf.reduce_sum(y), x)
        types = [op.type for op in graph.get_operations()]
    assert types.count("FusedBatchNormV3") == 1
    assert types.count("FusedBatchNormGradV3") == 1
    assert "Rsqrt" not in types


def test_fused_batch_norm_rejects_a_3d_input():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="4-D"):
        tf.nn.fused_batch_norm(tf.zeros([2, 3, 4]), tf.ones([4]), tf.zeros([4]))


def test_fused_batch_norm_needs_statistics_in_inference():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="mean and variance"):
        tf.nn.fused_batch_norm(tf.zeros([2, 3, 3, 4]), tf.ones([4]), tf.zeros([4]),
                               is_training=False)


def test_scale_of_the_wrong_size_names_the_op():
    match = "FusedBatchNormV3.*scale must have 4 elements"
    with tf.Graph().as_default(), pytest.raises(ValueError, match=match):
        tf.nn.fused_batch_norm(tf.zeros([2, 3, 3, 4]), tf.ones([3]), tf.zeros([3]))
