"""A raw convolutional network: conv2d/max_pool wrappers, a keep_prob placeholder for dropout
(fed 1.0, so the run is deterministic), dict weights, Adam, and an accuracy fetched by feed."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 5e-4, 1e-5


def conv2d(x, W, b, strides=1):
    x = tf.nn.conv2d(x, W, strides=[1, strides, strides, 1], padding='SAME')
    x = tf.nn.bias_add(x, b)
    return tf.nn.relu(x)


def maxpool2d(x, k=2):
    return tf.nn.max_pool(x, ksize=[1, k, k, 1], strides=[1, k, k, 1], padding='SAME')


def main():
    tf.reset_default_graph()
    images, _, labels = digits(128)
    X = tf.placeholder(tf.float32, [None, 64])
    Y = tf.placeholder(tf.float32, [None, 10])
    keep_prob = tf.placeholder(tf.float32)
    weights = {
        'wc1': tf.Variable(normal([3, 3, 1, 8], 11, 0.3)),
        'wc2': tf.Variable(normal([3, 3, 8, 16], 12, 0.1)),
        'wd1': tf.Variable(normal([2 * 2 * 16, 32], 13, 0.1)),
        'out': tf.Variable(normal([32, 10], 14, 0.1)),
    }
    biases = {
        'bc1': tf.Variable(tf.zeros([8])),
        'bc2': tf.Variable(tf.zeros([16])),
        'bd1': tf.Variable(tf.zeros([32])),
        'out': tf.Variable(tf.zeros([10])),
    }

    def conv_net(x, dropout):
        x = tf.reshape(x, shape=[-1, 8, 8, 1])
        conv1 = maxpool2d(conv2d(x, weights['wc1'], biases['bc1']))
        conv2 = maxpool2d(conv2d(conv1, weights['wc2'], biases['bc2']))
        fc1 = tf.reshape(conv2, [-1, weights['wd1'].get_shape().as_list()[0]])
        fc1 = tf.nn.relu(tf.add(tf.matmul(fc1, weights['wd1']), biases['bd1']))
        fc1 = tf.nn.dropout(fc1, dropout)
        return tf.add(tf.matmul(fc1, weights['out']), biases['out'])

    logits = conv_net(X, keep_prob)
    prediction = tf.nn.softmax(logits)
    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    train_op = tf.train.AdamOptimizer(learning_rate=0.01).minimize(loss_op)
    correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(10):
            batch = slice((step % 4) * 32, (step % 4 + 1) * 32)
            sess.run(train_op, feed_dict={X: images[batch], Y: labels[batch], keep_prob: 1.0})
            loss, acc = sess.run([loss_op, accuracy], feed_dict={X: images[batch], Y: labels[batch],
                                                                 keep_prob: 1.0})
            losses.append(loss)
        final_accuracy = sess.run(accuracy, feed_dict={X: images, Y: labels, keep_prob: 1.0})
        first_kernel = sess.run(weights['wc1'])
    return {"losses": np.array(losses), "accuracy": final_accuracy, "first_kernel": first_kernel,
            "logits_shape": logits.get_shape().as_list()}


if __name__ == "__main__":
    print(main())
