"""Static shapes of strided slices whose bounds are only known at run time (`x[i]`, `x[:, t]`
with a tensor index, as in loop bodies): TF1 keeps every dimension the slice does not cut.
The expected shapes were recorded from TensorFlow's tf.compat.v1."""

from __future__ import annotations

import numpy as np

import graphflow as tf


def test_shapes_and_values_of_slices_at_runtime_indices(graph):
    x = tf.placeholder(tf.float32, [4, 3, 2])
    i = tf.placeholder(tf.int32, [])
    cases = {"x[i]": (x[i], [3, 2]), "x[:, i]": (x[:, i], [4, 2]), "x[i:]": (x[i:], [None, 3, 2]),
             "x[:, :, i]": (x[:, :, i], [4, 3]), "x[::2, i]": (x[::2, i], [2, 2]),
             "x[..., i]": (x[..., i], [4, 3]), "x[None, i]": (x[None, i], [1, 3, 2])}
    for label, (t, expected) in cases.items():
        got = None if t.shape.ndims is None else t.shape.as_list()
        assert got == expected, label
    data = np.arange(24, dtype=np.float32).reshape(4, 3, 2)
    with tf.Session() as sess:
        values = sess.run([t for t, _ in cases.values()], {x: data, i: 1})
    for (label, _), value, want in zip(cases.items(), values,
                                       [data[1], data[:, 1], data[1:], data[:, :, 1], data[::2, 1],
                                        data[..., 1], data[None, 1]]):
        np.testing.assert_array_equal(value, want, err_msg=label)
