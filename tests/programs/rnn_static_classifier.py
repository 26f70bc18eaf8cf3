"""The row-by-row digits classifier of TF1 tutorials with tf.nn.static_rnn: each 8x8 image is a
sequence of 8 rows, tf.unstack into a list of steps, a two-layer MultiRNNCell of LSTMs, the
last output through a softmax layer, trained by Adam; weights loaded deterministically."""

import numpy as np

from tests.programs._data import digits, load_deterministic
from tests.programs._tf import tf

RTOL, ATOL = 2e-4, 2e-5


def main():
    tf.reset_default_graph()
    images, labels, _ = digits(96)
    x = tf.placeholder(tf.float32, [None, 8, 8], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    steps = tf.unstack(x, 8, 1)
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(16),
                                        tf.nn.rnn_cell.LSTMCell(12, use_peepholes=True)])
    outputs, state = tf.nn.static_rnn(cell, steps, dtype=tf.float32)
    w = tf.Variable(tf.zeros([12, 10]), name="softmax_w")
    b = tf.Variable(tf.zeros([10]), name="softmax_b")
    logits = tf.matmul(outputs[-1], w) + b
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.AdamOptimizer(0.02).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    feed = {x: images.reshape(-1, 8, 8), y: labels}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        load_deterministic(sess, tf.trainable_variables(), seed=17)
        losses = [sess.run([train, loss], feed)[1] for _ in range(12)]
        final_loss, final_accuracy, last_state = sess.run([loss, accuracy, state[1].c], feed)
    return {"losses": np.array(losses), "final_loss": final_loss, "accuracy": final_accuracy,
            "last_state_c": last_state[:4],
            "variables": [v.name for v in tf.trainable_variables()]}


if __name__ == "__main__":
    print(main())
