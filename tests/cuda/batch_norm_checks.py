"""FusedBatchNormV3 and its gradient on the CUDA backend against the numpy references, tiny
shapes, NHWC and NCHW, training (with and without an exponential average factor) and inference.

Collected only when named explicitly: tests/cuda/test_batch_norm_sim.py runs this file in a
child process under numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf
from graphflow.ops import registry

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") != "1",
                                reason="run by tests/cuda/test_batch_norm_sim.py under the simulator")


@pytest.mark.parametrize(("data_format", "training", "factor"),
                         [("NHWC", True, 1.0), ("NCHW", True, 1.0), ("NHWC", False, 1.0),
                          ("NCHW", False, 1.0), ("NHWC", True, 0.25)])
def test_forward_and_gradient_on_the_device(monkeypatch, data_format, training, factor):
    monkeypatch.setenv("GF_BACKEND", "cuda")
    rng = np.random.default_rng(3)
    shape = (2, 3, 2, 3) if data_format == "NHWC" else (2, 3, 2, 2)
    depth = shape[3] if data_format == "NHWC" else shape[1]
    x_value = rng.normal(size=shape).astype(np.float32)
    scale, offset = rng.normal(size=depth).astype(np.float32), rng.normal(size=depth).astype(np.float32)
    mean, variance = rng.normal(size=depth).astype(np.float32), rng.uniform(0.5, 1.5, depth).astype(np.float32)
    weights = rng.normal(size=shape).astype(np.float32)
    attrs = {"epsilon": 1e-3, "data_format": data_format, "is_training": training,
             "exponential_avg_factor": factor}
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, shape)
        stats = [tf.constant(v) for v in (scale, offset, mean, variance)]
        op = graph.create_op("FusedBatchNormV3", [x, *stats], attrs)
        loss = tf.reduce_sum(op.outputs[0] * tf.constant(weights))
        grads = tf.gradients(loss, [x, stats[0], stats[1]])
    with tf.Session(graph=graph) as sess:
        got = sess.run([*op.outputs[:5], *grads], {x: x_value})
        host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
    assert not {"FusedBatchNormV3", "FusedBatchNormGradV3"} & host, host
    expected = registry.get("FusedBatchNormV3").reference(attrs, x_value.astype(np.float64), scale,
                                                         offset, mean, variance)
    for k in range(5):
        np.testing.assert_allclose(got[k], expected[k], rtol=1e-4, atol=1e-5, err_msg=f"output {k}")
    reserve = (expected[3], expected[4])
    grad_attrs = {k: attrs[k] for k in ("epsilon", "data_format", "is_training")}
    dx, dscale, doffset, _, _ = registry.get("FusedBatchNormGradV3").reference(
        grad_attrs, weights.astype(np.float64), x_value.astype(np.float64), scale, *reserve, np.zeros(0))
    for k, e in enumerate((dx, dscale, doffset)):
        np.testing.assert_allclose(got[5 + k], e, rtol=1e-4, atol=1e-4, err_msg=f"gradient {k}")


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_batch_norm_then_relu_runs_fused_on_the_device(monkeypatch, data_format):
    """The compiler's _FusedBatchNormRelu / _FusedBatchNormReluGrad pair on the device, against
    the unfused ops' numpy references."""
    monkeypatch.setenv("GF_BACKEND", "cuda")
    rng = np.random.default_rng(4)
    shape = (2, 3, 2, 3) if data_format == "NHWC" else (2, 3, 2, 2)
    depth = shape[3] if data_format == "NHWC" else shape[1]
    x_value = rng.normal(size=shape).astype(np.float32)
    scale, offset = rng.uniform(0.5, 1.5, depth).astype(np.float32), rng.normal(size=depth).astype(np.float32)
    weights = rng.normal(size=shape).astype(np.float32)
    attrs = {"epsilon": 1e-3, "data_format": data_format, "is_training": True,
             "exponential_avg_factor": 1.0}
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, shape)
        stats = [tf.constant(v) for v in (scale, offset, np.zeros(0, np.float32), np.zeros(0, np.float32))]
        op = graph.create_op("FusedBatchNormV3", [x, *stats], attrs)
        y = tf.nn.relu(op.outputs[0])
        grads = tf.gradients(tf.reduce_sum(y * tf.constant(weights)), [x, stats[0], stats[1]])
    with tf.Session(graph=graph) as sess:
        got = sess.run([y, *grads], {x: x_value})
        plans = list(sess._plans.values())
    fused = {"_FusedBatchNormRelu", "_FusedBatchNormReluGrad"}
    types = {n.type for plan in plans for n in plan.order}
    assert fused <= types, types
    assert not {n.type for plan in plans for n in plan.host_nodes} & fused
    expected = registry.get("FusedBatchNormV3").reference(attrs, x_value.astype(np.float64), scale,
                                                         offset, np.zeros(0), np.zeros(0))
    pre = expected[0]
    np.testing.assert_allclose(got[0], np.maximum(pre, 0), rtol=1e-4, atol=1e-5)
    grad_attrs = {k: attrs[k] for k in ("epsilon", "data_format", "is_training")}
    want = registry.get("FusedBatchNormGradV3").reference(
        grad_attrs, weights.astype(np.float64) * (pre > 0), x_value.astype(np.float64), scale,
        expected[3], expected[4], np.zeros(0))
    for k in range(3):
        np.testing.assert_allclose(got[1 + k], want[k], rtol=1e-4, atol=1e-4, err_msg=f"gradient {k}")
