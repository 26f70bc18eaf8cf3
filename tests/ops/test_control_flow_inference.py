"""A loop whose run records no history (inference, or any run that does not fetch the loop's
gradient) neither returns nor computes the intermediates its gradient appended to the body:
its body plan returns the live loop vars only (ops.control_flow.bind_while), while a training
run of the same graph still records them and its gradients stay exact."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.backends.sub_plan import SubPlan


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def body_plans(monkeypatch):
    """The SubPlans of loop bodies bound while the test runs (label ending in "(body)")."""
    made: list[SubPlan] = []
    original = SubPlan.__init__

    def record(self, func, state, label, *args, **kwargs):
        original(self, func, state, label, *args, **kwargs)
        if label.endswith("(body)"):
            made.append(self)

    monkeypatch.setattr(SubPlan, "__init__", record)
    return made


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _numpy_lstm(xv, kernel, bias):
    """The BasicLSTMCell over the time axis in float64: the final (c, h)."""
    c = np.zeros((xv.shape[0], bias.size // 4))
    h = np.zeros_like(c)
    for t in range(xv.shape[1]):
        i, j, f, o = np.split(np.concatenate([xv[:, t], h], 1) @ kernel + bias, 4, axis=1)
        c = c * _sigmoid(f + 1.0) + _sigmoid(i) * np.tanh(j)
        h = np.tanh(c) * _sigmoid(o)
    return c, h


def _lstm(dtype, units=5, steps=6, inputs=3):
    tf.set_random_seed(3)
    x = tf.placeholder(dtype, [None, steps, inputs])
    cell = tf.nn.rnn_cell.BasicLSTMCell(units, dtype=dtype)
    _, state = tf.nn.dynamic_rnn(cell, x, dtype=dtype)
    return x, state


def test_inference_body_returns_only_the_live_loop_vars(body_plans):
    x, state = _lstm(tf.float32)
    loss = tf.reduce_sum(state.h * state.h)
    tf.gradients(loss, tf.trainable_variables())  # gives the body its recorded intermediates
    loop = next(op for op in tf.get_default_graph().get_operations()
                if op.type == "While" and "grad" not in op.name)
    n = len(loop.get_attr("output_shapes"))
    assert len(loop.get_attr("body_graph").outputs) > n  # the gradient appended its values
    xv = np.random.RandomState(0).rand(4, 6, 3).astype(np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        h = s.run(state.h, {x: xv})
        kernel, bias = s.run(tf.trainable_variables())
    (body,) = body_plans
    # c and h: not the unused outputs TensorArray, nor the two counters (the loop advances them)
    assert len(body.outputs) == 2
    assert all(t in loop.get_attr("body_graph").outputs[:n] for t in body.outputs)
    plans = list(body._plans.values())
    assert plans and all(len(p.fetched) == len(body.outputs) for p in plans)
    # the cell's fused elementwise kernel writes the next c and h only
    fused = [node for p in plans for node in p.order if node.type == "_FusedElementwise"]
    assert fused and all(len(node.out_specs) == 2 for node in fused)
    np.testing.assert_allclose(h, _numpy_lstm(xv.astype(np.float64), kernel, bias)[1],
                               rtol=1e-5, atol=1e-6)


def test_training_run_of_the_same_graph_records_and_stays_exact(body_plans):
    x, state = _lstm(tf.float64, units=3, steps=4, inputs=2)
    kernel_var, bias_var = tf.trainable_variables()
    loss = tf.reduce_sum(state.h * state.h)
    g_kernel, g_bias = tf.gradients(loss, [kernel_var, bias_var])
    xv = np.random.RandomState(1).rand(2, 4, 2)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        h_alone = s.run(state.h, {x: xv})
        h, gk, gb = s.run([state.h, g_kernel, g_bias], {x: xv})
        kernel, bias = s.run([kernel_var, bias_var])
    loop = next(op for op in tf.get_default_graph().get_operations()
                if op.type == "While" and "grad" not in op.name)
    body_graph, n = loop.get_attr("body_graph"), len(loop.get_attr("output_shapes"))
    forward = [len(b.outputs) for b in body_plans if b.func is body_graph]
    # the inference run: live loop vars only; the training run: every var and the intermediates;
    # neither returns the two counters (time and iterations: the loop advances them itself)
    assert forward == [n - 3, len(body_graph.outputs) - 2] and len(body_graph.outputs) > n
    np.testing.assert_array_equal(h_alone, h)

    def loss_of(k, b):
        return float(np.sum(_numpy_lstm(xv, k, b)[1] ** 2))

    eps = 1e-6
    for got, index in ((gk, (0, 1)), (gk, (4, 7)), (gb, (2,)), (gb, (9,))):
        dk, db = np.zeros_like(kernel), np.zeros_like(bias)
        (dk if got is gk else db)[index] = eps
        numeric = (loss_of(kernel + dk, bias + db) - loss_of(kernel - dk, bias - db)) / (2 * eps)
        assert got[index] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_random_draws_inside_an_inference_loop_are_the_training_runs_draws():
    """A random draw the gradient records is still drawn (the loop var reads it), the same
    draws in the same order whether or not the run records the history."""
    w = tf.Variable(np.array([0.7, -0.4, 1.3]))

    def body(i, v):
        keep = tf.random_uniform([3], dtype=tf.float64, seed=11)
        return i + 1, tf.tanh(v * w + keep)

    _, y = tf.while_loop(lambda i, v: i < 4, body, [0, tf.ones([3], tf.float64)])
    (gw,) = tf.gradients(tf.reduce_sum(y), [w])
    results = []
    for fetches in (y, [y, gw]):
        with tf.Session() as s:
            s.run(w.initializer)
            got = s.run(fetches)
            results.append(got if fetches is y else got[0])
    np.testing.assert_array_equal(results[0], results[1])
    assert np.all(np.abs(results[0]) < 1) and np.ptp(results[0]) > 0


def test_a_loop_whose_shapes_settle_looks_its_plans_up_once_per_run(monkeypatch):
    """The batch is left open ([None, 5] loop vars), but the body plan specialized to the fed
    batch returns c and h with the shapes it was called with: one look-up per run (of the body
    plan alone: the loop evaluates the counters' predicate itself)."""
    x, state = _lstm(tf.float32)
    lookups: list[str] = []
    original = SubPlan.plan_for

    def counted(self, values):
        lookups.append(self.label)
        return original(self, values)

    monkeypatch.setattr(SubPlan, "plan_for", counted)
    rng = np.random.RandomState(2)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        kernel, bias = s.run(tf.trainable_variables())
        for batch in (4, 2, 4):
            xv = rng.rand(batch, 6, 3).astype(np.float32)
            del lookups[:]
            h = s.run(state.h, {x: xv})
            assert lookups == ["rnn/while/While (body)"]
            np.testing.assert_allclose(h, _numpy_lstm(xv.astype(np.float64), kernel, bias)[1],
                                       rtol=1e-5, atol=1e-6)


def test_a_loop_var_that_grows_each_iteration_is_looked_up_each_iteration():
    def body(i, v):
        return i + 1, tf.concat([v, v[-1:] * 2.0], 0)

    _, v = tf.while_loop(lambda i, v: i < 12, body, [0, tf.ones([1], tf.float64)],
                         shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(v), 2.0 ** np.arange(13))
