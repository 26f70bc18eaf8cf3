"""Gradients through tf.cond and tf.while_loop, checked by central differences in float64."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _numeric(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


def test_cond_gradient_follows_the_taken_branch():
    x = tf.placeholder(tf.float64, [3])
    w = tf.Variable(np.array([0.5, -1.0, 2.0]))
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.reduce_sum(x * w * w), lambda: tf.reduce_sum(tf.sin(x)))
    gx, gw = tf.gradients(y, [x, w])
    xv = np.array([0.3, -0.2, 1.1])
    with tf.Session() as s:
        s.run(w.initializer)
        wv = s.run(w)
        for taken in (True, False):
            got_x, got_w = s.run([gx, gw], {x: xv, p: taken})
            f = (lambda v: np.sum(v * wv * wv)) if taken else (lambda v: np.sum(np.sin(v)))
            np.testing.assert_allclose(got_x, _numeric(f, xv), rtol=1e-6, atol=1e-8)
            fw = (lambda u: np.sum(xv * u * u)) if taken else (lambda u: 0.0 * u.sum())
            np.testing.assert_allclose(got_w, _numeric(fw, wv), rtol=1e-6, atol=1e-8)


def test_nested_cond_gradient():
    x = tf.placeholder(tf.float64, [])
    y = tf.cond(x > 0, lambda: tf.cond(x > 1, lambda: x ** 3, lambda: x * x), lambda: -x)
    (g,) = tf.gradients(y, [x])
    with tf.Session() as s:
        assert [s.run(g, {x: v}) for v in (2.0, 0.5, -1.0)] == pytest.approx([12.0, 1.0, -1.0])


def _series(x, terms):
    def body(k, term, total):
        return k + 1, term * x / tf.cast(k + 1, tf.float64), total + term

    return tf.while_loop(lambda k, t, s: k < terms, body,
                         [tf.constant(0), tf.ones_like(x), tf.zeros_like(x)])[2]


def test_power_series_gradient_wrt_captured_input_and_variable():
    x = tf.placeholder(tf.float64, [3])
    w = tf.Variable(np.array([0.5, -1.0, 2.0]))
    loss = tf.reduce_sum(_series(x, 6) * w)
    gx, gw = tf.gradients(loss, [x, w])
    xv = np.array([0.3, -0.2, 1.1])
    with tf.Session() as s:
        s.run(w.initializer)
        wv = s.run(w)
        series = lambda v: sum(v ** k / np.prod(np.arange(1, k + 1)) for k in range(6))  # noqa: E731
        got_x, got_w = s.run([gx, gw], {x: xv})
        np.testing.assert_allclose(got_x, _numeric(lambda v: np.sum(series(v) * wv), xv), rtol=1e-6)
        np.testing.assert_allclose(got_w, series(xv), rtol=1e-9)


def test_gradient_wrt_initial_loop_values_and_iteration_count_fed():
    x0 = tf.placeholder(tf.float64, [2])
    n = tf.placeholder(tf.int32, [])
    a = tf.constant(np.array([[0.9, 0.2], [-0.3, 1.1]]))

    def body(i, h):
        return i + 1, tf.tanh(tf.reshape(tf.matmul(tf.reshape(h, [1, 2]), a), [2]))

    _, h = tf.while_loop(lambda i, h: i < n, body, [tf.constant(0), x0])
    (g,) = tf.gradients(tf.reduce_sum(h * h), [x0])
    av = np.array([[0.9, 0.2], [-0.3, 1.1]])

    def f(v, steps):
        for _ in range(steps):
            v = np.tanh(v @ av)
        return np.sum(v * v)

    xv = np.array([0.4, -0.7])
    with tf.Session() as s:
        for steps in (0, 1, 4):
            np.testing.assert_allclose(s.run(g, {x0: xv, n: steps}),
                                       _numeric(lambda v, k=steps: f(v, k), xv), rtol=1e-6,
                                       atol=1e-9)


def test_nested_loop_and_cond_in_loop_gradients():
    x = tf.placeholder(tf.float64, [])

    def outer(i, acc):
        _, inner = tf.while_loop(lambda j, a: j < 2, lambda j, a: (j + 1, a * x), [0, acc])
        return i + 1, tf.cond(i > 0, lambda: inner + x, lambda: inner * 2.0)

    _, y = tf.while_loop(lambda i, a: i < 3, outer, [tf.constant(0), tf.constant(1.0, tf.float64)])
    (g,) = tf.gradients(y, [x])

    def f(v):
        acc = 1.0
        for i in range(3):
            acc = acc * v * v
            acc = acc + v if i > 0 else acc * 2.0
        return acc

    with tf.Session() as s:
        assert s.run(y, {x: 0.7}) == pytest.approx(f(0.7))
        assert s.run(g, {x: 0.7}) == pytest.approx(_numeric(f, np.array(0.7)), rel=1e-6)


def test_maximum_iterations_and_back_prop_false():
    x = tf.placeholder(tf.float64, [])
    y = tf.while_loop(lambda v: v < 1e9, lambda v: v * x, [tf.constant(1.0, tf.float64)],
                      maximum_iterations=3)
    stopped = tf.while_loop(lambda v: v < 10.0, lambda v: v * x, [x], back_prop=False)
    (g,) = tf.gradients(y, [x])
    assert tf.gradients(stopped, [x]) == [None]
    with tf.Session() as s:
        assert s.run(g, {x: 1.5}) == pytest.approx(3 * 1.5 ** 2)


def test_forward_only_plan_does_not_record_history():
    from graphflow.backends import get_backend
    from graphflow.compiler import compile_plan
    from graphflow.framework.tensor_shape import TensorShape
    from graphflow.ops.registry import Spec

    x = tf.placeholder(tf.float64, [])
    y = tf.while_loop(lambda v: v < 100.0, lambda v: v * x, [tf.constant(1.0, tf.float64)])
    (g,) = tf.gradients(y, [x])
    backend = get_backend("cpu")
    spec = [Spec(TensorShape([]), tf.float64)]
    fwd = compile_plan([y], [], [x], spec, backend)
    both = compile_plan([y, g], [], [x], spec, backend)
    loops = lambda plan: [n.attrs.get("record_history") for n in plan.order  # noqa: E731
                          if n.type == "While"]
    assert loops(fwd) == [False]
    assert sorted(loops(both), key=str) == [None, True]  # the backward loop keeps no history
    with tf.Session() as s:
        assert s.run(y, {x: 3.0}) == 243.0
        assert s.run(g, {x: 3.0}) == pytest.approx(5 * 3.0 ** 4)


def test_training_a_variable_read_inside_a_loop():
    w = tf.Variable(0.5, dtype=tf.float64)
    y = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * w),
                      [0, tf.constant(2.0, tf.float64)])[1]
    loss = tf.square(y - 16.0)  # 2 * w^3 == 16 at w == 2
    train = tf.train.GradientDescentOptimizer(0.001).minimize(loss)
    expected = 0.5
    for _ in range(60):  # the same descent in numpy: d/dw (2w^3 - 16)^2 = 12 w^2 (2w^3 - 16)
        expected -= 0.001 * 12 * expected ** 2 * (2 * expected ** 3 - 16)
    with tf.Session() as s:
        s.run(w.initializer)
        for _ in range(60):
            s.run(train)
        assert s.run(w) == pytest.approx(expected, rel=1e-9)
        assert abs(expected - 2.0) < 0.05


def test_tensor_array_rnn_gradient_matches_finite_differences():
    """A TensorArray read (clear_after_read) and written inside the loop, stacked after it:
    the recomputed reads of the backward loop are allowed, the lists' gradients flow."""
    x = tf.placeholder(tf.float64, [4, 3])
    w = tf.Variable(np.eye(3) * 0.5)
    inputs = tf.TensorArray(tf.float64, size=4).unstack(x)

    def body(t, h, ta):
        h = tf.tanh(tf.matmul(tf.reshape(inputs.read(t), [1, 3]), w) + h)
        return t + 1, h, ta.write(t, tf.reshape(h, [3]))

    _, _, ta = tf.while_loop(lambda t, h, ta: t < 4, body,
                             [tf.constant(0), tf.zeros([1, 3], tf.float64),
                              tf.TensorArray(tf.float64, size=4)])
    out = ta.stack()
    gx, gw = tf.gradients(tf.reduce_sum(out * out), [x, w])
    xv = np.random.RandomState(0).randn(4, 3)

    def f(xx, ww):
        h, total = np.zeros((1, 3)), 0.0
        for t in range(4):
            h = np.tanh(xx[t:t + 1] @ ww + h)
            total += np.sum(h * h)
        return total

    with tf.Session() as s:
        s.run(w.initializer)
        wv = s.run(w)
        got_x, got_w = s.run([gx, gw], {x: xv})
        np.testing.assert_allclose(got_w, _numeric(lambda v: f(xv, v), wv), rtol=1e-6)
        np.testing.assert_allclose(got_x, _numeric(lambda v: f(v, wv), xv), rtol=1e-6)


