"""Row-by-row digit classification with an LSTM: each of scikit-learn's 8x8 handwritten digits
(bundled, offline) is read as a sequence of 8 rows of 8 pixels by tf.nn.dynamic_rnn over a
BasicLSTMCell; the last output feeds a softmax layer, trained with Adam. The TF1 tutorial's
row-by-row MNIST LSTM at digits size: about 97% test accuracy in well under a minute.

Usage: python examples/lstm_digits.py [--epochs N] [--units N]

The same program runs on TensorFlow (`TF1_IMPL=tf`, with tensorflow.compat.v1), which is how
the accuracy it should reach was measured.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from optimizers import load_data as digits_split  # the split shared with examples/optimizers.py

if os.environ.get("TF1_IMPL") == "tf":  # the comparison run; users just `import graphflow as tf`
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
else:
    import graphflow as tf

ROWS, COLUMNS, CLASSES = 8, 8, 10


def load_data(seed: int = 0):
    """Images [N, 8, 8] in [0, 1] (rows are the time steps) and labels: the 80/20 split of
    examples/optimizers.py."""
    (x_train, y_train), (x_test, y_test) = digits_split(seed)
    return (x_train.reshape(-1, ROWS, COLUMNS), y_train), (x_test.reshape(-1, ROWS, COLUMNS), y_test)


def build(units: int = 64, learning_rate: float = 5e-3):
    """The graph: placeholders, logits from the LSTM's last output, loss, accuracy, train op."""
    tf.reset_default_graph()
    tf.set_random_seed(0)
    images = tf.placeholder(tf.float32, [None, ROWS, COLUMNS], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    cell = tf.nn.rnn_cell.BasicLSTMCell(units)
    outputs, state = tf.nn.dynamic_rnn(cell, images, dtype=tf.float32)  # outputs [N, 8, units]
    logits = tf.layers.dense(state.h, CLASSES, name="logits")  # state.h == outputs[:, -1]
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                         logits=logits))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    train = tf.train.AdamOptimizer(learning_rate).minimize(loss)
    return {"images": images, "labels": labels, "loss": loss, "accuracy": accuracy,
            "train": train}


def main(epochs: int = 20, units: int = 64, batch: int = 64, verbose: bool = True) -> dict:
    """Trains on shuffled mini-batches; returns the final test accuracy and the time taken."""
    (xtr, ytr), (xte, yte) = load_data()
    model = build(units)
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(xtr))
            losses = []
            for i in range(0, len(order), batch):
                idx = order[i:i + batch]
                _, value = sess.run([model["train"], model["loss"]],
                                    {model["images"]: xtr[idx], model["labels"]: ytr[idx]})
                losses.append(value)
            test_accuracy = float(sess.run(model["accuracy"], {model["images"]: xte,
                                                                model["labels"]: yte}))
            if verbose:
                print(f"epoch {epoch:2d}  loss {np.mean(losses):.4f}  test accuracy "
                      f"{test_accuracy:.2%}  ({time.perf_counter() - start:.0f} s)")
    return {"test_accuracy": test_accuracy, "final_loss": float(np.mean(losses)),
            "seconds": time.perf_counter() - start}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--units", type=int, default=64)
    args = parser.parse_args()
    main(args.epochs, args.units)
