"""Linear regression as the classic tutorial writes it: Python-scalar Variables drawn from numpy,
"float" placeholders, a per-sample feed loop and a summed squared cost."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def main():
    tf.reset_default_graph()
    rng = np.random.RandomState(7)
    learning_rate = 0.01
    training_epochs = 20
    train_X = np.asarray([3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167,
                          7.042, 10.791, 5.313, 7.997, 5.654, 9.27, 3.1])
    train_Y = np.asarray([1.7, 2.76, 2.09, 3.19, 1.694, 1.573, 3.366, 2.596, 2.53, 1.221,
                          2.827, 3.465, 1.65, 2.904, 2.42, 2.94, 1.3])
    n_samples = train_X.shape[0]

    X = tf.placeholder("float")
    Y = tf.placeholder("float")
    W = tf.Variable(rng.randn(), name="weight")
    b = tf.Variable(rng.randn(), name="bias")
    pred = tf.add(tf.multiply(X, W), b)
    cost = tf.reduce_sum(tf.pow(pred - Y, 2)) / (2 * n_samples)
    optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)
    init = tf.global_variables_initializer()

    costs = []
    with tf.Session() as sess:
        sess.run(init)
        for _ in range(training_epochs):
            for (x, y) in zip(train_X, train_Y):
                sess.run(optimizer, feed_dict={X: x, Y: y})
            costs.append(sess.run(cost, feed_dict={X: train_X, Y: train_Y}))
        weight, bias = sess.run(W), sess.run(b)
        test_X = np.asarray([6.83, 4.668, 8.9, 7.91, 5.7, 8.7, 3.1, 2.1])
        prediction = sess.run(pred, feed_dict={X: test_X})
    return {"costs": np.array(costs), "weight": weight, "bias": bias, "prediction": prediction,
            "weight_dtype": W.dtype.base_dtype.name, "names": [W.name, b.name]}


if __name__ == "__main__":
    print(main())
