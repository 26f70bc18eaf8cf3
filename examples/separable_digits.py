"""A depthwise-separable classifier on the 8x8 digits, like a Keras SeparableConv2D stack:
separable convolutions with batch normalization, then global average pooling and a softmax
layer (the MobileNet/Xception pattern: few parameters per layer).

Usage: python examples/separable_digits.py [--epochs N]
"""

from __future__ import annotations

import argparse

import numpy as np
from cnn_digits import classifier, fit, inputs, load_data  # shared with examples/cnn_digits.py

import graphflow as tf


def separable_block(x, filters, training, name):
    with tf.variable_scope(name):
        x = tf.layers.separable_conv2d(x, filters, 3, padding="same", use_bias=False)
        x = tf.layers.batch_normalization(x, momentum=0.9, training=training)
        return tf.nn.relu(x)


def build():
    images, labels, training, x = inputs()
    x = tf.nn.relu(tf.layers.conv2d(x, 32, 3, padding="same", name="stem"))
    x = separable_block(x, 64, training, "sep1")
    x = separable_block(x, 64, training, "sep2")
    x = tf.layers.max_pooling2d(x, 2, 2)                       # 4 x 4
    x = separable_block(x, 128, training, "sep3")
    x = separable_block(x, 128, training, "sep4")
    x = tf.reduce_mean(x, axis=[1, 2], name="global_average_pooling")
    logits = tf.layers.dense(tf.layers.dropout(x, 0.2, training=training), 10, name="logits")
    return classifier(images, labels, training, logits, lambda step: tf.train.AdamOptimizer(
        tf.train.exponential_decay(3e-3, step, 100, 0.7)))


def main(epochs: int = 20, batch: int = 64, verbose: bool = True) -> dict:
    result = fit(build(), load_data(), epochs, batch, report_every=5, verbose=verbose)
    parameters = sum(int(np.prod(v.shape.as_list())) for v in tf.trainable_variables())
    if verbose:
        print(f"{parameters:,} trainable parameters")
    return {**result, "parameters": parameters}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    main(parser.parse_args().epochs)
