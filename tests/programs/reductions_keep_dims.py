"""Reductions with every argument spelling: axis lists, negative axes, keepdims, integer means
(which truncate in TF1), reduce_prod / max / min / all / any, argmax ties, a row normalization
and tf.nn.moments."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 1e-6


def main():
    tf.reset_default_graph()
    values = np.array([[[1, 5, 2], [7, 7, 0]], [[3, -2, 4], [6, 1, 1]]], np.float32)
    x = tf.constant(values)
    ints = tf.constant([[1, 2], [4, 4]])
    flags = tf.constant([[True, False], [True, True]])
    mean, variance = tf.nn.moments(x, axes=[0, 1])
    ops = {
        "sum_all": tf.reduce_sum(x),
        "sum_axes": tf.reduce_sum(x, axis=[0, 2]),
        "sum_negative": tf.reduce_sum(x, -1, keepdims=True),
        "mean": tf.reduce_mean(x, 1),
        "int_mean": tf.reduce_mean(ints),
        "int_mean_axis": tf.reduce_mean(ints, 0),
        "prod": tf.reduce_prod(x, 2),
        "max": tf.reduce_max(x, axis=(0, 1)),
        "min": tf.reduce_min(x, 0),
        "all": tf.reduce_all(flags, 1),
        "any": tf.reduce_any(flags, 0),
        "argmax_ties": tf.argmax(x, axis=2),
        "argmin": tf.argmin(x, axis=0, output_type=tf.int32),
        "normalized": x / tf.reduce_sum(x, axis=-1, keepdims=True),
        "moments_mean": mean,
        "moments_variance": variance,
    }
    with tf.Session() as sess:
        results = sess.run(ops)
    return {"values": results, "shapes": {k: str(v.get_shape()) for k, v in ops.items()}}


if __name__ == "__main__":
    print(main())
