"""tf.TensorArray outside loops: values against numpy, TF1's errors (texts recorded from TF 1.15's
TensorArray kernels through TensorFlow 2.21's compat.v1 with v2 behaviour off), static shapes,
and gradients against central finite differences of the same graph's forward pass in float64.

Runs on the backend GF_BACKEND selects (tests/cuda/test_tensor_list_sim.py runs it on the
simulated CUDA device)."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.gradcheck import assert_gradients_close, numeric_gradients


def _run(fetches, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetches, feeds)


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


def test_write_read_stack_size_and_unwritten_zeros():
    ta = tf.TensorArray(tf.float32, 3).write(0, [1.0, 2.0]).write(1, [3.0, 4.0])
    stacked, second, size = ta.stack(), ta.read(1), ta.size()
    assert stacked.shape.as_list() == [3, 2]  # TF1: a fixed size is the leading dimension
    assert second.shape.as_list() == [2] and second.dtype == tf.float32
    got = _run([stacked, size])
    np.testing.assert_array_equal(got[0], np.array([[1, 2], [3, 4], [0, 0]], np.float32))
    assert got[0].dtype == np.float32 and got[1] == 3
    np.testing.assert_array_equal(_run(second), [3.0, 4.0])


def test_unstack_gather_scatter_concat_split():
    x = np.arange(12.0).reshape(4, 3)
    ta = tf.TensorArray(tf.float64, 4).unstack(x)
    gathered = ta.gather([3, 0])
    scattered = tf.TensorArray(tf.float64, 5).scatter([4, 1], x[:2]).stack()
    ragged = tf.TensorArray(tf.float64, 2, infer_shape=False).write(0, [1.0, 2.0]).write(1, [3.0])
    pieces = tf.TensorArray(tf.float64, 3, infer_shape=False).split(np.arange(6.0), [1, 3, 2])
    g, s, c, p = _run([gathered, scattered, ragged.concat(), pieces.read(1)])
    np.testing.assert_array_equal(g, x[[3, 0]])
    expected = np.zeros((5, 3))
    expected[[4, 1]] = x[:2]
    np.testing.assert_array_equal(s, expected)
    np.testing.assert_array_equal(c, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(p, [1.0, 2.0, 3.0])


def test_dynamic_size_grows_and_unstack_sizes_it():
    grown = tf.TensorArray(tf.float32, 0, dynamic_size=True).write(4, 1.0)
    unstacked = tf.TensorArray(tf.float32, 0, dynamic_size=True).unstack([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    got = _run([grown.stack(), grown.size(), unstacked.stack()])
    np.testing.assert_array_equal(got[0], [0, 0, 0, 0, 1])
    assert got[1] == 5
    np.testing.assert_array_equal(got[2], [[1, 2], [3, 4], [5, 6]])


def test_element_shape_is_learned_from_writes_and_shared_with_derived_arrays():
    ta = tf.TensorArray(tf.float32, 2)
    assert ta.element_shape.ndims is None
    written = ta.write(0, tf.zeros([3, 2]))
    assert ta.element_shape.as_list() == [3, 2]  # shared, as TF1's arrays on one handle
    assert written.read(1).shape.as_list() == [3, 2]
    with pytest.raises(ValueError, match=r"Inconsistent shapes: saw \(2, 2\) but expected \(3, 2\)"):
        written.write(1, tf.zeros([2, 2]))
    rebuilt = written._with_flow(written.flow)
    assert rebuilt.dtype == tf.float32 and rebuilt.element_shape.as_list() == [3, 2]
    assert rebuilt.flow.dtype == tf.variant


def test_empty_stack_with_a_known_element_shape():
    out = _run(tf.TensorArray(tf.float32, 0, element_shape=[2]).stack())
    assert out.shape == (0, 2) and out.dtype == np.float32


_ERRORS = [
    (lambda: tf.TensorArray(tf.float32, 3).write(0, 1.0).read(5), tf.errors.InvalidArgumentError,
     "Tried to read from index 5 but array size is: 3"),
    (lambda: tf.TensorArray(tf.float32, 3).write(0, 1.0).write(0, 2.0).read(0),
     tf.errors.InvalidArgumentError,
     "Could not write to TensorArray index 0 because it has already been written to."),
    (lambda: tf.TensorArray(tf.float32, 3).write(3, 1.0).read(0), tf.errors.InvalidArgumentError,
     "Tried to write to index 3 but array is not resizeable and size is: 3"),
    (lambda: tf.TensorArray(tf.float32, 3).write(0, tf.constant(1, tf.int32)).read(0),
     tf.errors.InvalidArgumentError, "TensorArray dtype is float but Op is trying to write dtype int32."),
    (lambda: tf.TensorArray(tf.float32, 0).stack(), tf.errors.UnimplementedError,
     "TensorArray has size zero, but element shape <unknown> is not fully defined. Currently only "
     "static shapes are supported when packing zero-size TensorArrays."),
    (lambda: tf.TensorArray(tf.float32, 3, infer_shape=False).write(0, [1.0, 2.0]).read(1),
     tf.errors.InvalidArgumentError,
     "Could not read from TensorArray index 1.  Furthermore, the element shape is not fully "
     "defined: <unknown>."),
    (lambda: tf.TensorArray(tf.float32, 2).unstack([[1.0], [2.0], [3.0]]).stack(),
     tf.errors.InvalidArgumentError, "Max scatter index must be < array size (2 vs. 2)"),
    (lambda: tf.TensorArray(tf.float32, 4).scatter([1, 1], [[1.0], [2.0]]).stack(),
     tf.errors.InvalidArgumentError, "index 1 because it has already been written to."),
    (lambda: tf.TensorArray(tf.float32, 4).scatter([1], [[1.0]]).gather([5]),
     tf.errors.InvalidArgumentError, "Tried to read from index 5 but array size is: 4"),
    (lambda: tf.TensorArray(tf.float32, 2).split([1.0, 2.0, 3.0], [1, 1]).read(1),
     tf.errors.InvalidArgumentError, "Expected sum of lengths to be equal to values.shape[0], but "
     "sum of lengths is 2 and value's shape is: [3]"),
    (lambda: tf.TensorArray(tf.float32, 2).split([1.0, 2.0, 3.0], [1, 2]).read(1),
     tf.errors.InvalidArgumentError, "Could not write to TensorArray index 1 because the value shape "
     "is [2] which is incompatible with the TensorArray's inferred element shape: [1] (consider "
     "setting infer_shape=False)."),
    (lambda: (lambda ta: [ta.read(0), ta.read(0)])(tf.TensorArray(tf.float32, 1).write(0, 1.0)),
     tf.errors.InvalidArgumentError, "Could not read index 0 twice because it was cleared after a "
     "previous read (perhaps try setting clear_after_read = false?)."),
    (lambda: (lambda ta: [ta.stack(), ta.read(0)])(tf.TensorArray(tf.float32, 1).write(0, 1.0)),
     tf.errors.InvalidArgumentError, "Could not read index 0 twice because it was cleared after a "
     "previous read (perhaps try setting clear_after_read = false?)."),
]


@pytest.mark.parametrize(("build", "error", "text"), _ERRORS)
def test_tf1_errors_name_the_op_and_the_session_keeps_working(build, error, text):
    fetch = build()
    ok = tf.constant(2.0) * 3.0
    with tf.Session() as sess:
        with pytest.raises(error) as info:
            sess.run(fetch)
        assert text in info.value.message
        assert info.value.op is not None and "TensorArray" in info.value.op.name
        assert sess.run(ok) == 6.0


def test_clear_after_read_false_reads_twice_and_a_write_of_a_placeholder_checks_shapes():
    ta = tf.TensorArray(tf.float32, 2, clear_after_read=False).write(0, [1.0, 2.0])
    p = tf.placeholder(tf.float32, [None])
    bad = ta.write(1, p).stack()
    with tf.Session() as sess:
        a, b = sess.run([ta.read(0), ta.stack()])
        np.testing.assert_array_equal(a, [1.0, 2.0])
        np.testing.assert_array_equal(b, [[1.0, 2.0], [0.0, 0.0]])
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"value shape is \[3\] which is "
                           r"incompatible with the TensorArray's inferred element shape: \[2\]"):
            sess.run(bad, {p: [1.0, 2.0, 3.0]})
        np.testing.assert_array_equal(sess.run(bad, {p: [5.0, 6.0]}), [[1, 2], [5, 6]])


def _check_gradients(build, inputs):
    """d(sum(w * y))/d inputs of the graph `build(*placeholders)` against central differences
    of the same graph's forward values (float64)."""
    phs = [tf.placeholder(tf.float64, np.shape(x)) for x in inputs]
    y = build(*phs)
    w = np.random.default_rng(3).normal(size=_run(y, dict(zip(phs, inputs))).shape)
    loss = tf.reduce_sum(y * w)
    grads = tf.gradients(loss, phs)
    with tf.Session() as sess:
        feeds = dict(zip(phs, inputs))
        symbolic = sess.run([g if g is not None else tf.zeros_like(p) for g, p in zip(grads, phs)],
                            feeds)
        numeric = numeric_gradients(lambda args: float(sess.run(loss, dict(zip(phs, args)))),
                                    list(inputs), range(len(inputs)))
    assert_gradients_close(symbolic, numeric, "TensorArray graph")