def test_backward_loop_reuses_the_forward_random_draws_and_assignments():
    """Random draws inside the body are read back from the forward loop (a dropout mask is the
    same in both passes), and assignments inside it run once per forward iteration."""
    x = tf.placeholder(tf.float64, [4])
    ticks = tf.Variable(0)

    def body(i, h):
        noise = tf.random_uniform([4], 0.5, 1.5, dtype=tf.float64)
        with tf.control_dependencies([tf.assign_add(ticks, 1)]):
            return i + 1, h * noise * x

    _, h = tf.while_loop(lambda i, h: i < 3, body, [tf.constant(0), tf.ones([4], tf.float64)])
    (g,) = tf.gradients(tf.reduce_sum(h), [x])
    xv = np.array([0.5, 1.0, 1.5, 2.0])
    with tf.Session() as s:
        s.run(ticks.initializer)
        hv, gv = s.run([h, g], {x: xv})
        np.testing.assert_allclose(gv, 3.0 * hv / xv, rtol=1e-12)  # h = x^3 * product of draws
        assert s.run(ticks) == 3


def test_second_order_through_cond_and_clear_error_through_loop():
    x = tf.placeholder(tf.float64, [])
    c = tf.cond(x > 0, lambda: x ** 3, lambda: -x)
    (gc,) = tf.gradients(c, [x])
    (hc,) = tf.gradients(gc, [x])
    y = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x),
                      [0, tf.constant(1.0, tf.float64)])[1]
    (g,) = tf.gradients(y, [x])
    with pytest.raises(TypeError, match="Second-order gradient for while loops not supported"):
        tf.gradients(g, [x])
    with tf.Session() as s:
        assert s.run([gc, hc], {x: 2.0}) == pytest.approx([12.0, 12.0])
        assert s.run(g, {x: 2.0}) == pytest.approx(12.0)


def test_gradient_of_a_loop_inside_a_cond():
    x = tf.placeholder(tf.float64, [])
    p = tf.placeholder(tf.bool, [])

    def loop():
        return tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, tf.sin(v) * x), [0, x])[1]

    y = tf.cond(p, loop, lambda: x * x)
    (g,) = tf.gradients(y, [x])

    def f(v):
        out = v
        for _ in range(3):
            out = np.sin(out) * v
        return out

    with tf.Session() as s:
        got_y, got_g = s.run([y, g], {x: 0.7, p: True})
        assert got_y == pytest.approx(f(0.7))
        assert got_g == pytest.approx(_numeric(f, np.array(0.7)), rel=1e-7)
        assert s.run(g, {x: 0.7, p: False}) == pytest.approx(1.4)
