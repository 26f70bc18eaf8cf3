"""tf.cond and tf.case: only the taken branch runs, TF1's structures and errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def test_taken_branch_value_follows_fed_predicate():
    x = tf.placeholder(tf.float32, [None])
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: x * 2.0, lambda: x - 1.0)
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(y, {x: [1.0, 2.0], p: True}), [2.0, 4.0])
        np.testing.assert_allclose(s.run(y, {x: [1.0, 2.0], p: False}), [0.0, 1.0])


def test_only_the_taken_branch_has_effects():
    v = tf.Variable(0.0)
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.assign_add(v, 1.0), lambda: tf.assign_add(v, 100.0))
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(y, {p: True}) == 1.0
        assert s.run(y, {p: True}) == 2.0
        assert s.run(y, {p: False}) == 102.0
        assert s.run(v) == 102.0


def test_branches_returning_ops_give_the_predicate():
    v = tf.Variable(0.0)
    p = tf.placeholder(tf.bool, [])
    r = tf.cond(p, lambda: tf.assign_add(v, 10.0).op, lambda: tf.no_op())
    assert r.dtype == tf.bool
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(r, {p: True}) is np.True_ or s.run(v) == 10.0
        assert not s.run(r, {p: False})
        assert s.run(v) == 10.0


def test_nested_structures_and_strict():
    p = tf.constant(True)
    a, (b, c) = tf.cond(p, lambda: (tf.constant(1), (tf.constant(2.0), tf.constant("x"))),
                        lambda: (tf.constant(3), (tf.constant(4.0), tf.constant("y"))))
    single = tf.cond(p, lambda: [tf.constant(1.0)], lambda: [tf.constant(2.0)])
    strict = tf.cond(p, lambda: [tf.constant(1.0)], lambda: [tf.constant(2.0)], strict=True)
    assert isinstance(single, tf.Tensor)
    assert isinstance(strict, list) and len(strict) == 1
    with tf.Session() as s:
        assert s.run([a, b, c]) == [1, 2.0, b"x"]
        assert s.run(strict) == [1.0]


def test_nested_conds_and_legacy_fn_names():
    x = tf.placeholder(tf.float32, [])
    y = tf.cond(x > 0, fn1=lambda: tf.cond(x > 10, lambda: x * 100, lambda: x * 10),
                fn2=lambda: -x)
    with tf.Session() as s:
        assert s.run(y, {x: 20.0}) == 2000.0
        assert s.run(y, {x: 2.0}) == 20.0
        assert s.run(y, {x: -3.0}) == 3.0


def test_branch_shapes_merge():
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.zeros([2, 3]), lambda: tf.zeros([2, 5]))
    assert y.shape.as_list() == [2, None]
    with tf.Session() as s:
        assert s.run(y, {p: False}).shape == (2, 5)


def test_errors_as_tf1():
    x = tf.constant(1.0)
    with pytest.raises(TypeError, match="'pred' must not be a Python bool"):
        tf.cond(True, lambda: x, lambda: x)
    with pytest.raises(TypeError, match="does not match expected type of bool"):
        tf.cond(tf.constant(1.0), lambda: x, lambda: x)
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        tf.cond(tf.constant([True, False]), lambda: x, lambda: x)
    with pytest.raises(ValueError, match="same nested structure"):
        tf.cond(tf.constant(True), lambda: (x, x), lambda: x)
    with pytest.raises(ValueError, match="must have the same type"):
        tf.cond(tf.constant(True), lambda: x, lambda: tf.constant(1))
    with pytest.raises(ValueError, match="'true_fn' must have a return value"):
        tf.cond(tf.constant(True), lambda: None, lambda: None)
    with pytest.raises(TypeError, match="'true_fn' must be callable"):
        tf.cond(tf.constant(True), x, lambda: x)


def test_run_time_error_inside_a_branch_names_the_op_and_session_survives():
    x = tf.placeholder(tf.float32, [None])
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.reshape(x, [2, 2], name="bad_reshape"), lambda: tf.zeros([2, 2]))
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="bad_reshape"):
            s.run(y, {x: [1.0, 2.0, 3.0], p: True})
        np.testing.assert_array_equal(s.run(y, {x: [1.0, 2.0, 3.0, 4.0], p: True}),
                                      [[1, 2], [3, 4]])


def test_case_picks_first_true_and_default():
    x = tf.placeholder(tf.int32, [])
    r = tf.case([(x < 0, lambda: tf.constant(-1)), (x < 10, lambda: tf.constant(1))],
                default=lambda: tf.constant(100))
    d = tf.case({x > 5: lambda: tf.constant(7)}, default=lambda: tf.constant(0))
    with tf.Session() as s:
        assert [s.run(r, {x: v}) for v in (-5, 5, 50)] == [-1, 1, 100]
        assert [s.run(d, {x: v}) for v in (3, 6)] == [0, 7]


def test_case_exclusive_checks_at_run_time():
    x = tf.placeholder(tf.int32, [])
    r = tf.case([(x < 10, lambda: tf.constant(1)), (x < 20, lambda: tf.constant(2))],
                default=lambda: tf.constant(0), exclusive=True)
    with tf.Session() as s:
        assert s.run(r, {x: 15}) == 2
        with pytest.raises(tf.errors.InvalidArgumentError, match="exclusive"):
            s.run(r, {x: 5})
        assert s.run(r, {x: 30}) == 0
