"""Valid files for the loader tests: a small trained model's meta graph, checkpoint (with a
string variable) and state file, written once into a directory."""

from __future__ import annotations

import os

import numpy as np

import graphflow as tf


def write_samples(directory: str) -> str:
    """Builds and saves the sample model in a fresh graph; returns the checkpoint prefix."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
        b = tf.Variable(np.float64(0.5), name="b")
        tf.Variable(np.array([b"ab", b"", b"\xff\x00"], dtype=object), name="words")
        step = tf.train.get_or_create_global_step()
        loss = tf.reduce_sum(tf.square(tf.matmul(x, w) + tf.cast(b, tf.float32)), name="loss")
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
        tf.add_to_collection(tf.GraphKeys.TRAIN_OP, train)
        tf.add_to_collection("numbers", 3)
        saver = tf.train.Saver(max_to_keep=2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, os.path.join(directory, "model.ckpt"), global_step=1)
            return saver.save(sess, os.path.join(directory, "model.ckpt"), global_step=2)


def sample_session_graph() -> tuple[tf.Graph, tf.train.Saver]:
    """The sample model's variables in a fresh graph (for restores), and their Saver."""
    graph = tf.Graph()
    with graph.as_default():
        tf.Variable(np.zeros((3, 2), np.float32), name="w")
        tf.Variable(np.float64(0.0), name="b")
        tf.Variable(np.array([b"", b"", b""], dtype=object), name="words")
        tf.train.get_or_create_global_step()
        saver = tf.train.Saver()
    return graph, saver
