"""Every optimizer on the same problem: a 64-32-10 tanh network classifying scikit-learn's
8x8 handwritten digits (1,797 images, bundled offline), trained with the same mini-batches and
initial weights. Prints a table of final training loss and test accuracy per optimizer.

Usage: python examples/optimizers.py [--epochs N]

The network is built with TF1 code: `tf.losses.sparse_softmax_cross_entropy`, an L2 penalty
through `get_variable(regularizer=)` and `tf.losses.get_total_loss()`.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits

import graphflow as tf

#: name -> optimizer factory; learning rates are each one's usual good value for this task.
OPTIMIZERS = {
    "SGD": lambda: tf.train.GradientDescentOptimizer(0.1),
    "Momentum": lambda: tf.train.MomentumOptimizer(0.05, 0.9),
    "Nesterov": lambda: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
    "Adagrad": lambda: tf.train.AdagradOptimizer(0.1),
    "Adadelta": lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.95, epsilon=1e-6),
    "RMSProp": lambda: tf.train.RMSPropOptimizer(0.003),
    "Adam": lambda: tf.train.AdamOptimizer(0.005),
    "AdaMax": lambda: tf.train.AdaMaxOptimizer(0.01),
    "Nadam": lambda: tf.train.NadamOptimizer(0.005),
    "AMSGrad": lambda: tf.train.AdamOptimizer(0.005, amsgrad=True),
    "AdamW": lambda: tf.train.AdamWOptimizer(0.01, 0.005),
    "RAdam": lambda: tf.train.RAdamOptimizer(0.01),
    "Lookahead(Adam)": lambda: tf.train.LookaheadOptimizer(tf.train.AdamOptimizer(0.01)),
    "Ranger": lambda: tf.train.RangerOptimizer(0.02),
}


def load_data(seed: int = 0):
    """Pixels scaled to [0, 1], split 80/20 (stratification is not needed at this size)."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(0.8 * len(x))
    return (x[order[:cut]], y[order[:cut]]), (x[order[cut:]], y[order[cut:]])


def build(make_optimizer):
    """The network, its total loss (cross-entropy + L2), accuracy and train op."""
    tf.reset_default_graph()
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    l2 = tf.contrib.layers.l2_regularizer(1e-4)
    with tf.variable_scope("hidden", regularizer=l2):
        w1 = tf.get_variable("kernel", [64, 32], initializer=tf.glorot_uniform_initializer())
        b1 = tf.get_variable("bias", [32], initializer=tf.zeros_initializer())
        hidden = tf.tanh(tf.matmul(x, w1) + b1)
    with tf.variable_scope("logits", regularizer=l2):
        w2 = tf.get_variable("kernel", [32, 10], initializer=tf.glorot_uniform_initializer())
        b2 = tf.get_variable("bias", [10], initializer=tf.zeros_initializer())
        logits = tf.matmul(hidden, w2) + b2
    tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
    loss = tf.losses.get_total_loss()
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    step = tf.train.get_or_create_global_step()
    train = make_optimizer().minimize(loss, global_step=step)
    return x, y, loss, accuracy, train


def train_one(make_optimizer, data, epochs: int, batch: int = 64, seed: int = 1) -> dict:
    (xtr, ytr), (xte, yte) = data
    x, y, loss, accuracy, train = build(make_optimizer)
    rng = np.random.default_rng(seed)  # the same batches for every optimizer
    start = time.perf_counter()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(epochs):
            order = rng.permutation(len(xtr))
            for i in range(0, len(order), batch):
                idx = order[i:i + batch]
                sess.run(train, {x: xtr[idx], y: ytr[idx]})
        final_loss = float(sess.run(loss, {x: xtr, y: ytr}))
        test_accuracy = float(sess.run(accuracy, {x: xte, y: yte}))
    return {"loss": final_loss, "accuracy": test_accuracy,
            "seconds": time.perf_counter() - start}


def main(epochs: int = 30, names=None, verbose: bool = True) -> dict:
    data = load_data()
    results = {}
    if verbose:
        print(f"{'optimizer':<16} {'train loss':>10} {'test acc':>9} {'time':>7}")
    for name in names or OPTIMIZERS:
        results[name] = r = train_one(OPTIMIZERS[name], data, epochs)
        if verbose:
            print(f"{name:<16} {r['loss']:>10.4f} {r['accuracy']:>9.2%} {r['seconds']:>6.1f}s")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    main(parser.parse_args().epochs)
