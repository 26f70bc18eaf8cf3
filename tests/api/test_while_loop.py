"""tf.while_loop forward: structures, shape invariants, nested loops, variables, TF1's errors."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import graphflow as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def test_sum_of_range_with_two_loop_vars():
    n = tf.placeholder(tf.int32, [])
    i, total = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i),
                             [tf.constant(0), tf.constant(0)])
    with tf.Session() as s:
        assert s.run([i, total], {n: 10}) == [10, 45]
        assert s.run([i, total], {n: 0}) == [0, 0]  # zero iterations: the entering values


def test_single_var_unwrapped_unless_same_structure():
    one = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)])
    same = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)],
                         return_same_structure=True)
    bare = tf.while_loop(lambda i: i < 3, lambda i: i + 1, tf.constant(0))
    assert isinstance(one, tf.Tensor) and isinstance(bare, tf.Tensor)
    assert isinstance(same, list) and len(same) == 1
    with tf.Session() as s:
        assert s.run([one, same[0], bare]) == [3, 3, 3]


def test_nested_structure_of_loop_vars():
    Pair = collections.namedtuple("Pair", "a b")
    out = tf.while_loop(lambda i, p: i < 4,
                        lambda i, p: (i + 1, Pair(p.a * 2.0, {"k": p.b["k"] + 1})),
                        (tf.constant(0), Pair(tf.constant(1.0), {"k": tf.constant(0)})))
    assert isinstance(out[1], Pair)
    with tf.Session() as s:
        i, pair = s.run(out)
        assert i == 4 and pair.a == 16.0 and pair.b["k"] == 4


def test_collatz_steps():
    def body(x, steps):
        x = tf.cond(tf.equal(x % 2, 0), lambda: x // 2, lambda: 3 * x + 1)
        return x, steps + 1

    start = tf.placeholder(tf.int64, [])
    _, steps = tf.while_loop(lambda x, k: x > 1, body, [start, tf.constant(0)])
    with tf.Session() as s:
        assert s.run(steps, {start: 27}) == 111
        assert s.run(steps, {start: 1}) == 0


def test_shape_invariant_lets_a_var_grow():
    out = tf.while_loop(lambda x: tf.size(x) < 8, lambda x: tf.concat([x, x], 0),
                        [tf.constant([1, 2])], shape_invariants=[tf.TensorShape([None])])
    assert out.shape.as_list() == [None]
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(out), [1, 2] * 4)


def test_nested_loops_and_captured_outer_values():
    q = tf.placeholder(tf.float32, [])

    def outer_body(i, acc):
        _, a = tf.while_loop(lambda j, a: j < i, lambda j, a: (j + 1, a + q), [tf.constant(0), acc])
        return i + 1, a

    _, total = tf.while_loop(lambda i, a: i < 5, outer_body, [tf.constant(0), tf.constant(0.0)])
    with tf.Session() as s:
        assert s.run(total, {q: 0.5}) == 5.0  # 0+1+2+3+4 inner iterations


def test_maximum_iterations():
    out = tf.while_loop(lambda i: i < 100, lambda i: i + 1, [tf.constant(0)], maximum_iterations=7)
    limit = tf.placeholder(tf.int64, [])
    fed = tf.while_loop(lambda i: True, lambda i: i * 2.0, [tf.constant(1.0)],
                        maximum_iterations=limit)
    with tf.Session() as s:
        assert s.run(out) == 7
        assert s.run(fed, {limit: 5}) == 32.0


def test_variables_read_and_assigned_inside():
    v = tf.Variable(3.0)
    counter = tf.Variable(0)
    grown = tf.while_loop(lambda x: x < 100.0, lambda x: x * v, [tf.constant(1.0)])
    ticks = tf.while_loop(lambda i: i < 3, lambda i: tf.assign_add(counter, 2) * 0 + i + 1,
                          [tf.constant(0)])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(grown) == 243.0
        assert s.run(ticks) == 3 and s.run(counter) == 6


def test_variables_created_inside_a_body_live_outside():
    def body(i, h):
        with tf.variable_scope("cell", reuse=tf.AUTO_REUSE):
            k = tf.get_variable("kernel", [2, 2], initializer=tf.ones_initializer())
        return i + 1, tf.matmul(h, k)

    with tf.variable_scope("rnn"):
        _, h = tf.while_loop(lambda i, h: i < 3, body, [tf.constant(0), tf.ones([1, 2])])
    assert [v.name for v in tf.global_variables()] == ["rnn/cell/kernel:0"]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(s.run(h), [[8.0, 8.0]])


def test_control_dependencies_inside_body():
    v = tf.Variable(0.0)

    def body(i):
        with tf.control_dependencies([tf.assign_add(v, 1.0)]):
            return i + 1

    out = tf.while_loop(lambda i: i < 4, body, [tf.constant(0)])
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(out) == 4 and s.run(v) == 4.0


def test_errors_as_tf1():
    with pytest.raises(ValueError, match="same nested structure|same number of elements"):
        tf.while_loop(lambda i: i < 3, lambda i: (i + 1, i), [tf.constant(0)])
    with pytest.raises(ValueError, match="enters the loop with shape \\(1,\\), but has shape "
                                         "\\(2,\\) after one iteration"):
        tf.while_loop(lambda i: tf.size(i) < 3, lambda i: tf.concat([i, i], 0), [tf.constant([0])])
    with pytest.raises(ValueError, match="'maximum_iterations' must be a scalar"):
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)],
                      maximum_iterations=tf.constant([2]))
    with pytest.raises(TypeError, match="'maximum_iterations' must be an int32 or int64"):
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)],
                      maximum_iterations=tf.constant(2.0))
    with pytest.raises(ValueError, match="'loop_vars' must be provided"):
        tf.while_loop(lambda: True, lambda: (), [])
    with pytest.raises(TypeError, match="'cond' must be callable"):
        tf.while_loop(1, lambda i: i, [tf.constant(0)])
    with pytest.raises(TypeError, match="does not match expected type of bool"):
        tf.while_loop(lambda i: i, lambda i: i + 1, [tf.constant(0)])


def test_run_time_error_in_body_names_the_op_and_session_survives():
    x = tf.placeholder(tf.float32, [None])
    out = tf.while_loop(lambda i, y: i < 2,
                        lambda i, y: (i + 1, tf.reshape(y, [2, 2], name="bad_shape") * 0.0 + 1.0),
                        [tf.constant(0), tf.zeros([2, 2])])
    bad = tf.while_loop(lambda i: i < 1, lambda i: i + tf.cast(tf.reduce_sum(tf.reshape(
        x, [2, 2], name="body_reshape")), tf.int32), [tf.constant(0)])
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="body_reshape"):
            s.run(bad, {x: [1.0, 2.0, 3.0]})
        assert s.run(bad, {x: [1.0, 2.0, 3.0, 4.0]}) == 10
        assert s.run(out)[0] == 2


class FakeArray:
    """The duck-typed TensorArray protocol: `flow` and `_with_flow`."""

    def __init__(self, flow):
        self.flow = flow

    def _with_flow(self, flow):
        return FakeArray(flow)


def test_objects_with_flow_travel_as_their_flow():
    arr = FakeArray(tf.constant(1.0))
    i, out = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, FakeArray(a.flow * 2.0)),
                           [tf.constant(0), arr])
    assert isinstance(out, FakeArray)
    r = tf.cond(tf.constant(True), lambda: FakeArray(out.flow + 1), lambda: FakeArray(out.flow))
    assert isinstance(r, FakeArray)
    with tf.Session() as s:
        assert s.run([out.flow, r.flow]) == [8.0, 9.0]


def test_string_loop_vars():
    out = tf.while_loop(lambda i, t: i < 3, lambda i, t: (i + 1, tf.strings.join([t, "a"])),
                        [tf.constant(0), tf.constant("x")])
    with tf.Session() as s:
        assert s.run(out[1]) == b"xaaa"


def test_a_body_assigning_a_variable_reads_its_current_value():
    v = tf.Variable(0.0)
    w = tf.Variable(10.0)  # only read: captured once, on entry

    def body(i, acc):
        with tf.control_dependencies([tf.assign_add(v, 1.0)]):
            return i + 1, acc + v + w

    _, total = tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])
    p = tf.placeholder(tf.bool, [])

    def branch():
        with tf.control_dependencies([tf.assign(v, 100.0)]):
            return v * 2.0

    doubled = tf.cond(p, branch, lambda: v * 1.0)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        # each iteration reads v after its own increment (TF1, whose iterations may overlap
        # (parallel_iterations), can read a later iteration's value: it gives 39 here)
        assert s.run(total) == (1.0 + 2.0 + 3.0) + 30.0
        assert s.run(doubled, {p: True}) == 200.0
        assert s.run(doubled, {p: False}) == 100.0
