"""tf.variable_scope / tf.get_variable: names, sharing rules, defaults, regularizers."""

import numpy as np
import pytest

import graphflow as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def test_names_and_name_scopes():
    with tf.variable_scope("foo"):
        w = tf.get_variable("w", [3, 4])
        c = tf.constant(1.0, name="c")
        with tf.variable_scope("bar"):
            v = tf.get_variable("v", [2])
    with tf.variable_scope("foo", reuse=True):
        c2 = tf.constant(1.0, name="c")
        assert tf.get_variable("w") is w
    assert (w.name, v.name) == ("foo/w:0", "foo/bar/v:0")
    assert (c.name, c2.name) == ("foo/c:0", "foo_1/c:0")  # op name scopes are re-uniquified


def test_reuse_rules():
    with tf.variable_scope("s"):
        tf.get_variable("a", [2])
        with pytest.raises(ValueError, match="already exists, disallowed"):
            tf.get_variable("a", [2])
    with tf.variable_scope("s", reuse=True):
        with pytest.raises(ValueError, match="does not exist"):
            tf.get_variable("b", [2])
        with pytest.raises(ValueError, match="specified shape"):
            tf.get_variable("a", [3])
        with tf.variable_scope("inner", reuse=False):  # reuse cannot be switched off inside
            assert tf.get_variable_scope().reuse is True
    with tf.variable_scope("s", reuse=tf.AUTO_REUSE):
        a = tf.get_variable("a", [2])
        b = tf.get_variable("b", [2])
        assert tf.get_variable("b", [2]) is b and a.name == "s/a:0"


def test_default_name_is_made_unique():
    names = []
    for _ in range(3):
        with tf.variable_scope(None, default_name="dense"):
            names.append(tf.get_variable("kernel", [1]).name)
    assert names == ["dense/kernel:0", "dense_1/kernel:0", "dense_2/kernel:0"]


def test_reenter_scope_object_and_reuse_variables():
    with tf.variable_scope("model") as scope:
        w = tf.get_variable("w", [1])
    with tf.variable_scope(scope, reuse=True):
        assert tf.get_variable("w") is w
    with tf.variable_scope("m2") as scope2:
        x = tf.get_variable("x", [1])
        scope2.reuse_variables()
        assert tf.get_variable("x") is x


def test_initializers_from_scope_and_values():
    with tf.variable_scope("init", initializer=tf.constant_initializer(3.0)):
        a = tf.get_variable("a", [2, 2])
        b = tf.get_variable("b", [2], initializer=tf.ones_initializer())
        c = tf.get_variable("c", initializer=tf.constant([1.0, 2.0]))
        e = tf.get_variable("e", [2], dtype=tf.int32)  # the scope's constant, as an int
    d = tf.get_variable("d", [3], dtype=tf.int32)  # integers default to zeros
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(a), np.full((2, 2), 3.0, np.float32))
        np.testing.assert_array_equal(sess.run(b), np.ones(2, np.float32))
        np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])
        assert sess.run(d).dtype == np.int32 and not sess.run(d).any()
        np.testing.assert_array_equal(sess.run(e), [3, 3])


def test_glorot_uniform_is_the_default_with_its_limit():
    tf.set_random_seed(0)
    w = tf.get_variable("w", [200, 300])
    with tf.Session() as sess:
        sess.run(w.initializer)
        value = sess.run(w)
    limit = np.sqrt(6.0 / (200 + 300))
    assert np.abs(value).max() <= limit
    assert abs(value.std() - limit / np.sqrt(3.0)) < 0.05 * limit  # uniform std = limit/sqrt 3


def test_regularizer_goes_to_collection():
    with tf.variable_scope("r", regularizer=lambda v: tf.reduce_sum(tf.square(v))):
        w = tf.get_variable("w", initializer=tf.constant([1.0, 2.0]))
    (loss,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert loss.op.name.startswith("r/w/Regularizer/")
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert sess.run(loss) == pytest.approx(5.0)


def test_trainable_and_collections():
    a = tf.get_variable("a", [1], trainable=False)
    b = tf.get_variable("b", [1], collections=[tf.GraphKeys.LOCAL_VARIABLES])
    assert a in tf.global_variables() and a not in tf.trainable_variables()
    assert b in tf.local_variables() and b not in tf.global_variables()


def test_new_variable_needs_a_shape():
    with pytest.raises(ValueError, match="fully defined"):
        tf.get_variable("nope")


def test_get_variable_from_a_value_takes_the_value_dtype_as_tf1(graph):
    assert tf.get_variable("f64", initializer=np.zeros(3)).dtype == tf.float64
    assert tf.get_variable("f32", initializer=[1.0, 2.0]).dtype == tf.float32
    assert tf.get_variable("i32", initializer=[1, 2]).dtype == tf.int32
    assert tf.get_variable("t", initializer=tf.constant([1, 2], tf.int64)).dtype == tf.int64
    assert tf.get_variable("same", initializer=np.zeros(2, np.float32), dtype="float32").dtype == tf.float32
    with pytest.raises(ValueError, match="Initializer type 'float64' and explicit dtype 'float32'"):
        tf.get_variable("clash", initializer=np.zeros(3), dtype=tf.float32)
    thirds = tf.get_variable("thirds", initializer=np.arange(3.0) / 3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(thirds)
    assert value.dtype == np.float64
    np.testing.assert_array_equal(value, np.arange(3.0) / 3)  # no float32 round trip
