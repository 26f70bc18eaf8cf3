"""Initializers: exact values for the deterministic ones (constant from lists and scalars,
zeros, ones, a numpy array), and seed-independent facts for the random ones (bounds of
uniform, truncated and glorot draws, shapes, dtypes)."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    exact = {
        "constant_list": tf.get_variable("c", [2, 3], initializer=tf.constant_initializer([1, 2, 3, 4, 5, 6])),
        "constant_scalar": tf.get_variable("s", [3], initializer=tf.constant_initializer(0.25)),
        "zeros_int": tf.get_variable("z", [2], dtype=tf.int32, initializer=tf.zeros_initializer()),
        "ones": tf.get_variable("o", [2, 2], initializer=tf.ones_initializer()),
        "from_numpy": tf.get_variable("n", initializer=np.arange(4.0).reshape(2, 2)),
        "variable_list": tf.Variable([[1, 2], [3, 4]], name="vl"),
        "default_float": tf.Variable(1.5, name="f"),
    }
    uniform = tf.get_variable("u", [100, 50], initializer=tf.random_uniform_initializer(-0.2, 0.3))
    truncated = tf.get_variable("t", [100, 50], initializer=tf.truncated_normal_initializer(stddev=0.5))
    glorot = tf.get_variable("g", [40, 60])
    he = tf.get_variable("h", [30, 20], initializer=tf.variance_scaling_initializer(2.0, "fan_in", "uniform"))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(exact)
        u, t, g, h = sess.run([uniform, truncated, glorot, he])
    limit_glorot = np.sqrt(6.0 / (40 + 60))
    limit_he = np.sqrt(3.0 * 2.0 / 30)
    facts = {
        "uniform_in_bounds": bool(u.min() >= -0.2 and u.max() < 0.3),
        "uniform_spread": bool(u.min() < -0.15 and u.max() > 0.25),
        "truncated_within_two_std": bool(np.abs(t).max() <= 1.0),
        "truncated_spread": bool(np.abs(t).max() > 0.8),
        "glorot_in_bounds": bool(np.abs(g).max() <= limit_glorot),
        "glorot_spread": bool(np.abs(g).max() > 0.9 * limit_glorot),
        "he_in_bounds": bool(np.abs(h).max() <= limit_he),
        "dtypes": [v.dtype.name for v in (u, t, g, h)],
    }
    return {"values": values, "facts": facts,
            "dtypes": {k: v.dtype.base_dtype.name for k, v in exact.items()}}


if __name__ == "__main__":
    print(main())
