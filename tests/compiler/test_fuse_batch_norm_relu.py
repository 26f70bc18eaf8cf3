"""The "fuse_batch_norm_relu" pass: relu(fused batch norm) and its gradient pair become one node
each, values (forward, gradients, moving statistics) match a float64 numpy reference, and pairs
whose intermediate value is fetched or read elsewhere stay apart."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.compiler import fuse_batch_norm_relu as pass_module
from graphflow.compiler.fuse_batch_norm_relu import fuse_batch_norm_relu
from tests.compiler.ir_helpers import compilation, lowered

EPS = 1e-3


def _types(nodes):
    return [n.type for n in nodes]


def _block(x, data_format="NHWC"):
    axis = 3 if data_format == "NHWC" else 1
    bn = tf.layers.batch_normalization(x, axis=axis, epsilon=EPS, momentum=0.9, training=True,
                                       fused=True)
    return bn, tf.nn.relu(bn)


def test_forward_and_gradient_pairs_become_one_node_each(graph):
    x = tf.placeholder(tf.float32, [4, 3, 3, 5])
    _, y = _block(x)
    loss = tf.reduce_sum(y * y)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        grads = tf.gradients(loss, [x])  # control inputs on the gradient ops, as minimize under them
    with compilation():
        nodes, fetched = fuse_batch_norm_relu(*lowered(grads, {x: [4, 3, 3, 5]}))
    types = _types(nodes)
    assert types.count("_FusedBatchNormRelu") == 1 and types.count("_FusedBatchNormReluGrad") == 1
    assert not {"Relu", "ReluGrad", "FusedBatchNormV3", "FusedBatchNormGradV3"} & set(types)
    fused_grad = nodes[types.index("_FusedBatchNormReluGrad")]
    assert fused_grad.attrs["batch_norm_type"] == "FusedBatchNormV3"
    assert fused_grad.control  # the control inputs of the ops it replaced are kept
    assert [spec.shape.as_list() for spec in fused_grad.in_specs[:3]] == [[4, 3, 3, 5]] * 3


def test_a_fetched_or_shared_batch_norm_output_stays_apart(graph):
    x = tf.placeholder(tf.float32, [2, 2, 2, 3])
    bn, y = _block(x)
    with compilation():
        nodes, _ = fuse_batch_norm_relu(*lowered([y, bn], {x: [2, 2, 2, 3]}))
    assert "_FusedBatchNormRelu" not in _types(nodes) and "Relu" in _types(nodes)
    x2 = tf.placeholder(tf.float32, [2, 2, 2, 3])
    bn2, y2 = _block(x2)
    other = bn2 * 2.0
    with compilation():
        nodes, _ = fuse_batch_norm_relu(*lowered([y2, other], {x2: [2, 2, 2, 3]}))
    assert "_FusedBatchNormRelu" not in _types(nodes)


def test_a_shared_relu_gradient_stays_apart(graph):
    x = tf.placeholder(tf.float32, [2, 2, 2, 3])
    _, y = _block(x)
    loss = tf.reduce_sum(y * y)
    relu_grad_tensor = tf.gradients(loss, [y.op.inputs[0]])[0]  # ReluGrad's output, fetched too
    dx = tf.gradients(loss, [x])[0]
    with compilation():
        nodes, _ = fuse_batch_norm_relu(*lowered([dx, relu_grad_tensor], {x: [2, 2, 2, 3]}))
    types = _types(nodes)
    assert "_FusedBatchNormReluGrad" not in types and "ReluGrad" in types


def _numpy_reference(x, gamma, beta, weights, axis):
    """relu(batch_norm(x)), d/dx, d/dgamma, d/dbeta of sum(weights * relu(bn(x))), the batch mean
    and unbiased variance, in float64."""
    axes = tuple(a for a in range(4) if a != axis)
    shape = [1, 1, 1, 1]
    shape[axis] = -1
    mean = x.mean(axis=axes)
    var = ((x - mean.reshape(shape)) ** 2).mean(axis=axes)
    inv = 1.0 / np.sqrt(var + EPS)
    xhat = (x - mean.reshape(shape)) * inv.reshape(shape)
    pre = xhat * gamma.reshape(shape) + beta.reshape(shape)
    y = np.maximum(pre, 0.0)
    g = weights * (pre > 0)
    d_beta = g.sum(axis=axes)
    d_gamma = (g * xhat).sum(axis=axes)
    n = x.size // x.shape[axis]
    dx = (gamma * inv).reshape(shape) * (g - (d_beta / n).reshape(shape)
                                        - xhat * (d_gamma / n).reshape(shape))
    return y, dx, d_gamma, d_beta, mean, var * n / (n - 1)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_match_a_float64_reference(graph, monkeypatch, data_format, dtype):
    made = []

    def recording(nodes, fetched):
        nodes, fetched = fuse_batch_norm_relu(nodes, fetched)
        made.extend(_types(nodes))
        return nodes, fetched

    monkeypatch.setattr(pass_module, "fuse_batch_norm_relu", recording)
    monkeypatch.delenv("GF_DISABLE_PASSES", raising=False)
    rng = np.random.default_rng(1)
    shape = (6, 4, 5, 3) if data_format == "NHWC" else (6, 3, 4, 5)
    axis = 3 if data_format == "NHWC" else 1
    x_value = rng.normal(size=shape) * 2.0 + 0.5
    weights = rng.normal(size=shape)
    gamma_value = rng.uniform(0.5, 1.5, size=shape[axis]).astype(dtype)
    beta_value = (rng.normal(size=shape[axis]) * 0.3).astype(dtype)
    x = tf.placeholder(dtype, shape)
    gamma, beta = tf.Variable(gamma_value), tf.Variable(beta_value)
    bn, mean, variance = tf.nn.fused_batch_norm(x, gamma, beta, epsilon=EPS,
                                                data_format=data_format, is_training=True)
    y = tf.nn.relu(bn)
    loss = tf.reduce_sum(tf.constant(weights.astype(dtype)) * y)
    grads = tf.gradients(loss, [x, gamma, beta])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([y, *grads, mean, variance], {x: x_value.astype(dtype)})
    assert {"_FusedBatchNormRelu", "_FusedBatchNormReluGrad"} <= set(made)
    want = _numpy_reference(x_value.astype(dtype).astype(np.float64), gamma_value.astype(np.float64),
                            beta_value.astype(np.float64), weights.astype(dtype), axis)
    tol = 1e-4 if dtype == np.float32 else 1e-9
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol * 10)


def test_nan_passes_through_as_in_the_unfused_ops(graph, monkeypatch):
    x = tf.placeholder(tf.float32, [2, 2, 2, 2])
    _, y = _block(x)
    dy = tf.placeholder(tf.float32, [2, 2, 2, 2])
    dx = tf.gradients(y, [x], grad_ys=[dy])[0]
    x_value = np.random.default_rng(2).normal(size=(2, 2, 2, 2)).astype(np.float32)
    dy_value = np.ones((2, 2, 2, 2), np.float32)
    dy_value[0, 0, 0, 0] = np.inf
    results = []
    for disabled in ("", "fuse_batch_norm_relu"):
        monkeypatch.setenv("GF_DISABLE_PASSES", disabled)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            results.append(sess.run([y, dx], {x: x_value, dy: dy_value}))
    for fused, plain in zip(*results):
        np.testing.assert_array_equal(np.isnan(fused), np.isnan(plain))
        np.testing.assert_allclose(fused, plain, rtol=1e-6, atol=1e-6)


def test_the_pass_stands_aside_wherever_fuse_is_off(graph, monkeypatch):
    """The reference backend (which skips "fuse") and GF_DISABLE_PASSES=fuse run op by op."""
    import types as pytypes

    x = tf.placeholder(tf.float32, [2, 2, 2, 3])
    _, y = _block(x)
    reference = pytypes.SimpleNamespace(skipped_passes=frozenset({"fuse"}))
    plain = pytypes.SimpleNamespace(skipped_passes=frozenset())

    def fused_under(policy):
        with compilation():
            nodes, fetched = lowered([y], {x: [2, 2, 2, 3]})
            c = pytypes.SimpleNamespace(nodes=nodes, fetched=fetched)
            pass_module.fuse_batch_norm_relu_pass(c, policy)
        return "_FusedBatchNormRelu" in _types(c.nodes)

    assert fused_under(plain) and not fused_under(reference)
    monkeypatch.setenv("GF_DISABLE_PASSES", "fuse")
    assert not fused_under(plain)
