"""Two RNN tutorial idioms on the digits rows (aymericdamien's bidirectional_rnn.py and
dynamic_rnn.py, TF1): a static bidirectional LSTM over tf.unstack'ed rows with a dict of
weights and biases; and a dynamic LSTM over variable-length sequences whose last relevant
output is gathered by a flat index (`tf.range(batch) * max_len + (seqlen - 1)`) before the
softmax layer. Both trained a few steps; weights loaded deterministically."""

import numpy as np

from tests.programs._data import digits, load_deterministic
from tests.programs._tf import tf

RTOL, ATOL = 3e-4, 3e-5


def bidirectional_rows(images, labels):
    tf.reset_default_graph()
    timesteps, num_input, num_hidden = 8, 8, 10
    x = tf.placeholder("float", [None, timesteps, num_input])
    y = tf.placeholder("float", [None, 10])
    weights = {"out": tf.Variable(tf.random_normal([2 * num_hidden, 10]))}
    biases = {"out": tf.Variable(tf.random_normal([10]))}
    steps = tf.unstack(x, timesteps, 1)
    lstm_fw_cell = tf.nn.rnn_cell.BasicLSTMCell(num_hidden, forget_bias=1.0)
    lstm_bw_cell = tf.nn.rnn_cell.BasicLSTMCell(num_hidden, forget_bias=1.0)
    outputs, _, _ = tf.nn.static_bidirectional_rnn(lstm_fw_cell, lstm_bw_cell, steps, dtype=tf.float32)
    logits = tf.matmul(outputs[-1], weights["out"]) + biases["out"]
    prediction = tf.nn.softmax(logits)
    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y))
    train_op = tf.train.GradientDescentOptimizer(learning_rate=0.5).minimize(loss_op)
    correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
    feed = {x: images.reshape(-1, timesteps, num_input), y: labels}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        load_deterministic(sess, tf.trainable_variables(), seed=23)
        history = [sess.run([train_op, loss_op, accuracy], feed)[1:] for _ in range(8)]
        first_output = sess.run(outputs[0], feed)[:3]
    return {"history": np.array(history), "first_output": first_output,
            "variables": [v.name for v in tf.trainable_variables()]}


def dynamic_last_relevant(images, labels):
    tf.reset_default_graph()
    seq_max_len, n_hidden = 8, 12
    # each digit is a sequence of its first 4..8 rows, padded with zeros to 8 rows
    lengths = (4 + np.arange(len(images)) % 5).astype(np.int32)
    rows = images.reshape(-1, 8, 8).copy()
    rows[np.arange(8)[None, :] >= lengths[:, None]] = 0.0
    x = tf.placeholder("float", [None, seq_max_len, 8])
    y = tf.placeholder("float", [None, 10])
    seqlen = tf.placeholder(tf.int32, [None])
    weights = {"out": tf.Variable(tf.random_normal([n_hidden, 10]))}
    biases = {"out": tf.Variable(tf.random_normal([10]))}
    lstm_cell = tf.nn.rnn_cell.BasicLSTMCell(n_hidden)
    outputs, states = tf.nn.dynamic_rnn(lstm_cell, x, dtype=tf.float32, sequence_length=seqlen)
    batch_size = tf.shape(outputs)[0]
    index = tf.range(0, batch_size) * seq_max_len + (seqlen - 1)
    last = tf.gather(tf.reshape(outputs, [-1, n_hidden]), index)
    pred = tf.matmul(last, weights["out"]) + biases["out"]
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=pred, labels=y))
    optimizer = tf.train.AdamOptimizer(learning_rate=0.02).minimize(cost)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1)), tf.float32))
    feed = {x: rows, y: labels, seqlen: lengths}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        load_deterministic(sess, tf.trainable_variables(), seed=29)
        history = [sess.run([optimizer, cost, accuracy], feed)[1:] for _ in range(8)]
        last_value, final_h = sess.run([last, states.h], feed)
    return {"history": np.array(history), "last_is_final_h": bool(np.allclose(last_value, final_h, atol=1e-6)),
            "final_h": final_h[:3], "variables": [v.name for v in tf.trainable_variables()]}


def main():
    images, _, one_hot = digits(120)
    return {"bidirectional": bidirectional_rows(images, one_hot),
            "dynamic": dynamic_last_relevant(images, one_hot)}


if __name__ == "__main__":
    print(main())
