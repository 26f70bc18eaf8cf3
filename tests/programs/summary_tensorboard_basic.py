"""aymericdamien's tensorboard_basic.py idiom on the digits: a softmax regression built under
name scopes ('Model', 'Loss', 'SGD', 'Accuracy'), tf.summary.scalar for loss and accuracy,
merge_all, a FileWriter given the graph, and the merged summary written every step; plus a
Python number logged with tf.Summary(value=[tf.Summary.Value(...)]). The serialized summaries
that sess.run returns are parsed back with tf.Summary.FromString."""

import tempfile

import numpy as np

from tests.programs._data import digits
from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    images, _, one_hot = digits(150)
    x = tf.placeholder(tf.float32, [None, 64], name="InputData")
    y = tf.placeholder(tf.float32, [None, 10], name="LabelData")
    W = tf.Variable(tf.zeros([64, 10]), name="Weights")
    b = tf.Variable(tf.zeros([10]), name="Bias")
    with tf.name_scope("Model"):
        pred = tf.nn.softmax(tf.matmul(x, W) + b)
    with tf.name_scope("Loss"):
        cost = tf.reduce_mean(-tf.reduce_sum(y * tf.log(pred + 1e-9), reduction_indices=1))
    with tf.name_scope("SGD"):
        optimizer = tf.train.GradientDescentOptimizer(0.5).minimize(cost)
    with tf.name_scope("Accuracy"):
        acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1)), tf.float32))
    tf.summary.scalar("loss", cost)
    tf.summary.scalar("accuracy", acc)
    merged_summary_op = tf.summary.merge_all()
    logged = []
    with tf.Session() as sess, tempfile.TemporaryDirectory() as logs_path:
        sess.run(tf.global_variables_initializer())
        summary_writer = tf.summary.FileWriter(logs_path, graph=tf.get_default_graph())
        for epoch in range(3):
            for i in range(3):
                batch = slice(50 * i, 50 * (i + 1))
                _, c, summary = sess.run([optimizer, cost, merged_summary_op],
                                         feed_dict={x: images[batch], y: one_hot[batch]})
                summary_writer.add_summary(summary, epoch * 3 + i)
                parsed = tf.Summary.FromString(summary)
                logged.append([(v.tag, v.simple_value) for v in parsed.value])
            epoch_acc = sess.run(acc, {x: images, y: one_hot})
            value = tf.Summary.Value(tag="epoch_accuracy", simple_value=float(epoch_acc))
            summary_writer.add_summary(tf.Summary(value=[value]), epoch)
        summary_writer.close()
        final_cost = sess.run(cost, {x: images, y: one_hot})
    return {"tags": [[tag for tag, _ in step] for step in logged],
            "values": np.array([[value for _, value in step] for step in logged]),
            "final_cost": final_cost,
            "summary_names": [s.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES)],
            "merged_type": merged_summary_op.op.type}


if __name__ == "__main__":
    print(main())
