"""Restoring a model without its code: saver.save writes the meta graph, a fresh graph
imports it with tf.train.import_meta_graph, finds tensors by name and by collection, predicts
and keeps training through the imported train op."""

import os
import tempfile

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def main():
    images, labels, _ = digits(80)
    with tempfile.TemporaryDirectory() as folder:
        tf.reset_default_graph()
        x = tf.placeholder(tf.float32, [None, 64], name="x")
        y = tf.placeholder(tf.int64, [None], name="y")
        W = tf.Variable(normal([64, 10], 171, 0.1), name="W")
        logits = tf.matmul(x, W, name="logits")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits),
                              name="loss")
        train_op = tf.train.AdamOptimizer(0.01).minimize(loss, name="train_op")
        tf.add_to_collection("train_op", train_op)
        tf.add_to_collection("logits", logits)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train_op, {x: images, y: labels})
            saved_loss = sess.run(loss, {x: images, y: labels})
            path = saver.save(sess, os.path.join(folder, "model"))

        tf.reset_default_graph()
        with tf.Session() as sess:
            new_saver = tf.train.import_meta_graph(path + ".meta")
            new_saver.restore(sess, path)
            graph = tf.get_default_graph()
            feed = {"x:0": images, "y:0": labels}
            restored_loss = sess.run("loss:0", feed)
            predictions = sess.run(tf.argmax(tf.get_collection("logits")[0], 1), {"x:0": images[:10]})
            train = tf.get_collection("train_op")[0]
            continued = []
            for _ in range(3):
                sess.run(train, feed)
                continued.append(sess.run(graph.get_tensor_by_name("loss:0"), feed))
    return {"saved_loss": saved_loss, "restored_loss": restored_loss, "predictions": predictions,
            "continued": np.array(continued), "train_op_name": train.name}


if __name__ == "__main__":
    print(main())
