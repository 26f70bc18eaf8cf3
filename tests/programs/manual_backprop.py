"""Back-propagation written by hand, as in lecture labs: sigmoid layers, the chain rule with
tf.matmul / tf.transpose, updates through a list of tf.assign ops, checked against tf.gradients
of the same loss."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def sigma(x):
    return tf.div(tf.constant(1.0), tf.add(tf.constant(1.0), tf.exp(-x)))


def sigma_prime(x):
    return sigma(x) * (1 - sigma(x))


def main():
    tf.reset_default_graph()
    images, _, labels = digits(64)
    X = tf.placeholder(tf.float32, [None, 64])
    Y = tf.placeholder(tf.float32, [None, 10])
    w1 = tf.Variable(normal([64, 16], 211, 0.3))
    b1 = tf.Variable(tf.zeros([1, 16]))
    w2 = tf.Variable(normal([16, 10], 212, 0.3))
    b2 = tf.Variable(tf.zeros([1, 10]))
    l1 = tf.add(tf.matmul(X, w1), b1)
    a1 = sigma(l1)
    l2 = tf.add(tf.matmul(a1, w2), b2)
    y_pred = sigma(l2)
    assert_loss = tf.reduce_sum(tf.square(y_pred - Y)) / 2
    diff = y_pred - Y
    d_l2 = diff * sigma_prime(l2)
    d_b2 = tf.reduce_sum(d_l2, axis=0, keepdims=True)
    d_w2 = tf.matmul(tf.transpose(a1), d_l2)
    d_a1 = tf.matmul(d_l2, tf.transpose(w2))
    d_l1 = d_a1 * sigma_prime(l1)
    d_b1 = tf.reduce_sum(d_l1, axis=0, keepdims=True)
    d_w1 = tf.matmul(tf.transpose(X), d_l1)
    auto = tf.gradients(assert_loss, [w1, b1, w2, b2])
    learning_rate = 0.05
    # Every gradient before any assignment: without this, TensorFlow may compute d_w1 from an
    # already updated w2 (the tutorials' version races).
    with tf.control_dependencies([d_w1, d_b1, d_w2, d_b2]):
        step = [
            tf.assign(w1, w1 - learning_rate * d_w1),
            tf.assign(b1, b1 - learning_rate * d_b1),
            tf.assign(w2, w2 - learning_rate * d_w2),
            tf.assign(b2, b2 - learning_rate * d_b2),
        ]
    feed = {X: images, Y: labels}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        manual, automatic = sess.run([[d_w1, d_b1, d_w2, d_b2], auto], feed)
        losses = []
        for _ in range(5):
            sess.run(step, feed_dict=feed)
            losses.append(sess.run(assert_loss, feed))
    matches = all(np.allclose(m, a, rtol=1e-4, atol=1e-6) for m, a in zip(manual, automatic))
    return {"manual_matches_auto": matches, "manual_w2": manual[2], "losses": np.array(losses)}


if __name__ == "__main__":
    print(main())
