"""Saving and restoring, the three ways, and resuming training after a crash.

1. Structure only: `tf.train.write_graph` (the graph as JSON, no values).
2. Weights only: `saver.save(..., write_meta_graph=False)` (a checkpoint of the variables).
3. Both: `saver.save(...)` also writes `PREFIX.meta`; `tf.train.import_meta_graph` rebuilds
   the graph with no model code and returns a Saver to restore the weights.

The script trains a softmax classifier on scikit-learn's digits, saving every 50 steps, stops
("crashes") half-way, then resumes from `tf.train.latest_checkpoint` in a fresh graph built
from the .meta file alone and finishes the training.

Usage: python examples/save_restore.py [--dir DIRECTORY]
"""

from __future__ import annotations

import argparse
import os
import tempfile

import numpy as np
from sklearn.datasets import load_digits

import graphflow as tf


def load_data():
    digits = load_digits()
    return (digits.data / 16.0).astype(np.float32), digits.target.astype(np.int64)


def build_model():
    """The model code: only the first run needs it."""
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    with tf.variable_scope("softmax"):
        w = tf.get_variable("kernel", [64, 10], initializer=tf.zeros_initializer())
        b = tf.get_variable("bias", [10], initializer=tf.zeros_initializer())
    logits = tf.matmul(x, w) + b
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    tf.identity(tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32)),
                name="accuracy")
    step = tf.train.get_or_create_global_step()
    train = tf.train.MomentumOptimizer(0.5, 0.9).minimize(loss, global_step=step, name="train")
    tf.add_to_collection(tf.GraphKeys.TRAIN_OP, train)


def train(sess, saver, directory, data, until, verbose):
    """Trains up to step `until`, saving every 50 steps; returns the last loss."""
    x, y = data
    graph = sess.graph
    train_op = graph.get_collection(tf.GraphKeys.TRAIN_OP)[0]
    loss = graph.get_collection(tf.GraphKeys.LOSSES)[0]
    step = tf.train.get_global_step(graph)
    feed = {"x:0": x, "y:0": y}
    while sess.run(step) < until:
        _, value, n = sess.run([train_op, loss, step], feed)
        if (n + 1) % 50 == 0:
            path = saver.save(sess, os.path.join(directory, "model.ckpt"), global_step=step)
            if verbose:
                print(f"step {n + 1:4d}  loss {value:.4f}  saved {os.path.basename(path)}")
    return float(sess.run(loss, feed))


def main(directory: str | None = None, verbose: bool = True) -> dict:
    directory = directory or tempfile.mkdtemp(prefix="graphflow-")
    data = load_data()

    # First run: build the model, save the structure alone, train half-way, "crash".
    with tf.Graph().as_default():
        build_model()
        structure = tf.train.write_graph(tf.get_default_graph(), directory, "graph.json")
        saver = tf.train.Saver(max_to_keep=3)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            train(sess, saver, directory, data, until=200, verbose=verbose)
            os.makedirs(os.path.join(directory, "weights_only"), exist_ok=True)
            weights_only = saver.save(sess, os.path.join(directory, "weights_only", "model"),
                                      write_meta_graph=False)
    if verbose:
        print(f"-- crash -- (structure alone in {os.path.relpath(structure, directory)}, "
              f"weights alone in {os.path.relpath(weights_only, directory)})")

    # Second run: no model code. The latest checkpoint's .meta rebuilds graph and Saver.
    latest = tf.train.latest_checkpoint(directory)
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(latest + ".meta")
        with tf.Session() as sess:
            saver.restore(sess, latest)
            if verbose:
                print(f"resumed from {os.path.basename(latest)} at step "
                      f"{sess.run(tf.train.get_global_step())}")
            loss = train(sess, saver, directory, data, until=400, verbose=verbose)
            accuracy = float(sess.run("accuracy:0", {"x:0": data[0], "y:0": data[1]}))
    if verbose:
        kept = tf.train.get_checkpoint_state(directory).all_model_checkpoint_paths
        print(f"final loss {loss:.4f}, training accuracy {accuracy:.2%}; kept checkpoints: "
              f"{[os.path.basename(p) for p in kept]}")
    return {"directory": directory, "resumed_from": latest, "loss": loss, "accuracy": accuracy}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=None, help="checkpoint directory (default: a new "
                                                    "temporary one)")
    main(parser.parse_args().dir)
