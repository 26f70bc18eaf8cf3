"""A small CNN on scikit-learn's 8x8 handwritten digits (bundled, offline): convolutions with
batch normalization, dropout, and in-graph data augmentation (random shifts by up to one pixel),
trained with Adam on a decaying rate. Reaches about 98-99% test accuracy in well under a minute on 2 CPU cores.

Usage: python examples/cnn_digits.py [--epochs N]

TF1 code throughout: tf.layers with `training=` fed through a placeholder, the batch-norm
moving averages updated through tf.GraphKeys.UPDATE_OPS.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits

import graphflow as tf


def load_data(seed: int = 0):
    """Images [N, 8, 8, 1] in [0, 1] and labels, split 80/20."""
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(0.8 * len(x))
    return (x[order[:cut]], y[order[:cut]]), (x[order[cut:]], y[order[cut:]])


def augment(images: tf.Tensor) -> tf.Tensor:
    """Shifts every image by a random whole number of pixels in [-1, 1] along each axis."""
    shifts = tf.floor(tf.random_uniform(tf.stack([tf.shape(images)[0], 2]), -1.0, 2.0))
    return tf.contrib.image.translate(images, shifts)


def conv_block(x, filters, training, name):
    with tf.variable_scope(name):
        x = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False)
        x = tf.layers.batch_normalization(x, momentum=0.9, training=training)
        return tf.nn.relu(x)


def build(learning_rate: float = 3e-3):
    tf.reset_default_graph()
    tf.set_random_seed(0)
    images = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    training = tf.placeholder_with_default(False, [], name="training")
    x = tf.where(training, augment(images), images)
    x = conv_block(x, 32, training, "block1")
    x = conv_block(x, 32, training, "block2")
    x = tf.layers.max_pooling2d(x, 2, 2)                     # 4 x 4
    x = conv_block(x, 64, training, "block3")
    x = tf.layers.max_pooling2d(x, 2, 2)                     # 2 x 2
    x = tf.layers.dropout(tf.layers.flatten(x), 0.3, training=training)
    logits = tf.layers.dense(x, 10, name="logits")
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    step = tf.train.get_or_create_global_step()
    rate = tf.train.exponential_decay(learning_rate, step, 100, 0.7)  # ~0.7x every 4 epochs
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(rate).minimize(loss, global_step=step)
    return images, labels, training, loss, accuracy, train


def main(epochs: int = 20, batch: int = 64, verbose: bool = True) -> dict:
    (xtr, ytr), (xte, yte) = load_data()
    images, labels, training, loss, accuracy, train = build()
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(xtr))
            losses = []
            for i in range(0, len(order), batch):
                idx = order[i:i + batch]
                _, value = sess.run([train, loss], {images: xtr[idx], labels: ytr[idx],
                                                    training: True})
                losses.append(value)
            test_accuracy = float(sess.run(accuracy, {images: xte, labels: yte}))
            if verbose:
                print(f"epoch {epoch:2d}  loss {np.mean(losses):.4f}  test accuracy "
                      f"{test_accuracy:.2%}  ({time.perf_counter() - start:.0f} s)")
    return {"test_accuracy": test_accuracy, "seconds": time.perf_counter() - start}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    main(parser.parse_args().epochs)
