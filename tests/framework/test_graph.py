"""Graphs: default graphs, TF1 naming rules, lookups, collections, control dependencies,
static shapes."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


def test_default_graph_and_reset():
    tf.reset_default_graph()
    g = tf.get_default_graph()
    tf.constant(1.0)
    assert len(g.get_operations()) == 1
    other = tf.Graph()
    with other.as_default():
        assert tf.get_default_graph() is other
    assert tf.get_default_graph() is g
    tf.reset_default_graph()
    assert tf.get_default_graph() is not g and tf.get_default_graph().get_operations() == []


def test_unique_names_and_name_scopes(graph):
    assert tf.constant(1, name="c").op.name == "c"
    assert tf.constant(1, name="c").op.name == "c_1"
    with tf.name_scope("outer"):
        with tf.name_scope("inner"):
            t = tf.constant(1, name="c")
        with tf.name_scope("inner"):
            u = tf.constant(1, name="c")
    assert t.name == "outer/inner/c:0"
    assert u.name == "outer/inner_1/c:0"
    with tf.name_scope("outer/inner/"):  # re-entering an exact scope
        assert tf.constant(1, name="d").op.name == "outer/inner/d"
    assert tf.add(t, u).op.name == "Add"
    assert tf.add(t, u).op.name == "Add_1"


def test_lookups(graph):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.reduce_sum(x, axis=1, name="total")
    assert graph.get_tensor_by_name("total:0") is y
    assert graph.get_operation_by_name("x") is x.op
    assert [op.name for op in graph.get_operations()] == ["x", "total"]
    assert y.op.inputs[0] is x and x.consumers() == [y.op]
    with pytest.raises(KeyError):
        graph.get_tensor_by_name("nothing:0")
    with pytest.raises(ValueError):
        graph.get_tensor_by_name("total")


def test_collections(graph):
    v = tf.Variable(1.0, name="v")
    frozen = tf.Variable(2.0, name="frozen", trainable=False)
    tf.add_to_collection("losses", v * 2.0)
    assert tf.global_variables() == [v, frozen]
    assert tf.trainable_variables() == [v]
    assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [v]
    assert len(tf.get_collection("losses")) == 1
    assert tf.get_collection("v", scope=None) == []


def test_control_dependencies_order_effects(graph):
    v = tf.Variable(0.0)
    bump = tf.assign_add(v, 1.0)
    with tf.control_dependencies([bump]):
        read = tf.identity(v.read_value() if hasattr(v, "read_value") else v)
    grouped = tf.group(bump, tf.no_op(), name="both")
    assert grouped.name == "both" and grouped.type == "NoOp"
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(read) == 1.0
        assert sess.run(read) == 2.0
        sess.run(grouped)
        assert sess.run(v) == 3.0


def test_stop_gradient_and_identity(graph):
    x = tf.placeholder(tf.float32, [])
    y = tf.identity(x * x) + tf.stop_gradient(x * x)
    (g,) = tf.gradients(y, [x])
    with tf.Session() as sess:
        assert sess.run(g, {x: 3.0}) == 6.0


def test_static_shapes(graph):
    x = tf.placeholder(tf.float32, [None, 3])
    assert x.get_shape().as_list() == [None, 3]
    y = tf.matmul(x, tf.ones([3, 5]))
    assert y.shape.as_list() == [None, 5]
    unknown = tf.placeholder(tf.float32)
    assert unknown.shape.ndims is None
    unknown.set_shape([2, 2])
    assert unknown.shape.as_list() == [2, 2]
    with pytest.raises(ValueError):
        x.set_shape([4, 4])
    assert tf.reshape(x, [-1]).shape.as_list() == [None]
    assert tf.reshape(tf.ones([2, 6]), [3, -1]).shape.as_list() == [3, 4]
    with pytest.raises(ValueError, match="Cannot reshape"):
        tf.reshape(tf.ones([2, 6]), [5, -1])


def test_operator_overloads(graph):
    a = tf.constant([1.0, -2.0, 3.0])
    b = tf.constant([2.0, 2.0, 2.0])
    t = tf.constant([True, False, True])
    exprs = [a + b, a - b, a * b, a / b, a // b, a % b, a ** 2, -a, abs(a), 1.0 - a, 2.0 / b,
             a < b, a <= b, a > b, a >= b, ~t, t & ~t, t | ~t, t ^ t, a[1:], a[::-1], a[-1]]
    with tf.Session() as sess:
        values = sess.run(exprs)
    x, y, m = np.array([1.0, -2.0, 3.0]), np.array([2.0] * 3), np.array([True, False, True])
    expected = [x + y, x - y, x * y, x / y, x // y, x % y, x ** 2, -x, abs(x), 1.0 - x, 2.0 / y,
                x < y, x <= y, x > y, x >= y, ~m, m & ~m, m | ~m, m ^ m, x[1:], x[::-1], x[-1]]
    for got, want in zip(values, expected):
        np.testing.assert_allclose(got, want)


def test_where_select_and_coordinates(graph):
    c = tf.constant([[True, False], [False, True]])
    picked = tf.where(c, tf.ones([2, 2]), tf.zeros([2, 2]))
    coords = tf.where(c)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(picked), [[1, 0], [0, 1]])
        np.testing.assert_array_equal(sess.run(coords), [[0, 0], [1, 1]])
        assert coords.dtype == tf.int64


def test_where_with_unshaped_condition_keeps_the_shape_of_its_branches(graph):
    flag = tf.placeholder(tf.bool)  # no shape, as TF1 programs declare a `training` flag
    x = tf.placeholder(tf.float32, [None, 4, 4, 2])
    picked = tf.where(flag, x, x * 2.0)
    assert picked.get_shape().as_list() == [None, 4, 4, 2]  # TF1's Select shape rule
    assert tf.where_v2(flag, x, x * 2.0).get_shape().ndims is None  # broadcasting: unknown
    # the layers that select with a training flag keep their input's shape too
    assert tf.layers.dropout(x, 0.5, training=flag).get_shape().as_list() == [None, 4, 4, 2]
    assert tf.layers.batch_normalization(x, training=flag).get_shape().as_list() == [None, 4, 4, 2]
    data = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(picked, {flag: True, x: data}), data)
        np.testing.assert_array_equal(sess.run(picked, {flag: False, x: data}), data * 2)
