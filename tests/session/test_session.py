"""tf.Session: fetch structures, feeds, defaults, callables, errors and the plan cache."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import graphflow as tf


def test_fetch_structures_mirror_the_request(graph):
    a = tf.constant(2.0, name="a")
    b = tf.constant([1, 2], name="b")
    op = tf.no_op()
    Pair = collections.namedtuple("Pair", "x y")
    with tf.Session() as sess:
        assert sess.run(a) == 2.0
        assert isinstance(sess.run(a), np.float32)
        assert sess.run(op) is None
        out = sess.run([a, (b, op), {"k": a, "n": [b]}, Pair(a, b)])
    assert isinstance(out, list) and isinstance(out[1], tuple) and out[1][1] is None
    assert out[0] == 2.0
    np.testing.assert_array_equal(out[1][0], [1, 2])
    assert out[2]["k"] == 2.0 and out[2]["n"][0].tolist() == [1, 2]
    assert isinstance(out[3], Pair) and out[3].x == 2.0 and out[3].y.tolist() == [1, 2]


def test_fetches_and_feeds_by_name(graph):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    tf.multiply(x, 3.0, name="y")
    with tf.Session() as sess:
        got = sess.run("y:0", feed_dict={"x:0": [[1.0, 2.0]]})
    np.testing.assert_array_equal(got, [[3.0, 6.0]])


def test_any_tensor_can_be_fed(graph):
    a = tf.constant(1.0)
    b = a * 2.0
    c = b + 1.0
    with tf.Session() as sess:
        assert sess.run(c) == 3.0
        assert sess.run(c, {b: 10.0}) == 11.0
        assert sess.run(c, {a: 5.0}) == 11.0


def test_fed_arrays_are_not_modified_and_fetches_are_copies(graph):
    x = tf.placeholder(tf.float32, [3])
    y = tf.identity(x)
    value = np.array([1.0, 2.0, 3.0], np.float32)
    with tf.Session() as sess:
        out = sess.run(y, {x: value})
        out[0] = 100.0
    assert value[0] == 1.0


def test_eval_run_and_default_session(graph):
    v = tf.Variable(3.0)
    doubled = v * 2.0
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        assert doubled.eval() == 6.0
        assert tf.get_default_session() is sess
        v.assign(5.0).op.run()
        assert doubled.eval(feed_dict={v: 1.0}) == 2.0  # reading v fed
        assert sess.run(v) == 5.0
    assert tf.get_default_session() is None
    with pytest.raises(ValueError, match="No default session"):
        doubled.eval()


def test_interactive_session_installs_itself(graph):
    sess = tf.InteractiveSession()
    try:
        assert tf.constant(4).eval() == 4
    finally:
        sess.close()
    assert tf.get_default_session() is None


def test_make_callable(graph):
    x = tf.placeholder(tf.int32, [], name="x")
    y = x * x
    with tf.Session() as sess:
        square = sess.make_callable([y, {"x": x}], feed_list=[x])
        assert square(7)[0] == 49 and square(3)[1]["x"] == 3


def test_closed_session_refuses_to_run(graph):
    a = tf.constant(1)
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(a)


def test_variables_keep_values_across_runs_and_sessions_are_independent(graph):
    v = tf.Variable(0, name="counter")
    inc = tf.assign_add(v, 1)
    init = tf.global_variables_initializer()
    with tf.Session() as s1, tf.Session() as s2:
        s1.run(init)
        s2.run(init)
        for _ in range(3):
            s1.run(inc)
        assert s1.run(v) == 3 and s2.run(v) == 0


def test_plan_is_cached_per_signature(graph, monkeypatch):
    from graphflow.session import session as session_module

    x = tf.placeholder(tf.float32, [None])
    y = x + 1.0
    calls = []
    original = session_module.compile_plan
    monkeypatch.setattr(session_module, "compile_plan",
                        lambda *a, **k: calls.append(1) or original(*a, **k))
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(y, {x: np.zeros(4, np.float32)})
        assert len(calls) == 1
        sess.run(y, {x: np.zeros(5, np.float32)})  # a new feed shape is a new signature
        sess.run([y], {x: np.zeros(5, np.float32)})  # a list fetches the same elements
        assert len(calls) == 2


# ---- errors --------------------------------------------------------------------------------
def test_uninitialized_variable_is_failed_precondition(graph):
    v = tf.Variable(1.0, name="weights")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="weights"):
            sess.run(v * 2.0)
        sess.run(v.initializer)
        assert sess.run(v * 2.0) == 2.0


def test_feed_of_wrong_shape_names_placeholder_and_shapes(graph):
    x = tf.placeholder(tf.float32, [None, 4], name="inputs")
    y = x * 2.0
    with tf.Session() as sess:
        with pytest.raises(ValueError, match=r"shape \(3,\).*'inputs:0'.*\(\?, 4\)"):
            sess.run(y, {x: np.zeros(3)})
        with pytest.raises(ValueError, match="inputs:0"):
            sess.run(y, {x: [["a", "b", "c", "d"]]})
        assert sess.run(y, {x: np.ones((1, 4))}).tolist() == [[2.0] * 4]


def test_unfed_placeholder_is_invalid_argument(graph):
    x = tf.placeholder(tf.float32, [2], name="needed")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="needed"):
            sess.run(x + 1.0)
        assert sess.run(x + 1.0, {x: [1.0, 2.0]}).tolist() == [2.0, 3.0]


def test_bad_fetches(graph):
    tf.constant(1.0, name="c")
    with tf.Session() as sess:
        with pytest.raises(TypeError):
            sess.run(None)
        with pytest.raises(TypeError):
            sess.run(3.5)
        with pytest.raises(ValueError):
            sess.run("missing:0")
        with pytest.raises(ValueError):
            sess.run("c:7")
        other = tf.Graph()
        with other.as_default():
            foreign = tf.constant(2.0)
        with pytest.raises(ValueError):
            sess.run(foreign)
        with pytest.raises(TypeError):
            sess.run("c:0", {"c:0": tf.constant(1.0)})
        assert sess.run("c:0") == 1.0


def test_run_time_failure_names_op_and_session_survives(graph):
    params = tf.constant([[1.0], [2.0]])
    idx = tf.placeholder(tf.int32, [None])
    rows = tf.gather(params, idx, name="lookup")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="lookup"):
            sess.run(rows, {idx: [0, 5]})
        assert sess.run(rows, {idx: [1]}).tolist() == [[2.0]]


def test_build_time_shape_error_names_op_and_line(graph):
    a = tf.placeholder(tf.float32, [2, 3])
    b = tf.placeholder(tf.float32, [4, 5])
    with pytest.raises(ValueError) as info:
        tf.matmul(a, b, name="product")
    message = str(info.value)
    assert "product" in message and "[2,3], [4,5]" in message
    assert "test_session.py" in message


def test_mixed_dtypes_are_rejected(graph):
    a = tf.constant(1.0)
    b = tf.constant(1, tf.int32)
    with pytest.raises(TypeError):
        tf.add(a, b)
    with pytest.raises(TypeError):
        tf.constant(1.0, tf.float64) + tf.constant(1.0, tf.float32)


def test_checked_numerics(graph):
    x = tf.placeholder(tf.float32, [2])
    y = tf.check_numerics(tf.log(x), "log of x")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="log of x : Tensor had"):
            sess.run(y, {x: [0.0, -1.0]})
        np.testing.assert_allclose(sess.run(y, {x: [1.0, np.e]}), [0.0, 1.0], rtol=1e-6)
