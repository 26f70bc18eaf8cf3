"""Training-step workloads, written once in TF1 style and run on either engine.

    TF1_IMPL=graphflow python benchmarks/training.py      # or TF1_IMPL=tf (needs TensorFlow)

Prints one JSON line of medians (milliseconds per training step, `sess.run(train)`):
  mlp_step_ms   784-256-256-10 ReLU MLP, batch 128, Adam (the shared bench's MLP)
  cnn_step_ms   the shared bench's 2-conv MNIST CNN (5x5 convs of 32 and 64 channels, SAME,
                ReLU, 2x2 max pools, dense 10), batch 64, momentum SGD
  separable_step_ms  the model of examples/separable_digits.py (8x8x1 inputs, a 3x3 conv stem,
                four depthwise-separable 3x3 blocks with batch norm, global average pooling,
                dropout, dense 10), batch 64, Adam
Use benchmarks/compare_tf.py to run both engines in one go and print ratios.
"""

from __future__ import annotations

import json
import os

import numpy as np
from mlp_graph import build_mlp
from overhead import median_seconds, tf


def _nothing() -> None:
    return None


def mlp_step(batch: int = 128, din: int = 784, hidden: int = 256, classes: int = 10,
             settle=_nothing, repeats: int = 100) -> float:
    """Median seconds per Adam step; `settle()` runs after each step (a GPU synchronize)."""
    with tf.Graph().as_default():
        mlp = build_mlp(tf, din, hidden, classes)
        feed = mlp.feed(np.random.RandomState(0), batch)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return median_seconds(lambda: (sess.run(mlp.train, feed), settle()), repeats)


def cnn_step(batch: int = 64, settle=_nothing, repeats: int = 20) -> float:
    """Median seconds per momentum-SGD step of the 2-conv CNN (28x28 inputs)."""
    rng = np.random.RandomState(0)
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        x = tf.placeholder(tf.float32, [None, 28, 28, 1])
        y = tf.placeholder(tf.int64, [None])
        h = x
        for k_in, k_out in [(1, 32), (32, 64)]:
            w = tf.Variable(tf.truncated_normal([5, 5, k_in, k_out], stddev=0.1))
            b = tf.Variable(tf.zeros([k_out]))
            h = tf.nn.relu(tf.nn.conv2d(h, w, [1, 1, 1, 1], "SAME") + b)
            h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        h = tf.reshape(h, [-1, 7 * 7 * 64])
        w = tf.Variable(tf.truncated_normal([7 * 7 * 64, 10], stddev=0.05))
        logits = tf.matmul(h, w) + tf.Variable(tf.zeros([10]))
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                            logits=logits))
        train = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss)
        feed = {x: rng.rand(batch, 28, 28, 1).astype(np.float32),
                y: rng.randint(0, 10, batch).astype(np.int64)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return median_seconds(lambda: (sess.run(train, feed), settle()), repeats)


def _separable_block(x, filters: int, name: str):
    with tf.variable_scope(name):
        x = tf.layers.separable_conv2d(x, filters, 3, padding="same", use_bias=False)
        return tf.nn.relu(tf.layers.batch_normalization(x, momentum=0.9, training=True))


def separable_step(batch: int = 64, settle=_nothing, repeats: int = 50) -> float:
    """Median seconds per Adam step of examples/separable_digits.py's model (training mode)."""
    rng = np.random.RandomState(0)
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        x = tf.placeholder(tf.float32, [None, 8, 8, 1])
        y = tf.placeholder(tf.int64, [None])
        h = tf.nn.relu(tf.layers.conv2d(x, 32, 3, padding="same", name="stem"))
        h = _separable_block(_separable_block(h, 64, "sep1"), 64, "sep2")
        h = tf.layers.max_pooling2d(h, 2, 2)
        h = _separable_block(_separable_block(h, 128, "sep3"), 128, "sep4")
        h = tf.reduce_mean(h, axis=[1, 2])
        logits = tf.layers.dense(tf.layers.dropout(h, 0.2, training=True), 10, name="logits")
        loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train = tf.train.AdamOptimizer(1e-3).minimize(loss)
        feed = {x: rng.rand(batch, 8, 8, 1).astype(np.float32),
                y: rng.randint(0, 10, batch).astype(np.int64)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return median_seconds(lambda: (sess.run(train, feed), settle()), repeats)


def main() -> dict:
    results = {"impl": os.environ.get("TF1_IMPL", "graphflow"),
               "mlp_step_ms": mlp_step() * 1e3, "cnn_step_ms": cnn_step() * 1e3,
               "separable_step_ms": separable_step() * 1e3}
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in results.items()}


if __name__ == "__main__":
    print(json.dumps(main()))
