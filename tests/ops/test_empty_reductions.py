"""Reductions of no elements give TF1's identities (numpy raises for max/min and warns for
mean): max -inf / the dtype's lowest integer, min +inf / the highest, prod 1, sum 0, mean NaN
for floats and 0 for integers, any False, all True; reducing over no axes returns the input.
Expected values were recorded from TensorFlow 2.21 (tf.compat.v1); the same checks run on the
CUDA backend under the simulator (tests/cuda/test_numerics_sim.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphflow as tf

REDUCTIONS = {"max": tf.reduce_max, "min": tf.reduce_min, "prod": tf.reduce_prod,
              "sum": tf.reduce_sum, "mean": tf.reduce_mean}


def _identities(dtype: np.dtype) -> dict[str, float | int]:
    """The values TF recorded for each dtype (e.g. int8: max -128, min 127, mean 0)."""
    if dtype.kind == "f":
        return {"max": -np.inf, "min": np.inf, "prod": 1, "sum": 0, "mean": np.nan}
    info = np.iinfo(dtype)
    return {"max": info.min, "min": info.max, "prod": 1, "sum": 0, "mean": 0}


#: (input shape, axis, output shape); the output is all identities, or empty
CASES = [((0,), None, ()), ((3, 0), 1, (3,)), ((3, 0), 0, (0,)), ((0, 2), 0, (2,)),
         ((0, 2), [0, 1], ()), ((0,), [], (0,))]
DTYPES = [np.float16, np.float32, np.float64, np.int8, np.uint8, np.int32, np.int64]


@pytest.mark.parametrize("backend", ["cpu", "reference"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_empty_reductions_give_tensorflows_identities(graph, monkeypatch, backend, dtype):
    monkeypatch.setenv("GF_BACKEND", backend)
    dtype = np.dtype(dtype)
    identities = _identities(dtype)
    fetches, feeds = {}, {}
    for k, (shape, axis, _) in enumerate(CASES):
        x = tf.placeholder(dtype, shape)
        feeds[x] = np.zeros(shape, dtype)
        for name, reduce in REDUCTIONS.items():
            fetches[(k, name)] = reduce(x, axis=axis)
            fetches[(k, name, "keep")] = reduce(x, axis=axis, keepdims=True)
    with warnings.catch_warnings(), tf.Session() as sess:
        warnings.simplefilter("error")  # numpy's "Mean of empty slice" must not escape
        got = sess.run(fetches, feeds)
    for k, (shape, axis, out_shape) in enumerate(CASES):
        for name in REDUCTIONS:
            value = got[(k, name)]
            assert value.shape == out_shape and value.dtype == dtype, (shape, axis, name)
            np.testing.assert_array_equal(value, np.full(out_shape, identities[name], dtype),
                                          err_msg=f"{name} over {axis} of {shape}")
            np_axis = tuple(axis) if isinstance(axis, list) else axis
            kept_shape = np.sum(np.zeros(shape), axis=np_axis, keepdims=True).shape
            np.testing.assert_array_equal(got[(k, name, "keep")],
                                          np.full(kept_shape, identities[name], dtype))


def test_tensorflows_recorded_values(graph):
    """A few values exactly as TF printed them."""
    x32 = tf.placeholder(tf.int32, [3, 0])
    u8 = tf.placeholder(tf.uint8, [0])
    f = tf.placeholder(tf.float32, [0, 2])
    with tf.Session() as sess:
        got = sess.run([tf.reduce_max(x32, 1), tf.reduce_min(x32, 1), tf.reduce_max(u8),
                        tf.reduce_min(u8), tf.reduce_mean(f, 0), tf.reduce_prod(f, 0)],
                       {x32: np.zeros((3, 0), np.int32), u8: np.zeros(0, np.uint8),
                        f: np.zeros((0, 2), np.float32)})
    np.testing.assert_array_equal(got[0], [-2147483648] * 3)
    np.testing.assert_array_equal(got[1], [2147483647] * 3)
    assert got[2] == 0 and got[3] == 255
    assert np.isnan(got[4]).all() and got[4].shape == (2,)
    np.testing.assert_array_equal(got[5], [1.0, 1.0])


def test_empty_constants_fold_to_the_identities(graph):
    """Reductions of an empty constant are computed while the graph is built (constant
    propagation) and by folding; TF: reduce_max(zeros([0])) = -inf, reduce_min of an empty
    int32 constant = 2147483647, reduce_logsumexp(zeros([0])) = -inf."""
    empty_max = tf.reduce_max(tf.zeros([0]))
    empty_min = tf.reduce_min(tf.constant([], tf.int32))
    logsumexp = tf.reduce_logsumexp(tf.zeros([0]))
    with tf.Session() as sess:
        got = sess.run([empty_max, empty_min, logsumexp])
    assert got[0] == -np.inf and got[1] == 2147483647 and got[2] == -np.inf


@pytest.mark.parametrize("backend", ["cpu", "reference"])
def test_any_and_all_of_nothing(graph, monkeypatch, backend):
    monkeypatch.setenv("GF_BACKEND", backend)
    x = tf.placeholder(tf.bool, [3, 0])
    with tf.Session() as sess:
        got = sess.run([tf.reduce_any(x, 1), tf.reduce_all(x, 1), tf.reduce_any(x)],
                       {x: np.zeros((3, 0), bool)})
    np.testing.assert_array_equal(got[0], [False] * 3)
    np.testing.assert_array_equal(got[1], [True] * 3)
    assert got[2] == np.False_
