"""Draws a small classifier's training graph with graphviz (gradient scopes collapsed).

Usage: python examples/visualize_graph.py [OUT.svg|OUT.png]   (default: graph.svg)
"""

import sys

import graphflow as tf


def build() -> tuple:
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    h = x
    for i, width in enumerate([32, 16]):
        with tf.variable_scope(f"layer{i + 1}"):
            w = tf.get_variable("w", [h.shape[1].value, width])
            b = tf.get_variable("b", [width], initializer=tf.zeros_initializer())
            h = tf.tanh(tf.matmul(h, w) + b)
    with tf.variable_scope("logits"):
        w = tf.get_variable("w", [16, 10])
        logits = tf.matmul(h, w)
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.square(logits - tf.one_hot(labels, 10)), name="mse")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")
    return loss, train


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "graph.svg"
    loss, train = build()
    tf.render(tf.get_default_graph(), out, fetches=[loss, train])
    print(f"wrote {out} ({len(tf.get_default_graph().get_operations())} ops)")
