"""The shared TF1 bench's MLP, built once for every benchmark that trains it: 784-256-256-10 ReLU
layers, sparse softmax cross-entropy, Adam 1e-3, on whichever engine module the caller imported
(`graphflow` or `tensorflow.compat.v1`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np


class Mlp(NamedTuple):
    """The graph's handles: placeholders, the last hidden activation, the weight matrices (two
    hidden, then the output's), logits, the mean loss and Adam's training op."""

    x: Any
    y: Any
    hidden: Any
    weights: list
    logits: Any
    loss: Any
    train: Any

    def feed(self, rng: np.random.RandomState, batch: int = 128) -> dict:
        """A random batch: uniform inputs and integer labels."""
        din, classes = self.x.shape[1], self.weights[-1].shape[1]
        return {self.x: rng.rand(batch, int(din)).astype(np.float32),
                self.y: rng.randint(0, int(classes), batch).astype(np.int64)}


def build_mlp(tf: Any, din: int = 784, hidden: int = 256, classes: int = 10,
              output_bias: bool = False) -> Mlp:
    """Builds the MLP in the current default graph of `tf`, seeded with `tf.set_random_seed(0)`.

    Args:
        tf: the engine module.
        din, hidden, classes: layer widths.
        output_bias: whether the logits get a bias (the summaries and trace benchmarks' variant).
    """
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, din])
    y = tf.placeholder(tf.int64, [None])
    h, weights = x, []
    for m, n in [(din, hidden), (hidden, hidden)]:
        weights.append(tf.Variable(tf.truncated_normal([m, n], stddev=0.05)))
        h = tf.nn.relu(tf.matmul(h, weights[-1]) + tf.Variable(tf.zeros([n])))
    weights.append(tf.Variable(tf.truncated_normal([hidden, classes], stddev=0.05)))
    logits = tf.matmul(h, weights[-1])
    if output_bias:
        logits = logits + tf.Variable(tf.zeros([classes]))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return Mlp(x, y, h, weights, logits, loss, tf.train.AdamOptimizer(1e-3).minimize(loss))
