"""The "fuse_conv_backprops" pass (graphflow/compiler/fuse_conv_backprops.py): both backprops of
a convolution the CPU runs by transforms become one `_Conv2DBackprops` node; the gradients equal
the reference backend's; direct-route convolutions, a lone filter gradient and NCHW stay as
they are."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.backends import get_backend
from graphflow.compiler import compile_plan
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.registry import Spec


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _net(x_shape, f_shape, dtype=tf.float32, data_format="NHWC"):
    rng = np.random.RandomState(0)
    x = tf.placeholder(dtype, x_shape)
    f = tf.constant(rng.randn(*f_shape) * 0.2, dtype)
    y = tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME", data_format=data_format)
    loss = tf.reduce_sum(tf.square(y) * 0.5)
    return x, f, tf.gradients(loss, [x, f])


def _types(fetches, feeds, shapes, dtype=tf.float32):
    specs = [Spec(TensorShape(s), dtype) for s in shapes]
    return [n.type for n in compile_plan(fetches, [], feeds, specs, get_backend("cpu")).order]


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_transformed_backprops_fuse_and_equal_the_reference_backend(monkeypatch, dtype):
    x, f, grads = _net([2, 10, 9, 16], [5, 5, 16, 32], dtype)
    types = _types(grads, [x], [[2, 10, 9, 16]], dtype)
    assert types.count("_Conv2DBackprops") == 1
    assert "Conv2DBackpropInput" not in types and "Conv2DBackpropFilter" not in types
    xv = np.random.RandomState(1).randn(2, 10, 9, 16)
    with tf.Session() as s:
        got = s.run(grads, {x: xv})
    monkeypatch.setenv("GF_BACKEND", "reference")
    with tf.Session() as s:
        want = s.run(grads, {x: xv})
    for g, w in zip(got, want):
        scale = np.abs(w).max()
        np.testing.assert_allclose(g, w, atol=(2e-5 if dtype == tf.float32 else 1e-11) * scale)


def test_what_does_not_fuse():
    small, _, small_grads = _net([2, 6, 6, 3], [3, 3, 3, 4])  # direct route
    assert "_Conv2DBackprops" not in _types(small_grads, [small], [[2, 6, 6, 3]])
    x, f, _ = _net([2, 10, 9, 16], [5, 5, 16, 32])
    (filter_only,) = tf.gradients(tf.reduce_sum(tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME")), [f])
    types = _types([filter_only], [x], [[2, 10, 9, 16]])
    assert "_Conv2DBackprops" not in types and "Conv2DBackpropFilter" in types
    nchw, _, nchw_grads = _net([2, 16, 10, 9], [5, 5, 16, 32], data_format="NCHW")
    assert "_Conv2DBackprops" not in _types(nchw_grads, [nchw], [[2, 16, 10, 9]])


def test_a_control_input_on_the_later_backprop_waits_for_the_fused_node(monkeypatch):
    """An op under `tf.control_dependencies([filter_grad])`: the filter gradient's node is
    dropped for the fused one, so the op waits for that (it named the dropped node before, and
    scheduling failed with a KeyError)."""
    x, f, (dx, df) = _net([2, 10, 9, 16], [5, 5, 16, 32])
    assert df.op.type == "Conv2DBackpropFilter"
    with tf.control_dependencies([df.op]):
        total = tf.reduce_sum(x) * 3.0
    specs = [Spec(TensorShape([2, 10, 9, 16]), tf.float32)]
    order = compile_plan([dx, total], [], [x], specs, get_backend("cpu")).order
    (fused,) = [n for n in order if n.type == "_Conv2DBackprops"]
    waiting = [n for n in order if n.control]
    assert waiting and all(n.control == (fused,) for n in waiting)
    assert order.index(fused) < min(order.index(n) for n in waiting)
    xv = np.random.RandomState(1).randn(2, 10, 9, 16).astype(np.float32)
    with tf.Session() as s:
        got_dx, got_total = s.run([dx, total], {x: xv})
    monkeypatch.setenv("GF_BACKEND", "reference")
    with tf.Session() as s:
        want_dx = s.run(dx, {x: xv})
    np.testing.assert_allclose(got_dx, want_dx, atol=2e-5 * np.abs(want_dx).max())
    np.testing.assert_allclose(got_total, xv.astype(np.float64).sum() * 3.0, rtol=1e-5)
