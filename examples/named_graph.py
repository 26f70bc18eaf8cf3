"""The TF1 pattern of a graph built in one place and driven only by names elsewhere.

`build_graph()` names its placeholders ("x", "y"), its loss ("loss") and its train op
("train"); `train_by_name()` then works from the graph alone, with string fetches and feeds
(`sess.run("train", {"x:0": ...})`), as code that imports a graph it did not build does.
The model is a logistic-regression classifier of the breast-cancer dataset (569 cases).

Usage: python examples/named_graph.py
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_breast_cancer

import graphflow as tf


def build_graph(num_features: int, learning_rate: float = 0.5) -> tf.Graph:
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, num_features], name="x")
        y = tf.placeholder(tf.float32, [None], name="y")
        with tf.variable_scope("model"):
            w = tf.get_variable("w", [num_features, 1], initializer=tf.zeros_initializer())
            b = tf.get_variable("b", [], initializer=tf.zeros_initializer())
        logits = tf.squeeze(tf.matmul(x, w), axis=1) + b
        probability = tf.sigmoid(logits, name="probability")
        # log-loss written with stable pieces: log(1 + exp(-|z|)) + max(z, 0) - z*y
        loss = tf.reduce_mean(tf.log1p(tf.exp(-tf.abs(logits))) + tf.maximum(logits, 0.0)
                              - logits * y, name="loss")
        correct = tf.equal(tf.cast(probability > 0.5, tf.float32), y)
        tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")
        tf.train.GradientDescentOptimizer(learning_rate).minimize(loss, name="train")
        tf.variables_initializer(tf.global_variables(), name="init")
    return graph


def train_by_name(graph: tf.Graph, features: np.ndarray, labels: np.ndarray,
                  steps: int = 300) -> tuple[float, float]:
    """Trains using only names; returns the final (loss, accuracy)."""
    feed = {"x:0": features, "y:0": labels}
    with tf.Session(graph=graph) as sess:
        sess.run("init")
        for _ in range(steps):
            sess.run("train", feed_dict=feed)
        loss, accuracy = sess.run(["loss:0", "accuracy:0"], feed_dict=feed)
    return float(loss), float(accuracy)


def main(verbose: bool = True) -> tuple[float, float]:
    data = load_breast_cancer()
    features = ((data.data - data.data.mean(0)) / data.data.std(0)).astype(np.float32)
    labels = data.target.astype(np.float32)
    graph = build_graph(features.shape[1])
    loss, accuracy = train_by_name(graph, features, labels)
    if verbose:
        print(f"{len(graph.get_operations())} ops; final loss {loss:.4f}, accuracy {accuracy:.3f}")
    return loss, accuracy


if __name__ == "__main__":
    main()
