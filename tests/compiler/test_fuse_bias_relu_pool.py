"""The "fuse_bias_relu_pool" pass (graphflow/compiler/fuse_bias_relu_pool.py): the forward pass
`max_pool(relu(conv + bias))` becomes one `_BiasReluMaxPool` node; forward values are the unfused
plan's bits, gradients equal the reference backend's; what must not fuse does not."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.backends import get_backend
from graphflow.compiler import compile_plan
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.registry import Spec

POOL = ([1, 2, 2, 1], [1, 2, 2, 1], "SAME")


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _layer(x, channels=4, bias_add=False, dtype=tf.float32):
    rng = np.random.RandomState(0)
    w = tf.constant(rng.randn(3, 3, x.shape.as_list()[3], channels), dtype)
    b = tf.constant(rng.randn(channels) * 0.5, dtype)
    z = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    r = tf.nn.relu(tf.nn.bias_add(z, b) if bias_add else z + b)
    return r, tf.nn.max_pool(r, *POOL), (w, b)


def _types(fetches, feeds, shapes, dtype=tf.float32):
    specs = [Spec(TensorShape(s), dtype) for s in shapes]
    return [n.type for n in compile_plan(fetches, [], feeds, specs, get_backend("cpu")).order]


def _run(fetches, feed):
    with tf.Session() as s:
        return s.run(fetches, feed)


@pytest.mark.parametrize("bias_add", [False, True])
def test_bias_relu_and_pool_become_one_node_with_the_unfused_bits(monkeypatch, bias_add):
    x = tf.placeholder(tf.float32, [4, 8, 10, 2])  # 1,280 outputs: enough to fuse on the CPU
    r, p, _ = _layer(x, bias_add=bias_add)
    types = _types([r, p], [x], [[4, 8, 10, 2]])
    assert types.count("_BiasReluMaxPool") == 1 and "MaxPool" not in types
    xv = np.random.RandomState(1).randn(4, 8, 10, 2).astype(np.float32)
    got = _run([r, p], {x: xv})
    monkeypatch.setenv("GF_DISABLE_PASSES", "fuse_bias_relu_pool")
    for g, w in zip(got, _run([r, p], {x: xv})):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_a_two_layer_training_gradient_equals_the_reference_backend(monkeypatch, dtype):
    x = tf.placeholder(dtype, [4, 16, 16, 1])
    _, h, params1 = _layer(x, 3, dtype=dtype)
    _, h, params2 = _layer(h, 4, bias_add=True, dtype=dtype)
    loss = tf.reduce_sum(h * tf.constant(np.random.RandomState(4).randn(4, 4, 4, 4), dtype))
    grads = tf.gradients(loss, [x, *params1, *params2])
    types = _types(grads, [x], [[4, 16, 16, 1]], dtype)
    assert types.count("_BiasReluMaxPool") == 2 and types.count("_MaxPoolReluGrad") == 2
    xv = np.random.RandomState(2).randn(4, 16, 16, 1)
    got = _run(grads, {x: xv})
    monkeypatch.setenv("GF_BACKEND", "reference")
    want = _run(grads, {x: xv})
    tol = 2e-5 if dtype == tf.float32 else 1e-10
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol)


def test_what_does_not_fuse():
    x = tf.placeholder(tf.float32, [4, 8, 8, 8])  # large enough for the CPU to fuse each
    b = tf.constant(np.ones(8, np.float32))
    good = tf.nn.max_pool(tf.nn.relu(x + b), *POOL)  # the control: this one fuses
    plain = tf.nn.max_pool(tf.nn.relu(x), *POOL)  # no bias: not the matched program
    scaled = tf.nn.max_pool(tf.nn.relu(x * 2.0 + b), *POOL)  # more rows than relu(z + b)
    full = tf.nn.max_pool(tf.nn.relu(x + x), *POOL)  # the "bias" is not [C]
    avg = tf.nn.avg_pool(tf.nn.relu(x + b), *POOL)
    types = _types([good, plain, scaled, full, avg], [x], [[4, 8, 8, 8]])
    assert types.count("_BiasReluMaxPool") == 1 and types.count("MaxPool") == 3
