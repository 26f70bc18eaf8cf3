"""tf.layers.Dense / Conv2D / MaxPooling2D / Flatten as objects: one Dense applied twice shares
its kernel, attributes (kernel, bias, units) and variable names follow TF1."""

import numpy as np

from tests.programs._data import load_deterministic
from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    images = np.arange(2 * 6 * 6 * 1, dtype=np.float32).reshape(2, 6, 6, 1) / 72.0
    x = tf.placeholder(tf.float32, [None, 6, 6, 1])
    conv = tf.layers.Conv2D(4, 3, activation=tf.nn.relu, name="conv")
    pool = tf.layers.MaxPooling2D(2, 2)
    flatten = tf.layers.Flatten()
    dense = tf.layers.Dense(3, name="shared_dense")
    features = flatten(pool(conv(x)))
    first = dense(features)
    second = dense(features * 2.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        load_deterministic(sess, tf.trainable_variables(), seed=151)
        values = sess.run([first, second], {x: images})
    return {"values": values, "variables": [v.name for v in tf.global_variables()],
            "kernel": dense.kernel.name, "bias": dense.bias.name, "units": dense.units,
            "outputs": [first.name, second.name], "features": features.get_shape().as_list()}


if __name__ == "__main__":
    print(main())
