"""VGG16 (Simonyan and Zisserman, 2014) written the TF1 way: tf.variable_scope, tf.get_variable,
tf.nn.conv2d / bias_add / relu / max_pool. Builds the full network and runs training steps on
a small random batch to show it builds and trains (the loss of a repeated batch goes down).

Usage: python examples/vgg16.py [--image-size 224] [--batch 2] [--steps 2]

At 224 x 224 the network has 138 million parameters; one step on 2 images takes a few seconds
on 2 CPU cores. `--image-size 32` runs the same layers on CIFAR-sized inputs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import graphflow as tf

#: (block name, number of conv layers, channels)
BLOCKS = [("conv1", 2, 64), ("conv2", 2, 128), ("conv3", 3, 256), ("conv4", 3, 512),
          ("conv5", 3, 512)]


def conv_layer(x, name, out_channels):
    in_channels = x.shape.as_list()[-1]
    with tf.variable_scope(name):
        w = tf.get_variable("weights", [3, 3, in_channels, out_channels],
                            initializer=tf.initializers.he_normal())
        b = tf.get_variable("biases", [out_channels], initializer=tf.zeros_initializer())
        return tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), b))


def fc_layer(x, name, units, relu=True):
    with tf.variable_scope(name):
        w = tf.get_variable("weights", [x.shape.as_list()[-1], units],
                            initializer=tf.initializers.he_normal())
        b = tf.get_variable("biases", [units], initializer=tf.zeros_initializer())
        y = tf.nn.bias_add(tf.matmul(x, w), b)
        return tf.nn.relu(y) if relu else y


def vgg16(images, classes, keep_prob):
    x = images
    for block, layers, channels in BLOCKS:
        with tf.variable_scope(block):
            for i in range(1, layers + 1):
                x = conv_layer(x, f"{block}_{i}", channels)
            x = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME", name="pool")
    x = tf.reshape(x, [-1, int(np.prod(x.shape.as_list()[1:]))])
    x = tf.nn.dropout(fc_layer(x, "fc6", 4096), keep_prob=keep_prob)
    x = tf.nn.dropout(fc_layer(x, "fc7", 4096), keep_prob=keep_prob)
    return fc_layer(x, "fc8", classes, relu=False)


def main(image_size: int = 224, batch: int = 2, steps: int = 2, classes: int = 1000,
         verbose: bool = True) -> dict:
    tf.reset_default_graph()
    tf.set_random_seed(0)
    images = tf.placeholder(tf.float32, [None, image_size, image_size, 3], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    keep_prob = tf.placeholder_with_default(1.0, [], name="keep_prob")
    logits = vgg16(images, classes, keep_prob)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train = tf.train.MomentumOptimizer(1e-4, 0.9).minimize(loss)
    parameters = sum(int(np.prod(v.shape.as_list())) for v in tf.trainable_variables())
    rng = np.random.default_rng(0)
    feed = {images: rng.random((batch, image_size, image_size, 3), np.float32),
            labels: rng.integers(0, classes, batch)}
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            start = time.perf_counter()
            _, value = sess.run([train, loss], feed)
            losses.append(float(value))
            if verbose:
                print(f"step {step}: loss {value:.4f} ({time.perf_counter() - start:.2f} s)")
        losses.append(float(sess.run(loss, feed)))
    if verbose:
        print(f"VGG16: {len(tf.trainable_variables())} variables, {parameters:,} parameters; "
              f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    return {"parameters": parameters, "losses": losses,
            "variables": [v.op.name for v in tf.trainable_variables()]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--steps", type=int, default=2)
    args = parser.parse_args()
    main(args.image_size, args.batch, args.steps)
