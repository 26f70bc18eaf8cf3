"""Device placement as TF1: pinning to a GPU this session lacks is an InvalidArgumentError
naming the op, unless allow_soft_placement; device_count={"GPU": 0} forces the CPU;
log_device_placement logs where ops run; tf.test answers about GPUs."""

from __future__ import annotations

import logging

import pytest

import graphflow as tf
from graphflow.backends.devices import gpu_available


@pytest.mark.skipif(gpu_available(), reason="checks the behaviour of a machine without a GPU")
def test_missing_gpu_is_an_error_unless_soft_placement(graph, caplog):
    with tf.device("/gpu:0"):
        y = tf.constant(2.0, name="two") * 3.0
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="operation mul: .*/gpu:0"):
        sess.run(y)
    config = tf.ConfigProto(allow_soft_placement=True, log_device_placement=True)
    with caplog.at_level(logging.INFO, logger="graphflow"), tf.Session(config=config) as sess:
        assert sess.run(y) == 6.0
        assert sess.run(y) == 6.0
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "/gpu:0" in warnings[0].getMessage()  # logged once
    placed = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert "mul: (Mul): /job:localhost/replica:0/task:0/device:CPU:0" in placed


def test_cpu_pinning_and_forced_cpu(graph):
    with tf.device("/cpu:0"):
        y = tf.constant(1.0) + 1.0
    with tf.Session(config=tf.ConfigProto(device_count={"GPU": 0})) as sess:
        assert sess.backend == "cpu"
        assert sess.run(y) == 2.0


def test_tf_test_reports_the_gpu():
    assert tf.test.is_gpu_available() == gpu_available()
    assert tf.test.gpu_device_name() == ("/device:GPU:0" if gpu_available() else "")
    assert isinstance(tf.test.is_built_with_cuda(), bool)
