"""A backward loop's plan specialized to the shapes its forward loop recorded: with a batch dim
the graph leaves unknown, the backward body has no SumToShape and its elementwise gradient
chain fuses; another batch size compiles another plan; a slot whose shape changes between
iterations keeps its declared shape. Gradients against numpy float64 backpropagation."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.control_flow_history import HistorySpec, LoopHistory
from graphflow.ops.registry import REGISTRY, Spec

STEPS = 3


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _expected(a0: np.ndarray, b0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d sum(a_T) / d(a0, b0) of a <- a * b, b <- b + tanh(a), backpropagated in float64."""
    a, b, tape = a0.astype(np.float64), b0.astype(np.float64), []
    for _ in range(STEPS):
        tape.append((a, b))
        a, b = a * b, b + np.tanh(a)
    da, db = np.ones_like(a), np.zeros_like(b)
    for a, b in reversed(tape):  # a' = a * b, b' = b + tanh(a)
        da, db = da * b + db * (1.0 - np.tanh(a) ** 2), da * a + db
    return da, db


def _loop():
    a0 = tf.placeholder(tf.float32, [None, 3], name="a0")
    b0 = tf.placeholder(tf.float32, [None, 3], name="b0")
    _, a, _ = tf.while_loop(lambda i, a, b: i < STEPS,
                            lambda i, a, b: (i + 1, a * b, b + tf.tanh(a)),
                            [tf.constant(0), a0, b0])
    return a0, b0, tf.gradients(tf.reduce_sum(a), [a0, b0])


def test_backward_body_has_the_recorded_shapes_and_no_sum_to_shape(compiled):
    a0, b0, grads = _loop()
    rng = np.random.default_rng(0)
    feeds = [(rng.uniform(-1, 1, (n, 3)).astype(np.float32),
              rng.uniform(-1, 1, (n, 3)).astype(np.float32)) for n in (400, 2)]
    with tf.Session() as sess:
        for a_value, b_value in feeds:  # a second batch size: another specialized plan
            got = sess.run(grads, {a0: a_value, b0: b_value})
            for value, want in zip(got, _expected(a_value, b_value)):
                np.testing.assert_allclose(value, want, rtol=1e-5, atol=1e-6)
    backward = [plan for label, plan in compiled if "While_grad" in label and label.endswith("(body)")]
    assert len(backward) == 2
    assert "_FusedElementwise" in [n.type for n in backward[0].order]  # 1200 elements: fused
    for plan, (a_value, _) in zip(backward, feeds):
        types = [n.type for n in plan.order]
        assert "SumToShape" not in types, types
        read = next(n for n in plan.order if n.type == "LoopHistoryRead")
        float_shapes = [s.shape.as_list() for s in read.out_specs if s.dtype == tf.float32]
        assert float_shapes and all(shape == list(a_value.shape) for shape in float_shapes)


def test_a_slot_whose_shape_changes_keeps_its_declared_shape(compiled):
    x = tf.placeholder(tf.float32, [None], name="x")

    def body(i, v):  # v grows by one element each iteration
        return i + 1, tf.concat([v * x[0], v[-1:]], 0)

    _, v = tf.while_loop(lambda i, v: i < STEPS, body, [tf.constant(0), x],
                         shape_invariants=[TensorShape([]), TensorShape([None])])
    grad = tf.gradients(tf.reduce_sum(v), x)[0]
    value = np.array([0.5, -1.5, 2.0], np.float32)
    with tf.Session() as sess:
        got = sess.run(grad, {x: value})
    eps, numeric = 1e-6, np.zeros(3)

    def forward(x_value):
        v_value = x_value.copy()
        for _ in range(STEPS):
            v_value = np.concatenate([v_value * x_value[0], v_value[-1:]])
        return v_value.sum()

    for k in range(3):
        step = np.zeros(3)
        step[k] = eps
        numeric[k] = (forward(value + step) - forward(value - step)) / (2 * eps)
    np.testing.assert_allclose(got, numeric, rtol=1e-4)
    read = next(n for label, plan in compiled if "While_grad" in label for n in plan.order
                if n.type == "LoopHistoryRead")
    assert read.out_specs[1].shape.as_list() == [None]  # the loop var v: (i, v) start each record


def test_entry_shapes_per_slot_and_the_read_specs():
    history = LoopHistory([(np.zeros((2, 3)), np.zeros(1), "list"), (np.ones((2, 3)), np.zeros(2), "list")])
    assert history.entry_shapes() == ((2, 3), None, None)
    history.append((np.ones((2, 3)), np.zeros(3), "list"))  # recomputed for a longer record
    assert history.entry_shapes() == ((2, 3), None, None)
    assert LoopHistory().entry_shapes() is None
    read = REGISTRY["LoopHistoryRead"]
    attrs = {"dtypes": [dtypes.float32, dtypes.float32, dtypes.variant],
             "shapes": [[None, 3], [None], None]}
    fed = HistorySpec(TensorShape([]), dtypes.variant, entry_shapes=((2, 3), (4,), (5,)))
    index = Spec(TensorShape([]), dtypes.int32)
    specs = read.infer([fed, index], attrs)
    assert [s.shape.as_list() for s in specs[:2]] == [[2, 3], [4]]
    assert specs[2].shape.dims is None  # a list value keeps its declared (unknown) shape
    clash = HistorySpec(TensorShape([]), dtypes.variant, entry_shapes=((2, 4), None, None))
    assert read.infer([clash, index], attrs)[0].shape.as_list() == [None, 3]
    plain = read.infer([Spec(TensorShape([]), dtypes.variant), index], attrs)
    assert plain[0].shape.as_list() == [None, 3]
