"""Older TF1 spellings public code still uses: tf.to_float / to_int32 / to_int64, tf.arg_max /
arg_min, tf.div (floor division for ints), keep_dims and reduction_indices,
tf.initialize_all_variables and tf.all_variables."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    ints = tf.constant([[7, -7, 3], [4, 9, -1]])
    floats = tf.constant([[0.5, 2.5, -1.0], [3.0, 1.0, 2.0]])
    ops = {
        "to_float": tf.to_float(ints),
        "to_int32": tf.to_int32(floats),
        "to_int64": tf.to_int64(ints),
        "arg_max": tf.arg_max(floats, 1),
        "arg_min": tf.arg_min(floats, 0),
        "div_int": tf.div(ints, 2),
        "div_float": tf.div(floats, 2.0),
        "keep_dims": tf.reduce_sum(floats, reduction_indices=[1], keep_dims=True),
        "mean_indices": tf.reduce_mean(floats, reduction_indices=0),
    }
    w = tf.Variable(np.ones([2, 2], np.float32))
    with tf.Session() as sess:
        sess.run(tf.initialize_all_variables())
        values = sess.run(ops)
        w_value = sess.run(w)
    return {"values": values, "dtypes": {k: v.dtype.name for k, v in ops.items()}, "w": w_value,
            "all_variables": [v.name for v in tf.all_variables()]}


if __name__ == "__main__":
    print(main())
