"""tf.layers.batch_normalization with a training placeholder and the UPDATE_OPS idiom: the
train op runs under control_dependencies on the moving-statistics updates."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 2e-4, 1e-5


def main():
    tf.reset_default_graph()
    images, labels, _ = digits(96)
    x = tf.placeholder(tf.float32, [None, 64])
    y = tf.placeholder(tf.int64, [None])
    is_training = tf.placeholder(tf.bool, name="is_training")
    # No bias before batch norm: its gradient is rounding noise that Adam would amplify into
    # steps of the full learning rate, differently in every implementation.
    hidden = tf.layers.dense(x, 16, use_bias=False,
                             kernel_initializer=tf.constant_initializer(normal([64, 16], 81, 0.2)))
    hidden = tf.layers.batch_normalization(hidden, training=is_training, momentum=0.9)
    hidden = tf.nn.relu(hidden)
    logits = tf.layers.dense(hidden, 10, kernel_initializer=tf.constant_initializer(normal([16, 10], 82, 0.3)))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(6):
            batch = slice((step % 3) * 32, (step % 3 + 1) * 32)
            _, value = sess.run([train_op, loss], {x: images[batch], y: labels[batch], is_training: True})
            losses.append(value)
        moving = {v.name: sess.run(v) for v in tf.global_variables() if "moving" in v.name}
        inference = sess.run(logits, {x: images[:3], is_training: False})
        eval_loss = sess.run(loss, {x: images, y: labels, is_training: False})
    return {"losses": np.array(losses), "moving": moving, "inference": inference, "eval_loss": eval_loss,
            "update_op_count": len(update_ops),
            "variables": [v.name for v in tf.global_variables() if "Adam" not in v.name]}


if __name__ == "__main__":
    print(main())
