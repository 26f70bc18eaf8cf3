"""tf.map_fn, tf.scan, tf.foldl, tf.foldr and TensorArrays carried through tf.while_loop.

Expected values were recorded from TensorFlow 2.21's tf.compat.v1 (v2 behaviour off, TF1
semantics) on the same inputs (chosen so every result is exact in float32);
tests/compat/test_functional_tf.py compares live when TensorFlow is installed."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

X = np.array([[0.5, -1.25], [2.0, 0.75], [-0.25, 1.5]], np.float32)
f32 = lambda *rows: np.array(rows, np.float32)  # noqa: E731


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


def _run(fetches, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetches, feeds)


def _assert_same(got, expected):
    got = np.asarray(got)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_map_fn_single_nested_and_dict_values_match_tensorflow():
    xs = tf.constant(X)
    square = tf.map_fn(lambda e: e * e + 1.0, xs)
    pair = tf.map_fn(lambda e: (tf.reduce_sum(e[0]), tf.cast(e[1] > 0, tf.int32)), (xs, xs),
                     dtype=(tf.float32, tf.int32))
    mapping = tf.map_fn(lambda d: {"a": d["a"] * 2.0, "b": d["b"] - 1.0}, {"a": xs, "b": xs[:, 0]})
    assert square.shape.as_list() == [3, 2]
    got = _run([square, pair, mapping])
    _assert_same(got[0], f32([1.25, 2.5625], [5.0, 1.5625], [1.0625, 3.25]))
    assert isinstance(got[1], tuple)
    _assert_same(got[1][0], f32(-0.75, 2.75, 1.25))
    _assert_same(got[1][1], np.array([[1, 0], [1, 1], [0, 1]], np.int32))
    assert sorted(got[2]) == ["a", "b"]
    _assert_same(got[2]["a"], f32([1.0, -2.5], [4.0, 1.5], [-0.5, 3.0]))
    _assert_same(got[2]["b"], f32(-0.5, 1.0, -1.25))


def test_scan_forward_reverse_and_tuple_accumulators_match_tensorflow():
    xs = tf.constant(X)
    running = tf.scan(lambda a, e: a + e, xs)
    backwards = tf.scan(lambda a, e: a * 0.5 + e, xs, initializer=tf.constant([1.0, 2.0]),
                        reverse=True)
    pair = tf.scan(lambda a, e: (a[0] + e, a[1] * e), xs, initializer=(tf.zeros([2]), tf.ones([2])))
    assert running.shape.as_list() == [3, 2] and backwards.shape.as_list() == [3, 2]
    got = _run([running, backwards, pair])
    _assert_same(got[0], f32([0.5, -1.25], [2.5, -0.5], [2.25, 1.0]))
    _assert_same(got[1], f32([1.5625, -0.25], [2.125, 2.0], [0.25, 2.5]))
    _assert_same(got[2][0], f32([0.5, -1.25], [2.5, -0.5], [2.25, 1.0]))
    _assert_same(got[2][1], f32([0.5, -1.25], [1.0, -0.9375], [-0.25, -1.40625]))


def test_foldl_and_foldr_with_and_without_initializer_match_tensorflow():
    xs = tf.constant(X)
    got = _run([tf.foldl(lambda a, e: a * 2.0 - e, xs),
                tf.foldl(lambda a, e: a + tf.reduce_sum(e), xs, initializer=tf.constant(10.0)),
                tf.foldr(lambda a, e: a * 2.0 - e, xs),
                tf.foldr(lambda a, e: a * 3.0 + e[1], xs, initializer=tf.constant(0.0))])
    _assert_same(got[0], f32(-1.75, -8.0))
    assert got[1] == np.float32(13.25)
    _assert_same(got[2], f32(-5.5, 5.75))
    assert got[3] == np.float32(14.5)


def test_map_fn_over_a_fed_batch_of_unknown_size():
    x = tf.placeholder(tf.float64, [None, 3])
    y = tf.map_fn(lambda row: tf.reduce_max(row) - row, x)
    assert y.shape.as_list() == [None, 3]
    feed = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_allclose(_run(y, {x: feed}), feed.max(1, keepdims=True) - feed)
    assert _run(y, {x: feed[:0]}).shape == (0, 3)


def test_bad_arguments_raise_tf1_errors():
    with pytest.raises(TypeError, match="fn must be callable."):
        tf.map_fn(3, tf.constant([1.0]))
    with pytest.raises(ValueError, match="elems must be a 1\\+ dimensional Tensor, not a scalar"):
        tf.map_fn(lambda e: e, tf.constant(1.0))
    with pytest.raises((ValueError, TypeError)):
        tf.map_fn(lambda e: (e, e), tf.constant([1.0, 2.0]))  # result structure != elems'


def test_tensor_arrays_as_loop_variables_write_per_iteration_then_stack():
    x = tf.placeholder(tf.float32, [4, 2])
    out = tf.TensorArray(tf.float32, 4)
    squares = tf.TensorArray(tf.float32, 0, dynamic_size=True)
    inputs = tf.TensorArray(tf.float32, 4).unstack(x)

    def body(i, acc, out, squares):
        row = inputs.read(i)
        acc = acc + row
        return i + 1, acc, out.write(i, acc), squares.write(i, row * row)

    _, total, out, squares = tf.while_loop(lambda i, *_: i < 4, body,
                                           (0, tf.zeros([2]), out, squares))
    assert isinstance(out, tf.TensorArray) and out.element_shape.as_list() == [2]
    feed = np.arange(8, dtype=np.float32).reshape(4, 2)
    got = _run([total, out.stack(), squares.stack(), squares.size()], {x: feed})
    np.testing.assert_array_equal(got[0], feed.sum(0))
    np.testing.assert_array_equal(got[1], np.cumsum(feed, 0))
    np.testing.assert_array_equal(got[2], feed * feed)
    assert got[3] == 4


def test_a_loop_reading_past_the_array_raises_and_the_session_keeps_working():
    ta = tf.TensorArray(tf.float32, 2).unstack(tf.constant([[1.0], [2.0]]))
    _, total = tf.while_loop(lambda i, t: i < 3, lambda i, t: (i + 1, t + ta.read(i)),
                             (0, tf.zeros([1])))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Tried to read from index 2 but array size is: 2"):
            sess.run(total)
        assert sess.run(tf.constant(1.0) + 1.0) == 2.0


# ---- gradients: symbolic against central differences of the same graph's forward pass ------------

def _finite_difference_check(loss, wrt, feeds, variables=()):
    """tf.gradients of the scalar `loss` w.r.t. placeholders `wrt` (fed from `feeds`) and
    `variables` against central differences in float64 (variables perturbed with `load`)."""
    grads = tf.gradients(loss, list(wrt) + list(variables))
    assert all(g is not None for g in grads)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        symbolic = sess.run(grads, feeds)
        eps = 1e-6
        for k, p in enumerate(wrt):
            base = np.array(feeds[p], np.float64)
            numeric = np.zeros_like(base)
            for idx in np.ndindex(base.shape):
                values = []
                for sign in (1, -1):
                    moved = base.copy()
                    moved[idx] += sign * eps
                    values.append(sess.run(loss, {**feeds, p: moved}))
                numeric[idx] = (values[0] - values[1]) / (2 * eps)
            np.testing.assert_allclose(symbolic[k], numeric, rtol=1e-5, atol=1e-7, err_msg=p.name)
        for k, v in enumerate(variables, start=len(wrt)):
            base = sess.run(v)
            numeric = np.zeros_like(base)
            for idx in np.ndindex(base.shape):
                values = []
                for sign in (1, -1):
                    moved = base.copy()
                    moved[idx] += sign * eps
                    v.load(moved, sess)
                    values.append(sess.run(loss, feeds))
                numeric[idx] = (values[0] - values[1]) / (2 * eps)
            v.load(base, sess)
            np.testing.assert_allclose(symbolic[k], numeric, rtol=1e-5, atol=1e-7, err_msg=v.name)


def test_gradient_through_a_loop_writing_a_tensor_array_then_stacked():
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float64, [3, 2])
    h0 = tf.placeholder(tf.float64, [2])
    w = tf.Variable(np.array([[0.5, -0.3], [0.2, 0.8]]), dtype=tf.float64)
    inputs = tf.TensorArray(tf.float64, 3).unstack(x)

    def body(t, h, out):
        h = tf.tanh(tf.reshape(tf.matmul(tf.reshape(h, [1, 2]), w), [2]) + inputs.read(t))
        return t + 1, h, out.write(t, h)

    _, last, out = tf.while_loop(lambda t, h, o: t < 3, body, (0, h0, tf.TensorArray(tf.float64, 3)))
    loss = tf.reduce_sum(out.stack() * rng.normal(size=(3, 2))) + tf.reduce_sum(last * last)
    _finite_difference_check(loss, [x, h0], {x: rng.normal(size=(3, 2)), h0: [0.1, -0.2]}, [w])


def test_gradients_of_map_fn_scan_and_folds():
    rng = np.random.default_rng(1)
    x = tf.placeholder(tf.float64, [3, 2])
    init = tf.placeholder(tf.float64, [2])
    weights = rng.normal(size=(3, 2))
    mapped = tf.map_fn(lambda r: tf.sin(r) * r, x)
    scanned = tf.scan(lambda a, e: a * e + 1.0, x, initializer=init, reverse=True)
    left = tf.foldl(lambda a, e: a * tf.tanh(e) + e, x)
    right = tf.foldr(lambda a, e: a * tf.tanh(e), x, initializer=init)
    loss = (tf.reduce_sum(mapped * weights) + tf.reduce_sum(scanned * weights[::-1])
            + tf.reduce_sum(left * left) + tf.reduce_sum(right))
    _finite_difference_check(loss, [x, init], {x: rng.normal(size=(3, 2)), init: [0.3, -0.7]})


def test_tensor_arrays_through_cond_branches_and_nested_map_fn():
    pred = tf.placeholder(tf.bool, [])
    x = tf.placeholder(tf.float64, [2])
    ta = tf.TensorArray(tf.float64, 2).write(0, x)
    branched = tf.cond(pred, lambda: ta.write(1, x * 2.0), lambda: ta.write(1, x * 3.0))
    assert isinstance(branched, tf.TensorArray) and branched.element_shape.as_list() == [2]
    stacked = branched.stack()
    grad = tf.gradients(tf.reduce_sum(stacked * stacked), x)[0]
    m = tf.placeholder(tf.float64, [2, 3, 2])
    nested = tf.map_fn(lambda rows: tf.map_fn(lambda r: r * tf.reduce_sum(r), rows), m)
    nested_grad = tf.gradients(tf.reduce_sum(nested), m)[0]
    data = np.random.default_rng(4).normal(size=(2, 3, 2))
    with tf.Session() as sess:
        for flag, k in ((True, 2.0), (False, 3.0)):
            s, g = sess.run([stacked, grad], {pred: flag, x: [1.0, 2.0]})
            np.testing.assert_array_equal(s, [[1.0, 2.0], [k, 2 * k]])
            np.testing.assert_allclose(g, 2 * (1 + k * k) * np.array([1.0, 2.0]))
        n, ng = sess.run([nested, nested_grad], {m: data})
    sums = data.sum(-1, keepdims=True)
    np.testing.assert_allclose(n, data * sums)
    # each row contributes sum_j r_j * S = S**2 (S = sum of the row): d/dr_k = 2 S
    np.testing.assert_allclose(ng, np.broadcast_to(2 * sums, data.shape))


def test_map_fn_scan_and_their_gradient_round_trip_through_a_meta_graph(tmp_path):
    x = tf.placeholder(tf.float32, [3, 2], name="x")
    tf.identity(tf.scan(lambda a, e: a * 0.5 + e, x), name="scanned")
    squares = tf.identity(tf.map_fn(lambda e: e * e, x), name="squares")
    tf.identity(tf.gradients(tf.reduce_sum(squares), x)[0], name="grad")
    path = str(tmp_path / "functional.meta")
    tf.train.export_meta_graph(path)
    names = ["scanned:0", "squares:0", "grad:0"]
    with tf.Session() as sess:
        expected = sess.run(names, {x: X})
    with tf.Graph().as_default():
        tf.train.import_meta_graph(path)
        with tf.Session() as sess:
            got = sess.run(names, {"x:0": X})
    for e, g in zip(expected, got):
        np.testing.assert_array_equal(g, e)
    np.testing.assert_array_equal(got[2], 2 * X)