def test_gradients_of_write_read_stack():
    rng = np.random.default_rng(0)

    def build(a, b):
        ta = tf.TensorArray(tf.float64, 3, clear_after_read=False).write(0, a).write(2, b * a)
        return ta.stack() * 2.0 + ta.read(2)

    _check_gradients(build, [rng.normal(size=(2, 3)), rng.normal(size=(2, 3))])


def test_gradients_of_unstack_gather_and_repeated_reads():
    rng = np.random.default_rng(1)

    def build(x):
        ta = tf.TensorArray(tf.float64, 4, clear_after_read=False).unstack(x)
        return ta.gather([0, 2, 2]) * 3.0 + ta.read(2) + ta.read(0) * ta.read(3)

    _check_gradients(build, [rng.normal(size=(4, 2))])


def test_gradients_of_scatter_split_concat():
    rng = np.random.default_rng(2)

    def build(x, v):
        scattered = tf.TensorArray(tf.float64, 4).scatter([3, 0], x).stack()
        pieces = tf.TensorArray(tf.float64, 3, infer_shape=False, clear_after_read=False).split(
            v, [2, 1, 3])
        joined = pieces.concat()
        return tf.concat([tf.reshape(scattered, [-1]), joined * joined, pieces.read(0)], 0)

    _check_gradients(build, [rng.normal(size=(2, 3)), rng.normal(size=(6,))])


