"""A dense autoencoder with sigmoid encoder/decoder layers, RMSProp and a mean squared error,
as the classic tutorial (weights dicts built from numpy values instead of random_normal)."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 2e-4, 1e-6


def main():
    tf.reset_default_graph()
    images, _, _ = digits(128)
    num_hidden_1, num_hidden_2, num_input = 32, 8, 64
    X = tf.placeholder("float", [None, num_input])
    weights = {
        'encoder_h1': tf.Variable(normal([num_input, num_hidden_1], 21, 0.3)),
        'encoder_h2': tf.Variable(normal([num_hidden_1, num_hidden_2], 22, 0.3)),
        'decoder_h1': tf.Variable(normal([num_hidden_2, num_hidden_1], 23, 0.3)),
        'decoder_h2': tf.Variable(normal([num_hidden_1, num_input], 24, 0.3)),
    }
    biases = {
        'encoder_b1': tf.Variable(normal([num_hidden_1], 25)),
        'encoder_b2': tf.Variable(normal([num_hidden_2], 26)),
        'decoder_b1': tf.Variable(normal([num_hidden_1], 27)),
        'decoder_b2': tf.Variable(normal([num_input], 28)),
    }

    def encoder(x):
        layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights['encoder_h1']), biases['encoder_b1']))
        return tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights['encoder_h2']), biases['encoder_b2']))

    def decoder(x):
        layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights['decoder_h1']), biases['decoder_b1']))
        return tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights['decoder_h2']), biases['decoder_b2']))

    encoder_op = encoder(X)
    decoder_op = decoder(encoder_op)
    y_pred, y_true = decoder_op, X
    loss = tf.reduce_mean(tf.pow(y_true - y_pred, 2))
    optimizer = tf.train.RMSPropOptimizer(0.01).minimize(loss)

    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(1, 21):
            batch_x = images[(i % 4) * 32:(i % 4 + 1) * 32]
            _, l = sess.run([optimizer, loss], feed_dict={X: batch_x})
            losses.append(l)
        codes = sess.run(encoder_op, feed_dict={X: images[:4]})
        reconstruction = sess.run(decoder_op, feed_dict={X: images[:2]})
    return {"losses": np.array(losses), "codes": codes, "reconstruction": reconstruction}


if __name__ == "__main__":
    print(main())
