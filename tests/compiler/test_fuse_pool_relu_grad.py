"""The "fuse_pool_relu_grad" pass (graphflow/compiler/fuse_pool_relu_grad.py): the backward pass
of `max_pool(relu(conv + bias))` becomes one `_MaxPoolReluGrad` node with the bias gradient as
its second output; the gradients equal the reference backend's (numpy, op by op) in float64;
what must not fuse does not."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.backends import get_backend
from graphflow.compiler import compile_plan
from graphflow.compiler.fuse_pool_relu_grad import fuse_pool_relu_grads
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.registry import Spec

POOL = ([1, 2, 2, 1], [1, 2, 2, 1], "SAME")


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _net(dtype=tf.float32, shape=(3, 6, 5, 2), channels=4, bias_add=False, data_format="NHWC"):
    """conv -> + bias -> relu -> max pool -> loss; the gradients of (x, w, b)."""
    x = tf.placeholder(dtype, shape)
    rng = np.random.RandomState(0)
    in_ch = shape[3] if data_format == "NHWC" else shape[1]
    w = tf.constant(rng.randn(3, 3, in_ch, channels), dtype)
    b = tf.constant(rng.randn(channels) * 0.5, dtype)
    z = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME", data_format=data_format)
    z = tf.nn.bias_add(z, b, data_format=data_format) if bias_add else z + b
    ksize, strides, padding = POOL
    if data_format == "NCHW":
        ksize, strides = [1, 1, 2, 2], [1, 1, 2, 2]
    p = tf.nn.max_pool(tf.nn.relu(z), ksize, strides, padding, data_format=data_format)
    weights = tf.constant(rng.randn(*p.shape.as_list()), dtype)
    loss = tf.reduce_sum(p * weights)
    return x, tf.gradients(loss, [x, w, b])


def _types(fetches, feeds, shapes, dtype=tf.float32):
    specs = [Spec(TensorShape(s), dtype) for s in shapes]
    plan = compile_plan(fetches, [], feeds, specs, get_backend("cpu"))
    return [n.type for n in plan.order]


def _run(fetches, feed):
    with tf.Session() as s:
        return s.run(fetches, feed)


@pytest.mark.parametrize("bias_add", [False, True])
def test_pool_relu_and_bias_gradients_become_one_node(bias_add):
    x, grads = _net(bias_add=bias_add)
    types = _types(grads, [x], [[3, 6, 5, 2]])
    assert types.count("_MaxPoolReluGrad") == 1
    assert "MaxPoolGrad" not in types and "SumToShape" not in types and "ReluGrad" not in types


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
@pytest.mark.parametrize("shape", [(3, 6, 5, 2), (2, 8, 8, 1)])
def test_gradients_equal_the_reference_backend(monkeypatch, dtype, shape):
    x, grads = _net(dtype=dtype, shape=shape)
    xv = np.random.RandomState(1).randn(*shape)
    got = _run(grads, {x: xv})
    monkeypatch.setenv("GF_BACKEND", "reference")
    want = _run(grads, {x: xv})
    tol = {"rtol": 2e-5, "atol": 2e-5} if dtype == tf.float32 else {"rtol": 1e-10, "atol": 1e-10}
    for g, w, name in zip(got, want, ("x", "w", "b")):
        np.testing.assert_allclose(g, w, err_msg=f"gradient of {name}", **tol)


def test_the_gradient_of_x_is_the_same_bits_as_the_unfused_ops(monkeypatch):
    """dx (no sum involved) is bit for bit the unfused MaxPoolGrad -> ReluGrad's."""
    x, grads = _net()
    xv = np.random.RandomState(2).randn(3, 6, 5, 2).astype(np.float32)
    fused = _run(grads[0], {x: xv})
    monkeypatch.setenv("GF_DISABLE_PASSES", "fuse_pool_relu_grad")
    np.testing.assert_array_equal(fused, _run(grads[0], {x: xv}))


def test_nchw_and_a_shared_pool_gradient_do_not_fuse():
    x, grads = _net(shape=(2, 2, 6, 6), bias_add=True, data_format="NCHW")
    assert "_MaxPoolReluGrad" not in _types(grads, [x], [[2, 2, 6, 6]])
    a = tf.placeholder(tf.float32, [2, 4, 4, 3])
    r = tf.nn.relu(a)
    p = tf.nn.max_pool(r, *POOL)
    (pool_grad,) = tf.gradients(tf.reduce_sum(p * p), [r])  # the MaxPoolGrad, fetched too
    (da,) = tf.gradients(tf.reduce_sum(p * p), [a])
    types = _types([pool_grad, da], [a], [[2, 4, 4, 3]])
    assert "_MaxPoolReluGrad" not in types and "MaxPoolGrad" in types


def test_a_relu_of_another_tensor_than_the_pooled_one_does_not_fuse():
    """ReluGrad(MaxPoolGrad(x, ...), features) with features not x: nothing to fuse."""
    a = tf.placeholder(tf.float32, [1, 4, 4, 2])
    b = tf.placeholder(tf.float32, [1, 4, 4, 2])
    y = tf.nn.max_pool(a, *POOL)
    (dy,) = tf.gradients(tf.reduce_sum(y * y), [a])
    out = tf.get_default_graph().create_op("ReluGrad", [dy, b]).outputs[0]
    assert "_MaxPoolReluGrad" not in _types([out], [a, b], [[1, 4, 4, 2]] * 2)


def test_an_unknown_batch_dimension_fuses_and_runs_any_batch(monkeypatch):
    """A plan general in the batch size (the CPU kernel takes any batch) fuses too."""
    x = tf.placeholder(tf.float32, [None, 6, 5, 2])
    r = tf.nn.relu(x + tf.constant(np.linspace(-1, 1, 2), tf.float32))
    p = tf.nn.max_pool(r, *POOL)
    grads = tf.gradients(tf.reduce_sum(p * p), [x])
    assert "_MaxPoolReluGrad" in _types(grads, [x], [[None, 6, 5, 2]])
    rng = np.random.RandomState(3)
    feeds = [rng.randn(n, 6, 5, 2).astype(np.float32) for n in (1, 4, 3)]
    with tf.Session() as s:
        got = [s.run(grads[0], {x: v}) for v in feeds]
    monkeypatch.setenv("GF_BACKEND", "reference")
    with tf.Session() as s:
        want = [s.run(grads[0], {x: v}) for v in feeds]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)


def test_no_match_returns_the_nodes_unchanged():
    nodes, fetched = [], []
    assert fuse_pool_relu_grads(nodes, fetched) == ([], [])
