"""A depthwise-separable classifier on the 8x8 digits, like a Keras SeparableConv2D stack:
separable convolutions with batch normalization, then global average pooling and a softmax
layer (the MobileNet/Xception pattern: few parameters per layer).

Usage: python examples/separable_digits.py [--epochs N]
"""

from __future__ import annotations

import argparse

import numpy as np
from cnn_digits import augment, load_data  # the data and augmentation of examples/cnn_digits.py

import graphflow as tf


def separable_block(x, filters, training, name):
    with tf.variable_scope(name):
        x = tf.layers.separable_conv2d(x, filters, 3, padding="same", use_bias=False)
        x = tf.layers.batch_normalization(x, momentum=0.9, training=training)
        return tf.nn.relu(x)


def build():
    tf.reset_default_graph()
    tf.set_random_seed(0)
    images = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    training = tf.placeholder_with_default(False, [], name="training")
    x = tf.where(training, augment(images), images)
    x = tf.nn.relu(tf.layers.conv2d(x, 32, 3, padding="same", name="stem"))
    x = separable_block(x, 64, training, "sep1")
    x = separable_block(x, 64, training, "sep2")
    x = tf.layers.max_pooling2d(x, 2, 2)                       # 4 x 4
    x = separable_block(x, 128, training, "sep3")
    x = separable_block(x, 128, training, "sep4")
    x = tf.reduce_mean(x, axis=[1, 2], name="global_average_pooling")
    logits = tf.layers.dense(tf.layers.dropout(x, 0.2, training=training), 10, name="logits")
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    step = tf.train.get_or_create_global_step()
    rate = tf.train.exponential_decay(3e-3, step, 100, 0.7)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(rate).minimize(loss, global_step=step)
    return images, labels, training, loss, accuracy, train


def main(epochs: int = 20, batch: int = 64, verbose: bool = True) -> dict:
    (xtr, ytr), (xte, yte) = load_data()
    images, labels, training, loss, accuracy, train = build()
    rng = np.random.default_rng(1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(xtr))
            for i in range(0, len(order), batch):
                idx = order[i:i + batch]
                sess.run(train, {images: xtr[idx], labels: ytr[idx], training: True})
            test_accuracy = float(sess.run(accuracy, {images: xte, labels: yte}))
            if verbose and (epoch % 5 == 0 or epoch == epochs):
                print(f"epoch {epoch:2d}  test accuracy {test_accuracy:.2%}")
    parameters = sum(int(np.prod(v.shape.as_list())) for v in tf.trainable_variables())
    if verbose:
        print(f"{parameters:,} trainable parameters")
    return {"test_accuracy": test_accuracy, "parameters": parameters}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    main(parser.parse_args().epochs)
