"""Loop variables a run does not need are not carried (ops.control_flow_liveness): the values the
run returns stay those of the full loop, effects inside the loop still happen, and a backward
loop carries no gradient for variables whose gradient is zero throughout."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.ops.control_flow_liveness import live_loop_vars, zero_gradient_vars


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _while_op(graph, name="while"):
    ops = [op for op in graph.get_operations() if op.type == "While" and op.name.startswith(name)]
    assert len(ops) == 1
    return ops[0]


def _three_var_loop(x):
    """(i, a, b): a depends on nothing but itself and x, b on a; i drives the predicate."""
    def body(i, a, b):
        return i + 1, a * 1.5 + x, b + tf.reduce_sum(a)

    return tf.while_loop(lambda i, a, b: i < 4, body,
                         [tf.constant(0), tf.ones([3], tf.float64), tf.constant(0.0, tf.float64)])


def _reference(xv):
    a, b = np.ones(3), 0.0
    for _ in range(4):
        a, b = a * 1.5 + xv, b + a.sum()
    return a, b


def test_live_vars_follow_the_predicate_and_the_needed_values(fresh_graph):
    x = tf.placeholder(tf.float64, [3])
    _three_var_loop(x)
    op = _while_op(fresh_graph)
    cond, body = op.get_attr("cond_graph"), op.get_attr("body_graph")
    assert live_loop_vars(cond, body, 3, [1, 2]) == [0]  # only the counter drives the loop
    assert live_loop_vars(cond, body, 3, [2]) == [0, 1]  # b is not needed by a
    assert live_loop_vars(cond, body, 3, [1]) == [0, 1, 2]  # b's next value reads a
    assert live_loop_vars(cond, body, 3, []) == [0, 1, 2]


def test_fetching_some_outputs_gives_the_full_loops_values():
    x = tf.placeholder(tf.float64, [3])
    _, a, b = _three_var_loop(x)
    xv = np.array([0.5, -1.0, 2.0])
    want_a, want_b = _reference(xv)
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(a, {x: xv}), want_a, rtol=1e-12)
        np.testing.assert_allclose(s.run(b, {x: xv}), want_b, rtol=1e-12)
        got_a, got_b = s.run([a, b], {x: xv})
    np.testing.assert_allclose(got_a, want_a, rtol=1e-12)
    np.testing.assert_allclose(got_b, want_b, rtol=1e-12)


def test_effects_of_an_unused_variable_still_happen():
    counter = tf.Variable(0, dtype=tf.int32)

    def body(i, seen):
        with tf.control_dependencies([counter.assign_add(1)]):
            return i + 1, seen + counter.read_value()

    i, seen = tf.while_loop(lambda i, seen: i < 5, body, [tf.constant(0), tf.constant(0)])
    op = _while_op(tf.get_default_graph())
    # the assignment is a stateful op feeding `seen`: `seen` stays live though unused
    assert live_loop_vars(op.get_attr("cond_graph"), op.get_attr("body_graph"), 2, [1]) == [0, 1]
    with tf.Session() as s:
        s.run(counter.initializer)
        assert s.run(i) == 5
        assert s.run(counter) == 5


def test_dynamic_rnn_final_state_alone_equals_a_numpy_lstm():
    tf.set_random_seed(3)
    x = tf.placeholder(tf.float32, [None, 6, 3])
    cell = tf.nn.rnn_cell.BasicLSTMCell(5)
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    xv = np.random.RandomState(0).rand(4, 6, 3).astype(np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        h_alone = s.run(state.h, {x: xv})
        h_with_outputs, out = s.run([state.h, outputs], {x: xv})
        weights = s.run(tf.trainable_variables())
    np.testing.assert_array_equal(h_alone, h_with_outputs)
    np.testing.assert_array_equal(out[:, -1], h_alone)
    # an independent oracle: the cell in float64 numpy on the same weights
    kernel, bias = weights
    c = np.zeros((4, 5), np.float64)
    h = np.zeros((4, 5), np.float64)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for t in range(6):
        i, j, f, o = np.split(np.concatenate([xv[:, t], h], 1) @ kernel + bias, 4, axis=1)
        c = c * sig(f + 1.0) + sig(i) * np.tanh(j)
        h = np.tanh(c) * sig(o)
    np.testing.assert_allclose(h_alone, h, rtol=1e-5, atol=1e-6)


def test_zero_gradient_vars_stay_zero_only_when_nothing_reads_them():
    x = tf.placeholder(tf.float64, [3])
    _three_var_loop(x)
    op = _while_op(tf.get_default_graph())
    body = op.get_attr("body_graph")
    # b (2) gets no gradient and feeds nothing else: zero throughout
    assert zero_gradient_vars(body, 3, [1, 2], [2]) == {2}
    # a (1) gets no gradient but feeds b, which does
    assert zero_gradient_vars(body, 3, [1, 2], [1]) == set()
    assert zero_gradient_vars(body, 3, [1, 2], [1, 2]) == {1, 2}


def test_backward_loop_carries_no_gradient_for_an_unused_output_and_stays_exact():
    x = tf.placeholder(tf.float64, [3])
    _, a, b = _three_var_loop(x)
    loss = tf.reduce_sum(a * a)
    gx, = tf.gradients(loss, [x])
    grad_ops = [op for op in tf.get_default_graph().get_operations()
                if op.type == "While" and "grad" in op.name]
    assert len(grad_ops) == 1
    # counter + the gradients of a and of x (captured); none for b
    assert len(grad_ops[0].outputs) == 3
    xv = np.array([0.5, -1.0, 2.0])

    def f(v):
        return float(np.sum(_reference(v)[0] ** 2))

    numeric = np.array([(f(xv + e) - f(xv - e)) / 2e-6 for e in np.eye(3) * 1e-6])
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(gx, {x: xv}), numeric, rtol=1e-6)


def test_lstm_training_gradients_unchanged_when_outputs_are_unused():
    """The loss on the final state alone vs the same loss plus 0 * outputs (which gives the
    outputs TensorArray a gradient, so the backward loop carries it): same gradients."""
    tf.set_random_seed(5)
    x = tf.placeholder(tf.float64, [None, 4, 2])
    cell = tf.nn.rnn_cell.BasicLSTMCell(3, dtype=tf.float64)
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float64)
    weights = tf.trainable_variables()
    alone = tf.gradients(tf.reduce_sum(state.h * state.h), weights)
    full = tf.gradients(tf.reduce_sum(state.h * state.h) + 0.0 * tf.reduce_sum(outputs), weights)
    xv = np.random.RandomState(1).rand(2, 4, 2)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        got_alone, got_full = s.run([alone, full], {x: xv})
    for g1, g2 in zip(got_alone, got_full):
        np.testing.assert_allclose(g1, g2, rtol=1e-12, atol=1e-14)
