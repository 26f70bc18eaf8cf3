"""A While's integer counters and predicate run on Python ints (ops.control_flow_counters):
which loops take that form, and that their values are the plans' (numpy's integer sums, with
their wrap-around) whichever way the loop runs."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.ops.control_flow_counters import host_counters


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _loop_op():
    return next(op for op in tf.get_default_graph().get_operations() if op.type == "While")


def _host_form():
    op = _loop_op()
    n = len(op.get_attr("output_shapes"))
    return host_counters(op.get_attr("cond_graph"), op.get_attr("body_graph"), n, list(range(n)))


def test_dynamic_rnn_counts_time_and_iterations_on_the_host():
    x = tf.placeholder(tf.float32, [None, 5, 3])
    _, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), x, dtype=tf.float32)
    host = _host_form()
    assert host is not None
    assert [(c.var, c.increment) for c in host.counters] == [(0, 1), (1, 1)]
    assert host.predicate([0, 4, None, None, None], [5, 5]) is True
    assert host.predicate([0, 5, None, None, None], [5, 5]) is False
    assert host.predicate([5, 0, None, None, None], [5, 5]) is False


def test_sum_with_a_counter_a_fed_bound_and_a_non_counter_var():
    n = tf.placeholder(tf.int32, [])
    i, total = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 3, s + i * i),
                             [tf.constant(1), tf.constant(0)])
    host = _host_form()
    assert host is not None and [(c.var, c.increment) for c in host.counters] == [(0, 3)]
    with tf.Session() as s:
        for bound in (0, 1, 2, 20):
            steps = list(range(1, bound, 3))
            got_i, got_total = s.run([i, total], {n: bound})
            assert got_i == (steps[-1] + 3 if steps else 1)
            assert got_total == sum(k * k for k in steps)
            assert np.asarray(got_i).dtype == np.int32


def test_logic_comparisons_and_a_fed_flag():
    go = tf.placeholder(tf.bool, [])
    limit = tf.placeholder(tf.int64, [])

    def cond(i, j, v):
        return tf.logical_and(tf.logical_or(go, tf.equal(j, 0)),
                              tf.logical_not(tf.greater_equal(i, limit)))

    i, j, v = tf.while_loop(cond, lambda i, j, v: (i + 2, j, v * 1.5),
                            [tf.constant(0, tf.int64), tf.constant(1), tf.constant(1.0, tf.float64)])
    host = _host_form()
    assert host is not None
    assert sorted((c.var, c.increment) for c in host.counters) == [(0, 2), (1, 0)]
    with tf.Session() as s:
        assert s.run([i, j, v], {go: True, limit: 7}) == [8, 1, 1.5 ** 4]
        assert s.run([i, j, v], {go: False, limit: 7}) == [0, 1, 1.0]  # zero iterations
        got_i, got_j, _ = s.run([i, j, v], {go: True, limit: 0})
    assert np.asarray(got_i).dtype == np.int64 and np.asarray(got_j).dtype == np.int32


def test_int32_counter_wraps_around_as_the_add_kernel_does():
    start = np.int32(np.iinfo(np.int32).max - 2)
    _, big = tf.while_loop(lambda k, b: k < 5, lambda k, b: (k + 1, b + 1),
                           [tf.constant(0), tf.constant(start)])
    host = _host_form()
    assert host is not None and len(host.counters) == 2
    expected = (start.astype(np.int64) + 5 + 2 ** 31) % 2 ** 32 - 2 ** 31
    with tf.Session() as s:
        got = s.run(big)
    assert got == expected and got < 0 and np.asarray(got).dtype == np.int32


def test_body_reads_the_counter_it_does_not_compute():
    table = tf.constant(np.arange(10.0) ** 2)
    _, acc = tf.while_loop(lambda t, a: t < 10, lambda t, a: (t + 1, a + tf.gather(table, t)),
                           [tf.constant(0), tf.constant(0.0, tf.float64)])
    with tf.Session() as s:
        assert s.run(acc) == np.sum(np.arange(10.0) ** 2)


def test_gradient_through_a_counted_loop_matches_finite_differences():
    w = tf.Variable(np.array([0.3, -0.8]))

    def body(t, v):
        return t + 1, tf.tanh(v * w + tf.cast(t, tf.float64) * 0.1)

    _, y = tf.while_loop(lambda t, v: t < 4, body, [tf.constant(0), tf.constant([0.5, 0.2], tf.float64)])
    loss = tf.reduce_sum(y * y)
    (gw,) = tf.gradients(loss, [w])
    assert _host_form() is not None

    def numpy_loss(wv):
        v = np.array([0.5, 0.2])
        for t in range(4):
            v = np.tanh(v * wv + t * 0.1)
        return float(np.sum(v * v))

    with tf.Session() as s:
        s.run(w.initializer)
        got = s.run(gw)
    eps = 1e-6
    numeric = [(numpy_loss(np.array([0.3, -0.8]) + d) - numpy_loss(np.array([0.3, -0.8]) - d)) / (2 * eps)
               for d in np.eye(2) * eps]
    np.testing.assert_allclose(got, numeric, rtol=1e-6)


@pytest.mark.parametrize("make", [
    # a float in the predicate
    lambda: tf.while_loop(lambda v: v < 10.0, lambda v: v + 1.0, [tf.constant(0.0)]),
    # a counter's next value that is not the var plus a constant
    lambda: tf.while_loop(lambda i: i < 100, lambda i: i * 2 + 1, [tf.constant(1)]),
    # a predicate on a vector
    lambda: tf.while_loop(lambda v: tf.reduce_all(v < 4), lambda v: v + 1, [tf.constant([0, 1])]),
])
def test_other_loops_keep_their_plans_and_values(make):
    out = make()
    assert _host_form() is None
    expected = {np.float32: 10.0, np.int32: 127}
    with tf.Session() as s:
        got = s.run(out)
    if np.ndim(got):
        np.testing.assert_array_equal(got, [3, 4])
    else:
        assert got == expected[np.asarray(got).dtype.type]
