"""LSTM workloads (issue 17), written once in TF1 style and run on either engine.

    TF1_IMPL=graphflow python benchmarks/rnn.py      # or TF1_IMPL=tf (needs TensorFlow)

Prints one JSON line of medians (milliseconds per `sess.run`):
  lstm_step_ms    LSTM classifier training step: tf.nn.dynamic_rnn over 28 steps of 28 inputs
                  (row-by-row MNIST shapes), batch 128, BasicLSTMCell(128), dense 10, Adam
  lstm_infer_ms   the same network's forward pass only (logits)
Run both with `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` (those variables halve numpy's BLAS
speed on these machines). Targets (issue 17): step at most 1.0x TensorFlow, inference 0.5x.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

# tf.nn.rnn_cell needs the legacy Keras in TensorFlow 2.16+ (set before TensorFlow is imported).
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from overhead import median_seconds, tf  # noqa: E402

STEPS, INPUTS, BATCH, UNITS, CLASSES = 28, 28, 128, 128, 10


def lstm_classifier():
    """(x, y, logits, train) of the row-by-row LSTM classifier in the current graph."""
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, STEPS, INPUTS], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    cell = tf.nn.rnn_cell.BasicLSTMCell(UNITS)
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    w = tf.Variable(tf.truncated_normal([UNITS, CLASSES], stddev=0.05))
    logits = tf.matmul(state.h, w) + tf.Variable(tf.zeros([CLASSES]))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    return x, y, logits, train


def measure(repeats: int = 30) -> dict:
    """Median seconds of a training step and of a forward pass."""
    rng = np.random.RandomState(0)
    with tf.Graph().as_default():
        x, y, logits, train = lstm_classifier()
        feed = {x: rng.rand(BATCH, STEPS, INPUTS).astype(np.float32),
                y: rng.randint(0, CLASSES, BATCH).astype(np.int64)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            step = median_seconds(lambda: sess.run(train, feed), repeats)
            infer = median_seconds(lambda: sess.run(logits, {x: feed[x]}), repeats)
    return {"lstm_step_ms": step * 1e3, "lstm_infer_ms": infer * 1e3}


def main() -> dict:
    results = {"impl": os.environ.get("TF1_IMPL", "graphflow"), **measure()}
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in results.items()}


if __name__ == "__main__":
    print(json.dumps(main()))