def test_gradient_through_an_overwritten_slot_of_a_dynamic_array_is_zero_for_the_lost_write():
    a = tf.placeholder(tf.float64, [2])
    ta = tf.TensorArray(tf.float64, 0, dynamic_size=True).write(0, a * 2.0).write(1, a)
    g = tf.gradients(tf.reduce_sum(ta.read(1) * tf.constant([1.0, 5.0], tf.float64)), a)[0]
    np.testing.assert_allclose(_run(g, {a: [0.5, 0.25]}), [1.0, 5.0])


def test_identity_close_and_grad_keep_the_tf1_surface():
    ta = tf.TensorArray(tf.float32, 2).write(0, 1.0).write(1, 2.0)
    same = ta.identity()
    closed = ta.close()
    assert isinstance(same, tf.TensorArray) and closed.type == "NoOp"
    assert ta.handle is ta.flow and not ta.dynamic_size
    grad_ta = ta.grad("source").write(0, 3.0).write(0, 4.0)
    got = _run([same.stack(), grad_ta.read(0)])
    np.testing.assert_array_equal(got[0], [1.0, 2.0])
    assert got[1] == 7.0  # a gradient array adds repeated writes up (TF1)


def test_a_graph_with_tensor_arrays_round_trips_through_a_meta_graph(tmp_path):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    ta = tf.TensorArray(tf.float32, tf.shape(x)[0], element_shape=[None]).unstack(x)
    doubled = tf.identity(ta.gather([1, 0]) * 2.0, name="doubled")
    ragged = tf.TensorArray(tf.float32, 2, infer_shape=False).write(0, x[0]).write(1, x[1, :1])
    joined = tf.identity(ragged.concat(), name="joined")
    path = str(tmp_path / "model.meta")
    tf.train.export_meta_graph(path)
    feed = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    with tf.Graph().as_default():
        tf.train.import_meta_graph(path)
        with tf.Session() as sess:
            got = sess.run(["doubled:0", "joined:0"], {"x:0": feed})
    np.testing.assert_array_equal(got[0], [[6.0, 8.0], [2.0, 4.0]])
    np.testing.assert_array_equal(got[1], [1.0, 2.0, 3.0])
    assert doubled.shape.as_list() == [None, 2] and joined.shape.ndims is None  # as TF1


def test_second_derivatives_through_list_gradients():
    x = tf.placeholder(tf.float64, [3])
    ta = tf.TensorArray(tf.float64, 3, clear_after_read=False).unstack(x)
    y = tf.reduce_sum(ta.stack() ** 3) + ta.read(1) ** 2 + tf.reduce_sum(ta.gather([0, 2]) ** 2)
    g = tf.gradients(y, x)[0]
    h = tf.gradients(tf.reduce_sum(g), x)[0]  # the gradient lists' own gradients
    values = np.array([1.0, 2.0, 3.0])
    got = _run([g, h], {x: values})
    np.testing.assert_allclose(got[0], 3 * values**2 + 2 * values)
    np.testing.assert_allclose(got[1], 6 * values + 2)
