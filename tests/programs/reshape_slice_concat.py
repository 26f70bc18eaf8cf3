"""Array plumbing: reshape with -1, transpose with perm, concat / stack / unstack / split
(sizes and counts), squeeze / expand_dims, tile, pad (constant, reflect), python slicing with
steps and newaxis, tf.slice and tf.shape fetched at run time."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 0.0, 0.0


def main():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 3, 4])
    parts = tf.split(x, [1, 3], axis=2)
    ops = {
        "reshape": tf.reshape(x, [-1, 6]),
        "transpose": tf.transpose(x, perm=[2, 0, 1]),
        "concat": tf.concat([x, x * 2], axis=1),
        "stack": tf.stack([x[0], x[1]], axis=1),
        "unstack_last": tf.unstack(x, axis=2)[-1],
        "split_sizes": parts[1],
        "split_count": tf.split(x, 2, axis=2)[0],
        "squeeze": tf.squeeze(x[:, :1, :1], [1, 2]),
        "expand_dims": tf.expand_dims(x[0, 0], -1),
        "tile": tf.tile(x[:1, :1], [2, 1, 2]),
        "pad": tf.pad(x[0], [[1, 0], [0, 2]]),
        "pad_reflect": tf.pad(x[0], [[1, 1], [2, 0]], mode="REFLECT"),
        "steps": x[:, ::2, 1::2],
        "newaxis": x[0, tf.newaxis, :, -1],
        "slice": tf.slice(x, [0, 1, 1], [-1, 2, 2]),
        "shape": tf.shape(x),
        "reverse": tf.reverse(x[0], axis=[1]),
    }
    data = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    with tf.Session() as sess:
        values = sess.run(ops, {x: data})
    return {"values": values, "static": {k: str(v.get_shape()) for k, v in ops.items()}}


if __name__ == "__main__":
    print(main())
