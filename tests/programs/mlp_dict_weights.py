"""A two-hidden-layer perceptron with dicts of weights and biases, Adam and
softmax_cross_entropy_with_logits (the v1 name), as the classic MLP tutorial."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 2e-4, 1e-5


def main():
    tf.reset_default_graph()
    images, _, labels = digits(256)
    n_hidden_1, n_hidden_2, n_input, n_classes = 32, 16, 64, 10

    X = tf.placeholder("float", [None, n_input])
    Y = tf.placeholder("float", [None, n_classes])
    weights = {
        'h1': tf.Variable(normal([n_input, n_hidden_1], 1)),
        'h2': tf.Variable(normal([n_hidden_1, n_hidden_2], 2)),
        'out': tf.Variable(normal([n_hidden_2, n_classes], 3)),
    }
    biases = {
        'b1': tf.Variable(normal([n_hidden_1], 4)),
        'b2': tf.Variable(normal([n_hidden_2], 5)),
        'out': tf.Variable(normal([n_classes], 6)),
    }

    def multilayer_perceptron(x):
        layer_1 = tf.add(tf.matmul(x, weights['h1']), biases['b1'])
        layer_2 = tf.add(tf.matmul(layer_1, weights['h2']), biases['b2'])
        return tf.matmul(layer_2, weights['out']) + biases['out']

    logits = multilayer_perceptron(X)
    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    optimizer = tf.train.AdamOptimizer(learning_rate=0.01)
    train_op = optimizer.minimize(loss_op)
    pred = tf.nn.softmax(logits)
    correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))

    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _epoch in range(8):
            for start in range(0, 256, 64):
                _, c = sess.run([train_op, loss_op], feed_dict={X: images[start:start + 64],
                                                                 Y: labels[start:start + 64]})
            losses.append(c)
        acc = sess.run(accuracy, feed_dict={X: images, Y: labels})
        out_weights = sess.run(weights['out'])
    return {"losses": np.array(losses), "accuracy": acc, "out_weights": out_weights,
            "variables": [v.name for v in tf.global_variables()]}


if __name__ == "__main__":
    print(main())
