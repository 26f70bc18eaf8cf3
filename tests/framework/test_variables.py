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


# ---- reads under control dependencies -------------------------------------------------------
# A TF1 (ref) variable's value is read when the op consuming it runs, so an op created under
# `tf.control_dependencies([update])` sees the updated value. Expected values were recorded
# from TensorFlow 2.21's tf.compat.v1 with resource variables disabled (TF 1.15's default):
# each idiom runs twice in one session, then the counter is fetched.

def _after_increment(read):
    def build(counter):
        increment = tf.assign_add(counter, 1)
        with tf.control_dependencies([increment]):
            return read(counter)
    return build


def _after_group(counter):
    done = tf.group(tf.assign_add(counter, 1))
    with tf.control_dependencies([done]):
        return tf.identity(counter)


def _after_assign(counter):
    with tf.control_dependencies([tf.assign(counter, 10)]):
        return counter + 1


def _read_created_before_the_context(counter):
    early = counter + 0
    with tf.control_dependencies([tf.assign_add(counter, 1)]):
        return tf.identity(early)


def _control_dependencies_cleared(counter):
    increment = tf.assign_add(counter, 1)
    with tf.control_dependencies([increment]), tf.control_dependencies(None):
        return counter + 0


def _two_variables(counter):
    other = tf.Variable(5, name="other")
    with tf.control_dependencies([tf.assign_add(counter, 1)]):
        return counter + other


def _before_and_after(counter):
    increment = tf.assign_add(counter, 1)
    before = counter + 0
    with tf.control_dependencies([increment]):
        return [before, counter + 0]


def _chained_contexts(counter):
    with tf.control_dependencies([tf.assign_add(counter, 1)]):
        first = tf.identity(counter)
    with tf.control_dependencies([first]):
        return [first, counter * 10]


def _plus_its_increment(counter):
    return counter + tf.assign_add(counter, 1)


def _consumer_of_an_op_after_the_increment(counter):
    with tf.control_dependencies([tf.assign_add(counter, 1)]):
        three = tf.constant(3)
    return counter + three  # created outside the context: ordered by its input


READ_IDIOMS = {
    "identity": (_after_increment(tf.identity), [1, 2], 2),
    "plus_zero": (_after_increment(lambda c: c + 0), [1, 2], 2),
    "times_one": (_after_increment(lambda c: c * 1), [1, 2], 2),
    "read_value": (_after_increment(lambda c: c.read_value()), [1, 2], 2),
    "cast": (_after_increment(lambda c: tf.cast(c, tf.float32)), [1.0, 2.0], 2),
    "reduce_sum": (_after_increment(tf.reduce_sum), [1, 2], 2),
    "stack": (_after_increment(lambda c: tf.stack([c, c])), [[1, 1], [2, 2]], 2),
    "read_value_plus_variable": (_after_increment(lambda c: c.read_value() + c), [2, 4], 2),
    "nested_expression": (_after_increment(lambda c: tf.identity(c * 2)), [2, 4], 2),
    # value() and convert_to_tensor return the `v/read` snapshot created with the variable:
    # no op is created in the context, so fetching it does not run the increment.
    "value": (_after_increment(lambda c: c.value()), [0, 0], 0),
    "convert_to_tensor": (_after_increment(tf.convert_to_tensor), [0, 0], 0),
    "group": (_after_group, [1, 2], 2),
    "assign_then_read": (_after_assign, [11, 11], 10),
    "read_created_before_the_context": (_read_created_before_the_context, [0, 1], 2),
    "control_dependencies_cleared": (_control_dependencies_cleared, [0, 0], 0),
    "two_variables": (_two_variables, [6, 7], 2),
    "before_and_after": (_before_and_after, [[0, 1], [1, 2]], 2),
    "chained_contexts": (_chained_contexts, [[1, 10], [2, 20]], 2),
    # the consumer runs after the increment because of a data dependency: it reads then
    "plus_its_increment": (_plus_its_increment, [2, 4], 2),
    "consumer_of_an_op_after_the_increment": (_consumer_of_an_op_after_the_increment, [4, 5], 2),
}


@pytest.mark.parametrize("idiom", sorted(READ_IDIOMS))
def test_reads_under_control_dependencies_match_tf1(graph, idiom):
    build, expected, final = READ_IDIOMS[idiom]
    counter = tf.Variable(0, name="counter")
    fetch = build(counter)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = [sess.run(fetch) for _ in expected]
        assert sess.run(counter) == final
    assert [np.asarray(g).tolist() for g in got] == expected


def test_float_variable_read_after_its_update(graph):
    v = tf.Variable([1.0, 2.0], name="v")
    update = tf.assign(v, v * 3.0)
    with tf.control_dependencies([update]):
        total = tf.reduce_sum(v)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert [sess.run(total) for _ in range(2)] == [9.0, 27.0]  # recorded from TF1
