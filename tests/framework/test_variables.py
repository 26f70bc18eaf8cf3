"""Variables: creation from tensors, arrays and Python values; assignment ops and methods;
initializers and initialization queries."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


def test_initial_values_of_every_kind(graph):
    from_python = tf.Variable(3, name="n")
    from_array = tf.Variable(np.arange(4.0).reshape(2, 2), name="arr")
    from_tensor = tf.Variable(tf.ones([3]) * 2.0, name="t")
    typed = tf.Variable([1, 2], dtype=tf.float64, name="typed")
    assert from_python.dtype == tf.int32 and from_array.dtype == tf.float64
    assert from_tensor.shape.as_list() == [3] and typed.dtype == tf.float64
    assert from_python.name == "n:0" and from_python.op.name == "n"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        n, arr, t, ty = sess.run([from_python, from_array, from_tensor, typed])
    assert n == 3 and arr.tolist() == [[0, 1], [2, 3]] and t.tolist() == [2, 2, 2]
    assert ty.dtype == np.float64


def test_assign_ops_and_methods(graph):
    v = tf.Variable([1.0, 2.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(tf.assign(v, [5.0, 6.0])).tolist() == [5.0, 6.0]
        assert sess.run(tf.assign_add(v, [1.0, 1.0])).tolist() == [6.0, 7.0]
        assert sess.run(tf.assign_sub(v, [2.0, 2.0])).tolist() == [4.0, 5.0]
        assert sess.run(v.assign([0.0, 1.0])).tolist() == [0.0, 1.0]
        assert sess.run(v.assign_add([1.0, 1.0])).tolist() == [1.0, 2.0]
        assert sess.run(v.assign_sub([1.0, 1.0])).tolist() == [0.0, 1.0]
        v.load([9.0, 9.0], sess)
        assert v.eval(sess).tolist() == [9.0, 9.0]
        with pytest.raises(ValueError):
            tf.assign(v, [1.0, 2.0, 3.0])


def test_fetched_variable_value_is_a_snapshot(graph):
    v = tf.Variable([1.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        before = sess.run(v)
        sess.run(v.assign_add([1.0]))
        assert before.tolist() == [1.0] and sess.run(v).tolist() == [2.0]


def test_initialization_queries(graph):
    a = tf.Variable(1.0, name="a")
    tf.Variable(2.0, name="b")
    with tf.Session() as sess:
        assert not sess.run(tf.is_variable_initialized(a))
        assert sorted(sess.run(tf.report_uninitialized_variables()).tolist()) == [b"a", b"b"]
        sess.run(tf.variables_initializer([a]))
        assert sess.run(tf.is_variable_initialized(a))
        assert sess.run(tf.report_uninitialized_variables()).tolist() == [b"b"]
        sess.run(tf.global_variables_initializer())
        assert sess.run(tf.report_uninitialized_variables()).size == 0


def test_initializer_depending_on_another_variable(graph):
    a = tf.Variable(2.0)
    b = tf.Variable(a.initialized_value() * 3.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(b) == 6.0


def test_variable_in_arithmetic_and_conversion(graph):
    v = tf.Variable([[1.0, 2.0]])
    y = tf.matmul(v, tf.constant([[1.0], [1.0]])) + v[0, 1]
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(y).tolist() == [[5.0]]
