"""A small residual network on the 8x8 digits: three residual blocks (conv-BN-ReLU-conv-BN
plus the identity, or a strided 1x1 projection when the shape changes) and global average
pooling, trained with momentum SGD and augmentation.

Usage: python examples/resnet_digits.py [--epochs N]
"""

from __future__ import annotations

import argparse

from cnn_digits import classifier, fit, inputs, load_data  # shared with examples/cnn_digits.py

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
    images, labels, training, x = inputs()
    x = tf.nn.relu(tf.layers.conv2d(x, 16, 3, padding="same", name="stem"))
    x = residual_block(x, 16, 1, training, "block1")
    x = residual_block(x, 32, 2, training, "block2")      # 4 x 4
    x = residual_block(x, 64, 2, training, "block3")      # 2 x 2
    x = tf.reduce_mean(x, axis=[1, 2])                    # global average pooling
    logits = tf.layers.dense(x, 10, name="logits")
    return classifier(images, labels, training, logits, lambda step: tf.train.MomentumOptimizer(
        tf.train.cosine_decay(0.1, step, total_steps), 0.9, use_nesterov=True))  # to zero


def main(epochs: int = 25, batch: int = 64, verbose: bool = True) -> dict:
    data = load_data()
    return fit(build(epochs * -(-len(data[0][0]) // batch)), data, epochs, batch,
               report_every=5, verbose=verbose)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=25)
    main(parser.parse_args().epochs)
