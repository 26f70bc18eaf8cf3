"""tf.layers.dropout with a training placeholder and tf.nn.dropout with keep_prob / rate:
identity when not training or at keep_prob 1, kept values scaled by 1 / keep_prob (facts that
do not depend on the random draws)."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    x = tf.constant(np.arange(1.0, 401.0).reshape(20, 20), dtype=tf.float32)
    training = tf.placeholder(tf.bool, shape=[])
    keep_prob = tf.placeholder(tf.float32)
    layer_dropout = tf.layers.dropout(x, rate=0.25, training=training)
    nn_dropout = tf.nn.dropout(x, keep_prob)
    rate_dropout = tf.nn.dropout(x, rate=0.5)
    with tf.Session() as sess:
        not_training = sess.run(layer_dropout, {training: False})
        trained = sess.run(layer_dropout, {training: True})
        keep_all = sess.run(nn_dropout, {keep_prob: 1.0})
        half = sess.run(nn_dropout, {keep_prob: 0.5})
        by_rate = sess.run(rate_dropout)
    base = np.arange(1.0, 401.0).reshape(20, 20)
    return {
        "not_training_is_identity": bool(np.array_equal(not_training, base)),
        "keep_all_is_identity": bool(np.array_equal(keep_all, base)),
        "trained_scaled": bool(np.allclose(trained[trained != 0], base[trained != 0] / 0.75)),
        "trained_some_zero": bool((trained == 0).any() and (trained != 0).any()),
        "half_scaled": bool(np.allclose(half[half != 0], base[half != 0] * 2.0)),
        "rate_scaled": bool(np.allclose(by_rate[by_rate != 0], base[by_rate != 0] * 2.0)),
        "shapes": [layer_dropout.get_shape().as_list(), nn_dropout.get_shape().as_list()],
    }


if __name__ == "__main__":
    print(main())
