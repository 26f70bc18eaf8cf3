"""Random ops under tf.set_random_seed, checked only for seed-independent facts (graphflow's
streams are not TensorFlow's): shapes, dtypes, bounds, that a fetched op draws anew each run,
that two sessions of one seeded graph repeat the sequence, that op seeds make two ops equal."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 0.0, 0.0


def build():
    tf.set_random_seed(1234)
    normal = tf.random_normal([3, 4], mean=2.0, stddev=0.5)
    uniform = tf.random_uniform([1000], minval=-1, maxval=3)
    ints = tf.random_uniform([1000], minval=0, maxval=5, dtype=tf.int32)
    truncated = tf.truncated_normal([1000], stddev=1.0)
    seeded_a = tf.random_uniform([5], seed=7)
    seeded_b = tf.random_uniform([5], seed=7)
    return normal, uniform, ints, truncated, seeded_a, seeded_b


def main():
    tf.reset_default_graph()
    normal, uniform, ints, truncated, seeded_a, seeded_b = build()
    with tf.Session() as sess:
        first = sess.run([normal, uniform, ints, truncated, seeded_a, seeded_b])
        second = sess.run(normal)
    with tf.Session() as sess:
        repeat = sess.run([normal, uniform, ints, truncated, seeded_a, seeded_b])
    n, u, i, t, a, b = first
    return {
        "shapes": [list(v.shape) for v in first], "dtypes": [v.dtype.name for v in first],
        "uniform_bounds": bool(u.min() >= -1 and u.max() < 3), "ints_values": sorted(set(i.tolist())),
        "truncated_bounds": bool(np.abs(t).max() <= 2.0),
        "draws_anew": bool(not np.array_equal(n, second)),
        "sessions_repeat": all(np.array_equal(x, y) for x, y in zip(first, repeat)),
        "same_op_seed_same_values": bool(np.array_equal(a, b)),
    }


if __name__ == "__main__":
    print(main())
