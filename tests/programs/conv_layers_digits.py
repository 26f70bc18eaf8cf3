"""A tf.layers CNN as the higher-level tutorials write it: conv2d / max_pooling2d / flatten /
dense with activation=tf.nn.relu, tf.losses.sparse_softmax_cross_entropy, Adam, argmax accuracy
(kernels loaded from numpy after initialization so both runs start from the same values)."""

import numpy as np

from tests.programs._data import digits, load_deterministic
from tests.programs._tf import tf

RTOL, ATOL = 5e-4, 1e-5


def conv_net(x, n_classes, reuse, is_training):
    with tf.variable_scope('ConvNet', reuse=reuse):
        x = tf.reshape(x, shape=[-1, 8, 8, 1])
        conv1 = tf.layers.conv2d(x, 8, 3, activation=tf.nn.relu, padding='same')
        conv1 = tf.layers.max_pooling2d(conv1, 2, 2)
        conv2 = tf.layers.conv2d(conv1, 16, 3, activation=tf.nn.relu)
        fc1 = tf.layers.flatten(conv2)
        fc1 = tf.layers.dense(fc1, 32)
        fc1 = tf.layers.dropout(fc1, rate=0.25, training=is_training)
        return tf.layers.dense(fc1, n_classes)


def main():
    tf.reset_default_graph()
    images, labels, _ = digits(128)
    x = tf.placeholder(tf.float32, [None, 64])
    y = tf.placeholder(tf.int32, [None])
    logits_train = conv_net(x, 10, reuse=False, is_training=True)
    logits_test = conv_net(x, 10, reuse=True, is_training=False)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits_test)
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=tf.train.get_or_create_global_step())
    pred_classes = tf.argmax(logits_test, axis=1)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(pred_classes, tf.cast(y, tf.int64)), tf.float32))
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        load_deterministic(sess, tf.trainable_variables(), seed=131)
        for step in range(8):
            batch = slice((step % 4) * 32, (step % 4 + 1) * 32)
            losses.append(sess.run([train_op, loss], {x: images[batch], y: labels[batch]})[1])
        acc, step = sess.run([accuracy, tf.train.get_global_step()], {x: images, y: labels})
    return {"losses": np.array(losses), "accuracy": acc, "step": step,
            "variables": [v.name for v in tf.trainable_variables()],
            "train_shape": logits_train.get_shape().as_list()}


if __name__ == "__main__":
    print(main())
