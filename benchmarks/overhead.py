"""Session-overhead workloads, written once in TF1 style and run on either engine.

    TF1_IMPL=graphflow python benchmarks/overhead.py      # or TF1_IMPL=tf (needs TensorFlow)

Prints one JSON line of medians (microseconds per `Session.run`):
  run_tiny_us       `a*b+a` on two fed scalars: pure per-run overhead
  run_chain50_us    50 x tanh(h*0.9+0.1) on [32,64] (the shared bench's chain)
  run_arith50_us    50 x max(h*0.9+0.1, 0) on [32,64]: an all-arithmetic chain (fusable)
  run_mlp_fwd_us    a 64-256-10 MLP forward pass on a batch of 32 (matmul + bias + activation)
Use benchmarks/compare_tf.py to run both engines in one go and print ratios.
"""

from __future__ import annotations

import json
import os

import numpy as np
from timing import median_seconds

if os.environ.get("TF1_IMPL", "graphflow") == "tf":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # tf.layers needs tf_keras under TF 2.16+
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
else:
    import graphflow as tf


def tiny() -> float:
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [], name="a")
        b = tf.placeholder(tf.float32, [], name="b")
        c = a * b + a
        with tf.Session() as sess:
            return median_seconds(lambda: sess.run(c, {a: 1.0, b: 2.0}), 3000)


def chain(step) -> float:
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 64])
        h = x
        for _ in range(50):
            h = step(h)
        xv = np.random.RandomState(0).rand(32, 64).astype(np.float32)
        with tf.Session() as sess:
            return median_seconds(lambda: sess.run(h, {x: xv}), 500)


def mlp_forward() -> float:
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        x = tf.placeholder(tf.float32, [None, 64])
        w1 = tf.Variable(tf.truncated_normal([64, 256], stddev=0.1))
        b1 = tf.Variable(tf.zeros([256]))
        w2 = tf.Variable(tf.truncated_normal([256, 10], stddev=0.1))
        h = tf.maximum(tf.matmul(x, w1) + b1, 0.0)
        logits = tf.matmul(h, w2)
        xv = np.random.RandomState(0).rand(32, 64).astype(np.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return median_seconds(lambda: sess.run(logits, {x: xv}), 1000)


def main() -> dict:
    results = {"impl": os.environ.get("TF1_IMPL", "graphflow"),
               "run_tiny_us": tiny() * 1e6,
               "run_chain50_us": chain(lambda h: tf.tanh(h * 0.9 + 0.1)) * 1e6,
               "run_arith50_us": chain(lambda h: tf.maximum(h * 0.9 + 0.1, 0.0)) * 1e6,
               "run_mlp_fwd_us": mlp_forward() * 1e6}
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in results.items()}


if __name__ == "__main__":
    print(json.dumps(main()))
