"""Integer class labels fed as a [None, 1] column, one_hot then reshape to [-1, classes], and the
labels passed as tf.stop_gradient([Y_one_hot]) (a list around the tensor, rank 3), as a
popular lecture-lab classifier does; GradientDescent, argmax accuracy, per-row predictions."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def main():
    tf.reset_default_graph()
    images, labels, _ = digits(150)
    nb_classes = 10
    X = tf.placeholder(tf.float32, [None, 64])
    Y = tf.placeholder(tf.int32, [None, 1])
    Y_one_hot = tf.one_hot(Y, nb_classes)
    one_hot_shape = Y_one_hot.get_shape().as_list()
    Y_one_hot = tf.reshape(Y_one_hot, [-1, nb_classes])
    W = tf.Variable(normal([64, nb_classes], 241, 0.1), name='weight')
    b = tf.Variable(normal([nb_classes], 242, 0.1), name='bias')
    logits = tf.matmul(X, W) + b
    hypothesis = tf.nn.softmax(logits)
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits,
                                                                     labels=tf.stop_gradient([Y_one_hot])))
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.5).minimize(cost)
    prediction = tf.argmax(hypothesis, 1)
    correct_prediction = tf.equal(prediction, tf.argmax(Y_one_hot, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    y_data = labels.reshape(-1, 1).astype(np.int32)
    history = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(30):
            sess.run(optimizer, feed_dict={X: images, Y: y_data})
            if step % 10 == 0:
                history.append(sess.run([cost, accuracy], feed_dict={X: images, Y: y_data}))
        pred = sess.run(prediction, feed_dict={X: images[:12]})
    return {"history": np.array(history), "pred": pred, "one_hot_shape": one_hot_shape,
            "reshaped_shape": Y_one_hot.get_shape().as_list()}


if __name__ == "__main__":
    print(main())
