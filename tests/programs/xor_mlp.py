"""XOR with a sigmoid hidden layer, the first network many TF1 users trained: lists as data,
Variables from tf.constant values, a squared error and plain gradient descent."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def main():
    tf.reset_default_graph()
    x_data = [[0, 0], [0, 1], [1, 0], [1, 1]]
    y_data = [[0], [1], [1], [0]]
    X = tf.placeholder(tf.float32, shape=[4, 2], name="x-input")
    Y = tf.placeholder(tf.float32, shape=[4, 1], name="y-input")
    W1 = tf.Variable(tf.constant([[0.5, -0.4, 0.3], [-0.2, 0.6, 0.8]]), name="Theta1")
    W2 = tf.Variable(tf.constant([[0.7], [-0.5], [0.2]]), name="Theta2")
    b1 = tf.Variable(tf.zeros([3]), name="Bias1")
    b2 = tf.Variable(tf.zeros([1]), name="Bias2")
    A2 = tf.sigmoid(tf.matmul(X, W1) + b1)
    hypothesis = tf.sigmoid(tf.matmul(A2, W2) + b2)
    cost = tf.reduce_mean(((Y * tf.log(hypothesis)) + ((1 - Y) * tf.log(1.0 - hypothesis))) * -1)
    train_step = tf.train.GradientDescentOptimizer(2.0).minimize(cost)
    costs = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(300):
            sess.run(train_step, feed_dict={X: x_data, Y: y_data})
            if i % 50 == 0:
                costs.append(sess.run(cost, feed_dict={X: x_data, Y: y_data}))
        hypothesis_value = sess.run(hypothesis, feed_dict={X: x_data})
    return {"costs": np.array(costs), "hypothesis": hypothesis_value, "names": [X.name, W1.name]}


if __name__ == "__main__":
    print(main())
