"""A small residual network on the 8x8 digits: three residual blocks (conv-BN-ReLU-conv-BN
plus the identity, or a strided 1x1 projection when the shape changes) and global average
pooling, trained with momentum SGD and augmentation.

Usage: python examples/resnet_digits.py [--epochs N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from cnn_digits import augment, load_data  # the data and augmentation of examples/cnn_digits.py

import graphflow as tf


def residual_block(x, filters, stride, training, name):
    """y = relu(F(x) + shortcut(x)), F = conv3x3-BN-relu-conv3x3-BN (He et al., 2016)."""
    with tf.variable_scope(name):
        h = tf.layers.conv2d(x, filters, 3, stride, padding="same", use_bias=False)
        h = tf.nn.relu(tf.layers.batch_normalization(h, momentum=0.9, training=training))
        h = tf.layers.conv2d(h, filters, 3, padding="same", use_bias=False)
        h = tf.layers.batch_normalization(h, momentum=0.9, training=training)
        shortcut = x
        if stride != 1 or x.shape.as_list()[-1] != filters:
            shortcut = tf.layers.conv2d(x, filters, 1, stride, use_bias=False, name="projection")
            shortcut = tf.layers.batch_normalization(shortcut, momentum=0.9, training=training)
        return tf.nn.relu(h + shortcut)


def build(total_steps: int):
    tf.reset_default_graph()
    tf.set_random_seed(0)
    images = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    training = tf.placeholder_with_default(False, [], name="training")
    x = tf.where(training, augment(images), images)
    x = tf.nn.relu(tf.layers.conv2d(x, 16, 3, padding="same", name="stem"))
    x = residual_block(x, 16, 1, training, "block1")
    x = residual_block(x, 32, 2, training, "block2")      # 4 x 4
    x = residual_block(x, 64, 2, training, "block3")      # 2 x 2
    x = tf.reduce_mean(x, axis=[1, 2])                    # global average pooling
    logits = tf.layers.dense(x, 10, name="logits")
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    step = tf.train.get_or_create_global_step()
    rate = tf.train.cosine_decay(0.1, step, total_steps)  # to zero by the last step
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.MomentumOptimizer(rate, 0.9, use_nesterov=True).minimize(
            loss, global_step=step)
    return images, labels, training, loss, accuracy, train


def main(epochs: int = 25, batch: int = 64, verbose: bool = True) -> dict:
    (xtr, ytr), (xte, yte) = load_data()
    images, labels, training, loss, accuracy, train = build(epochs * -(-len(xtr) // batch))
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(xtr))
            for i in range(0, len(order), batch):
                idx = order[i:i + batch]
                sess.run(train, {images: xtr[idx], labels: ytr[idx], training: True})
            test_accuracy = float(sess.run(accuracy, {images: xte, labels: yte}))
            if verbose and (epoch % 5 == 0 or epoch == epochs):
                print(f"epoch {epoch:2d}  test accuracy {test_accuracy:.2%}  "
                      f"({time.perf_counter() - start:.0f} s)")
    return {"test_accuracy": test_accuracy}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=25)
    main(parser.parse_args().epochs)
