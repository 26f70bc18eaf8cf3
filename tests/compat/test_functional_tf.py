"""TensorArray, map_fn, scan and folds live against TensorFlow (tf.compat.v1, v2 behaviour
off): the same programs give the same values, dtypes, static shapes and error classes.
Skipped where TensorFlow is not installed."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf

tf1 = pytest.importorskip("tensorflow").compat.v1
tf1.disable_v2_behavior()

X = np.random.default_rng(7).normal(size=(4, 3)).astype(np.float32)


def _both(build):
    """(TensorFlow's, graphflow's) fetched values and static shapes of `build(tf)`."""
    results = []
    for tf in (tf1, gf):
        with tf.Graph().as_default():
            fetches = build(tf)
            shapes = [None if f.shape.ndims is None else f.shape.as_list() for f in fetches]
            with tf.Session() as sess:
                results.append((sess.run(fetches), shapes))
    return results


PROGRAMS = {
    "map_fn": lambda tf: [tf.map_fn(lambda e: tf.tanh(e) * 2.0, tf.constant(X))],
    "map_fn_dtype": lambda tf: list(tf.map_fn(lambda e: (e[0] * e[1], tf.argmax(e[0], output_type=tf.int32)),
                                              (tf.constant(X), tf.constant(X[::-1])),
                                              dtype=(tf.float32, tf.int32))),
    "scan": lambda tf: [tf.scan(lambda a, e: a * 0.9 + e, tf.constant(X))],
    "scan_reverse": lambda tf: [tf.scan(lambda a, e: a - e, tf.constant(X),
                                        initializer=tf.ones([3]), reverse=True)],
    "folds": lambda tf: [tf.foldl(lambda a, e: a * e, tf.constant(X)),
                         tf.foldr(lambda a, e: a * 0.5 + e, tf.constant(X), initializer=tf.zeros([3]))],
    "gradients": lambda tf: (lambda x: tf.gradients(
        tf.reduce_sum(tf.scan(lambda a, e: a * e + 1.0, x)) + tf.reduce_sum(tf.map_fn(tf.sin, x))
        + tf.reduce_sum(tf.foldl(lambda a, e: a * tf.tanh(e), x)), x))(tf.constant(X)),
    "tensor_array": lambda tf: (lambda ta: [ta.stack(), ta.size()])(
        tf.TensorArray(tf.float32, 5, clear_after_read=False).unstack(tf.constant(X)).write(4, X[0])),
    "tensor_array_gather_concat": lambda tf: (lambda ta: [ta.gather([3, 1]), ta.concat(), ta.read(2)])(
        tf.TensorArray(tf.float32, 4, clear_after_read=False).unstack(tf.constant(X))),
    "tensor_array_split_equal": lambda tf: (lambda ta: [ta.read(0), ta.concat()])(
        tf.TensorArray(tf.float32, 2, clear_after_read=False).split(tf.constant(X), [2, 2])),
    "tensor_array_concat": lambda tf: [tf.TensorArray(tf.float32, 2, infer_shape=False).split(
        tf.constant(X), [1, 3]).concat()],
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_same_values_dtypes_and_static_shapes(name):
    (expected, tf_shapes), (got, gf_shapes) = _both(PROGRAMS[name])
    assert gf_shapes == tf_shapes
    for e, g in zip(expected, got):
        e, g = np.asarray(e), np.asarray(g)
        assert g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


ERRORS = {
    "read_past": lambda tf: tf.TensorArray(tf.float32, 3).write(0, 1.0).read(5),
    "write_twice": lambda tf: tf.TensorArray(tf.float32, 3).write(0, 1.0).write(0, 2.0).read(0),
    "stack_empty": lambda tf: tf.TensorArray(tf.float32, 0).stack(),
    "scatter_past": lambda tf: tf.TensorArray(tf.float32, 2).unstack([[1.0], [2.0], [3.0]]).stack(),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_same_error_classes(name):
    classes = []
    for tf in (tf1, gf):
        with tf.Graph().as_default():
            fetch = ERRORS[name](tf)
            with tf.Session() as sess:
                with pytest.raises(tf.errors.OpError) as info:
                    sess.run(fetch)
                classes.append(type(info.value).__name__)
    assert classes[0] == classes[1]
