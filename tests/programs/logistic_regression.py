"""Softmax regression on digits as the tutorials write it: zero Variables, a hand-written
cross-entropy with reduction_indices, mini-batches and an argmax accuracy."""

import numpy as np

from tests.programs._data import digits
from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def main():
    tf.reset_default_graph()
    images, _, labels = digits(300)
    learning_rate, batch_size, training_epochs = 0.5, 50, 5

    x = tf.placeholder(tf.float32, [None, 64])
    y = tf.placeholder(tf.float32, [None, 10])
    W = tf.Variable(tf.zeros([64, 10]))
    b = tf.Variable(tf.zeros([10]))
    pred = tf.nn.softmax(tf.matmul(x, W) + b)
    cost = tf.reduce_mean(-tf.reduce_sum(y * tf.log(pred), reduction_indices=1))
    optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)
    correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    epoch_costs = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(training_epochs):
            avg_cost = 0.
            total_batch = len(images) // batch_size
            for i in range(total_batch):
                batch_xs = images[i * batch_size:(i + 1) * batch_size]
                batch_ys = labels[i * batch_size:(i + 1) * batch_size]
                _, c = sess.run([optimizer, cost], feed_dict={x: batch_xs, y: batch_ys})
                avg_cost += c / total_batch
            epoch_costs.append(avg_cost)
        acc = accuracy.eval({x: images, y: labels})
        weights = sess.run(W)
    return {"epoch_costs": np.array(epoch_costs), "accuracy": acc, "weights": weights,
            "correct_dtype": correct_prediction.dtype.name}


if __name__ == "__main__":
    print(main())
